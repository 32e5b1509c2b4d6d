"""Writes of the filings: 设立 / 变更 / 注销 登记 going through the authority's steps (domain.md §3.2):

    [待申请 | 清算中] → 已申请 → 已受理 | 不予受理 → 审查中 → 已核准 | 不予登记 → 已发证 → 已公告

A 变更 or 设立 may be recorded before the unit applies (applied_on empty: 待申请, the filing deadline runs); a 注销
starts in 清算中 (its deadline runs from the end of 清算). On 核准 the register changes in the same transaction
(the registration area's `..._within` services): 设立 creates the Registration, 变更 writes the changed items to it
and to the unit's 沿革, 注销 cancels it. On 发证 a new certificate replaces the old one (设立/变更), or the
certificates are collected (注销). Each step is a FilingEvent and an AuditEvent; a step is compare-and-swap on
the status, so two clerks recording the same step cannot both succeed.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.core.audit import audit
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.registration.choices import CancelReason, ChangeItem, FilingKind, FilingStatus, RegistrationStatus
from bianban.registration.filings import checklists
from bianban.registration.filings import validation as v
from bianban.registration.models import Filing, FilingEvent, Registration
from bianban.registration.registrations.services import require
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit

S = FilingStatus
# Steps after the application; 待申请 (APPLIED without applied_on) and 清算中 lead to 已申请 (see next_steps).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.APPLIED: (S.ACCEPTED, S.NOT_ACCEPTED),
    S.ACCEPTED: (S.REVIEWING,),
    S.REVIEWING: (S.APPROVED, S.REFUSED),
    S.APPROVED: (S.CERTIFIED,),
    S.CERTIFIED: (S.PUBLISHED,),
}
REASON_REQUIRED = {S.NOT_ACCEPTED: "不予受理", S.REFUSED: "不予登记"}
DATE_FIELDS = {S.APPLIED: "applied_on", S.ACCEPTED: "accepted_on", S.NOT_ACCEPTED: "decided_on",
               S.APPROVED: "decided_on", S.REFUSED: "decided_on", S.CERTIFIED: "certified_on",
               S.PUBLISHED: "published_on"}
# A registration has one filing in progress at a time: a second one would be judged against stale values.
IN_PROGRESS = (S.LIQUIDATING, S.APPLIED, S.ACCEPTED, S.REVIEWING, S.APPROVED)
CONFLICT = "已被他人修改，请刷新后重试"


def is_pending(filing: Filing) -> bool:
    """待申请: recorded, but the unit has not applied yet."""
    return filing.status == S.APPLIED and filing.applied_on is None


def next_steps(filing: Filing) -> list[str]:
    """The statuses the filing may move to now (清算中 → 清算中 records the end of 清算)."""
    if filing.status == S.LIQUIDATING:
        return [S.APPLIED] if filing.occurred_on else [S.LIQUIDATING, S.APPLIED]
    if is_pending(filing):
        return [S.APPLIED]
    return list(TRANSITIONS.get(filing.status, ()))


def step_label(filing: Filing, to_status: str) -> str:
    """The button's words for a step."""
    if to_status == S.LIQUIDATING:
        return "清算结束"
    if to_status == S.APPLIED:
        return "提交注销申请" if filing.kind == FilingKind.CANCEL else "提交申请"
    if to_status == S.CERTIFIED and filing.kind == FilingKind.CANCEL:
        return "收缴证书和印章"
    return {S.ACCEPTED: "受理", S.NOT_ACCEPTED: "不予受理", S.REVIEWING: "开始审查", S.APPROVED: "核准登记",
            S.REFUSED: "不予登记", S.CERTIFIED: "发证", S.PUBLISHED: "公告"}[to_status]


def status_label(filing: Filing) -> str:
    return "待申请" if is_pending(filing) else filing.get_status_display()


def _event(*, actor: Any, filing: Filing, from_status: str, to_status: str, on: date, note: str = "") -> None:
    FilingEvent.objects.create(filing=filing, from_status=from_status, to_status=to_status, on=on, note=note,
                               actor=actor if getattr(actor, "pk", None) else None)


def _busy(registration: Registration) -> None:
    busy = registration.filings.filter(status__in=IN_PROGRESS).first()
    if busy is not None:
        message = f"该单位已有办理中的{busy.get_kind_display()}（{status_label(busy)}），办结后再申请"
        raise ValidationFailed.on("registration", message)


