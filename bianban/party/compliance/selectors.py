"""Reads of the compliance rules and exemptions of a branch the caller has already fetched through
access.branch_get_for_user (the scope check); the year's report is in compliance/report.py."""

from django.db.models import QuerySet

from bianban.core.exceptions import NotFound
from bianban.party.compliance.report import ComplianceReport, compliance_for_year
from bianban.party.models import Branch, ComplianceExemption, ComplianceRule

__all__ = ["ComplianceReport", "compliance_for_year", "exemption_get", "exemptions_of", "rule_get", "rules_of"]


def rules_of(branch: Branch) -> QuerySet[ComplianceRule]:
    """All the branch's rules, enabled or not, in their installed order."""
    return ComplianceRule.objects.filter(branch=branch).order_by("pk")


def rule_get(branch: Branch, code: str) -> ComplianceRule:
    rule = rules_of(branch).select_related("branch__unit").filter(code=code).first()
    if rule is None:
        raise NotFound("该组织生活要求不存在")
    return rule


def exemptions_of(branch: Branch, year: int | None = None) -> QuerySet[ComplianceExemption]:
    qs = ComplianceExemption.objects.filter(rule__branch=branch).select_related("rule", "group")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "rule_id", "index", "group_id")


def exemption_get(branch: Branch, pk: int) -> ComplianceExemption:
    exemption = exemptions_of(branch).filter(pk=pk).first()
    if exemption is None:
        raise NotFound("免除记录不存在")
    return exemption
