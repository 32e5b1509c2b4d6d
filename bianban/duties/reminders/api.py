"""/api/v1/reminders: the requester's own reminder list. Another user's entry is 404."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from bianban.core.params import Id, Pagination
from bianban.duties.choices import ReminderKind
from bianban.duties.models import Reminder
from bianban.duties.reminders import selectors, services

router = Router()


class ReminderOut(Schema):
    id: int
    kind: str
    kind_label: str
    key: str
    title: str
    due_on: date
    overdue: bool
    url: str
    refreshed_on: date
    dismissed_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: Reminder) -> str:
        return obj.get_kind_display()


@router.get("/reminders", response=list[ReminderOut], summary="我的待办提醒")
@paginate(Pagination)
def reminder_list(request: HttpRequest, kind: ReminderKind | None = None,
                  include_dismissed: bool = False) -> QuerySet[Reminder]:
    return selectors.reminders_for_user(request.user, include_dismissed=include_dismissed, kind=kind or "")


@router.post("/reminders/{reminder_id}/dismiss", response=ReminderOut, summary="知晓（不再提醒，到期日变化时恢复）")
def reminder_dismiss(request: HttpRequest, reminder_id: Id) -> Reminder:
    reminder = selectors.reminder_get_for_user(request.user, reminder_id)
    services.reminder_dismiss(actor=request.user, reminder=reminder)
    return selectors.reminder_get_for_user(request.user, reminder_id)


@router.post("/reminders/{reminder_id}/restore", response=ReminderOut, summary="恢复提醒")
def reminder_restore(request: HttpRequest, reminder_id: Id) -> Reminder:
    reminder = selectors.reminder_get_for_user(request.user, reminder_id)
    services.reminder_restore(actor=request.user, reminder=reminder)
    return selectors.reminder_get_for_user(request.user, reminder_id)
