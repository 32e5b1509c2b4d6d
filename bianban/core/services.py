"""Writes owned by core: the working-day overrides."""

from datetime import date
from typing import Any

from django.db import transaction

from bianban.core.audit import audit
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.models import WorkdayOverride


@transaction.atomic(durable=True)
def workday_override_set(*, actor: Any, day: date, is_workday: bool, note: str = "") -> WorkdayOverride:
    """Declare `day` a working day (调休上班) or a day off (法定假日), replacing any earlier entry for it."""
    if not isinstance(day, date):
        raise ValidationFailed.on("date", "请填写有效日期")
    override = WorkdayOverride.objects.select_for_update().filter(date=day).first()
    before = None if override is None else override.is_workday
    if override is None:
        override = WorkdayOverride(date=day)
    override.is_workday = is_workday
    override.note = note.strip()[:100]
    override.save()
    audit(actor=actor, action="workday_override.set", target=override, changes={"is_workday": [before, is_workday]})
    return override


@transaction.atomic(durable=True)
def workday_override_delete(*, actor: Any, override_id: int) -> None:
    override = WorkdayOverride.objects.filter(pk=override_id).first()
    if override is None:
        raise NotFound("该日期调整不存在")
    audit(actor=actor, action="workday_override.delete", target=override,
          changes={"is_workday": [override.is_workday, None]})
    override.delete()
