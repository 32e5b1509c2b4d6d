"""Fixtures of the reminders tests: reminder settings pointed at fake sources, whose reports a test sets."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bianban.duties.reminders.due import Due

FAKE = "bianban.duties.tests.reminders_fixtures.fake_source"
BROKEN = "bianban.duties.tests.reminders_fixtures.broken_source"
MISSING = "bianban.duties.nonexistent.due.due"

_reported: list[Due] = []


def fake_source(on: date, horizon_days: int) -> list[Due]:
    return list(_reported)


def broken_source(on: date, horizon_days: int) -> list[Due]:
    raise RuntimeError("source failed")


@pytest.fixture
def reminder_config(settings: Any) -> Callable[..., None]:
    """Set settings BIANBAN REMINDERS (sources default: the fake one only); restored after the test."""

    def configure(sources: list[str] | None = None, **values: Any) -> None:
        reminders = {**settings.BIANBAN["REMINDERS"], "SOURCES": sources or [FAKE], **values}
        settings.BIANBAN = {**settings.BIANBAN, "REMINDERS": reminders}

    configure()
    return configure


@pytest.fixture
def report(reminder_config: Any) -> Callable[..., None]:
    """report(*dues): what the fake source reports from now on."""
    _reported.clear()

    def set_report(*dues: Due) -> None:
        _reported[:] = dues

    yield set_report
    _reported.clear()


def due(key: str, due_on: date, *users: Any, title: str = "", kind: str = "duty", url: str = "/x/") -> Due:
    return Due(kind=kind, key=key, title=title or f"事项 {key}", due_on=due_on, url=url,
               user_ids=frozenset(u.pk for u in users))
