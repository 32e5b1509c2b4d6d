"""/api/v1/annual-reports: 年度报告 of the institutions the caller may see (404 outside scope), their §3.4 contents
and the flow (submit → sponsor-approve → publish, or return); /annual-reports/status: the year's status list with
the late flags. Amounts are 万元 with 2 decimals, given as numbers or strings."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.accounts.choices import Perm
from bianban.core.params import Id, Int32, Pagination, Year
from bianban.registration.annual import selectors, services
from bianban.registration.models import AnnualReport
from bianban.registration.registrations.selectors import registration_get_for_user

router = Router(tags=["事业单位登记"])
Amount = Decimal | str | None


class ReportOut(Schema):
    id: int
    registration_id: Id
    unit_id: Id
    name: str = Field(description="事业单位名称")
    year: int
    status: str
    status_label: str
    business_activities: str
    net_assets_start: Decimal | None = Field(description="净资产年初数（万元）")
    net_assets_end: Decimal | None = Field(description="净资产年末数（万元）")
    revenue: Decimal | None
    expenditure: Decimal | None
    staff_count: int | None = Field(description="从业人员（在编实有）")
    online_name: str
    change_compliance: str
    performance: str
    litigation: str
    complaints: str
    donations: str
    other: str
    submitted_on: date | None
    sponsor_reviewed_on: date | None
    published_on: date | None
    returned_reason: str

    @staticmethod
    def resolve_unit_id(obj: AnnualReport) -> int:
        return obj.registration.unit_id

    @staticmethod
    def resolve_name(obj: AnnualReport) -> str:
        return obj.registration.name

    @staticmethod
    def resolve_status_label(obj: AnnualReport) -> str:
        return obj.get_status_display()


class ReportIn(Schema):
    registration_id: Id
    year: Year


class ReportPatch(Schema):
    business_activities: str | None = None
    net_assets_start: Amount = None
    net_assets_end: Amount = None
    revenue: Amount = None
    expenditure: Amount = None
    staff_count: Int32 | None = None
    online_name: str | None = None
    change_compliance: str | None = None
    performance: str | None = None
    litigation: str | None = None
    complaints: str | None = None
    donations: str | None = None
    other: str | None = None


class ReturnIn(Schema):
    reason: str


class StatusRowOut(Schema):
    registration_id: Id
    unit_id: Id
    name: str
    sponsor_id: Id
    report_id: Id | None
    state: str = Field(description="missing 未填报 / draft / submitted / sponsor_approved / published / returned")
    state_label: str
    due_on: date
    late: bool = Field(description="截止日已过仍未提交")
    submitted_late: bool = Field(description="截止日后才提交")
    submitted_on: date | None


class StatusOut(Schema):
    year: int
    due_on: date
    counts: dict[str, int]
    rows: list[StatusRowOut]


def _report(request: HttpRequest, report_id: Id) -> AnnualReport:
    return selectors.annual_report_get_for_user(request.user, report_id)


def _row(row: selectors.StatusRow) -> dict[str, Any]:
    reg, report = row.registration, row.report
    return {"registration_id": reg.pk, "unit_id": reg.unit_id, "name": reg.name, "sponsor_id": reg.sponsor_id,
            "report_id": report.pk if report else None, "state": row.state, "state_label": row.state_label,
            "due_on": row.due_on, "late": row.late, "submitted_late": row.submitted_late,
            "submitted_on": report.submitted_on if report else None}


# /status before /{id}, and the id typed as int, so "status" never reaches the detail route.
@router.get("/annual-reports/status", response=StatusOut, summary="年度报告报送情况（含逾期标记）")
def status_list(request: HttpRequest, year: Year | None = None, state: str = "", sponsor: Id | None = None,
                late: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    year = year or selectors.default_year(today)
    rows, counts = selectors.annual_status_list(request.user, year, today, state=state, sponsor=sponsor,
                                                late_only=late)
    return {"year": year, "due_on": selectors.due_on(year), "counts": counts, "rows": [_row(r) for r in rows]}


@router.get("/annual-reports", response=list[ReportOut], summary="查询年度报告")
@paginate(Pagination)
def report_list(request: HttpRequest, year: Year | None = None, status: str = "",
                registration: Id | None = None) -> QuerySet[AnnualReport]:
    return selectors.annual_reports_for_user(request.user, year=year, status=status, registration=registration)


@router.post("/annual-reports", response={201: ReportOut}, summary="新建年度报告（从业人员按年末在编实有人数预填）")
def report_create(request: HttpRequest, payload: ReportIn) -> Status:
    registration = registration_get_for_user(request.user, payload.registration_id, Perm.UNITS_VIEW)
    report = services.annual_report_create(actor=request.user, registration=registration, year=payload.year)
    return Status(201, _report(request, report.pk))


@router.get("/annual-reports/{int:report_id}", response=ReportOut, summary="年度报告详情")
def report_detail(request: HttpRequest, report_id: Id) -> AnnualReport:
    return _report(request, report_id)


@router.patch("/annual-reports/{int:report_id}", response=ReportOut, summary="填写、修改年度报告内容")
def report_update(request: HttpRequest, report_id: Id, payload: ReportPatch) -> AnnualReport:
    services.annual_report_update(actor=request.user, report=_report(request, report_id),
                                  **payload.dict(exclude_unset=True))
    return _report(request, report_id)


@router.post("/annual-reports/{int:report_id}/submit", response=ReportOut, summary="提交举办单位审查")
def report_submit(request: HttpRequest, report_id: Id) -> AnnualReport:
    services.annual_report_submit(actor=request.user, report=_report(request, report_id))
    return _report(request, report_id)


@router.post("/annual-reports/{int:report_id}/sponsor-approve", response=ReportOut, summary="举办单位审查通过")
def report_sponsor_approve(request: HttpRequest, report_id: Id) -> AnnualReport:
    services.annual_report_sponsor_approve(actor=request.user, report=_report(request, report_id))
    return _report(request, report_id)


@router.post("/annual-reports/{int:report_id}/publish", response=ReportOut, summary="登记机关审查通过并公示")
def report_publish(request: HttpRequest, report_id: Id) -> AnnualReport:
    services.annual_report_publish(actor=request.user, report=_report(request, report_id))
    return _report(request, report_id)


@router.post("/annual-reports/{int:report_id}/return", response=ReportOut, summary="退回单位修改")
def report_return(request: HttpRequest, report_id: Id, payload: ReturnIn) -> AnnualReport:
    services.annual_report_return(actor=request.user, report=_report(request, report_id), reason=payload.reason)
    return _report(request, report_id)
