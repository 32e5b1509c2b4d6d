"""/api/v1/key-dates and /api/v1/branches/{id}/integrity-talks: integrity key dates with their reminders, the
year's holidays generated from the calendar, and the integrity talks counted in 人次. Reads are scoped by the
branch's unit (404 outside scope); assignees are given by member id and must be current members of the branch."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Int32, Pagination, Year
from bianban.duties.integrity import selectors, services
from bianban.duties.models import KeyDate
from bianban.party.access import branch_get_for_user
from bianban.party.models import Branch, Member
from bianban.party.schemas import MemberRef

router = Router()


class KeyDateOut(Schema):
    id: int
    branch_id: Id
    name: str
    on: date
    year: int = Field(description="所属年度（元旦假期始于上年12月的，属于下一年）")
    source: str
    lead_workdays: int
    remind_on: date
    actions: str
    talk_required: bool
    assignees: list[MemberRef]
    done_on: date | None
    done_note: str
    overdue: bool = Field(description="提醒日期已过且尚未落实")
    window_talks: int = Field(description="提醒日期至节点日期之间开展的廉政谈话（次）")
    window_person_times: int = Field(description="同上，人次")

    @staticmethod
    def resolve_year(obj: KeyDate) -> int:
        return selectors.keydate_year(obj)

    @staticmethod
    def resolve_assignees(obj: KeyDate) -> list[Member]:
        return list(obj.assignees.all())

    @staticmethod
    def resolve_overdue(obj: KeyDate) -> bool:
        return selectors.is_overdue(obj, timezone.localdate())

    @staticmethod
    def resolve_window_talks(obj: KeyDate) -> int:
        # Annotated by selectors.keydates_for_user (no query per row of a list).
        counted = getattr(obj, "window_talk_count", None)
        return selectors.window_talks(obj).count() if counted is None else counted

    @staticmethod
    def resolve_window_person_times(obj: KeyDate) -> int:
        counted = getattr(obj, "window_person_times", None)
        return selectors.keydate_rows([obj])[0].talk_persons if counted is None else counted


class KeyDateIn(Schema):
    branch_id: Id
    name: str
    on: date
    lead_workdays: Int32 = settings.BIANBAN["KEY_DATE_LEAD_WORKDAYS"]
    actions: str
    talk_required: bool = False
    assignee_ids: list[Id] = Field(default_factory=list, description="落实人（党员id）；不填则提醒支委会成员")


class KeyDatePatch(Schema):
    name: str | None = None
    on: date | None = None
    lead_workdays: Int32 | None = None
    actions: str | None = None
    talk_required: bool | None = None
    assignee_ids: list[Id] | None = None


class GenerateIn(Schema):
    branch_id: Id
    year: Year
    lead_workdays: Int32 | None = Field(None, description="提前工作日数，默认按系统设置")
    actions: str = ""
    talk_required: bool = False
    assignee_ids: list[Id] = Field(default_factory=list)


class GenerateOut(Schema):
    created: list[KeyDateOut]
    skipped_existing: list[str] = Field(description="已登记而跳过的节点")
    skipped_past: list[str] = Field(description="提醒日期已过而跳过的节点")
    not_computable: list[str] = Field(description="该年放假安排未收录、无法计算的节日（可作为自定义节点录入）")
    message: str


class DoneIn(Schema):
    done_on: date
    note: str = ""


class IntegrityTalksOut(Schema):
    branch_id: Id
    year: int
    integrity_person_times: int = Field(description="廉政谈话人次")
    integrity_talks: int
    reminder_person_times: int = Field(description="提醒谈话人次")
    reminder_talks: int


def _members(branch: Branch, ids: Sequence[int]) -> list[Member]:
    found = {m.pk: m for m in Member.objects.filter(branch=branch, pk__in=ids).select_related("person")}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed.on("assignee_ids", f"党员（id {'、'.join(missing)}）不是本支部党员")
    return [found[i] for i in dict.fromkeys(ids)]


def _fresh(request: HttpRequest, pk: int) -> KeyDate:
    return selectors.keydate_get_for_user(request.user, pk)


@router.get("/key-dates", response=list[KeyDateOut], summary="查询廉政重要节点")
@paginate(Pagination)
def keydate_list(request: HttpRequest, branch: Id | None = None, year: Year | None = None) -> QuerySet[KeyDate]:
    return selectors.keydates_for_user(request.user, branch=branch, year=year)


@router.post("/key-dates", response={201: KeyDateOut}, summary="登记自定义廉政节点")
def keydate_create(request: HttpRequest, payload: KeyDateIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    key_date = services.keydate_create(
        actor=request.user, branch=branch, name=payload.name, on=payload.on, lead_workdays=payload.lead_workdays,
        actions=payload.actions, talk_required=payload.talk_required,
        assignees=_members(branch, payload.assignee_ids))
    return Status(201, _fresh(request, key_date.pk))


@router.post("/key-dates/generate", response={201: GenerateOut}, summary="生成某年法定节假日节点")
def keydate_generate(request: HttpRequest, payload: GenerateIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    result = services.keydates_generate(
        actor=request.user, branch=branch, year=payload.year, lead_workdays=payload.lead_workdays,
        actions=payload.actions, talk_required=payload.talk_required,
        assignees=_members(branch, payload.assignee_ids))
    return Status(201, {"created": [_fresh(request, k.pk) for k in result.created],
                        "skipped_existing": result.existing, "skipped_past": result.past,
                        "not_computable": result.not_computable, "message": result.message})


@router.get("/key-dates/{key_date_id}", response=KeyDateOut, summary="廉政节点详情")
def keydate_detail(request: HttpRequest, key_date_id: Id) -> KeyDate:
    return _fresh(request, key_date_id)


@router.patch("/key-dates/{key_date_id}", response=KeyDateOut, summary="修改廉政节点")
def keydate_update(request: HttpRequest, key_date_id: Id, payload: KeyDatePatch) -> KeyDate:
    key_date = _fresh(request, key_date_id)
    given: dict[str, Any] = payload.dict(exclude_unset=True)
    if "assignee_ids" in given:
        given["assignees"] = _members(key_date.branch, given.pop("assignee_ids") or [])
    services.keydate_update(actor=request.user, key_date=key_date, **given)
    return _fresh(request, key_date_id)


@router.delete("/key-dates/{key_date_id}", response={204: None}, summary="删除廉政节点")
def keydate_delete(request: HttpRequest, key_date_id: Id) -> Status:
    services.keydate_delete(actor=request.user, key_date=_fresh(request, key_date_id))
    return Status(204, None)


@router.post("/key-dates/{key_date_id}/done", response=KeyDateOut, summary="标记廉政提醒已落实")
def keydate_done(request: HttpRequest, key_date_id: Id, payload: DoneIn) -> KeyDate:
    services.keydate_mark_done(actor=request.user, key_date=_fresh(request, key_date_id), done_on=payload.done_on,
                               note=payload.note)
    return _fresh(request, key_date_id)


@router.get("/branches/{branch_id}/integrity-talks", response=IntegrityTalksOut, summary="廉政谈话人次")
def integrity_talks(request: HttpRequest, branch_id: Id, year: Year | None = None) -> dict[str, Any]:
    branch = branch_get_for_user(request.user, branch_id)
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应为2000至2100之间的整数")
    year = year or timezone.localdate().year
    counts = selectors.integrity_talk_counts(branch, year)
    return {"branch_id": branch.pk, "year": year, "integrity_person_times": counts["INTEGRITY"],
            "integrity_talks": counts["INTEGRITY_talks"], "reminder_person_times": counts["REMINDER"],
            "reminder_talks": counts["REMINDER_talks"]}
