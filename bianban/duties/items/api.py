"""/api/v1/duty-items: the 党建责任清单. Every task carries its progress computed from the records (one set of
queries per page, not per task). Reads are scoped by the branch's unit (404 outside scope); writes need PARTY_CHANGE
(403); bad input is a 422 with a Chinese message."""

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Limit, Month, Offset, Year
from bianban.duties.choices import DutyMeasure
from bianban.duties.items import selectors, services
from bianban.duties.items.progress import Progress, items_progress
from bianban.duties.models import DutyItem
from bianban.party.access import branch_get_for_user
from bianban.party.models import Branch, Member
from bianban.units.models import Division

router = Router(tags=["党建责任与专项工作"])
MAX_LIMIT = settings.BIANBAN["API_MAX_LIMIT"]


class ProgressOut(Schema):
    done: int
    target: int | None
    complete: bool
    behind: bool
    expected: int = Field(description="截至评估月底应完成的数量")
    done_by_month: int
    month: int = Field(description="评估月份（0：年度尚未开始）")
    label: str
    state: str = Field(description="complete / behind / open")


class DutyItemOut(Schema):
    id: int
    branch_id: Id
    year: int
    parent_id: Id | None
    title: str
    description: str
    owner_member_id: Id | None
    owner_division_id: Id | None
    owner: str
    months: list[int]
    measure: str
    measure_label: str
    activity_kind: str
    talk_kind: str
    target_count: int | None
    due_on: date | None
    completed_on: date | None
    completion_note: str
    progress: ProgressOut


class DutyItemPage(Schema):
    items: list[DutyItemOut]
    count: int


class DutyItemIn(Schema):
    branch_id: Id
    year: Year
    title: str
    months: list[Any] = Field(description="部署月份，1–12")
    measure: DutyMeasure = DutyMeasure.MANUAL
    description: str = ""
    owner_member_id: Id | None = None
    owner_division_id: Id | None = None
    activity_kind: str = ""
    talk_kind: str = ""
    target_count: Any = Field(None, description="量化目标（按记录计算的任务必填，正整数）")
    due_on: date | None = None
    parent_id: Id | None = None


class DutyItemPatch(Schema):
    title: str | None = None
    description: str | None = None
    owner_member_id: Id | None = None
    owner_division_id: Id | None = None
    months: list[Any] | None = None
    measure: DutyMeasure | None = None
    activity_kind: str | None = None
    talk_kind: str | None = None
    target_count: Any = None
    due_on: date | None = None


class CompleteIn(Schema):
    completed_on: date
    note: str


class ItemReopenIn(Schema):
    reason: str


def _out(item: DutyItem, progress: Progress) -> dict[str, Any]:
    return {
        "id": item.pk, "branch_id": item.branch_id, "year": item.year, "parent_id": item.parent_id,
        "title": item.title, "description": item.description, "owner_member_id": item.owner_member_id,
        "owner_division_id": item.owner_division_id, "owner": selectors.owner_label(item),
        "months": item.month_list, "measure": item.measure, "measure_label": item.get_measure_display(),
        "activity_kind": item.activity_kind, "talk_kind": item.talk_kind, "target_count": item.target_count,
        "due_on": item.due_on, "completed_on": item.completed_on, "completion_note": item.completion_note,
        "progress": {**progress.__dict__, "label": progress.label, "state": progress.state},
    }


def _fresh(request: HttpRequest, pk: int) -> dict[str, Any]:
    item = selectors.item_get_for_user(request.user, pk)
    return _out(item, items_progress([item])[item.pk])


def _member(branch: Branch, pk: int | None) -> Member | None:
    if pk is None:
        return None
    member = Member.objects.filter(branch=branch, pk=pk).select_related("person").first()
    if member is None:
        raise ValidationFailed.on("owner_member_id", f"党员（id {pk}）不是本支部党员")
    return member


def _division(branch: Branch, pk: int | None) -> Division | None:
    if pk is None:
        return None
    division = Division.objects.filter(unit_id=branch.unit_id, pk=pk).first()
    if division is None:
        raise ValidationFailed.on("owner_division_id", f"内设机构（id {pk}）不属于{branch.unit.name}")
    return division


