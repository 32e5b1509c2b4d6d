"""Writes of the ideology work (意识形态): the register of risk points, their reviews at the branch's
意识形态分析研判会, closing and reopening a point, and the sensitive periods on the calendar.

Seed 一(五): "进一步梳理意识形态风险点，定期召开分析研判会议 … 及时做好重要节点和敏感时期的舆论监管". A point under
watch has a next review date; each review sets the level found and the next date, and a review may close the point
(风险解除). Services take `today` so that records of a past year (the demo's 2023) can be entered as of their time.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.duties.choices import RiskLevel, RiskStatus
from bianban.duties.models import RiskPoint, RiskReview, SensitivePeriod
from bianban.party.access import require_branch
from bianban.party.choices import ActivityKind, ActivityStatus
from bianban.party.models import Activity, Branch, Member

_RISK_FIELDS = ["title", "description", "level", "measures", "owner", "next_review_on", "status", "closed_on"]
_PERIOD_FIELDS = ["name", "starts_on", "ends_on", "note"]
_KEEP: Any = object()
Errors = dict[str, list[str]]


def _raise(errors: Errors) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _check_risk(branch: Branch, values: dict[str, Any], today: date, check_next: bool) -> Errors:
    errors: Errors = {}
    for name, label, limit in (("title", "风险点", 200), ("description", "表现形式", None),
                               ("measures", "防控措施", None)):
        if not values[name]:
            errors[name] = [f"请填写{label}"]
        elif limit and len(values[name]) > limit:
            errors[name] = [f"{label}不能超过{limit}个字"]
    if values["level"] not in RiskLevel.values:
        errors["level"] = ["请选择风险等级（高、中、低）"]
    owner: Member | None = values["owner"]
    if owner is not None and (owner.branch_id != branch.pk or owner.left_on is not None):
        errors["owner"] = [f"责任人{owner}不是本支部现有党员"]
    next_review_on = values["next_review_on"]
    if next_review_on is None:
        errors["next_review_on"] = ["请填写下次研判日期"]
    elif check_next and next_review_on < today:
        errors["next_review_on"] = [f"下次研判日期不能早于今天（{today:%Y-%m-%d}）"]
    return errors


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v or "").strip() if k in ("title", "description", "measures") else v for k, v in values.items()}


@transaction.atomic(durable=True)
def risk_create(*, actor: Any, branch: Branch, title: str, description: str, level: str, measures: str,
                next_review_on: date | None, owner: Member | None = None, today: date | None = None) -> RiskPoint:
    """Put a risk point under watch (风险点排查). The owner answers for it (班子成员各负其责); its first review must
    not be in the past."""
    require_branch(actor, branch)
    values = _clean({"title": title, "description": description, "level": level, "measures": measures,
                     "owner": owner, "next_review_on": next_review_on})
    _raise(_check_risk(branch, values, _today(today), check_next=True))
    point = RiskPoint.objects.create(branch=branch, created_by=actor if getattr(actor, "pk", None) else None,
                                     **values)
    audit(actor=actor, action="risk.create", target=point, unit_id=branch.unit_id,
          changes=diff({}, snapshot(point, _RISK_FIELDS)))
    return point


@transaction.atomic(durable=True)
def risk_update(*, actor: Any, risk_point: RiskPoint, title: Any = _KEEP, description: Any = _KEEP,
                level: Any = _KEEP, measures: Any = _KEEP, owner: Any = _KEEP, next_review_on: Any = _KEEP,
                today: date | None = None) -> RiskPoint:
    """Correct a risk point; fields not given keep their value. A new next review date must not be past."""
    point = RiskPoint.objects.select_for_update(of=("self",)).select_related("branch").get(pk=risk_point.pk)
    require_branch(actor, point.branch)
    before = snapshot(point, _RISK_FIELDS)
    given = {"title": title, "description": description, "level": level, "measures": measures, "owner": owner,
             "next_review_on": next_review_on}
    values = _clean({k: (getattr(point, k) if v is _KEEP else v) for k, v in given.items()})
    moved = next_review_on is not _KEEP and next_review_on != point.next_review_on
    _raise(_check_risk(point.branch, values, _today(today), check_next=moved))
    for name, value in values.items():
        setattr(point, name, value)
    point.save(update_fields=list(values))
    changes = diff(before, snapshot(point, _RISK_FIELDS))
    if changes:
        audit(actor=actor, action="risk.update", target=point, unit_id=point.branch.unit_id, changes=changes)
    return point


def _check_meeting(point: RiskPoint, activity: Activity | None, reviewed_on: date | None, errors: Errors) -> None:
    if activity is None:
        return
    if activity.branch_id != point.branch_id:
        errors["activity"] = ["所选研判会不是本支部的活动"]
    elif activity.kind != ActivityKind.IDEOLOGY_REVIEW:
        errors["activity"] = [f"研判须在意识形态分析研判会上进行，所选活动是{activity.get_kind_display()}"]
    elif activity.status != ActivityStatus.HELD:
        errors["activity"] = ["所选研判会尚未召开（或已取消）"]
    elif reviewed_on is not None and reviewed_on != activity.held_on:
        errors["reviewed_on"] = [f"研判日期应为研判会召开日期（{activity.held_on:%Y-%m-%d}）"]


def _check_order(point: RiskPoint, activity: Activity | None, reviewed_on: date | None, errors: Errors) -> None:
    """The point carries the level and next date of its LATEST review: a review entered late with an earlier date
    would put an outdated level and next date back on the point, so it is refused; a meeting reviews a point once."""
    if activity is not None and "activity" not in errors and point.reviews.filter(activity=activity).exists():
        errors["activity"] = ["该风险点已在本次研判会上研判过"]
    last = point.reviews.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
    if reviewed_on is not None and last is not None and reviewed_on < last and "reviewed_on" not in errors:
        errors["reviewed_on"] = [f"研判日期不能早于上次研判（{last:%Y-%m-%d}）："
                                 "风险点的等级和下次研判日期以最近一次研判为准"]


def _review(actor: Any, risk_point: RiskPoint, *, reviewed_on: date | None, conclusion: str, level: str,
            next_review_on: date | None, activity: Activity | None, close: bool, today: date) -> RiskReview:
    """One review of a watched point, and the point brought up to it (level, next review; or closed)."""
    point = RiskPoint.objects.select_for_update(of=("self",)).select_related("branch").get(pk=risk_point.pk)
    require_branch(actor, point.branch)
    if point.status != RiskStatus.WATCHED:
        raise Conflict("该风险点已解除，不能再研判；如需继续监测请先恢复")
    if reviewed_on is None and activity is not None:
        reviewed_on = activity.held_on
    conclusion = (conclusion or "").strip()
    errors: Errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = ["请填写研判日期" if not close else "请填写解除日期"]
    elif reviewed_on > today:
        errors["reviewed_on"] = ["研判日期不能晚于今天：只登记已经进行的研判" if not close else "解除日期不能晚于今天"]
    _check_meeting(point, activity, reviewed_on, errors)
    _check_order(point, activity, reviewed_on, errors)
    if not conclusion:
        errors["conclusion"] = ["请填写研判结论" if not close else "请填写解除理由"]
    if level not in RiskLevel.values:
        errors["level"] = ["请选择研判后的风险等级"]
    if close:
        next_review_on = None
    elif next_review_on is None:
        errors["next_review_on"] = ["请填写下次研判日期（风险解除的请选择“解除风险”）"]
    elif reviewed_on is not None and next_review_on <= reviewed_on:
        errors["next_review_on"] = ["下次研判日期应晚于本次研判日期"]
    _raise(errors)
    assert reviewed_on is not None  # refused above
    before = snapshot(point, _RISK_FIELDS)
    review = RiskReview.objects.create(
        risk_point=point, activity=activity, reviewed_on=reviewed_on, conclusion=conclusion, level=level,
        next_review_on=next_review_on, reviewed_by=actor if getattr(actor, "pk", None) else None)
    update: dict[str, Any] = {"level": level}
    if close:
        update.update(status=RiskStatus.CLOSED, closed_on=reviewed_on)
    else:
        update["next_review_on"] = next_review_on
    # The row is locked above; the status guard keeps the write a compare-and-swap all the same.
    if RiskPoint.objects.filter(pk=point.pk, status=RiskStatus.WATCHED).update(**update) != 1:
        raise Conflict("该风险点已被他人解除，请刷新后查看")
    for name, value in update.items():
        setattr(point, name, value)
    audit(actor=actor, action="risk.close" if close else "risk.review", target=point, unit_id=point.branch.unit_id,
          changes={**diff(before, snapshot(point, _RISK_FIELDS)), "review": [None, review.pk]},
          reason=conclusion if close else "")
    review.risk_point = point
    return review


@transaction.atomic(durable=True)
def risk_review(*, actor: Any, risk_point: RiskPoint, reviewed_on: date | None, conclusion: str, level: str,
                next_review_on: date | None, activity: Activity | None = None,
                today: date | None = None) -> RiskReview:
    """Record a review of a watched point (分析研判), normally at a held 意识形态分析研判会 of the branch (reviewed_on
    then defaults to its date). The point takes the level found and the next review date, which must come after
    this review."""
    return _review(actor, risk_point, reviewed_on=reviewed_on, conclusion=conclusion, level=level,
                   next_review_on=next_review_on, activity=activity, close=False, today=_today(today))


@transaction.atomic(durable=True)
def risk_close(*, actor: Any, risk_point: RiskPoint, closed_on: date | None, reason: str,
               activity: Activity | None = None, level: str | None = None, today: date | None = None) -> RiskReview:
    """Close a point (风险解除): a last review whose conclusion is the reason. Once only (compare-and-swap)."""
    return _review(actor, risk_point, reviewed_on=closed_on, conclusion=reason, level=level or risk_point.level,
                   next_review_on=None, activity=activity, close=True, today=_today(today))


@transaction.atomic(durable=True)
def risk_reopen(*, actor: Any, risk_point: RiskPoint, next_review_on: date | None, reason: str,
                today: date | None = None) -> RiskPoint:
    """Put a closed point back under watch (the risk has come back), with its next review date."""
    point = RiskPoint.objects.select_for_update(of=("self",)).select_related("branch").get(pk=risk_point.pk)
    require_branch(actor, point.branch)
    reason = (reason or "").strip()
    now = _today(today)
    errors: Errors = {}
    if not reason:
        errors["reason"] = ["请填写恢复监测的原因"]
    if next_review_on is None:
        errors["next_review_on"] = ["请填写下次研判日期"]
    elif next_review_on < now:
        errors["next_review_on"] = [f"下次研判日期不能早于今天（{now:%Y-%m-%d}）"]
    _raise(errors)
    before = snapshot(point, _RISK_FIELDS)
    updated = RiskPoint.objects.filter(pk=point.pk, status=RiskStatus.CLOSED).update(
        status=RiskStatus.WATCHED, closed_on=None, next_review_on=next_review_on)
    if updated != 1:
        raise Conflict("该风险点正在监测中，无需恢复")
    point.status, point.closed_on, point.next_review_on = RiskStatus.WATCHED, None, next_review_on
    audit(actor=actor, action="risk.reopen", target=point, unit_id=point.branch.unit_id,
          changes=diff(before, snapshot(point, _RISK_FIELDS)), reason=reason)
    return point


def _check_period(values: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if not values["name"]:
        errors["name"] = ["请填写敏感时期名称"]
    elif len(values["name"]) > 100:
        errors["name"] = ["名称不能超过100个字"]
    if values["starts_on"] is None:
        errors["starts_on"] = ["请填写开始日期"]
    if values["ends_on"] is None:
        errors["ends_on"] = ["请填写结束日期"]
    elif values["starts_on"] is not None and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = ["结束日期不能早于开始日期"]
    return errors


@transaction.atomic(durable=True)
def sensitive_period_create(*, actor: Any, branch: Branch, name: str, starts_on: date | None, ends_on: date | None,
                            note: str = "") -> SensitivePeriod:
    """Mark a sensitive period (敏感时期) on the branch's calendar, when 舆论监管 is stepped up."""
    require_branch(actor, branch)
    values = {"name": (name or "").strip(), "starts_on": starts_on, "ends_on": ends_on, "note": (note or "").strip()}
    _raise(_check_period(values))
    period = SensitivePeriod.objects.create(branch=branch, **values)
    audit(actor=actor, action="sensitive.create", target=period, unit_id=branch.unit_id,
          changes=diff({}, snapshot(period, _PERIOD_FIELDS)))
    return period


