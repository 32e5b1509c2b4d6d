"""Verification runs as background tasks (django-tasks): the database worker in production, at once in tests."""

from django_tasks import task

from bianban.checks.services import check_run_execute


@task()
def run_check(run_id: int) -> str:
    """Run every rule for a requested CheckRun; returns its final status."""
    return check_run_execute(run_id=run_id).status
