"""Background work of the reminder lists, run by the task worker (django-tasks); queued daily by `bianban
scheduler` (settings BIANBAN DAILY_TASKS)."""

from typing import Any

from django_tasks import task

from bianban.duties.reminders.mail import reminder_digests_send
from bianban.duties.reminders.services import reminders_refresh


@task()
def refresh_reminders() -> dict[str, Any]:
    """Daily: rebuild every user's reminder list from the sources, then e-mail the digests (when enabled). The
    mail goes after the refresh has committed, so a slow or failing SMTP server never holds or undoes it."""
    result = reminders_refresh()
    sent = reminder_digests_send()
    return {"created": result.created, "updated": result.updated, "deleted": result.deleted,
            "failed": list(result.failed), "emailed": sent}