@transaction.atomic(durable=True)
def sensitive_period_update(*, actor: Any, period: SensitivePeriod, name: Any = _KEEP, starts_on: Any = _KEEP,
                            ends_on: Any = _KEEP, note: Any = _KEEP) -> SensitivePeriod:
    period = SensitivePeriod.objects.select_for_update(of=("self",)).select_related("branch").get(pk=period.pk)
    require_branch(actor, period.branch)
    before = snapshot(period, _PERIOD_FIELDS)
    given = {"name": name, "starts_on": starts_on, "ends_on": ends_on, "note": note}
    values = {k: (getattr(period, k) if v is _KEEP else v) for k, v in given.items()}
    values["name"], values["note"] = (values["name"] or "").strip(), (values["note"] or "").strip()
    _raise(_check_period(values))
    for key, value in values.items():
        setattr(period, key, value)
    period.save(update_fields=list(values))
    changes = diff(before, snapshot(period, _PERIOD_FIELDS))
    if changes:
        audit(actor=actor, action="sensitive.update", target=period, unit_id=period.branch.unit_id, changes=changes)
    return period


@transaction.atomic(durable=True)
def sensitive_period_delete(*, actor: Any, period: SensitivePeriod) -> None:
    period = SensitivePeriod.objects.select_for_update(of=("self",)).select_related("branch").get(pk=period.pk)
    require_branch(actor, period.branch)
    audit(actor=actor, action="sensitive.delete", target=period, unit_id=period.branch.unit_id,
          changes={k: [v, None] for k, v in snapshot(period, _PERIOD_FIELDS).items()})
    period.delete()
