"""Writes of 年度报告 (domain.md §3.4): the institution's report on the year just ended, filled in (by 编办 staff
on its behalf), submitted, reviewed by the 举办单位, then published or returned by the registration authority.

    填报中 --submit--> 待举办单位审查 --sponsor_approve--> 待登记机关审查 --publish--> 已公示
                           |                                   |
                           +-------------return(reason)--------+--> 已退回 --edit, submit--> 待举办单位审查

Every transition is a compare-and-swap on `status` (a concurrent click gets a Conflict, not a double step), inside a
durable transaction that also writes the AuditEvent. Input errors are ValidationFailed with field-keyed Chinese
messages, raised before anything is written.

Rights: filling in, submitting, publishing and returning need units.change on the institution (the authority's
staff); the 举办单位's review needs units.change on the sponsor unit (the office's staff may record it on its behalf,
they hold units.change district-wide).
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.registration.choices import AnnualReportStatus, RegistrationStatus
from bianban.registration.models import AnnualReport, Registration
from bianban.staffing.history import lines_as_of
from bianban.staffing.models import QuotaLine

Errors = dict[str, list[str]]
S = AnnualReportStatus

# The §3.4 contents: (field, label, required to submit). 其他 and the optional figures may stay empty; for 诉讼 /
# 投诉 / 捐赠 the unit writes "无" when there were none, so an empty box means "not yet filled in".
TEXTS: list[tuple[str, str, bool]] = [
    ("business_activities", "开展业务活动情况", True),
    ("change_compliance", "执行变更登记规定情况", True),
    ("performance", "绩效和受奖惩情况", True),
    ("litigation", "涉及诉讼情况", True),
    ("complaints", "社会投诉情况", True),
    ("donations", "接受捐赠资助及使用情况", True),
    ("other", "其他", False),
]
# 资产损益情况: 净资产 年初数/年末数 in 万元 with 2 decimals (domain.md §3.4); 收入/支出 optional.
AMOUNTS: list[tuple[str, str, bool]] = [
    ("net_assets_start", "净资产年初数", True),
    ("net_assets_end", "净资产年末数", True),
    ("revenue", "收入", False),
    ("expenditure", "支出", False),
]
CONTENT_FIELDS = [f for f, _, _ in TEXTS] + [f for f, _, _ in AMOUNTS] + ["staff_count", "online_name"]
AUDIT_FIELDS = ["year", "status", *CONTENT_FIELDS, "submitted_on", "sponsor_reviewed_on", "published_on",
                "returned_reason"]
TEXT_MAX = 2000
ONLINE_NAME_MAX = 100
REASON_MAX = 500
# 万元: a district institution with more than 1000亿元 is a typing error (usually 元 typed as 万元); net assets
# may be negative (liabilities over assets), income and spending may not.
AMOUNT_MAX = Decimal("10000000")
STAFF_MAX = 100000
EDITABLE = (S.DRAFT, S.RETURNED)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _raise(errors: Errors) -> None:
    if errors:
        messages = list(dict.fromkeys(m for msgs in errors.values() for m in msgs))
        raise ValidationFailed("；".join(messages[:5]), details=errors)


def _require(actor: Any, unit: Any, message: str) -> None:
    """NotFound outside the actor's view (nothing leaks), PermissionDenied when seen but not writable."""
    if actor is None:
        return
    if not unit_allows(actor, Perm.UNITS_VIEW, unit):
        raise NotFound("年度报告不存在或无权访问")
    if not unit_allows(actor, Perm.UNITS_CHANGE, unit):
        raise PermissionDenied(message)


def _require_institution(actor: Any, registration: Registration) -> None:
    _require(actor, registration.unit, "只有编办业务科室或管理员可以办理年度报告")


def _require_sponsor(actor: Any, report: AnnualReport) -> None:
    """The 举办单位's review: a user who may change the sponsor unit. Seeing the institution is enough to learn the
    report exists, so the not-found check is on the institution, the right on the sponsor."""
    if actor is None:
        return
    _require(actor, report.registration.unit, "只有举办单位或编办业务科室可以审查年度报告")
    if not unit_allows(actor, Perm.UNITS_CHANGE, report.registration.sponsor):
        raise PermissionDenied("只有举办单位或编办业务科室可以审查年度报告")


def staff_count_on(registration: Registration, year: int) -> int:
    """从业人员 for the report: the unit's on-quota placements in post on 31 December of `year` (在编实有;
    编外 and rehired staff are not counted, domain.md §3.4), from the staffing journal (history.lines_as_of)."""
    lines = list(QuotaLine.objects.filter(unit_id=registration.unit_id))
    return sum(state.occupied for state in lines_as_of(lines, date(year, 12, 31)).values()) if lines else 0


