"""/api/v1/dashboards/*: the chart data of the dashboards (the pages' script loads these with the browser session).

`GET /dashboards/office`: the office dashboard in the user's units (403 without units.view anywhere).
`GET /dashboards/branches/{id}?year=`: one branch's year (404 for a branch the user may not see, 422 for a bad year).
Small, aggregate responses: a fixed number of queries whatever the size of the register or the year's records."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.core.exceptions import PermissionDenied
from bianban.core.params import Id, Year
from bianban.party.access import branch_get_for_user
from bianban.reports.dashboards.branch import branch_dashboard
from bianban.reports.dashboards.office import office_dashboard
from bianban.reports.inputs import check_year

router = Router(tags=["报告与统计"])
# Schema class names are OpenAPI component names across the whole API: the "Dash" prefix keeps them apart from
# other routers' (checks has a RuleCountOut, party activities an AttendanceOut).

# The years the party pages accept (compliance/forms.YearForm, the compliance API).
MAX_YEAR = 2100


class DashKindQuotaOut(Schema):
    kind: str
    label: str
    approved: int
    occupied: int
    reserved: int = Field(description="已核准未入编")
    vacant: int
    over: int


class DashOverUnitOut(Schema):
    unit_id: Id
    name: str
    over: int = Field(description="超编人数（各编制超出核定数之和）")
    lines: int = Field(description="超编的编制条数")
    url: str


class DashOverQuotaOut(Schema):
    count: int = Field(description="超编单位数")
    people: int = Field(description="超编人数合计")
    top: list[DashOverUnitOut]
    url: str


class DashStatusCountOut(Schema):
    status: str
    label: str
    count: int


class DashLedgerOut(Schema):
    by_status: list[DashStatusCountOut]
    total: int
    open: int = Field(description="未销号")
    overdue: int = Field(description="逾期：超过整改时限且未销号")
    url: str
    overdue_url: str


class DashRuleCountOut(Schema):
    rule: str
    title: str
    count: int
    new: int


class DashLatestRunOut(Schema):
    id: int
    url: str
    as_of: date
    finished_at: datetime | None
    scope: str
    findings: int = Field(description="本人可见范围内的发现数")
    new: int
    by_rule: list[DashRuleCountOut]


class OfficeDashboardOut(Schema):
    today: date
    units: int = Field(description="在册（存续）机构数")
    quota_by_kind: list[DashKindQuotaOut]
    over_quota: DashOverQuotaOut
    ledger: DashLedgerOut
    latest_run: DashLatestRunOut | None


class DashBranchRefOut(Schema):
    id: int
    name: str
    code: str


class DashKindSeriesOut(Schema):
    kind: str
    label: str
    counts: list[int] = Field(description="1–12月各月已召开的次数")


class DashActivitiesOut(Schema):
    months: list[str]
    series: list[DashKindSeriesOut]
    total: int
    url: str


class DashMonthAttendanceOut(Schema):
    month: int
    label: str
    due: int = Field(description="应到人次")
    present: int = Field(description="实到人次")
    rate: float | None = Field(description="出席率（%），当月没有应到人次时为空")


class DashAttendanceOut(Schema):
    months: list[DashMonthAttendanceOut]
    due: int
    present: int
    rate: float | None


class DashStateCountOut(Schema):
    state: str
    label: str
    count: int


class DashComplianceSummaryOut(Schema):
    states: list[DashStateCountOut]
    done: int
    due: int
    overdue: int
    future: int
    exempt: int
    url: str


class DashCampaignRefOut(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date
    url: str


class DashRoleTallyOut(Schema):
    role: str
    label: str
    visits: int
    households: int
    people: int


class DashProblemTallyOut(Schema):
    raised: int = Field(description="登记为台账问题的条数")
    solved: int = Field(description="已销号")
    unsolved: int
    overdue: int


class DashCampaignProgressOut(Schema):
    campaigns: list[DashCampaignRefOut]
    by_role: list[DashRoleTallyOut]
    visits: int
    households: int
    people: int
    issues: int = Field(description="收集的问题和意见建议")
    problems: DashProblemTallyOut
    summary: str


class BranchDashboardOut(Schema):
    branch: DashBranchRefOut
    year: int
    today: date
    activities: DashActivitiesOut
    attendance: DashAttendanceOut
    compliance: DashComplianceSummaryOut
    visits: DashCampaignProgressOut


@router.get("/dashboards/office", response=OfficeDashboardOut, url_name="dashboard_office_data",
            summary="编制看板数据")
def office(request: HttpRequest) -> dict[str, Any]:
    if not has_perm(request.user, Perm.UNITS_VIEW):
        raise PermissionDenied("没有查看机构编制的权限")
    return office_dashboard(request.user)


@router.get("/dashboards/branches/{branch_id}", response=BranchDashboardOut, url_name="dashboard_branch_data",
            summary="党建看板数据（年度）")
def branch(request: HttpRequest, branch_id: Id, year: Year | None = None) -> dict[str, Any]:
    found = branch_get_for_user(request.user, branch_id)
    if year is not None:
        year = check_year(year, last=MAX_YEAR)
    return branch_dashboard(request.user, found, year or timezone.localdate().year)
