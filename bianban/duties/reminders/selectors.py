"""Reads of the reminder lists. A user sees only their own list; nobody reads another's."""

from typing import Any

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from bianban.core.exceptions import NotFound
from bianban.duties.models import Reminder


def reminders_for_user(user: Any, *, include_dismissed: bool = False, kind: str = "") -> QuerySet[Reminder]:
    """The user's reminders, overdue first (annotated `overdue`: due before today), then by date."""
    if not getattr(user, "is_authenticated", False):
        return Reminder.objects.none()
    today = timezone.localdate()
    qs = Reminder.objects.filter(user=user).annotate(
        overdue=Case(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()))
    if not include_dismissed:
        qs = qs.filter(dismissed_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-overdue", "due_on", "pk")


def reminder_get_for_user(user: Any, pk: int) -> Reminder:
    reminder = reminders_for_user(user, include_dismissed=True).filter(pk=pk).first()
    if reminder is None:
        raise NotFound("提醒不存在或无权访问")
    return reminder
