"""The demo loaded once for a whole test module: its services commit (they are durable), so the test's own
transaction cannot roll it back; the database is flushed after the module instead."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from bianban.demo.loader import DemoResult, load_demo


@contextmanager
def demo_loaded(django_db_blocker: Any, **kwargs: Any) -> Iterator[DemoResult]:
    """`load_demo(**kwargs)` for the duration of the block, then flush (content types are recreated by flush, so
    their cache is cleared too)."""
    with django_db_blocker.unblock():
        try:
            yield load_demo(**kwargs)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()