def check_year(registration: Registration, year: Any, today: date) -> Errors:
    """The reporting year: an ended year, not before the 设立登记, not after a 注销."""
    errors: Errors = {}
    try:
        year = int(year)
    except (TypeError, ValueError):
        return {"year": ["请填写报告年度"]}
    if year < registration.registered_on.year:
        errors["year"] = [f"报告年度早于该单位设立登记年度（{registration.registered_on.year}年）"]
    elif year > today.year - 1:
        # 1 January – 31 March: the unit reports on the year just ended (domain.md §3.4).
        errors["year"] = [f"只能填报已结束年度的年度报告（最晚为{today.year - 1}年度）"]
    elif (registration.status == RegistrationStatus.CANCELLED and registration.cancelled_on is not None
          and year > registration.cancelled_on.year):
        errors["year"] = [f"该单位已于{registration.cancelled_on:%Y-%m-%d}注销登记，不能填报以后年度的年度报告"]
    return errors


@transaction.atomic(durable=True)
def annual_report_create(*, actor: Any, registration: Registration, year: Any,
                         today: date | None = None) -> AnnualReport:
    """Open the year's report in 填报中, 从业人员 prefilled from the roster as of 31 December."""
    day = _today(today)
    registration = Registration.objects.select_for_update().select_related("unit", "sponsor").get(pk=registration.pk)
    _require_institution(actor, registration)
    errors = check_year(registration, year, day)
    if not errors and AnnualReport.objects.filter(registration=registration, year=int(year)).exists():
        errors["year"] = [f"{registration.name}{int(year)}年度的年度报告已存在"]
    _raise(errors)
    year = int(year)
    report = AnnualReport(registration=registration, year=year, status=S.DRAFT,
                          staff_count=staff_count_on(registration, year), online_name="")
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # a concurrent create of the same year won
        raise ValidationFailed.on("year", f"{registration.name}{year}年度的年度报告已存在") from None
    audit(actor=actor, action="annual_report.create", target=report, unit_id=registration.unit_id,
          changes=diff({}, snapshot(report, ["year", "status", "staff_count"])))
    return report


