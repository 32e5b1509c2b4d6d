"""/api/v1/branches/{id}/compliance and /compliance-rules: the year's compliance calendar, the rules' settings and
their exemptions. Scoped by the branch's unit (404 outside scope); changes need 维护党建工作 (403 otherwise)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Int32, Year
from bianban.party.access import branch_get_for_user, require_branch
from bianban.party.choices import Period
from bianban.party.compliance import selectors, services
from bianban.party.compliance.report import report_json
from bianban.party.models import ComplianceExemption, PartyGroup

router = Router(tags=["党支部工作"])


class GroupCellOut(Schema):
    group_id: Id
    group: str
    due: int
    held: int
    state: str
    reason: str


class CompliancePeriodOut(Schema):
    index: int
    label: str
    start: date
    end: date
    due: int
    held: int
    state: str = Field(description="done 已完成 / due 待完成 / overdue 逾期未完成 / exempt 免除 / future 未到期")
    reason: str
    ends_soon: bool
    groups: list[GroupCellOut]


class RuleReportOut(Schema):
    code: str
    title: str
    activity_kind: str
    period: str
    min_count: int
    per_group: bool
    source: str
    periods: list[CompliancePeriodOut]


class ItemOut(Schema):
    rule: str
    title: str
    period: int
    label: str
    start: date
    end: date
    group_id: Id | None
    group: str | None
    state: str
    due: int
    held: int
    ends_soon: bool


class CoverageSummaryOut(Schema):
    required: int
    covered: int
    percent: float


class ComplianceOut(Schema):
    branch_id: Id
    year: int
    today: date
    counts: dict[str, int]
    rules: list[RuleReportOut]
    upcoming: list[ItemOut]
    overdue: list[ItemOut]
    talk_coverage: CoverageSummaryOut | None


class ExemptionOut(Schema):
    id: int
    rule: str
    year: int
    index: int
    group_id: Id | None
    reason: str

    @staticmethod
    def resolve_rule(obj: ComplianceExemption) -> str:
        return obj.rule.code


class ComplianceRuleOut(Schema):
    code: str
    title: str
    activity_kind: str
    period: str
    min_count: int
    per_group: bool
    enabled: bool
    source: str


class RulePatch(Schema):
    enabled: bool | None = None
    min_count: Int32 | None = None
    period: Period | None = None
    title: str | None = None


class ExemptionIn(Schema):
    year: Year
    index: Int32 = Field(description="月份（1–12）、季度（1–4），按年度计的为1")
    group_id: Id | None = Field(None, description="只免除一个党小组（按党小组分别计的要求）")
    reason: str


@router.get("/branches/{branch_id}/compliance", response=ComplianceOut, summary="组织生活落实情况（年度）")
def compliance(request: HttpRequest, branch_id: Id, year: Year | None = None) -> dict[str, Any]:
    branch = branch_get_for_user(request.user, branch_id, Perm.PARTY_VIEW)
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应为2000至2100之间的整数")
    return report_json(selectors.compliance_for_year(branch, year or timezone.localdate().year))


@router.get("/branches/{branch_id}/compliance-rules", response=list[ComplianceRuleOut], summary="组织生活要求")
def rule_list(request: HttpRequest, branch_id: Id) -> Any:
    return list(selectors.rules_of(branch_get_for_user(request.user, branch_id)))


@router.patch("/branches/{branch_id}/compliance-rules/{code}", response=ComplianceRuleOut, summary="设置组织生活要求")
def rule_update(request: HttpRequest, branch_id: Id, code: str, payload: RulePatch) -> Any:
    branch = branch_get_for_user(request.user, branch_id)
    rule = selectors.rule_get(branch, code)
    given = payload.dict(exclude_unset=True)
    for name in ("enabled", "min_count", "period"):
        if name in given and given[name] is None:
            raise ValidationFailed.on(name, "不能为空")
    return services.rule_update(actor=request.user, rule=rule, **given)


@router.post("/branches/{branch_id}/compliance-rules/{code}/exemptions", response={201: ExemptionOut},
             summary="免除某一期")
def exemption_create(request: HttpRequest, branch_id: Id, code: str, payload: ExemptionIn) -> Status:
    branch = branch_get_for_user(request.user, branch_id)
    rule = selectors.rule_get(branch, code)
    require_branch(request.user, branch)  # 403 before saying anything about the group
    group = None
    if payload.group_id is not None:
        group = PartyGroup.objects.filter(pk=payload.group_id, branch=branch).first()
        if group is None:
            raise ValidationFailed.on("group_id", "党小组不属于本支部")
    exemption = services.exemption_create(actor=request.user, rule=rule, year=payload.year, index=payload.index,
                                          group=group, reason=payload.reason)
    return Status(201, exemption)


@router.delete("/branches/{branch_id}/compliance-rules/{code}/exemptions/{exemption_id}", response={204: None},
               summary="撤销免除")
def exemption_delete(request: HttpRequest, branch_id: Id, code: str, exemption_id: Id) -> Status:
    branch = branch_get_for_user(request.user, branch_id)
    exemption = selectors.exemption_get(branch, exemption_id)
    if exemption.rule.code != code:
        raise NotFound("免除记录不存在")
    services.exemption_delete(actor=request.user, exemption=exemption)
    return Status(204, None)
