"""/api/v1/talks and /api/v1/branches/{id}/talk-coverage: talks and the yearly coverage of 条例第十九条's pairs.
Reads are scoped by the branch's unit (404 outside scope); participants are given by member id and must be members
of the talk's branch."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.accounts.choices import Perm
from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Limit, Offset, Pagination, Year
from bianban.ledger.choices import ProblemCategory
from bianban.party.access import branch_get_for_user
from bianban.party.choices import TalkKind
from bianban.party.models import Branch, Member, Talk
from bianban.party.schemas import MemberRef
from bianban.party.talks import selectors, services
from bianban.party.talks.coverage import CATEGORY_LABELS

router = Router(tags=["党支部工作"])
MAX_LIMIT = settings.BIANBAN["API_MAX_LIMIT"]


class TalkOut(Schema):
    id: int
    branch_id: Id
    kind: str
    kind_label: str
    held_on: date
    place: str
    topic: str
    summary: str
    follow_up: str
    talker: MemberRef | None
    talked_to: list[MemberRef]
    person_times: int = Field(description="人次：谈话对象人数")
    problem_id: Id | None

    @staticmethod
    def resolve_kind_label(obj: Talk) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_talker(obj: Talk) -> Member | None:
        return selectors.talk_roles(obj)[0]

    @staticmethod
    def resolve_talked_to(obj: Talk) -> list[Member]:
        return selectors.talk_roles(obj)[1]

    @staticmethod
    def resolve_person_times(obj: Talk) -> int:
        return len(selectors.talk_roles(obj)[1])


class TalkProblemIn(Schema):
    title: str = Field(description="问题（简述）")
    description: str = ""
    category: ProblemCategory = ProblemCategory.PARTY


class TalkIn(Schema):
    branch_id: Id
    kind: TalkKind
    held_on: date
    topic: str
    place: str = ""
    summary: str = ""
    follow_up: str = ""
    talker_id: Id | None = Field(None, description="谈话人（党员id）")
    talked_to_ids: list[Id] = Field(default_factory=list, description="谈话对象（党员id，可多人）")
    problem: TalkProblemIn | None = Field(None, description="谈话中发现的问题：填写则在谈话保存后登记到问题台账")


class TalkPatch(Schema):
    kind: TalkKind | None = None
    held_on: date | None = None
    topic: str | None = None
    place: str | None = None
    summary: str | None = None
    follow_up: str | None = None
    talker_id: Id | None = None
    talked_to_ids: list[Id] | None = None


def _members(branch: Branch, ids: Sequence[int], field: str) -> list[Member]:
    """The branch's members with these ids, in the order given; an id of no member of the branch is refused."""
    found = {m.pk: m for m in Member.objects.filter(branch=branch, pk__in=ids).select_related("person")}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed.on(field, f"党员（id {'、'.join(missing)}）不是本支部党员")
    return [found[i] for i in ids]


def _talker(branch: Branch, talker_id: Id | None) -> Member | None:
    return None if talker_id is None else _members(branch, [talker_id], "talker_id")[0]


def _fresh(request: HttpRequest, pk: int) -> Talk:
    return selectors.talk_get_for_user(request.user, pk)


@router.get("/talks", response=list[TalkOut], summary="查询谈话记录")
@paginate(Pagination)
def talk_list(request: HttpRequest, branch: Id | None = None, kind: TalkKind | None = None, year: Year | None = None,
              member: Id | None = None) -> QuerySet[Talk]:
    return selectors.talks_for_user(request.user, branch=branch, kind=kind or "", year=year,
                                    member=member).order_by("-held_on", "-pk")


@router.post("/talks", response={201: TalkOut}, summary="登记谈话（可同时登记问题到问题台账）")
def talk_create(request: HttpRequest, payload: TalkIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    draft = None
    if payload.problem is not None:
        draft = services.ProblemDraft(title=payload.problem.title, description=payload.problem.description,
                                      category=payload.problem.category)
    talk = services.talk_create_with_problem(
        actor=request.user, problem=draft, branch=branch, kind=payload.kind, held_on=payload.held_on,
        topic=payload.topic, place=payload.place, summary=payload.summary, follow_up=payload.follow_up,
        talker=_talker(branch, payload.talker_id), talked_to=_members(branch, payload.talked_to_ids, "talked_to_ids"))
    return Status(201, _fresh(request, talk.pk))


@router.get("/talks/{talk_id}", response=TalkOut, summary="谈话记录详情")
def talk_detail(request: HttpRequest, talk_id: Id) -> Talk:
    return _fresh(request, talk_id)


@router.patch("/talks/{talk_id}", response=TalkOut, summary="修改谈话记录")
def talk_update(request: HttpRequest, talk_id: Id, payload: TalkPatch) -> Talk:
    talk = selectors.talk_get_for_user(request.user, talk_id)
    given: dict[str, Any] = payload.dict(exclude_unset=True)
    if "talker_id" in given:
        given["talker"] = _talker(talk.branch, given.pop("talker_id"))
    if "talked_to_ids" in given:
        given["talked_to"] = _members(talk.branch, given.pop("talked_to_ids") or [], "talked_to_ids")
    services.talk_update(actor=request.user, talk=talk, **given)
    return _fresh(request, talk_id)


class PairOut(Schema):
    a: MemberRef
    b: MemberRef
    category: str
    category_label: str


class GapsOut(Schema):
    items: list[PairOut]
    count: int


class CoverageMemberOut(MemberRef):
    committee: bool


class CategoryOut(Schema):
    label: str
    required: int
    covered: int


class CoverageOut(Schema):
    branch_id: Id
    year: int
    members: list[CoverageMemberOut]
    required: int = Field(description="应谈话的党员对数")
    covered: int = Field(description="已谈话的党员对数")
    percent: float
    by_category: dict[str, CategoryOut]
    person_times: dict[str, int] = Field(description="本年谈话人次，按类型")
    gaps: GapsOut


@router.get("/branches/{branch_id}/talk-coverage", response=CoverageOut, summary="谈心谈话覆盖情况（条例第十九条）")
def talk_coverage(request: HttpRequest, branch_id: Id, year: Year | None = None, limit: Limit = 100,
                  offset: Offset = 0) -> dict[str, Any]:
    branch = branch_get_for_user(request.user, branch_id, Perm.PARTY_VIEW)
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应为2000至2100之间的整数")
    year = year or timezone.localdate().year
    limit = min(limit, MAX_LIMIT)
    coverage = selectors.talk_coverage(branch, year)
    return {
        "branch_id": branch.pk, "year": year, "required": coverage.required, "covered": coverage.covered,
        "percent": coverage.percent,
        "members": [{"id": m.pk, "name": str(m), "committee": coverage.is_committee(m)} for m in coverage.members],
        "by_category": {code: {"label": CATEGORY_LABELS[code], **n} for code, n in coverage.by_category.items()},
        "person_times": selectors.talk_counts(branch, year),
        "gaps": {"count": len(coverage.gaps), "items": [
            {"a": g.a, "b": g.b, "category": g.category, "category_label": g.category_label}
            for g in coverage.gaps[offset:offset + limit]]},
    }
