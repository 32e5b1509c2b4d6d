"""Writes of the compliance rules: installing a branch's defaults, configuring a rule, exempting a period."""

from typing import Any

from django.conf import settings
from django.db import transaction

from bianban.core.audit import audit
from bianban.party.access import require_branch
from bianban.party.choices import ActivityKind, Period
from bianban.party.models import Branch, ComplianceRule

# The defaults of domain.md §6.3: (code, title, activity kind, period, per group, source).
DEFAULT_RULES: tuple[tuple[str, str, str, str, bool, str], ...] = (
    ("general_meeting", "支部党员大会每季度至少召开1次", ActivityKind.GENERAL_MEETING, Period.QUARTER, False,
     "《中国共产党支部工作条例（试行）》第十一条"),
    ("committee_meeting", "支委会每月至少召开1次", ActivityKind.COMMITTEE_MEETING, Period.MONTH, False,
     "条例第十三条"),
    ("group_meeting", "党小组会每月至少召开1次（每个党小组）", ActivityKind.GROUP_MEETING, Period.MONTH, True,
     "条例第十四条"),
    ("party_lecture", "党课每季度至少1次", ActivityKind.PARTY_LECTURE, "", False,
     "条例第十六条未规定频次，按本地通行做法（可调整）"),
    ("theme_day", "主题党日每月1次", ActivityKind.THEME_DAY, Period.MONTH, False, "条例第十七条"),
    ("life_meeting", "组织生活会每年至少1次", ActivityKind.LIFE_MEETING, Period.YEAR, False, "条例第十八条"),
    ("appraisal", "民主评议党员每年1次", "", Period.YEAR, False, "条例第二十条"),
    ("talks", "谈心谈话：支委之间、支委与党员、党员之间每年至少1次", "", Period.YEAR, False, "条例第十九条"),
)


@transaction.atomic
def rules_install_defaults(*, actor: Any, branch: Branch) -> list[ComplianceRule]:
    """Give a new branch the default rules (those it lacks); called by branch_create inside its transaction."""
    require_branch(actor, branch)
    have = set(ComplianceRule.objects.filter(branch=branch).values_list("code", flat=True))
    lecture_period = settings.BIANBAN["PARTY"]["LECTURE_PERIOD"]
    created = []
    for code, title, kind, period, per_group, source in DEFAULT_RULES:
        if code in have:
            continue
        created.append(ComplianceRule.objects.create(
            branch=branch, code=code, title=title, activity_kind=kind, period=period or lecture_period,
            per_group=per_group, source=source))
    if created:
        audit(actor=actor, action="compliance_rule.install_defaults", target=branch, unit_id=branch.unit_id,
              changes={"rules": [None, [r.code for r in created]]})
    return created
