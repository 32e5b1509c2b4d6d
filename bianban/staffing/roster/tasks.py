"""The roster import as a background task (django-tasks): the database worker in production, run at once by
the immediate backend in tests."""

from django_tasks import task

from bianban.staffing.roster.services import roster_import_run


@task()
def run_roster_import(import_id: int) -> str:
    """Validate, and unless it is a dry run import, one uploaded roster; returns the final status."""
    return roster_import_run(import_id=import_id)
