"""API routes of the establishment register (编制), mounted at the API root: /api/v1/units/{id}/staffing,
/units/{id}/roster, /units/{id}/quota-movements, /units/{id}/posts, /approvals, /enrolments, /releases,
/transfers and /placements/{id}.

Access: reading needs units.view on the unit; every write needs staffing.change there (the services check it).
How ids are resolved, always through the scoped selectors:

- an id in the path (`/units/{id}/…`, `/approvals/{id}`, `/placements/{id}`) that does not exist or lies outside
  the caller's scope answers 404 `not_found`;
- an id in the request body (`unit`, `to_unit`, `person`, `placement`, `approval`, `post`, `division`) that
  does not exist or lies outside the caller's scope answers 422 `validation_error`, with the field named in
  `details` (e.g. `{"unit": ["单位不存在或无权访问"]}`); the two cases are indistinguishable on purpose;
- a unit the caller may see but not do staffing business in answers 403 `permission_denied` (a unit liaison).

A transaction that would take a block-mode line over its approved number answers 409 `over_quota` (leadership
posts: 409 `over_posts`), with the line's numbers in `details`; nothing is written. Dates are YYYY-MM-DD,
amounts whole numbers.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Int32, Pagination
from bianban.people import selectors as people_selectors
from bianban.people.models import Person
from bianban.staffing import selectors, services
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.staffing.history import roster_as_of
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaMovement
from bianban.staffing.rules import today
from bianban.units import selectors as unit_selectors
from bianban.units.choices import Funding, QuotaKind
from bianban.units.models import Division, Unit

router = Router(tags=["编制"])
T = TypeVar("T")


# --- output -------------------------------------------------------------------------------------------------


class LineOut(Schema):
    id: int
    kind: str
    kind_label: str
    funding: str
    funding_label: str
    approved: int
    occupied: int
    reserved: int = Field(..., description="已核准未入编")
    vacant: int = Field(..., description="空编 = 核定 − 实有 − 已核准未入编（不小于0）")
    over: int = Field(..., description="超编 = 实有 − 核定（不小于0）")
    enforcement: str = Field(..., description="block 拦截 / warn 预警")
    requires_approval: bool


class PostOut(Schema):
    id: int
    unit_id: Id
    division_id: Id | None
    division_name: str | None = Field(None, description="内设机构名称；单位领导职数为 null")
    grade: str = Field(..., description="PRINCIPAL 正职 / DEPUTY 副职")
    grade_label: str
    approved: int
    filled: int
    over: int
    enforcement: str
    document_no: str

    @staticmethod
    def resolve_division_name(obj: PostQuota) -> str | None:
        return obj.division.name if obj.division_id else None

    @staticmethod
    def resolve_grade_label(obj: PostQuota) -> str:
        return obj.get_grade_display()

    @staticmethod
    def resolve_over(obj: PostQuota) -> int:
        return max(obj.filled - obj.approved, 0)


class StaffingOut(Schema):
    unit_id: Id
    as_of: date | None = Field(None, description="所查日期；未指定时为 null，表示当前数")
    lines: list[LineOut]
    posts: list[PostOut] = Field(..., description="领导职数（当前数）")


class MovementOut(Schema):
    id: int
    line_id: Id
    type: str
    type_label: str
    delta: int = Field(..., description="变动数（核减、划出为负）")
    approved_after: int
    document_no: str
    effective_on: date
    reason: str
    counterpart_id: Id | None = Field(None, description="划转时对方编制上的变动记录")

    @staticmethod
    def resolve_type_label(obj: QuotaMovement) -> str:
        return obj.get_type_display()


class ApprovalOut(Schema):
    id: int
    line_id: Id
    unit_id: Id
    kind: str
    funding: str
    count: int
    used: int
    remaining: int
    status: str
    status_label: str
    document_no: str
    issued_on: date
    valid_until: date
    closed_on: date | None
    reason: str

    @staticmethod
    def resolve_unit_id(obj: Approval) -> int:
        return obj.line.unit_id

    @staticmethod
    def resolve_kind(obj: Approval) -> str:
        return obj.line.kind

    @staticmethod
    def resolve_funding(obj: Approval) -> str:
        return obj.line.funding

    @staticmethod
    def resolve_status_label(obj: Approval) -> str:
        return obj.get_status_display()


class PlacementOut(Schema):
    id: int
    person_id: Id
    person_name: str
    unit_id: Id
    line_id: Id | None = Field(None, description="编外人员为 null")
    kind: str | None
    funding: str | None
    on_quota: bool
    post_id: Id | None
    division_id: Id | None
    title: str
    approval_id: Id | None
    started_on: date
    start_document_no: str
    over_quota_reason: str
    ended_on: date | None
    end_reason: str
    end_document_no: str
    transferred_from_id: Id | None

    @staticmethod
    def resolve_person_name(obj: Placement) -> str:
        return obj.person.name

    @staticmethod
    def resolve_kind(obj: Placement) -> str | None:
        return obj.line.kind if obj.line_id else None

    @staticmethod
    def resolve_funding(obj: Placement) -> str | None:
        return obj.line.funding if obj.line_id else None


class RosterEntryOut(PlacementOut):
    id_number: str = Field(..., description="公民身份号码；无权查看个人信息时脱敏为 110105********002X")
    id_number_masked: bool

    @staticmethod
    def resolve_id_number(obj: Placement, context: dict[str, Any]) -> str:
        return people_selectors.displayed_id_number(context["request"].user, obj.person)

    @staticmethod
    def resolve_id_number_masked(obj: Placement, context: dict[str, Any]) -> bool:
        return not people_selectors.pii_visible(context["request"].user, obj.person)


# --- input --------------------------------------------------------------------------------------------------


class MovementIn(Schema):
    kind: QuotaKind = Field(..., description="编制类型")
    funding: Funding = Field(..., description="经费形式；行政、政法专项、工勤编制为 none")
    type: MovementType = Field(
        ..., description="SET 核定 / INCREASE 核增 / DECREASE 核减 / TRANSFER 划转 / WITHDRAW 收回"
    )
    amount: Int32 = Field(..., description="核定时为核定后的总数（≥0），其余为变动数（≥1）")
    document_no: str = Field(..., description="批准文号")
    effective_on: date
    reason: str = ""
    to_unit: Id | None = Field(None, description="划转的目标单位id；不填为本单位")
    to_kind: QuotaKind | None = Field(None, description="划转的目标编制类型；不填同原编制")
    to_funding: Funding | None = Field(None, description="划转的目标经费形式；不填同原编制")
    exception_document_no: str = Field("", description="单位类型本不使用该编制类型时，明确允许的文件文号")


class PostIn(Schema):
    division: Id | None = Field(None, description="内设机构id；不填为单位领导职数")
    grade: PostGrade
    approved: Int32 = Field(..., description="核定职数（≥0）")
    document_no: str
    effective_on: date
    enforcement: Enforcement | None = Field(None, description="block 拦截 / warn 预警；不填不变（新设为拦截）")


class ApprovalIn(Schema):
    unit: Id
    kind: QuotaKind
    funding: Funding
    count: Int32 = Field(..., description="核准使用的编制数（≥1）")
    document_no: str = Field(..., description="核准使用编制通知单号")
    valid_until: date
    issued_on: date | None = Field(None, description="核准日期；不填为今天")
    reason: str = ""


class ApprovalFilters(Schema):
    unit: int | None = Field(None, description="单位id（仅该单位）")
    status: ApprovalStatus | None = None


class WithdrawIn(Schema):
    reason: str = Field(..., description="撤回理由")
    on: date | None = Field(None, description="撤回日期；不填为今天")


class EnrolmentIn(Schema):
    person: Id
    unit: Id
    kind: QuotaKind | None = Field(None, description="编外人员（on_quota=false）不填")
    funding: Funding | None = None
    on: date = Field(..., description="入编时间")
    document_no: str
    approval: Id | None = Field(None, description="用编核准id")
    post: Id | None = Field(None, description="领导职数id")
    division: Id | None = Field(None, description="内设机构id")
    title: str = ""
    on_quota: bool = Field(True, description="false：编外人员，不占编制")
    over_quota_reason: str = Field("", description="预警模式下超编（超职数）时必填")


class ReleaseIn(Schema):
    placement: Id
    reason: ReleaseReason
    on: date = Field(..., description="出编时间")
    document_no: str


class TransferIn(Schema):
    placement: Id
    to_unit: Id
    kind: QuotaKind
    funding: Funding
    on: date = Field(..., description="调动时间")
    document_no: str
    approval: Id | None = None
    post: Id | None = None
    division: Id | None = None
    title: str = ""
    over_quota_reason: str = ""


# --- resolving ids ------------------------------------------------------------------------------------------


def _body_ref(field: str, message: str, fetch: Callable[[], T]) -> T:
    """An object named by id in the request body; missing or out of scope → 422 on that field."""
    try:
        return fetch()
    except NotFound:
        raise ValidationFailed.on(field, message) from None


def _unit_ref(request: HttpRequest, field: str, pk: int) -> Unit:
    return _body_ref(field, "单位不存在或无权访问", lambda: unit_selectors.unit_get_for_user(request.user, pk))


def _person_ref(request: HttpRequest, pk: int) -> Person:
    return _body_ref("person", "人员不存在或无权访问", lambda: people_selectors.person_get_for_user(request.user, pk))


def _placement_ref(request: HttpRequest, pk: int) -> Placement:
    return _body_ref("placement", "编制记录不存在或无权访问",
                     lambda: selectors.placement_get_for_user(request.user, pk))


def _approval_ref(request: HttpRequest, pk: int | None) -> Approval | None:
    if pk is None:
        return None
    return _body_ref("approval", "用编核准不存在或无权访问", lambda: selectors.approval_get_for_user(request.user, pk))


def _post_ref(request: HttpRequest, pk: int | None) -> PostQuota | None:
    if pk is None:
        return None
    post = selectors.post_quotas_for_user(request.user).filter(pk=pk).first()
    if post is None:
        raise ValidationFailed.on("post", "领导职数不存在或无权访问")
    return post


def _division_ref(request: HttpRequest, pk: int | None) -> Division | None:
    if pk is None:
        return None
    return _body_ref("division", "内设机构不存在或无权访问",
                     lambda: unit_selectors.division_get_for_user(request.user, pk))


def _value(choice: Any) -> Any:
    """A TextChoices member as the plain string the services and the database expect."""
    return None if choice is None else choice.value


# --- reads --------------------------------------------------------------------------------------------------


@router.get("/units/{int:unit_id}/staffing", response=StaffingOut, summary="单位编制情况")
def unit_staffing(request: HttpRequest, unit_id: Id, as_of: date | None = None) -> dict[str, Any]:
    """每类编制的核定、实有、已核准未入编、空编、超编数，及领导职数核定与实配数。
    指定 `as_of`（YYYY-MM-DD）时，编制数按编制变动、用编核准和人员编制记录还原为当日数。"""
    unit = unit_selectors.unit_get_for_user(request.user, unit_id)
    panel = selectors.unit_staffing(unit, as_of)
    lines = [
        {
            "id": line.pk, "kind": line.kind, "kind_label": line.get_kind_display(), "funding": line.funding,
            "funding_label": line.get_funding_display(), "approved": state.approved, "occupied": state.occupied,
            "reserved": state.reserved, "vacant": state.vacant, "over": state.over,
            "enforcement": line.enforcement, "requires_approval": line.requires_approval,
        }
        for line, state in panel["lines"]
    ]
    return {"unit_id": unit.pk, "as_of": panel["as_of"], "lines": lines, "posts": panel["posts"]}


@router.get("/units/{int:unit_id}/roster", response=list[RosterEntryOut], summary="单位实名制名册")
@paginate(Pagination)
def unit_roster(request: HttpRequest, unit_id: Id, as_of: date | None = None) -> QuerySet[Placement]:
    """指定日期（默认今天）在该单位的人员（含编外人员）。身份证号码对无权查看个人信息的用户脱敏。"""
    unit = unit_selectors.unit_get_for_user(request.user, unit_id)
    return roster_as_of(unit.pk, as_of or today()).select_related("person__unit")


@router.get("/placements/{int:placement_id}", response=PlacementOut, summary="人员编制记录")
def placement_detail(request: HttpRequest, placement_id: Id) -> Placement:
    return selectors.placement_get_for_user(request.user, placement_id)


@router.get("/approvals", response=list[ApprovalOut], summary="用编核准")
@paginate(Pagination)
def approval_list(request: HttpRequest, filters: Query[ApprovalFilters]) -> QuerySet[Approval]:
    """可见范围内的用编核准，新的在前；可按单位（`unit`）和状态（`status`）筛选。"""
    approvals = selectors.approvals_for_user(request.user)
    if filters.unit is not None:
        approvals = approvals.filter(line__unit_id=filters.unit)
    if filters.status is not None:
        approvals = approvals.filter(status=filters.status.value)
    return approvals


@router.get("/approvals/{int:approval_id}", response=ApprovalOut, summary="用编核准详情")
def approval_detail(request: HttpRequest, approval_id: Id) -> Approval:
    return selectors.approval_get_for_user(request.user, approval_id)


# --- writes -------------------------------------------------------------------------------------------------


@router.post("/units/{int:unit_id}/quota-movements", response={201: MovementOut}, summary="编制变动")
def quota_movement_create(request: HttpRequest, unit_id: Id, payload: MovementIn) -> Status:
    """核定、核增、核减、划转或收回一类编制。划转返回划出的一条，`counterpart_id` 为划入的一条。
    拦截模式下变动后核定数少于实有与已核准未入编之和时返回 409 `over_quota`。"""
    unit = unit_selectors.unit_get_for_user(request.user, unit_id)
    to_unit = _unit_ref(request, "to_unit", payload.to_unit) if payload.to_unit is not None else None
    movement = services.quota_movement_create(
        actor=request.user, unit=unit, kind=_value(payload.kind), funding=_value(payload.funding),
        type=_value(payload.type), amount=payload.amount, document_no=payload.document_no,
        effective_on=payload.effective_on, reason=payload.reason, to_unit=to_unit, to_kind=_value(payload.to_kind),
        to_funding=_value(payload.to_funding), exception_document_no=payload.exception_document_no,
    )
    return Status(201, movement)


@router.post("/units/{int:unit_id}/posts", response=PostOut, summary="核定领导职数")
def post_quota_set(request: HttpRequest, unit_id: Id, payload: PostIn) -> PostQuota:
    """核定单位（或其内设机构）的正职或副职领导职数；拦截模式下不能少于实配数（409 `over_posts`）。"""
    unit = unit_selectors.unit_get_for_user(request.user, unit_id)
    post = services.post_quota_set(
        actor=request.user, unit=unit, grade=_value(payload.grade), approved=payload.approved,
        document_no=payload.document_no, effective_on=payload.effective_on,
        division=_division_ref(request, payload.division), enforcement=_value(payload.enforcement),
    )
    return post


@router.post("/approvals", response={201: ApprovalOut}, summary="用编核准")
def approval_create(request: HttpRequest, payload: ApprovalIn) -> Status:
    """核准使用编制：预留 `count` 名空编至 `valid_until`。空编不足时（拦截模式）返回 409 `over_quota`。"""
    unit = _unit_ref(request, "unit", payload.unit)
    approval = services.approval_create(
        actor=request.user, unit=unit, kind=_value(payload.kind), funding=_value(payload.funding),
        count=payload.count, document_no=payload.document_no, valid_until=payload.valid_until,
        issued_on=payload.issued_on, reason=payload.reason,
    )
    return Status(201, approval)


@router.post("/approvals/{int:approval_id}/withdraw", response=ApprovalOut, summary="撤回用编核准")
def approval_withdraw(request: HttpRequest, approval_id: Id, payload: WithdrawIn) -> Approval:
    """撤回用编核准，释放其未使用的预留编制。"""
    approval = selectors.approval_get_for_user(request.user, approval_id)
    return services.approval_withdraw(actor=request.user, approval=approval, reason=payload.reason, on=payload.on)


@router.post("/enrolments", response={201: PlacementOut}, summary="入编")
def placement_enrol(request: HttpRequest, payload: EnrolmentIn) -> Status:
    """人员入编（`on_quota=false`：登记为编外人员）。拦截模式下无空编时返回 409 `over_quota`，不写入任何数据。"""
    unit = _unit_ref(request, "unit", payload.unit)
    placement = services.placement_enrol(
        actor=request.user, person=_person_ref(request, payload.person), unit=unit, kind=_value(payload.kind),
        funding=_value(payload.funding), on=payload.on, document_no=payload.document_no,
        approval=_approval_ref(request, payload.approval), post=_post_ref(request, payload.post),
        division=_division_ref(request, payload.division), title=payload.title, on_quota=payload.on_quota,
        over_quota_reason=payload.over_quota_reason,
    )
    return Status(201, placement)


@router.post("/releases", response=PlacementOut, summary="出编")
def placement_release(request: HttpRequest, payload: ReleaseIn) -> Placement:
    """人员出编（退休、辞职、辞退、死亡、调出、开除等），释放其编制和领导职数。"""
    placement = _placement_ref(request, payload.placement)
    return services.placement_release(actor=request.user, placement=placement, reason=_value(payload.reason),
                                      on=payload.on, document_no=payload.document_no)


@router.post("/transfers", response={201: PlacementOut}, summary="调动")
def placement_transfer(request: HttpRequest, payload: TransferIn) -> Status:
    """调动：从原编制出编并在目标单位的编制入编，作为一个事务；返回新的编制记录。"""
    placement = _placement_ref(request, payload.placement)
    new = services.placement_transfer(
        actor=request.user, placement=placement, to_unit=_unit_ref(request, "to_unit", payload.to_unit),
        kind=_value(payload.kind), funding=_value(payload.funding), on=payload.on, document_no=payload.document_no,
        approval=_approval_ref(request, payload.approval), post=_post_ref(request, payload.post),
        division=_division_ref(request, payload.division), title=payload.title,
        over_quota_reason=payload.over_quota_reason,
    )
    return Status(201, new)
