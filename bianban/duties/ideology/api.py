"""/api/v1/risk-points and /api/v1/sensitive-periods: the ideology risk register, reviews at 研判会 (a review with
`close` closes the point), and the sensitive periods. Reads are scoped by the branch's unit (404 outside scope)."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Pagination, Year
from bianban.duties.choices import RiskLevel, RiskStatus
from bianban.duties.ideology import selectors, services
from bianban.duties.models import RiskPoint, RiskReview, SensitivePeriod
from bianban.party.access import branch_get_for_user
from bianban.party.models import Activity, Branch, Member
from bianban.party.schemas import MemberRef

router = Router()


class RiskPointOut(Schema):
    id: int
    branch_id: Id
    title: str
    description: str
    level: str
    level_label: str
    measures: str
    owner: MemberRef | None
    next_review_on: date
    status: str
    closed_on: date | None
    overdue: bool = Field(description="监测中且已过下次研判日期")

    @staticmethod
    def resolve_level_label(obj: RiskPoint) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_overdue(obj: RiskPoint) -> bool:
        return bool(getattr(obj, "is_overdue", False))


class ReviewOut(Schema):
    id: int
    risk_point_id: Id
    activity_id: Id | None
    reviewed_on: date
    conclusion: str
    level: str
    next_review_on: date | None


class RiskPointDetailOut(RiskPointOut):
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_reviews(obj: RiskPoint) -> list[RiskReview]:
        return list(selectors.risk_reviews(obj))


class RiskPointIn(Schema):
    branch_id: Id
    title: str
    description: str
    level: RiskLevel
    measures: str
    owner_id: Id | None = Field(None, description="责任人（党员id）；不填则由支委会负责")
    next_review_on: date


class RiskPointPatch(Schema):
    title: str | None = None
    description: str | None = None
    level: RiskLevel | None = None
    measures: str | None = None
    owner_id: Id | None = None
    next_review_on: date | None = None


class ReviewIn(Schema):
    reviewed_on: date | None = Field(None, description="研判日期；填写研判会的可不填")
    activity_id: Id | None = Field(None, description="研判会（本支部已召开的意识形态分析研判会）")
    conclusion: str
    level: RiskLevel
    next_review_on: date | None = None
    close: bool = Field(False, description="研判结论为风险解除：解除该风险点，不再需要下次研判日期")


class RiskReopenIn(Schema):
    next_review_on: date
    reason: str


class SensitivePeriodOut(Schema):
    id: int
    branch_id: Id
    name: str
    starts_on: date
    ends_on: date
    note: str


class PeriodIn(Schema):
    branch_id: Id
    name: str
    starts_on: date
    ends_on: date
    note: str = ""


class PeriodPatch(Schema):
    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = None


def _owner(branch: Branch, owner_id: Id | None) -> Member | None:
    if owner_id is None:
        return None
    owner = Member.objects.filter(branch=branch, pk=owner_id).select_related("person").first()
    if owner is None:
        raise ValidationFailed.on("owner_id", f"党员（id {owner_id}）不是本支部党员")
    return owner


def _activity(point: RiskPoint, activity_id: Id | None) -> Activity | None:
    if activity_id is None:
        return None
    activity = Activity.objects.filter(branch=point.branch_id, pk=activity_id).first()
    if activity is None:
        raise ValidationFailed.on("activity_id", f"本支部没有该活动（id {activity_id}）")
    return activity


def _fresh(request: HttpRequest, pk: int) -> RiskPoint:
    return selectors.risk_get_for_user(request.user, pk)


@router.get("/risk-points", response=list[RiskPointOut], summary="查询意识形态风险点")
@paginate(Pagination)
def risk_list(request: HttpRequest, branch: Id | None = None, level: RiskLevel | None = None,
              status: RiskStatus | None = None, overdue: bool = False) -> QuerySet[RiskPoint]:
    return selectors.risk_points_for_user(request.user, branch=branch, level=level or "", status=status or "",
                                          overdue=overdue).order_by("branch", "status", "next_review_on", "pk")


@router.post("/risk-points", response={201: RiskPointDetailOut}, summary="登记意识形态风险点")
def risk_create(request: HttpRequest, payload: RiskPointIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    point = services.risk_create(
        actor=request.user, branch=branch, title=payload.title, description=payload.description,
        level=payload.level, measures=payload.measures, owner=_owner(branch, payload.owner_id),
        next_review_on=payload.next_review_on)
    return Status(201, _fresh(request, point.pk))


@router.get("/risk-points/{point_id}", response=RiskPointDetailOut, summary="风险点详情（含研判记录）")
def risk_detail(request: HttpRequest, point_id: Id) -> RiskPoint:
    return _fresh(request, point_id)


@router.patch("/risk-points/{point_id}", response=RiskPointDetailOut, summary="修改风险点")
def risk_update(request: HttpRequest, point_id: Id, payload: RiskPointPatch) -> RiskPoint:
    point = _fresh(request, point_id)
    given: dict[str, Any] = payload.dict(exclude_unset=True)
    if "owner_id" in given:
        given["owner"] = _owner(point.branch, given.pop("owner_id"))
    services.risk_update(actor=request.user, risk_point=point, **given)
    return _fresh(request, point_id)


@router.post("/risk-points/{point_id}/reviews", response={201: RiskPointDetailOut},
             summary="登记研判（close=true 为解除风险）")
def risk_review(request: HttpRequest, point_id: Id, payload: ReviewIn) -> Status:
    point = _fresh(request, point_id)
    activity = _activity(point, payload.activity_id)
    if payload.close:
        services.risk_close(actor=request.user, risk_point=point, closed_on=payload.reviewed_on,
                            reason=payload.conclusion, activity=activity, level=payload.level)
    else:
        services.risk_review(actor=request.user, risk_point=point, reviewed_on=payload.reviewed_on,
                             conclusion=payload.conclusion, level=payload.level,
                             next_review_on=payload.next_review_on, activity=activity)
    return Status(201, _fresh(request, point_id))


@router.post("/risk-points/{point_id}/reopen", response=RiskPointDetailOut, summary="风险点恢复监测")
def risk_reopen(request: HttpRequest, point_id: Id, payload: RiskReopenIn) -> RiskPoint:
    services.risk_reopen(actor=request.user, risk_point=_fresh(request, point_id),
                         next_review_on=payload.next_review_on, reason=payload.reason)
    return _fresh(request, point_id)


@router.get("/sensitive-periods", response=list[SensitivePeriodOut], summary="查询敏感时期")
@paginate(Pagination)
def sensitive_list(request: HttpRequest, branch: Id | None = None,
                   year: Year | None = None) -> QuerySet[SensitivePeriod]:
    return selectors.sensitive_periods_for_user(request.user, branch=branch, year=year)


@router.post("/sensitive-periods", response={201: SensitivePeriodOut}, summary="登记敏感时期")
def sensitive_create(request: HttpRequest, payload: PeriodIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    period = services.sensitive_period_create(actor=request.user, branch=branch, name=payload.name,
                                              starts_on=payload.starts_on, ends_on=payload.ends_on,
                                              note=payload.note)
    return Status(201, period)


@router.get("/sensitive-periods/{period_id}", response=SensitivePeriodOut, summary="敏感时期详情")
def sensitive_detail(request: HttpRequest, period_id: Id) -> SensitivePeriod:
    return selectors.sensitive_get_for_user(request.user, period_id)


@router.patch("/sensitive-periods/{period_id}", response=SensitivePeriodOut, summary="修改敏感时期")
def sensitive_update(request: HttpRequest, period_id: Id, payload: PeriodPatch) -> SensitivePeriod:
    period = selectors.sensitive_get_for_user(request.user, period_id)
    services.sensitive_period_update(actor=request.user, period=period, **payload.dict(exclude_unset=True))
    return selectors.sensitive_get_for_user(request.user, period_id)


@router.delete("/sensitive-periods/{period_id}", response={204: None}, summary="删除敏感时期")
def sensitive_delete(request: HttpRequest, period_id: Id) -> Status:
    period = selectors.sensitive_get_for_user(request.user, period_id)
    services.sensitive_period_delete(actor=request.user, period=period)
    return Status(204, None)
