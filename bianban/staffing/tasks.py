"""Background work of the register, run by the task worker (django-tasks)."""

from django_tasks import task

from bianban.staffing.services import approvals_expire_due


@task()
def expire_approvals() -> int:
    """Daily: release the reservations of approvals whose validity has passed."""
    return approvals_expire_due()
