"""/api/v1/visit-campaigns and /api/v1/visits: household-visit campaigns with their statistics, visits with who
went and what was raised (each issue registered in the ledger as a problem of source 走访). Reads are scoped by the
branch's unit (404 outside scope); family circumstances come masked ("***") to readers who may not change the
branch's records."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Int32, Pagination, Year
from bianban.duties.choices import IssueKind, IssueTopic, VisitGroup, VisitorRole
from bianban.duties.models import Visit, VisitCampaign, VisitIssue, VisitVisitor
from bianban.duties.visits import selectors, services
from bianban.duties.visits.stats import campaign_stats
from bianban.party.access import branch_get_for_user
from bianban.party.models import Branch, Member

router = Router(tags=["党建责任与专项工作"])


class CampaignOut(Schema):
    id: int
    branch_id: Id
    title: str
    starts_on: date
    ends_on: date
    scope: str
    requirement: str


class CampaignDetailOut(CampaignOut):
    stats: dict[str, Any] = Field(description="走访户数、人数按走访力量、群体、街道；问题和意见建议及其整改情况")

    @staticmethod
    def resolve_stats(obj: VisitCampaign) -> dict[str, Any]:
        return campaign_stats(obj).as_dict()


class CampaignIn(Schema):
    branch_id: Id
    title: str
    starts_on: date
    ends_on: date
    scope: str
    requirement: str = ""


class CampaignPatch(Schema):
    title: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    scope: str | None = None
    requirement: str | None = None


class VisitorOut(Schema):
    member_id: Id | None
    name: str = Field(description="姓名（本支部党员为其姓名）")
    role: str
    role_label: str

    @staticmethod
    def resolve_name(obj: VisitVisitor) -> str:
        return str(obj)

    @staticmethod
    def resolve_role_label(obj: VisitVisitor) -> str:
        return obj.get_role_display()


class IssueOut(Schema):
    id: int
    kind: str
    topic: str
    content: str
    department: str
    problem_id: Id | None
    problem_status: str | None = Field(description="问题台账中的状态")

    @staticmethod
    def resolve_problem_status(obj: VisitIssue) -> str | None:
        return obj.problem.status if obj.problem_id else None


class VisitOut(Schema):
    id: int
    campaign_id: Id
    visited_on: date
    team_role: str
    team_role_label: str
    street: str
    community: str
    group: str
    households: int
    people: int
    circumstances: str = Field(description="家庭情况；无权查看者为“***”")
    summary: str
    visitors: list[VisitorOut]
    issues: list[IssueOut]

    @staticmethod
    def resolve_team_role_label(obj: Visit) -> str:
        return obj.get_team_role_display()

    @staticmethod
    def resolve_circumstances(obj: Visit, context: Any) -> str:
        sees = selectors.sees_circumstances(context["request"].user, obj.campaign.branch)
        return selectors.circumstances_for(sees, obj)

    @staticmethod
    def resolve_visitors(obj: Visit) -> list[VisitVisitor]:
        return list(obj.visitors.all())

    @staticmethod
    def resolve_issues(obj: Visit) -> list[VisitIssue]:
        return list(obj.issues.all())


class VisitorIn(Schema):
    member_id: Id | None = Field(None, description="本支部党员id")
    name: str = Field("", description="非本支部党员（如挂职第一书记）的姓名")
    role: VisitorRole


class IssueIn(Schema):
    kind: IssueKind
    topic: IssueTopic
    content: str
    department: str = Field(description="承办部门")


class VisitCreate(Schema):
    campaign_id: Id
    visited_on: date
    team_role: VisitorRole
    street: str
    community: str
    group: VisitGroup
    households: Int32
    people: Int32
    circumstances: str = ""
    summary: str = ""
    visitors: list[VisitorIn] = Field(default_factory=list)
    issues: list[IssueIn] = Field(default_factory=list, description="每条登记到问题台账（来源：走访）")


class VisitPatch(Schema):
    visited_on: date | None = None
    team_role: VisitorRole | None = None
    street: str | None = None
    community: str | None = None
    group: VisitGroup | None = None
    households: Int32 | None = None
    people: Int32 | None = None
    circumstances: str | None = None
    summary: str | None = None
    visitors: list[VisitorIn] | None = None


def _visitors(branch: Branch, given: list[VisitorIn]) -> list[services.VisitorIn]:
    """Visitors by member id; an id of no member of the branch is refused."""
    ids = [v.member_id for v in given if v.member_id is not None]
    found = {m.pk: m for m in Member.objects.filter(branch=branch, pk__in=ids).select_related("person")}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed.on("visitors", f"党员（id {'、'.join(missing)}）不是本支部党员")
    return [services.VisitorIn(role=v.role, member=found.get(v.member_id) if v.member_id else None, name=v.name)
            for v in given]


def _visit(request: HttpRequest, pk: int) -> Visit:
    return selectors.visit_get_for_user(request.user, pk)


@router.get("/visit-campaigns", response=list[CampaignOut], summary="查询走访活动")
@paginate(Pagination)
def campaign_list(request: HttpRequest, branch: Id | None = None, year: Year | None = None) -> QuerySet[VisitCampaign]:
    return selectors.campaigns_for_user(request.user, branch=branch, year=year)


@router.post("/visit-campaigns", response={201: CampaignDetailOut}, summary="新建走访活动")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    values = payload.dict(exclude={"branch_id"})
    campaign = services.campaign_create(actor=request.user, branch=branch, **values)
    return Status(201, selectors.campaign_get_for_user(request.user, campaign.pk))


@router.get("/visit-campaigns/{campaign_id}", response=CampaignDetailOut, summary="走访活动详情（含统计）")
def campaign_detail(request: HttpRequest, campaign_id: Id) -> VisitCampaign:
    return selectors.campaign_get_for_user(request.user, campaign_id)


@router.patch("/visit-campaigns/{campaign_id}", response=CampaignDetailOut, summary="修改走访活动")
def campaign_update(request: HttpRequest, campaign_id: Id, payload: CampaignPatch) -> VisitCampaign:
    campaign = selectors.campaign_get_for_user(request.user, campaign_id)
    services.campaign_update(actor=request.user, campaign=campaign, **payload.dict(exclude_unset=True))
    return selectors.campaign_get_for_user(request.user, campaign_id)


@router.get("/visits", response=list[VisitOut], summary="查询走访记录")
@paginate(Pagination)
def visit_list(request: HttpRequest, campaign: Id | None = None, branch: Id | None = None, street: str = "",
               team_role: str = "", group: str = "") -> QuerySet[Visit]:
    return selectors.visits_for_user(request.user, campaign=campaign, branch=branch, street=street,
                                     team_role=team_role, group=group)


@router.post("/visits", response={201: VisitOut}, summary="登记走访（收集的问题同时登记到问题台账）")
def visit_create(request: HttpRequest, payload: VisitCreate) -> Status:
    campaign = selectors.campaign_get_for_user(request.user, payload.campaign_id)
    values = payload.dict(exclude={"campaign_id", "visitors", "issues"})
    visit = services.visit_create(
        actor=request.user, campaign=campaign, visitors=_visitors(campaign.branch, payload.visitors),
        issues=[services.IssueIn(**i.dict()) for i in payload.issues], **values)
    return Status(201, _visit(request, visit.pk))


@router.get("/visits/{visit_id}", response=VisitOut, summary="走访记录详情")
def visit_detail(request: HttpRequest, visit_id: Id) -> Visit:
    return _visit(request, visit_id)


@router.patch("/visits/{visit_id}", response=VisitOut, summary="修改走访记录")
def visit_update(request: HttpRequest, visit_id: Id, payload: VisitPatch) -> Visit:
    visit = _visit(request, visit_id)
    given: dict[str, Any] = payload.dict(exclude_unset=True, exclude={"visitors"})
    if payload.visitors is not None:
        given["visitors"] = _visitors(visit.campaign.branch, payload.visitors)
    services.visit_update(actor=request.user, visit=visit, **given)
    return _visit(request, visit_id)


@router.delete("/visits/{visit_id}", response={204: None}, summary="删除走访记录（仅限未收集问题的）")
def visit_delete(request: HttpRequest, visit_id: Id) -> Status:
    services.visit_delete(actor=request.user, visit=_visit(request, visit_id))
    return Status(204, None)


@router.post("/visits/{visit_id}/issues", response={201: IssueOut}, summary="补录走访收集的问题（登记到问题台账）")
def issue_add(request: HttpRequest, visit_id: Id, payload: IssueIn) -> Status:
    issue = services.issue_add(actor=request.user, visit=_visit(request, visit_id), **payload.dict())
    return Status(201, issue)