def _amount(errors: Errors, field: str, label: str, value: Any, *, allow_negative: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors[field] = [f"{label}应为数字（单位：万元）"]
        return None
    if not amount.is_finite():
        errors[field] = [f"{label}应为数字（单位：万元）"]
    elif amount < 0 and not allow_negative:
        errors[field] = [f"{label}不能为负数"]
    elif abs(amount) >= AMOUNT_MAX:
        errors[field] = [f"{label}数额过大：金额以万元为单位，请核对是否误填为元"]
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = [f"{label}以万元为单位，最多保留两位小数"]
    else:
        return amount.quantize(Decimal("0.01"))
    return None


def _staff(errors: Errors, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        errors["staff_count"] = ["从业人员应为整数"]
        return None
    if count < 0:
        errors["staff_count"] = ["从业人员不能为负数"]
    elif count >= STAFF_MAX:
        errors["staff_count"] = ["从业人员人数过大，请核对"]
    else:
        return count
    return None


def clean_contents(given: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The given contents cleaned (texts stripped and capped, amounts in 万元 with 2 decimals)."""
    errors: Errors = {}
    values: dict[str, Any] = {}
    for field, label, _ in TEXTS:
        if field in given:
            values[field] = "" if given[field] is None else str(given[field]).strip()
            if len(values[field]) > TEXT_MAX:
                errors[field] = [f"{label}不能超过{TEXT_MAX}个字"]
    if "online_name" in given:
        values["online_name"] = "" if given["online_name"] is None else str(given["online_name"]).strip()
        if len(values["online_name"]) > ONLINE_NAME_MAX:
            errors["online_name"] = [f"网上名称不能超过{ONLINE_NAME_MAX}个字"]
    for field, label, _ in AMOUNTS:
        if field in given:
            values[field] = _amount(errors, field, label, given[field], allow_negative=field.startswith("net_"))
    if "staff_count" in given:
        values["staff_count"] = _staff(errors, given["staff_count"])
    return values, errors


def _locked(report: AnnualReport) -> AnnualReport:
    return (AnnualReport.objects.select_for_update().select_related("registration__unit", "registration__sponsor")
            .get(pk=report.pk))


@transaction.atomic(durable=True)
def annual_report_update(*, actor: Any, report: AnnualReport, **contents: Any) -> AnnualReport:
    """Fill in or correct the §3.4 contents while 填报中 or 已退回; fields not given keep their value."""
    unknown = sorted(set(contents) - set(CONTENT_FIELDS))
    if unknown:
        raise ValidationFailed.on(unknown[0], "不能修改该项")
    report = _locked(report)
    _require_institution(actor, report.registration)
    if report.status not in EDITABLE:
        raise Conflict(f"年度报告{report.get_status_display()}，不能修改；如需更正请由登记机关退回")
    values, errors = clean_contents(contents)
    _raise(errors)
    before = snapshot(report, CONTENT_FIELDS)
    for name, value in values.items():
        setattr(report, name, value)
    report.save(update_fields=[*values, "updated_at"])
    changes = diff(before, snapshot(report, CONTENT_FIELDS))
    if changes:
        audit(actor=actor, action="annual_report.update", target=report, unit_id=report.registration.unit_id,
              changes=changes)
    return report


def missing_contents(report: AnnualReport) -> Errors:
    """What must be filled in before the report can be submitted."""
    errors: Errors = {}
    for field, label, required in TEXTS:
        if required and not (getattr(report, field) or "").strip():
            errors[field] = [f"请填写{label}（没有的填“无”）"]
    for field, label, required in AMOUNTS:
        if required and getattr(report, field) is None:
            errors[field] = [f"请填写{label}（万元）"]
    if report.staff_count is None:
        errors["staff_count"] = ["请填写从业人员（在编实有）人数"]
    return errors


def _swap(report: AnnualReport, allowed: tuple[str, ...], action: str, **fields: Any) -> None:
    """Compare-and-swap: move the report on only if it is still in one of `allowed`."""
    if report.status not in allowed:
        raise Conflict(f"年度报告当前状态为“{report.get_status_display()}”，不能{action}")
    updated = AnnualReport.objects.filter(pk=report.pk, status=report.status).update(
        updated_at=timezone.now(), **fields)
    if updated != 1:
        raise Conflict("年度报告状态已被他人修改，请刷新后重试")


def _transition(actor: Any, report: AnnualReport, action: str, allowed: tuple[str, ...], label: str,
                reason: str = "", **fields: Any) -> AnnualReport:
    before = snapshot(report, AUDIT_FIELDS)
    _swap(report, allowed, label, **fields)
    report.refresh_from_db()
    audit(actor=actor, action=f"annual_report.{action}", target=report, unit_id=report.registration.unit_id,
          changes=diff(before, snapshot(report, AUDIT_FIELDS)), reason=reason)
    return report


@transaction.atomic(durable=True)
def annual_report_submit(*, actor: Any, report: AnnualReport, today: date | None = None) -> AnnualReport:
    """Submit to the 举办单位 for review; every required content must be filled in."""
    report = _locked(report)
    _require_institution(actor, report.registration)
    if report.status in EDITABLE:
        _raise(missing_contents(report))
    return _transition(actor, report, "submit", EDITABLE, "提交", status=S.SUBMITTED, submitted_on=_today(today),
                       returned_reason="")


@transaction.atomic(durable=True)
def annual_report_sponsor_approve(*, actor: Any, report: AnnualReport, today: date | None = None) -> AnnualReport:
    """举办单位 审查 (sign and seal): the report goes on to the registration authority."""
    report = _locked(report)
    _require_sponsor(actor, report)
    return _transition(actor, report, "sponsor_approve", (S.SUBMITTED,), "通过举办单位审查",
                       status=S.SPONSOR_APPROVED, sponsor_reviewed_on=_today(today))


@transaction.atomic(durable=True)
def annual_report_publish(*, actor: Any, report: AnnualReport, today: date | None = None) -> AnnualReport:
    """登记机关 形式审查 passed: the report is published (公示)."""
    report = _locked(report)
    _require_institution(actor, report.registration)
    return _transition(actor, report, "publish", (S.SPONSOR_APPROVED,), "公示", status=S.PUBLISHED,
                       published_on=_today(today))


@transaction.atomic(durable=True)
def annual_report_return(*, actor: Any, report: AnnualReport, reason: str) -> AnnualReport:
    """Return to the unit for correction (from either review), with the reason it must act on."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", "请填写退回原因")
    if len(reason) > REASON_MAX:
        raise ValidationFailed.on("reason", f"退回原因不能超过{REASON_MAX}个字")
    report = _locked(report)
    _require_institution(actor, report.registration)
    return _transition(actor, report, "return", (S.SUBMITTED, S.SPONSOR_APPROVED), "退回", reason=reason,
                       status=S.RETURNED, returned_reason=reason, sponsor_reviewed_on=None)


def annual_report_export(*, actor: Any, year: int, count: int, filters: dict[str, Any]) -> None:
    """Record that the actor exported the year's status list (the workbook names every institution's state)."""
    audit(actor=actor, action="annual_report.export", changes={"year": [None, year], "count": [None, count],
                                                                "filters": [None, filters]})
