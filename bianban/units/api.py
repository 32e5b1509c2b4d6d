"""/api/v1/units: search, create and change units; read their divisions, 三定 charters and 沿革.

Reads are scoped like the UI (a unit outside the caller's scope is 404). Writes need units.change on the unit
(for a new unit, on its parent; a top-level unit needs a district-wide grant): 404 when the caller cannot even
see it, 403 when they can see but not change it.
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import PermissionDenied, ValidationFailed
from bianban.core.params import Id, Int32, Pagination
from bianban.units import selectors, services
from bianban.units.choices import UnitKind, UnitRank, UnitStatus
from bianban.units.models import Charter, Division, Unit, UnitEvent

router = Router(tags=["机构"])


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    other_names: str
    kind: str
    kind_label: str
    institution_class: str
    rank: str
    system_category: str
    parent_id: Id | None
    path: str
    depth: int
    uscc: str
    uscc_checksum_reason: str
    status: str
    established_on: date | None
    abolished_on: date | None
    document_no: str
    functions: str
    sort_order: int

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return obj.get_kind_display()


class UnitIn(Schema):
    name: str = Field(description="机构全称，同一主管部门下不得重名")
    kind: UnitKind = Field(description="单位类型")
    parent_id: Id | None = Field(None, description="主管部门的id；不填为顶层机构（须全区范围授权）")
    short_name: str = ""
    other_names: str = ""
    institution_class: str = Field("", description="事业单位类别，仅事业单位、参公单位填写：public_1/public_2/business/"
                                                    "administrative/unclassified")
    rank: UnitRank = UnitRank.UNRANKED
    system_category: str = ""
    uscc: str = Field("", description="统一社会信用代码（18位）；机关以11开头，事业单位以12开头")
    uscc_checksum_reason: str = Field("", description="校验位不符但确属合法代码时，须填写的说明")
    established_on: date | None = None
    document_no: str = Field("", description="批准文号")
    functions: str = ""
    sort_order: Int32 = 0


class UnitPatch(Schema):
    """Only the fields sent are changed. `document_no`, `occurred_on` and `reason` go to the 沿革 and audit."""

    name: str | None = None
    kind: UnitKind | None = None
    parent_id: Id | None = Field(None, description="新的主管部门id；显式传 null 调整为顶层机构")
    short_name: str | None = None
    other_names: str | None = None
    institution_class: str | None = None
    rank: UnitRank | None = None
    system_category: str | None = None
    uscc: str | None = None
    uscc_checksum_reason: str | None = None
    established_on: date | None = None
    functions: str | None = None
    sort_order: Int32 | None = None
    document_no: str = ""
    occurred_on: date | None = None
    reason: str = ""


class DivisionOut(Schema):
    id: int
    unit_id: Id
    name: str
    rank: str
    functions: str
    sort_order: int
    status: str
    established_on: date | None
    abolished_on: date | None
    document_no: str


class CharterOut(Schema):
    id: int
    unit_id: Id
    version: int
    title: str
    document_no: str
    issued_on: date
    effective_on: date
    functions: str
    divisions: list[dict[str, Any]]
    quota: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    note: str
    is_current: bool


class UnitEventOut(Schema):
    id: int
    unit_id: Id
    kind: str
    kind_label: str
    occurred_on: date
    document_no: str
    summary: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_kind_label(obj: UnitEvent) -> str:
        return obj.get_kind_display()


def _parent_field(exc: ValidationFailed) -> ValidationFailed:
    """The services name the field `parent`; the API calls it `parent_id`."""
    if "parent" in exc.details:
        exc.details["parent_id"] = exc.details.pop("parent")
    return exc


def _require_change(request: HttpRequest, unit: Unit | None) -> None:
    if not selectors.unit_may_change(request.user, unit):
        if unit is None:
            raise PermissionDenied("只有全区范围授权的用户才能设立或调入顶层机构")
        raise PermissionDenied(f"没有维护“{unit.name}”的权限")


@router.get("", response=list[UnitOut], summary="查找机构")
@paginate(Pagination)
def unit_list(
    request: HttpRequest, q: str = "", parent: Id | None = None, kind: UnitKind | None = None,
    status: UnitStatus | None = None,
) -> QuerySet[Unit]:
    """按名称、简称或统一社会信用代码查找（`q`），按主管部门（直接下级）、单位类型、状态筛选。"""
    return selectors.unit_search(request.user, q=q, parent=parent, kind=kind or "", status=status or "")


@router.post("", response={201: UnitOut}, summary="设立机构")
def unit_create(request: HttpRequest, payload: UnitIn) -> Status:
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = selectors.unit_get_for_user(request.user, parent_id) if parent_id is not None else None
    _require_change(request, parent)
    try:
        unit = services.unit_create(actor=request.user, parent=parent, **data)
    except ValidationFailed as exc:
        raise _parent_field(exc) from None
    return Status(201, unit)


@router.get("/{int:unit_id}", response=UnitOut, summary="机构详情")
def unit_detail(request: HttpRequest, unit_id: Id) -> Unit:
    return selectors.unit_get_for_user(request.user, unit_id)


@router.patch("/{int:unit_id}", response=UnitOut, summary="修改机构（只改所传字段）")
def unit_patch(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Unit:
    unit = selectors.unit_get_for_user(request.user, unit_id)
    _require_change(request, unit)
    fields = payload.dict(exclude_unset=True)
    extra = {name: fields.pop(name) for name in ("document_no", "occurred_on", "reason") if name in fields}
    for name in ("name", "short_name", "other_names", "institution_class", "system_category", "uscc",
                 "uscc_checksum_reason", "functions"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    parent_id = fields.pop("parent_id", unit.parent_id)
    if parent_id != unit.parent_id:
        parent = selectors.units_for_user(request.user).filter(pk=parent_id).first() if parent_id else None
        if parent_id is not None and parent is None:
            raise ValidationFailed.on("parent_id", "主管部门不存在或无权访问")
        _require_change(request, parent)
        fields["parent"] = parent
    try:
        return services.unit_update(actor=request.user, unit=unit, **extra, **fields)
    except ValidationFailed as exc:
        raise _parent_field(exc) from None


@router.get("/{int:unit_id}/divisions", response=list[DivisionOut], summary="内设机构")
@paginate(Pagination)
def unit_divisions(request: HttpRequest, unit_id: Id) -> QuerySet[Division]:
    unit = selectors.unit_get_for_user(request.user, unit_id)
    return selectors.unit_divisions(request.user, unit)


@router.get("/{int:unit_id}/charters", response=list[CharterOut], summary="三定规定（各版本，新版在前）")
@paginate(Pagination)
def unit_charters(request: HttpRequest, unit_id: Id) -> QuerySet[Charter]:
    unit = selectors.unit_get_for_user(request.user, unit_id)
    return selectors.unit_charters(request.user, unit)


@router.get("/{int:unit_id}/events", response=list[UnitEventOut], summary="沿革（新的在前）")
@paginate(Pagination)
def unit_events(request: HttpRequest, unit_id: Id) -> QuerySet[UnitEvent]:
    unit = selectors.unit_get_for_user(request.user, unit_id)
    return selectors.unit_events(request.user, unit)