@router.get("/duty-items", response=DutyItemPage, summary="查询党建责任清单（含完成进度）")
def item_list(request: HttpRequest, branch: Id | None = None, year: Year | None = None,
              owner_member: Id | None = None, month: Month | None = None, limit: Limit = 100,
              offset: Offset = 0) -> dict[str, Any]:
    qs = selectors.items_for_user(request.user, branch=branch, year=year, owner_member=owner_member, month=month)
    limit = min(limit, MAX_LIMIT)
    page = list(qs[offset:offset + limit])
    progress = items_progress(page)
    return {"items": [_out(i, progress[i.pk]) for i in page], "count": qs.count()}


@router.post("/duty-items", response={201: DutyItemOut}, summary="新增任务或子任务")
def item_create(request: HttpRequest, payload: DutyItemIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    parent = None
    if payload.parent_id is not None:
        parent = selectors.items_for_user(request.user, branch=branch).filter(pk=payload.parent_id).first()
        if parent is None:
            raise ValidationFailed.on("parent_id", "上级任务不存在或不属于该党支部")
    item = services.item_create(
        actor=request.user, branch=branch, year=payload.year, title=payload.title, months=payload.months,
        measure=payload.measure, description=payload.description,
        owner_member=_member(branch, payload.owner_member_id),
        owner_division=_division(branch, payload.owner_division_id), activity_kind=payload.activity_kind,
        talk_kind=payload.talk_kind, target_count=payload.target_count, due_on=payload.due_on, parent=parent)
    return Status(201, _fresh(request, item.pk))


@router.get("/duty-items/{item_id}", response=DutyItemOut, summary="任务详情（含完成进度）")
def item_detail(request: HttpRequest, item_id: Id) -> dict[str, Any]:
    return _fresh(request, item_id)


@router.patch("/duty-items/{item_id}", response=DutyItemOut, summary="修改任务")
def item_update(request: HttpRequest, item_id: Id, payload: DutyItemPatch) -> dict[str, Any]:
    item = selectors.item_get_for_user(request.user, item_id)
    given: dict[str, Any] = payload.dict(exclude_unset=True)
    if "owner_member_id" in given:
        given["owner_member"] = _member(item.branch, given.pop("owner_member_id"))
    if "owner_division_id" in given:
        given["owner_division"] = _division(item.branch, given.pop("owner_division_id"))
    services.item_update(actor=request.user, item=item, **given)
    return _fresh(request, item_id)


@router.delete("/duty-items/{item_id}", response={204: None}, summary="删除任务（无子任务、无佐证材料时）")
def item_delete(request: HttpRequest, item_id: Id) -> Status:
    services.item_delete(actor=request.user, item=selectors.item_get_for_user(request.user, item_id))
    return Status(204, None)


@router.post("/duty-items/{item_id}/evidence", response={201: dict}, summary="上传佐证材料")
def evidence_add(request: HttpRequest, item_id: Id, file: File[UploadedFile], note: str = "") -> Status:
    item = selectors.item_get_for_user(request.user, item_id)
    evidence = services.evidence_add(actor=request.user, item=item, uploaded_file=file, note=note)
    return Status(201, {"id": evidence.pk, "name": evidence.original_name, "size": evidence.size})


@router.post("/duty-items/{item_id}/complete", response=DutyItemOut, summary="确认完成（须已上传佐证材料）")
def item_complete(request: HttpRequest, item_id: Id, payload: CompleteIn) -> dict[str, Any]:
    item = selectors.item_get_for_user(request.user, item_id)
    services.item_complete(actor=request.user, item=item, completed_on=payload.completed_on, note=payload.note)
    return _fresh(request, item_id)


@router.post("/duty-items/{item_id}/reopen", response=DutyItemOut, summary="重新打开已完成的任务")
def item_reopen(request: HttpRequest, item_id: Id, payload: ItemReopenIn) -> dict[str, Any]:
    item = selectors.item_get_for_user(request.user, item_id)
    services.item_reopen(actor=request.user, item=item, reason=payload.reason)
    return _fresh(request, item_id)