def _created(*, actor: Any, filing: Filing, on: date, summary: str) -> Filing:
    filing.created_by = actor if getattr(actor, "pk", None) else None
    filing.full_clean()
    filing.save()
    _event(actor=actor, filing=filing, from_status="", to_status=filing.status, on=on, note=summary)
    audit(actor=actor, action="filing.create", target=filing, unit_id=filing.unit_id,
          changes={"kind": [None, filing.kind], "status": [None, filing.status],
                   "changes": [None, filing.changes or None], "proposed": [None, filing.proposed or None]})
    return filing


# ---------------------------------------------------------------------------------------------------- creating


@transaction.atomic(durable=True)
def filing_create_establish(*, actor: Any, unit: Unit, proposed: dict[str, Any], occurred_on: date | None,
                            applied_on: date | None = None, document_no: str = "", note: str = "") -> Filing:
    """设立登记 of an institution the 审批机关 has approved (`occurred_on`: 批准设立日期); `proposed`: the 登记事项
    applied for (sponsor as a unit or its pk; uscc may wait until 核准). `applied_on` empty: 待申请."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require(actor, unit)
    errors: v.Errors = {}
    if unit.kind != UnitKind.INSTITUTION:
        v.add(errors, "unit", f"“{unit.name}”是{unit.get_kind_display()}，只有事业单位办理设立登记")
    elif unit.status != UnitStatus.ACTIVE:
        v.add(errors, "unit", f"“{unit.name}”已撤销，不能办理设立登记")
    elif Registration.objects.filter(unit=unit).exists():
        v.add(errors, "unit", f"“{unit.name}”已有登记，登记事项变化请办理变更登记")
    elif unit.filings.filter(kind=FilingKind.ESTABLISH, status__in=IN_PROGRESS).exists():
        v.add(errors, "unit", f"“{unit.name}”已有办理中的设立登记")
    values = v.check_proposed(errors, unit, dict(proposed or {}))
    v.check_day(errors, "occurred_on", "批准设立日期", occurred_on)
    v.check_day(errors, "applied_on", "申请日期", applied_on, required=False)
    if isinstance(occurred_on, date) and isinstance(applied_on, date) and applied_on < occurred_on:
        v.add(errors, "applied_on", "申请日期不能早于批准设立日期")
    v.raise_if(errors)
    assert occurred_on is not None
    filing = Filing(unit=unit, kind=FilingKind.ESTABLISH, status=S.APPLIED, occurred_on=occurred_on,
                    applied_on=applied_on, proposed=values, document_no=v.text(document_no), note=v.text(note))
    return _created(actor=actor, filing=filing, on=applied_on or occurred_on, summary="设立登记" + (
        "申请" if applied_on else "（待申请）"))


@transaction.atomic(durable=True)
def filing_create_change(*, actor: Any, registration: Registration, changes: dict[str, Any],
                         occurred_on: date | None, applied_on: date | None = None, document_no: str = "",
                         note: str = "") -> Filing:
    """变更登记 of the items in `changes` ({item: new value}, items of ChangeItem) that changed on `occurred_on`
    (实施细则 Art. 45: filed within 30 working days). A change of 住所 is filed before moving: `occurred_on` is
    then the planned move date and the application may not come after it. `applied_on` empty: 待申请."""
    reg = Registration.objects.select_for_update().select_related("unit").get(pk=registration.pk)
    require(actor, reg.unit)
    if reg.status != RegistrationStatus.ACTIVE:
        raise ValidationFailed.on("registration", f"“{reg.name}”已于{reg.cancelled_on:%Y-%m-%d}注销，不能办理变更登记")
    _busy(reg)
    errors: v.Errors = {}
    values = v.check_changes(errors, reg, dict(changes or {}))
    moving = ChangeItem.ADDRESS in (changes or {})
    v.check_day(errors, "occurred_on", "迁移日期" if moving else "变更日期", occurred_on, future=moving)
    v.check_day(errors, "applied_on", "申请日期", applied_on, required=False)
    if isinstance(occurred_on, date):
        if occurred_on < reg.registered_on:
            v.add(errors, "occurred_on", "变更日期不能早于设立登记日期")
        if isinstance(applied_on, date) and moving and applied_on > occurred_on:
            v.add(errors, "applied_on", "住所变更应在迁移前申请：申请日期不能晚于迁移日期")
        elif isinstance(applied_on, date) and not moving and applied_on < occurred_on:
            v.add(errors, "applied_on", "申请日期不能早于变更日期")
    v.raise_if(errors)
    assert occurred_on is not None
    filing = Filing(unit=reg.unit, registration=reg, kind=FilingKind.CHANGE, status=S.APPLIED,
                    occurred_on=occurred_on, applied_on=applied_on, changes=values,
                    document_no=v.text(document_no), note=v.text(note))
    labels = "、".join(v.ITEM_LABELS[item] for item in values)
    return _created(actor=actor, filing=filing, on=applied_on or min(occurred_on, v.today()),
                    summary=f"变更{labels}" + ("" if applied_on else "（待申请）"))


@transaction.atomic(durable=True)
def filing_create_cancel(*, actor: Any, registration: Registration, cancel_reason: str,
                         liquidation_started_on: date | None, note: str = "", document_no: str = "") -> Filing:
    """注销登记: the institution is dissolved (`cancel_reason`) and 清算 starts; the application follows within
    15 working days after 清算 ends (domain.md §3.2)."""
    reg = Registration.objects.select_for_update().select_related("unit").get(pk=registration.pk)
    require(actor, reg.unit)
    if reg.status != RegistrationStatus.ACTIVE:
        raise ValidationFailed.on("registration", f"“{reg.name}”已注销")
    _busy(reg)
    errors: v.Errors = {}
    if cancel_reason not in CancelReason.values:
        v.add(errors, "cancel_reason", f"请选择注销原因（{'、'.join(CancelReason.labels)}）")
    v.check_day(errors, "liquidation_started_on", "清算开始日期", liquidation_started_on)
    if isinstance(liquidation_started_on, date) and liquidation_started_on < reg.registered_on:
        v.add(errors, "liquidation_started_on", "清算开始日期不能早于设立登记日期")
    v.raise_if(errors)
    assert liquidation_started_on is not None
    filing = Filing(unit=reg.unit, registration=reg, kind=FilingKind.CANCEL, status=S.LIQUIDATING,
                    cancel_reason=cancel_reason, liquidation_started_on=liquidation_started_on,
                    document_no=v.text(document_no), note=v.text(note))
    return _created(actor=actor, filing=filing, on=liquidation_started_on,
                    summary=f"开始清算（{CancelReason(cancel_reason).label}）")


@transaction.atomic(durable=True)
def filing_materials_set(*, actor: Any, filing: Filing, materials: list[str]) -> Filing:
    """Tick the materials received (the whole list). Fixed once the application is accepted."""
    current = Filing.objects.select_for_update().get(pk=filing.pk)
    require(actor, current.unit)
    keys = dict(checklists.checklist(current.kind, current.changes))
    wanted = list(dict.fromkeys(materials or []))
    unknown = [key for key in wanted if key not in keys]
    if unknown:
        raise ValidationFailed.on("materials", f"不是本申请的材料：{'、'.join(unknown)}")
    if current.status not in (S.LIQUIDATING, S.APPLIED):
        raise ValidationFailed.on("materials", "申请已受理或已办结，材料清单不能再修改")
    before = list(current.materials)
    ordered = [key for key in keys if key in wanted]
    if before == ordered:
        return current
    if Filing.objects.filter(pk=current.pk, status=current.status).update(materials=ordered,
                                                                          updated_at=timezone.now()) != 1:
        raise Conflict(CONFLICT)
    current.materials = ordered
    audit(actor=actor, action="filing.materials", target=current, unit_id=current.unit_id,
          changes={"materials": [before, ordered]})
    return current


# -------------------------------------------------------------------------------------------------- transitions


def _floor(filing: Filing) -> date | None:
    """The earliest date the next step may carry: the date of the step before it."""
    last = filing.events.order_by("-created_at", "-pk").first()
    if filing.status == S.LIQUIDATING:
        return filing.occurred_on or filing.liquidation_started_on
    if is_pending(filing):
        moving = ChangeItem.ADDRESS in filing.changes
        return None if moving else filing.occurred_on
    return last.on if last else None


def _check_step(errors: v.Errors, filing: Filing, to_status: str, on: Any, note: str,
                liquidation_ended_on: date | None) -> None:
    v.check_day(errors, "on", "日期", on)
    floor = _floor(filing)
    if isinstance(on, date) and floor and on < floor:
        v.add(errors, "on", f"日期不能早于上一步骤的日期（{floor:%Y-%m-%d}）")
    if isinstance(on, date) and is_pending(filing) and ChangeItem.ADDRESS in filing.changes and filing.occurred_on \
            and on > filing.occurred_on:
        v.add(errors, "on", "住所变更应在迁移前申请：申请日期不能晚于迁移日期")
    if to_status in REASON_REQUIRED and not note:
        v.add(errors, "note", f"请填写{REASON_REQUIRED[to_status]}的理由")
    if to_status == S.ACCEPTED:
        missing = checklists.missing(filing.kind, filing.changes, filing.materials)
        if missing:
            v.add(errors, "materials", f"材料不齐，不能受理，尚缺：{'、'.join(missing)}")
    if filing.status == S.LIQUIDATING and to_status == S.APPLIED and not filing.occurred_on:
        if liquidation_ended_on is None:
            v.add(errors, "liquidation_ended_on", "请填写清算结束日期")
        else:
            v.check_day(errors, "liquidation_ended_on", "清算结束日期", liquidation_ended_on)
            if isinstance(liquidation_ended_on, date):
                if filing.liquidation_started_on and liquidation_ended_on < filing.liquidation_started_on:
                    v.add(errors, "liquidation_ended_on", "清算结束日期不能早于清算开始日期")
                if isinstance(on, date) and on < liquidation_ended_on:
                    v.add(errors, "on", "申请日期不能早于清算结束日期")


@transaction.atomic(durable=True)
def filing_transition(*, actor: Any, filing: Filing, to_status: str, on: date | None, note: str = "",
                      document_no: str = "", certificate_number: str = "", uscc: str = "",
                      uscc_checksum_reason: str = "", liquidation_ended_on: date | None = None,
                      expected_status: str | None = None) -> Filing:
    """Record one step on `on` (not in the future, not before the previous step). `expected_status`: the status
    the actor saw (default: the one on `filing`); if it changed meanwhile → Conflict. 不予受理 / 不予登记 need the
    reason in `note`; 受理 needs every material ticked; 核准 of a 设立 needs the `uscc` (if not applied for);
    发证 of a 设立/变更 needs the `certificate_number`."""
    from bianban.registration.filings import effects  # the register's side of a step

    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the registration.
    current = Filing.objects.select_for_update(of=("self",)).select_related("unit", "registration").get(pk=filing.pk)
    require(actor, current.unit)
    seen = expected_status or filing.status
    if current.status != seen or (filing.applied_on is None) != (current.applied_on is None):
        raise Conflict(CONFLICT)
    note, document_no = v.text(note), v.text(document_no)
    if to_status not in next_steps(current):
        target = S(to_status).label if to_status in S.values else to_status
        raise ValidationFailed.on("to_status", f"“{status_label(current)}”的申请不能办理“{target}”")
    errors: v.Errors = {}
    _check_step(errors, current, to_status, on, note, liquidation_ended_on)
    v.raise_if(errors)
    assert on is not None
    from_status, fields = current.status, {}
    if to_status == S.LIQUIDATING:
        fields["occurred_on"] = on  # 清算结束: the 15-working-day clock of 注销 starts
    elif current.status == S.LIQUIDATING and not current.occurred_on:
        fields["occurred_on"] = liquidation_ended_on
    if to_status in DATE_FIELDS:
        fields[DATE_FIELDS[to_status]] = on
    if document_no:
        fields["document_no"] = document_no
    updated = Filing.objects.filter(pk=current.pk, status=from_status, applied_on=current.applied_on).update(
        status=to_status, updated_at=timezone.now(), **fields)
    if updated != 1:
        raise Conflict(CONFLICT)
    before = {name: getattr(current, name) for name in fields}
    for name, value in fields.items():
        setattr(current, name, value)
    current.status = to_status
    if to_status == S.APPROVED:
        effects.approve(actor=actor, filing=current, on=on, uscc=v.text(uscc),
                        uscc_checksum_reason=v.text(uscc_checksum_reason))
    elif to_status == S.CERTIFIED:
        effects.certify(actor=actor, filing=current, on=on, number=v.text(certificate_number))
    _event(actor=actor, filing=current, from_status=from_status, to_status=to_status, on=on,
           note=note or ("清算结束" if to_status == S.LIQUIDATING else ""))
    audit(actor=actor, action=f"filing.{to_status}", target=current, unit_id=current.unit_id,
          changes={"status": [from_status, to_status], **{k: [before[k], val] for k, val in fields.items()}},
          reason=note)
    return current

