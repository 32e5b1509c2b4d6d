"""Writes of the compliance rules: installing a branch's defaults, configuring a rule, exempting a period."""

from typing import Any

from django.conf import settings
from django.db import transaction

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.party.access import require_branch
from bianban.party.choices import ActivityKind, Period
from bianban.party.compliance.report import compliance_for_year, period_count
from bianban.party.models import Branch, ComplianceExemption, ComplianceRule, PartyGroup

# The year's report is a read (compliance/report.py); re-exported here for callers that look for it next to the rules.
__all__ = ["DEFAULT_RULES", "compliance_for_year", "exemption_create", "exemption_delete", "rule_update",
           "rules_install_defaults"]

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
        if not period:  # 党课: the configured local frequency, and a title that says it
            period, title = lecture_period, title.replace(Period.QUARTER.label, Period(lecture_period).label)
        created.append(ComplianceRule.objects.create(
            branch=branch, code=code, title=title, activity_kind=kind, period=period, per_group=per_group,
            source=source))
    if created:
        audit(actor=actor, action="compliance_rule.install_defaults", target=branch, unit_id=branch.unit_id,
              changes={"rules": [None, [r.code for r in created]]})
    return created


# Rules judged once a year whatever their setting: the year's 民主评议 (条例第二十条) and the yearly pairs of
# 谈心谈话 (条例第十九条).
YEARLY_ONLY = frozenset({"appraisal", "talks"})
MAX_MIN_COUNT = 31
_RULE_FIELDS = ["title", "enabled", "period", "min_count"]
_KEEP: Any = object()


def _invalid(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)


@transaction.atomic(durable=True)
def rule_update(*, actor: Any, rule: ComplianceRule, enabled: Any = _KEEP, min_count: Any = _KEEP,
                period: Any = _KEEP, title: Any = _KEEP) -> ComplianceRule:
    """Configure one of the branch's rules: switch it on or off, change how many are due per period, the period, or
    its wording. Fields not given keep their value."""
    rule = ComplianceRule.objects.select_for_update().select_related("branch__unit").get(pk=rule.pk)
    require_branch(actor, rule.branch)
    before = snapshot(rule, _RULE_FIELDS)
    errors: dict[str, list[str]] = {}
    if enabled is not _KEEP:
        rule.enabled = bool(enabled)
    if title is not _KEEP:
        rule.title = (title or "").strip()
        if not rule.title:
            errors["title"] = ["请填写要求的内容"]
    if min_count is not _KEEP:
        if not isinstance(min_count, int) or not 1 <= min_count <= MAX_MIN_COUNT:
            errors["min_count"] = [f"每周期至少次数应为1至{MAX_MIN_COUNT}之间的整数"]
        else:
            rule.min_count = min_count
    if period is not _KEEP and period != rule.period:
        if period not in Period.values:
            errors["period"] = ["周期应为每月、每季度或每年"]
        elif rule.code in YEARLY_ONLY:
            errors["period"] = ["民主评议和谈心谈话按年度计，不能修改周期"]
        elif rule.exemptions.exists():
            # An exemption names a month or a quarter by number: under another period it would mean another time.
            errors["period"] = ["该要求已有免除记录，须先删除免除记录再修改周期"]
        else:
            rule.period = period
    _invalid(errors)
    rule.save(update_fields=_RULE_FIELDS)
    changes = diff(before, snapshot(rule, _RULE_FIELDS))
    if changes:
        audit(actor=actor, action="compliance_rule.update", target=rule, unit_id=rule.branch.unit_id,
              changes=changes)
    return rule


@transaction.atomic(durable=True)
def exemption_create(*, actor: Any, rule: ComplianceRule, year: int | None, index: int | None, reason: str,
                     group: PartyGroup | None = None) -> ComplianceExemption:
    """Exempt one period of a rule (a month, a quarter, or the year: `index` 1) — for one 党小组 of a per-group rule,
    or for all when `group` is None — with the reason, e.g. 支委会 not held in the month of the 换届 election."""
    # Lock the rule: the unique constraint cannot catch two exemptions of the whole period (group NULL).
    rule = ComplianceRule.objects.select_for_update().select_related("branch__unit").get(pk=rule.pk)
    require_branch(actor, rule.branch)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["请填写免除原因"]
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = ["请填写年度（2000至2100）"]
    count = period_count(rule.period)
    if index is None or not 1 <= index <= count:
        errors["index"] = [{12: "月份应为1至12", 4: "季度应为1至4"}.get(count, "按年度计的要求，期次为1")]
    if group is not None and not rule.per_group:
        errors["group"] = ["该要求不按党小组分别计，不能只免除一个党小组"]
    elif group is not None and group.branch_id != rule.branch_id:
        errors["group"] = ["党小组不属于本支部"]
    _invalid(errors)
    if ComplianceExemption.objects.filter(rule=rule, year=year, index=index, group=group).exists():
        raise ValidationFailed.on("index", "该期已免除，无须重复登记")
    exemption = ComplianceExemption.objects.create(rule=rule, year=year, index=index, group=group, reason=reason)
    audit(actor=actor, action="compliance_exemption.create", target=exemption, unit_id=rule.branch.unit_id,
          changes={"rule": [None, rule.code], "year": [None, year], "index": [None, index],
                   "group": [None, group.pk if group else None], "reason": [None, reason]})
    return exemption


@transaction.atomic(durable=True)
def exemption_delete(*, actor: Any, exemption: ComplianceExemption) -> None:
    """Withdraw an exemption: the period is judged again."""
    exemption = ComplianceExemption.objects.select_related("rule__branch__unit").filter(pk=exemption.pk).first()
    if exemption is None:
        raise NotFound("免除记录不存在或已删除")
    require_branch(actor, exemption.rule.branch)
    audit(actor=actor, action="compliance_exemption.delete", target=exemption,
          unit_id=exemption.rule.branch.unit_id,
          changes={"rule": [exemption.rule.code, None], "year": [exemption.year, None],
                   "index": [exemption.index, None], "group": [exemption.group_id, None],
                   "reason": [exemption.reason, None]})
    exemption.delete()
