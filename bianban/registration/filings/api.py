"""/api/v1/filings: 设立、变更、注销登记 and their steps. Reads are scoped by the institution (404 outside scope);
writes need units.change on it (编办). Each filing carries its next legal deadline and the steps allowed now."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Pagination
from bianban.registration.choices import FilingKind, FilingStatus
from bianban.registration.filings import checklists, selectors, services
from bianban.registration.models import Filing, FilingEvent
from bianban.registration.registrations.selectors import registration_get_for_user
from bianban.units.selectors import unit_get_for_user

router = Router()


class DeadlineOut(Schema):
    what: str
    due_on: date
    overdue: bool


class MaterialOut(Schema):
    key: str
    label: str
    ticked: bool


class FilingOut(Schema):
    id: int
    unit_id: Id
    unit_name: str
    registration_id: Id | None
    kind: str
    kind_label: str
    status: str
    status_label: str
    occurred_on: date | None
    applied_on: date | None
    accepted_on: date | None
    decided_on: date | None
    certified_on: date | None
    published_on: date | None
    changes: dict[str, list[Any]]
    proposed: dict[str, Any]
    cancel_reason: str
    liquidation_started_on: date | None
    materials: list[MaterialOut]
    document_no: str
    note: str
    next_deadline: DeadlineOut | None
    next_steps: list[str]

    @staticmethod
    def resolve_unit_name(obj: Filing) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_kind_label(obj: Filing) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Filing) -> str:
        return services.status_label(obj)

    @staticmethod
    def resolve_materials(obj: Filing) -> list[dict[str, Any]]:
        return [{"key": key, "label": label, "ticked": key in obj.materials}
                for key, label in checklists.checklist(obj.kind, obj.changes)]

    @staticmethod
    def resolve_next_deadline(obj: Filing) -> dict[str, Any] | None:
        deadline = selectors.next_deadline(obj)
        if deadline is None:
            return None
        return {"what": deadline.what, "due_on": deadline.due_on,
                "overdue": deadline.overdue(timezone.localdate())}

    @staticmethod
    def resolve_next_steps(obj: Filing) -> list[str]:
        return services.next_steps(obj)


class EventOut(Schema):
    from_status: str
    to_status: str
    on: date
    note: str
    actor_name: str

    @staticmethod
    def resolve_actor_name(obj: FilingEvent) -> str:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor else "系统"


class FilingDetailOut(FilingOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Filing) -> QuerySet[FilingEvent]:
        return selectors.filing_events(obj)


class FilingIn(Schema):
    kind: FilingKind
    unit_id: Id | None = Field(None, description="设立：尚未登记的事业单位id")
    registration_id: Id | None = Field(None, description="变更、注销：登记id")
    proposed: dict[str, Any] = Field(default_factory=dict,
                                     description="设立：name、purpose、address、legal_representative、capital、"
                                                 "funding_source、sponsor（单位id）、uscc（可在核准时填写）等")
    changes: dict[str, Any] = Field(default_factory=dict, description="变更：{登记事项: 新值}，sponsor为单位id")
    occurred_on: date | None = Field(None, description="设立：批准设立日期；变更：变更日期（住所：计划迁移日期）")
    applied_on: date | None = Field(None, description="申请日期；不填为待申请")
    cancel_reason: str = Field("", description="注销原因")
    liquidation_started_on: date | None = Field(None, description="注销：清算开始日期")
    document_no: str = ""
    note: str = ""


class FilingTransitionIn(Schema):
    to_status: FilingStatus
    on: date
    expected_status: FilingStatus | None = Field(None, description="客户端看到的状态；已变化则返回409")
    note: str = Field("", description="说明；不予受理、不予登记须填写理由")
    document_no: str = ""
    certificate_number: str = Field("", description="发证（设立、变更）：新证书号")
    uscc: str = Field("", description="核准设立：统一社会信用代码")
    uscc_checksum_reason: str = ""
    liquidation_ended_on: date | None = Field(None, description="注销：清算结束日期")


class MaterialsIn(Schema):
    materials: list[str] = Field(description="已提交材料的key（整表替换）")


def _required(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.on(field, message)


@router.get("/filings", response=list[FilingOut], summary="查询登记申请")
@paginate(Pagination)
def filing_list(request: HttpRequest, kind: str = "", status: str = "", overdue: bool = False, q: str = "",
                registration: Id | None = None) -> QuerySet[Filing]:
    """`status` 可为 pending（待申请）；`overdue=true`：已过下一法定期限。"""
    return selectors.filings_for_user(request.user, kind=kind, status=status, overdue=overdue, q=q,
                                      registration=registration)


@router.post("/filings", response={201: FilingDetailOut}, summary="登记设立、变更或注销申请")
def filing_create(request: HttpRequest, payload: FilingIn) -> Status:
    data = payload.dict()
    common = {"document_no": data["document_no"], "note": data["note"]}
    if payload.kind == FilingKind.ESTABLISH:
        if not payload.unit_id:
            raise _required("unit_id", "请选择事业单位")
        try:
            unit = unit_get_for_user(request.user, payload.unit_id)
        except NotFound:
            raise NotFound("单位不存在或无权访问", details={"unit_id": ["单位不存在或无权访问"]}) from None
        proposed = dict(payload.proposed)
        if "sponsor_id" in proposed:
            proposed["sponsor"] = proposed.pop("sponsor_id")
        filing = services.filing_create_establish(actor=request.user, unit=unit, proposed=proposed,
                                                  occurred_on=payload.occurred_on, applied_on=payload.applied_on,
                                                  **common)
    else:
        if not payload.registration_id:
            raise _required("registration_id", "请选择已登记的事业单位")
        reg = registration_get_for_user(request.user, payload.registration_id)
        if payload.kind == FilingKind.CHANGE:
            changes = dict(payload.changes)
            if "sponsor_id" in changes:
                changes["sponsor"] = changes.pop("sponsor_id")
            filing = services.filing_create_change(actor=request.user, registration=reg, changes=changes,
                                                   occurred_on=payload.occurred_on, applied_on=payload.applied_on,
                                                   **common)
        else:
            filing = services.filing_create_cancel(actor=request.user, registration=reg,
                                                   cancel_reason=payload.cancel_reason,
                                                   liquidation_started_on=payload.liquidation_started_on, **common)
    return Status(201, selectors.filing_get_for_user(request.user, filing.pk))


@router.get("/filings/{int:filing_id}", response=FilingDetailOut, summary="登记申请详情（含办理过程）")
def filing_detail(request: HttpRequest, filing_id: Id) -> Filing:
    return selectors.filing_get_for_user(request.user, filing_id)


@router.post("/filings/{int:filing_id}/transitions", response=FilingDetailOut, summary="记录办理步骤")
def filing_transition(request: HttpRequest, filing_id: Id, payload: FilingTransitionIn) -> Filing:
    filing = selectors.filing_get_for_user(request.user, filing_id)
    data = payload.dict()
    data["expected_status"] = data["expected_status"] or None
    services.filing_transition(actor=request.user, filing=filing, **data)
    return selectors.filing_get_for_user(request.user, filing_id)


@router.patch("/filings/{int:filing_id}/materials", response=FilingDetailOut, summary="勾选已提交材料")
def filing_materials(request: HttpRequest, filing_id: Id, payload: MaterialsIn) -> Filing:
    filing = selectors.filing_get_for_user(request.user, filing_id)
    services.filing_materials_set(actor=request.user, filing=filing, materials=payload.materials)
    return selectors.filing_get_for_user(request.user, filing_id)
