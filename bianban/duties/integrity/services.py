"""Writes of the integrity key dates (廉政重要节点): the year's holidays generated from the calendar, custom dates, and
marking a reminder done. Seed 一(六): "重点抓好元旦春节、中秋国庆等重要节点廉洁自律工作，开展廉政提醒".

A key date's reminder falls `lead_workdays` working days before it (`remind_on`). A reminder whose day has already
passed is refused (issue 6, "Bad input": reminders for a date in the past): it could never be sent in time. Services
take `today` so that records of a past year (the demo's 2023) can be entered as of their own time.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.duties.choices import KeyDateSource
from bianban.duties.integrity.holidays import holiday_dates, subtract_workdays
from bianban.duties.models import KeyDate
from bianban.party.access import require_branch
from bianban.party.models import Branch, Member

_FIELDS = ["name", "on", "source", "lead_workdays", "remind_on", "actions", "talk_required", "done_on", "done_note"]
_KEEP: Any = object()
DEFAULT_ACTIONS = "发送节前廉政提醒，重申廉洁自律纪律要求"
TALK_ACTION = "开展节前廉政谈话"
Errors = dict[str, list[str]]


@dataclass
class GenerateResult:
    """What `keydates_generate` did: the key dates created, and those it left out with why."""

    created: list[KeyDate] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # "春节（2023-01-21）": already registered
    past: list[str] = field(default_factory=list)  # "元旦（2022-12-31，提醒日期2022-12-26）": 提醒日期已过
    not_computable: list[str] = field(default_factory=list)  # lunar festivals of a year the package lacks
    note: str = ""

    @property
    def message(self) -> str:
        parts = [f"已生成{len(self.created)}个节点"]
        if self.existing:
            parts.append(f"已登记而跳过：{'、'.join(self.existing)}")
        if self.past:
            parts.append(f"提醒日期已过而跳过：{'、'.join(self.past)}")
        if self.note:
            parts.append(self.note)
        return "；".join(parts)


def _raise(errors: Errors) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _check_assignees(branch: Branch, assignees: Sequence[Member], errors: Errors) -> None:
    strangers = [m for m in assignees if m.branch_id != branch.pk or m.left_on is not None]
    if strangers:
        errors.setdefault("assignees", []).append(f"{'、'.join(map(str, strangers))}不是本支部现有党员")


def _lead_ok(lead: Any, errors: Errors) -> bool:
    if lead is None or isinstance(lead, bool) or not isinstance(lead, int) or lead < 0:
        errors.setdefault("lead_workdays", []).append("提前天数应为不小于0的整数（工作日）")
        return False
    if lead > 60:
        errors.setdefault("lead_workdays", []).append("提前天数不能超过60个工作日")
        return False
    return True


def _remind_on(on: date | None, lead: Any, errors: Errors) -> date | None:
    """The reminder date, or None (with the errors noted) when the date or the lead is missing or bad."""
    if on is None:
        errors.setdefault("on", []).append("请填写节点日期")
    if not _lead_ok(lead, errors) or on is None:
        return None
    return subtract_workdays(on, lead)


def _check_not_past(name: str, on: date, lead: int, remind_on: date, today: date, errors: Errors) -> None:
    if remind_on < today:
        errors.setdefault("on", []).append(
            f"提醒日期已过：{name}（{on:%Y-%m-%d}）提前{lead}个工作日的提醒日期为{remind_on:%Y-%m-%d}，"
            f"早于今天（{today:%Y-%m-%d}），无法按时提醒；请调整节点日期或提前天数")


def _check_unique(branch: Branch, name: str, on: date | None, errors: Errors, exclude: int | None = None) -> None:
    if on is None or not name:
        return
    clash = KeyDate.objects.filter(branch=branch, name=name, on=on)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        errors.setdefault("name", []).append(f"该节点已登记：{name}（{on:%Y-%m-%d}）")


def _audit(actor: Any, action: str, key_date: KeyDate, before: dict[str, Any], reason: str = "") -> None:
    after = {**snapshot(key_date, _FIELDS), "assignees": sorted(key_date.assignees.values_list("pk", flat=True))}
    audit(actor=actor, action=action, target=key_date, unit_id=key_date.branch.unit_id, changes=diff(before, after),
          reason=reason)


@transaction.atomic(durable=True)
def keydate_create(*, actor: Any, branch: Branch, name: str, on: date | None, lead_workdays: int | None,
                   actions: str, assignees: Sequence[Member] = (), talk_required: bool = False,
                   today: date | None = None) -> KeyDate:
    """A custom key date (e.g. a 中秋 entered by hand for a year the calendar lacks, or 七一). Its reminder date
    must not be past."""
    require_branch(actor, branch)
    name, actions = (name or "").strip(), (actions or "").strip()
    errors: Errors = {}
    if not name:
        errors["name"] = ["请填写节点名称"]
    elif len(name) > 50:
        errors["name"] = ["节点名称不能超过50个字"]
    if not actions:
        errors["actions"] = ["请填写提醒事项（如：发送节前廉政提醒、开展廉政谈话）"]
    remind_on = _remind_on(on, lead_workdays, errors)
    if remind_on is not None and on is not None:
        _check_not_past(name, on, lead_workdays, remind_on, _today(today), errors)
    _check_assignees(branch, assignees, errors)
    _check_unique(branch, name, on, errors)
    _raise(errors)
    key_date = KeyDate.objects.create(
        branch=branch, name=name, on=on, source=KeyDateSource.CUSTOM, lead_workdays=lead_workdays,
        remind_on=remind_on, actions=actions, talk_required=talk_required,
        created_by=actor if getattr(actor, "pk", None) else None)
    key_date.assignees.set(assignees)
    _audit(actor, "keydate.create", key_date, {})
    return key_date


@transaction.atomic(durable=True)
def keydates_generate(*, actor: Any, branch: Branch, year: int, lead_workdays: int | None = None,
                      assignees: Sequence[Member] = (), actions: str = "", talk_required: bool = False,
                      today: date | None = None) -> GenerateResult:
    """The year's holiday key dates (integrity/holidays.py), each with its reminder `lead_workdays` working days
    before (default settings.BIANBAN["KEY_DATE_LEAD_WORKDAYS"]). Dates already registered and dates whose
    reminder day has passed are skipped and reported, not refused: the rest of the year is still worth having."""
    require_branch(actor, branch)
    lead = settings.BIANBAN["KEY_DATE_LEAD_WORKDAYS"] if lead_workdays is None else lead_workdays
    errors: Errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = ["年度应为2000至2100之间的整数"]
    _lead_ok(lead, errors)
    _check_assignees(branch, assignees, errors)
    _raise(errors)
    actions = (actions or "").strip() or (f"{DEFAULT_ACTIONS}；{TALK_ACTION}" if talk_required else DEFAULT_ACTIONS)
    holidays = holiday_dates(year)
    result = GenerateResult(not_computable=holidays.missing, note=holidays.missing_note)
    existing = set(KeyDate.objects.filter(branch=branch).values_list("name", "on"))
    now = _today(today)
    for holiday in holidays.dates:
        label = f"{holiday.name}（{holiday.on:%Y-%m-%d}）"
        if (holiday.name, holiday.on) in existing:
            result.existing.append(label)
            continue
        remind_on = subtract_workdays(holiday.on, lead)
        if remind_on < now:
            result.past.append(f"{holiday.name}（{holiday.on:%Y-%m-%d}，提醒日期{remind_on:%Y-%m-%d}）")
            continue
        key_date = KeyDate.objects.create(
            branch=branch, name=holiday.name, on=holiday.on, source=KeyDateSource.HOLIDAY, lead_workdays=lead,
            remind_on=remind_on, actions=actions, talk_required=talk_required,
            created_by=actor if getattr(actor, "pk", None) else None)
        key_date.assignees.set(assignees)
        _audit(actor, "keydate.generate", key_date, {}, reason=f"{year}年法定节假日")
        result.created.append(key_date)
    return result


@transaction.atomic(durable=True)
def keydate_update(*, actor: Any, key_date: KeyDate, name: Any = _KEEP, on: Any = _KEEP, lead_workdays: Any = _KEEP,
                   actions: Any = _KEEP, assignees: Any = _KEEP, talk_required: Any = _KEEP,
                   today: date | None = None) -> KeyDate:
    """Correct a key date; fields not given keep their value. A new date or lead recomputes the reminder date,
    which again must not be past."""
    key_date = KeyDate.objects.select_for_update(of=("self",)).select_related("branch").get(pk=key_date.pk)
    branch = key_date.branch
    require_branch(actor, branch)
    before = {**snapshot(key_date, _FIELDS), "assignees": sorted(key_date.assignees.values_list("pk", flat=True))}
    new_name = key_date.name if name is _KEEP else (name or "").strip()
    new_on = key_date.on if on is _KEEP else on
    new_lead = key_date.lead_workdays if lead_workdays is _KEEP else lead_workdays
    new_actions = key_date.actions if actions is _KEEP else (actions or "").strip()
    errors: Errors = {}
    if not new_name:
        errors["name"] = ["请填写节点名称"]
    elif len(new_name) > 50:
        errors["name"] = ["节点名称不能超过50个字"]
    if not new_actions:
        errors["actions"] = ["请填写提醒事项（如：发送节前廉政提醒、开展廉政谈话）"]
    remind_on = _remind_on(new_on, new_lead, errors)
    moved = remind_on is not None and remind_on != key_date.remind_on
    if moved and new_on is not None and key_date.done_on is None:
        _check_not_past(new_name, new_on, new_lead, remind_on, _today(today), errors)
    if assignees is not _KEEP:
        _check_assignees(branch, assignees, errors)
    _check_unique(branch, new_name, new_on, errors, exclude=key_date.pk)
    _raise(errors)
    key_date.name, key_date.on, key_date.lead_workdays, key_date.actions = new_name, new_on, new_lead, new_actions
    key_date.remind_on = remind_on
    if talk_required is not _KEEP:
        key_date.talk_required = bool(talk_required)
    key_date.save()
    if assignees is not _KEEP:
        key_date.assignees.set(assignees)
    _audit(actor, "keydate.update", key_date, before)
    return key_date


@transaction.atomic(durable=True)
def keydate_mark_done(*, actor: Any, key_date: KeyDate, done_on: date | None, note: str = "",
                      today: date | None = None) -> KeyDate:
    """Record that the reminder was given (and the talk held, where one is required). Once only: two users
    marking it at the same time get one success and one conflict."""
    require_branch(actor, key_date.branch)
    if done_on is None:
        raise ValidationFailed.on("done_on", "请填写落实日期")
    if done_on > _today(today):
        raise ValidationFailed.on("done_on", "落实日期不能晚于今天：只登记已经落实的提醒")
    note = (note or "").strip()
    updated = KeyDate.objects.filter(pk=key_date.pk, done_on__isnull=True).update(done_on=done_on, done_note=note)
    if updated != 1:
        raise Conflict("该节点已标记为落实，请刷新后查看")
    key_date.done_on, key_date.done_note = done_on, note
    audit(actor=actor, action="keydate.done", target=key_date, unit_id=key_date.branch.unit_id,
          changes={"done_on": [None, done_on], "done_note": ["", note]})
    return key_date


@transaction.atomic(durable=True)
def keydate_delete(*, actor: Any, key_date: KeyDate) -> None:
    """Remove a key date registered by mistake (its reminders go with it at the next refresh)."""
    key_date = KeyDate.objects.select_for_update(of=("self",)).select_related("branch").get(pk=key_date.pk)
    require_branch(actor, key_date.branch)
    before = snapshot(key_date, _FIELDS)
    audit(actor=actor, action="keydate.delete", target=key_date, unit_id=key_date.branch.unit_id,
          changes={k: [v, None] for k, v in before.items()})
    key_date.delete()
