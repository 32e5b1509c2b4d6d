"""/api/v1/branches and /api/v1/members: branches, their committee, members and a member's year. Reads are scoped
by the branch's unit (404 outside it); writes need 维护党建工作 on the branch (403 when only viewing)."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Int32, Pagination, Year
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.choices import CommitteeRole, LeaveReason, MemberCategory, MemberStatus
from bianban.party.members import selectors, services
from bianban.party.models import Branch, CommitteeMember, CommitteeTerm, Member, PartyGroup
from bianban.people.models import Person
from bianban.units.models import Unit

router = Router(tags=["党支部与党员"])


# --- schemas -----------------------------------------------------------------------------------------------------


class BranchOut(Schema):
    id: int
    name: str
    code: str
    unit_id: Id
    unit_name: str = Field(alias="unit.name")
    parent_committee: str
    founded_on: date
    term_years: int
    dissolved_on: date | None


class BranchIn(Schema):
    name: str
    code: str = Field(description="简短代码，小写字母、数字、下划线、连字符")
    unit_id: Id
    parent_committee: str
    founded_on: date
    term_years: Int32 | None = Field(None, description="支委会每届任期（3–5年），不填按系统默认")


class BranchPatch(Schema):
    name: str | None = None
    code: str | None = None
    unit_id: Id | None = None
    parent_committee: str | None = None
    founded_on: date | None = None
    term_years: Int32 | None = None


class SeatOut(Schema):
    id: int
    role: str
    role_label: str
    member_id: Id
    name: str = Field(alias="member.person.name")
    since: date
    until: date | None

    @staticmethod
    def resolve_role_label(obj: CommitteeMember) -> str:
        return obj.get_role_display()


class TermOut(Schema):
    id: int
    number: int
    elected_on: date
    years: int
    ends_on: date
    appointed: bool
    has_committee: bool
    document_no: str
    closed_on: date | None


class TermReminderOut(Schema):
    date: date
    ends_on: date
    months: int
    level: str
    text: str


class CommitteeOut(Schema):
    term: TermOut | None
    seats: list[SeatOut]
    reminder: TermReminderOut | None


class MemberOut(Schema):
    id: int
    branch_id: Id
    person_id: Id
    name: str = Field(alias="person.name")
    status: str
    status_label: str
    category: str
    group_id: Id | None
    admitted_on: date
    probation_ends_on: date | None
    probation_extended: bool
    full_on: date | None
    party_years: int
    joined_on: date
    joined_from: str
    left_on: date | None
    left_reason: str
    left_to: str
    is_mobile: bool
    note: str
    user_id: Id | None

    @staticmethod
    def resolve_status_label(obj: Member) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_party_years(obj: Member) -> int:
        return obj.party_years(timezone.localdate())


class MemberIn(Schema):
    mode: Literal["admit", "transfer_in"] = Field(description="admit: 接收预备党员；transfer_in: 组织关系转入")
    branch_id: Id
    person_id: Id
    admitted_on: date = Field(description="入党日期（支部大会接收为预备党员之日）")
    status: MemberStatus = Field(MemberStatus.PROBATIONARY, description="转入时的党员身份；接收时总是预备党员")
    full_on: date | None = None
    probation_ends_on: date | None = None
    joined_on: date | None = Field(None, description="转入本支部日期（转入必填）")
    joined_from: str = ""
    group_id: Id | None = None
    category: MemberCategory = MemberCategory.EMPLOYED
    is_mobile: bool = False
    note: str = ""
    username: str = Field("", description="该党员的登录账号（用户名），可不填")


class MemberPatch(Schema):
    group_id: Id | None = None
    category: MemberCategory | None = None
    is_mobile: bool | None = None
    joined_from: str | None = None
    note: str | None = None
    username: str | None = Field(None, description="登录账号（用户名）；空字符串表示取消关联")


class MakeFullIn(Schema):
    on: date


class ExtendIn(Schema):
    months: Int32 = Field(description="延长的月数（6–12）")
    reason: str = ""


class LeaveIn(Schema):
    on: date
    reason: LeaveReason
    destination: str = ""


class YearOut(Schema):
    year: int
    activities: int
    present: int
    leave: int
    absent: int
    attendance_rate: float | None
    talks: int
    talks_as_talker: int
    study_hours: Decimal
    appraisal_grade: str
    appraisal_grade_label: str


class TermIn(Schema):
    elected_on: date
    number: Int32 | None = None
    years: Int32 | None = None
    appointed: bool = False
    document_no: str = ""


class SeatIn(Schema):
    member_id: Id
    role: CommitteeRole
    since: date


class SeatEndIn(Schema):
    on: date
    reason: str = ""


# --- lookups -----------------------------------------------------------------------------------------------------


def _group(branch: Branch, group_id: Id | None) -> PartyGroup | None:
    if group_id is None:
        return None
    group = PartyGroup.objects.filter(pk=group_id, branch=branch).first()
    if group is None:
        raise ValidationFailed.on("group_id", "党小组不存在或不属于该党支部")
    return group


def _user(username: str) -> Any:
    username = (username or "").strip()
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationFailed.on("username", "没有该用户名的有效账号")
    return user


def _committee(branch: Branch) -> dict[str, Any]:
    committee = selectors.committee_current(branch)
    return {"term": committee.term, "seats": committee.seats, "reminder": committee.reminder}


# --- branches ----------------------------------------------------------------------------------------------------


@router.get("/branches", response=list[BranchOut], summary="查询党支部")
@paginate(Pagination)
def branch_list(request: HttpRequest) -> QuerySet[Branch]:
    return branches_for_user(request.user).order_by("name")


@router.post("/branches", response={201: BranchOut}, summary="成立党支部")
def branch_create(request: HttpRequest, payload: BranchIn) -> Status:
    data = payload.dict()
    unit = Unit.objects.filter(pk=data.pop("unit_id")).first()
    if unit is None:
        raise NotFound("所在单位不存在或无权访问", details={"unit_id": ["所在单位不存在或无权访问"]})
    branch = services.branch_create(actor=request.user, unit=unit, **data)
    return Status(201, branch_get_for_user(request.user, branch.pk))


@router.get("/branches/{branch_id}", response=BranchOut, summary="党支部详情")
def branch_detail(request: HttpRequest, branch_id: Id) -> Branch:
    return branch_get_for_user(request.user, branch_id)


@router.patch("/branches/{branch_id}", response=BranchOut, summary="修改党支部信息")
def branch_update(request: HttpRequest, branch_id: Id, payload: BranchPatch) -> Branch:
    branch = branch_get_for_user(request.user, branch_id)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "unit_id" in given:
        given["unit"] = Unit.objects.filter(pk=given.pop("unit_id")).first()
    services.branch_update(actor=request.user, branch=branch, **given)
    return branch_get_for_user(request.user, branch_id)


@router.get("/branches/{branch_id}/committee", response=CommitteeOut, summary="现任支委会及换届提醒")
def branch_committee(request: HttpRequest, branch_id: Id) -> dict[str, Any]:
    return _committee(branch_get_for_user(request.user, branch_id))


@router.post("/branches/{branch_id}/terms", response={201: TermOut}, summary="换届选举")
def term_elect(request: HttpRequest, branch_id: Id, payload: TermIn) -> Status:
    branch = branch_get_for_user(request.user, branch_id)
    return Status(201, services.term_elect(actor=request.user, branch=branch, **payload.dict()))


@router.post("/branches/{branch_id}/seats", response={201: SeatOut}, summary="登记现任支委会职务")
def seat_assign(request: HttpRequest, branch_id: Id, payload: SeatIn) -> Status:
    branch = branch_get_for_user(request.user, branch_id)
    term = CommitteeTerm.objects.filter(branch=branch, closed_on__isnull=True).first()
    if term is None:
        raise ValidationFailed.on("term", "尚未登记现任支委会届次，请先登记换届选举")
    member = Member.objects.filter(pk=payload.member_id, branch=branch).select_related("person").first()
    if member is None:
        raise ValidationFailed.on("member_id", "须是本支部的党员")
    seat = services.seat_assign(actor=request.user, term=term, member=member, role=payload.role, since=payload.since)
    return Status(201, selectors.seat_get_for_user(request.user, seat.pk))


@router.post("/branches/{branch_id}/seats/{seat_id}/end", response=SeatOut, summary="支委会职务离任")
def seat_end(request: HttpRequest, branch_id: Id, seat_id: Id, payload: SeatEndIn) -> CommitteeMember:
    seat = selectors.seat_get_for_user(request.user, seat_id)
    if seat.term.branch_id != branch_id:
        raise NotFound("支委会职务不存在或无权访问")
    return services.seat_end(actor=request.user, seat=seat, **payload.dict())


# --- members -----------------------------------------------------------------------------------------------------


@router.get("/members", response=list[MemberOut], summary="查询党员")
@paginate(Pagination)
def member_list(request: HttpRequest, branch: Id | None = None, status: MemberStatus | None = None,
                group: Id | None = None, current: bool | None = True, mobile: bool | None = None,
                q: str = "") -> QuerySet[Member]:
    return selectors.member_search(request.user, branch=branch, status=status or "", group=group, current=current,
                                   mobile=mobile, q=q)


@router.post("/members", response={201: MemberOut}, summary="接收预备党员或组织关系转入")
def member_create(request: HttpRequest, payload: MemberIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    person = Person.objects.filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound("人员不存在或无权访问", details={"person_id": ["人员不存在或无权访问"]})
    common = {"actor": request.user, "branch": branch, "person": person, "admitted_on": payload.admitted_on,
              "group": _group(branch, payload.group_id), "category": payload.category, "is_mobile": payload.is_mobile,
              "note": payload.note, "user": _user(payload.username)}
    if payload.mode == "admit":
        member = services.member_admit(**common)
    else:
        member = services.member_transfer_in(
            **common, status=payload.status, full_on=payload.full_on, probation_ends_on=payload.probation_ends_on,
            joined_on=payload.joined_on, joined_from=payload.joined_from)
    return Status(201, selectors.member_get_for_user(request.user, member.pk))


@router.get("/members/{member_id}", response=MemberOut, summary="党员详情")
def member_detail(request: HttpRequest, member_id: Id) -> Member:
    return selectors.member_get_for_user(request.user, member_id)


@router.patch("/members/{member_id}", response=MemberOut, summary="修改党员信息")
def member_update(request: HttpRequest, member_id: Id, payload: MemberPatch) -> Member:
    member = selectors.member_get_for_user(request.user, member_id)
    given = payload.dict(exclude_unset=True)
    if "group_id" in given:
        given["group"] = _group(member.branch, given.pop("group_id"))
    if "username" in given:
        given["user"] = _user(given.pop("username") or "")
    given = {k: v for k, v in given.items() if v is not None or k in ("group", "user")}
    services.member_update(actor=request.user, member=member, **given)
    return selectors.member_get_for_user(request.user, member_id)


@router.post("/members/{member_id}/make-full", response=MemberOut, summary="预备党员转正")
def member_make_full(request: HttpRequest, member_id: Id, payload: MakeFullIn) -> Member:
    member = selectors.member_get_for_user(request.user, member_id)
    services.member_make_full(actor=request.user, member=member, on=payload.on)
    return selectors.member_get_for_user(request.user, member_id)


@router.post("/members/{member_id}/extend-probation", response=MemberOut, summary="延长预备期")
def member_extend_probation(request: HttpRequest, member_id: Id, payload: ExtendIn) -> Member:
    member = selectors.member_get_for_user(request.user, member_id)
    services.member_extend_probation(actor=request.user, member=member, months=payload.months, reason=payload.reason)
    return selectors.member_get_for_user(request.user, member_id)


@router.post("/members/{member_id}/leave", response=MemberOut, summary="组织关系转出或离开本支部")
def member_leave(request: HttpRequest, member_id: Id, payload: LeaveIn) -> Member:
    member = selectors.member_get_for_user(request.user, member_id)
    services.member_leave(actor=request.user, member=member, on=payload.on, reason=payload.reason,
                          destination=payload.destination)
    return selectors.member_get_for_user(request.user, member_id)


@router.get("/members/{member_id}/year", response=YearOut, summary="党员年度情况（出勤、谈话、学时、评议）")
def member_year(request: HttpRequest, member_id: Id, year: Year | None = None) -> dict[str, Any]:
    member = selectors.member_get_for_user(request.user, member_id)
    return selectors.member_year_summary(member, year or timezone.localdate().year)
