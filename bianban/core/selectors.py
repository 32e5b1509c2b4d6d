"""Reads owned by core, for users holding the matching permission."""

from typing import Any

from django.db.models import QuerySet

from bianban.core.access import can
from bianban.core.models import AuditEvent, WorkdayOverride


def audit_events_for_user(user: Any, *, action: str = "", target_type_id: int | None = None,
                          target_id: str = "", unit_id: int | None = None) -> QuerySet[AuditEvent]:
    if not can(user, "audit.view"):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("actor", "target_type")
    if action:
        qs = qs.filter(action__startswith=action)
    if target_type_id and target_id:
        qs = qs.filter(target_type_id=target_type_id, target_id=target_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def workday_overrides_for_user(user: Any, year: int | None = None) -> QuerySet[WorkdayOverride]:
    qs = WorkdayOverride.objects.all()
    return qs.filter(date__year=year) if year else qs
