"""The compliance calendar of a branch's year: for each enabled rule and each of its periods, how many activities
were due and how many were held, coloured done (green), due (yellow), overdue (red), exempt (grey) or future.

Only held activities count (Activity.status "held"): a planned or cancelled meeting is not a meeting. "appraisal" is
met by the year's 民主评议 once determined (closed or published); "talks" by the coverage of 条例第十九条's pairs
(talks/coverage.py). Rules per party group (党小组会) are judged group by group: a period's due count is the sum over
its groups, its held count the sum of what each group held up to its own due, so that one busy group cannot hide a
silent one. A few periods are not required of the branch at all and show as exempt with the reason: before the
branch was founded, after it was dissolved, and — for 支委会 — while the term has no committee (fewer than 7 正式党员
elect only a 书记, domain.md §6.1).
"""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from bianban.core.workdays import WorkdayCalendar
from bianban.party.choices import ActivityKind, ActivityStatus, AppraisalStatus, Period
from bianban.party.models import (
    Activity,
    Appraisal,
    Branch,
    CommitteeTerm,
    ComplianceExemption,
    ComplianceRule,
    PartyGroup,
)
from bianban.party.talks.coverage import Coverage, talk_coverage

DONE, DUE, OVERDUE, EXEMPT, FUTURE = "done", "due", "overdue", "exempt", "future"
STATE_LABELS = {DONE: "已完成", DUE: "待完成", OVERDUE: "逾期未完成", EXEMPT: "免除", FUTURE: "未到期"}
STATE_COLOURS = {DONE: "success", DUE: "warning", OVERDUE: "danger", EXEMPT: "secondary", FUTURE: "light"}
# Worst first: a period of a per-group rule takes the worst state of its groups.
_SEVERITY = [OVERDUE, DUE, FUTURE, DONE, EXEMPT]
# A current period ending within this many working days is flagged "即将到期" in the upcoming list.
ENDS_SOON_WORKDAYS = 5
QUARTER_LABELS = ["第一季度", "第二季度", "第三季度", "第四季度"]
_CLOSED_APPRAISAL = (AppraisalStatus.CLOSED, AppraisalStatus.PUBLISHED)


@dataclass
class GroupCell:
    """One 党小组 in one period of a per-group rule."""

    group: PartyGroup
    due: int
    held: int
    state: str
    reason: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class PeriodReport:
    """One period (month, quarter or year) of a rule."""

    index: int
    label: str
    start: date
    end: date
    due: int
    held: int
    state: str
    reason: str = ""
    ends_soon: bool = False
    groups: list[GroupCell] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def months(self) -> int:
        """How many months the period spans (the calendar grid's column span)."""
        return self.end.month - self.start.month + 1


@dataclass
class RuleReport:
    rule: ComplianceRule
    periods: list[PeriodReport]

    @property
    def counts(self) -> Counter:
        return Counter(p.state for p in self.periods)


@dataclass(frozen=True)
class Item:
    """One entry of the upcoming or overdue list: a rule's period (and group, for per-group rules)."""

    rule: ComplianceRule
    period: PeriodReport
    group: PartyGroup | None
    state: str
    due: int
    held: int
    ends_soon: bool = False

    @property
    def label(self) -> str:
        group = f"（{self.group.name}）" if self.group is not None else ""
        return f"{self.rule.title}：{self.period.label}{group}"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def __str__(self) -> str:
        return self.label


@dataclass
class ComplianceReport:
    branch: Branch
    year: int
    today: date
    rules: list[RuleReport]
    upcoming: list[Item]
    overdue: list[Item]
    coverage: Coverage | None = None

    @property
    def counts(self) -> Counter:
        """Periods per state over all rules."""
        total: Counter = Counter()
        for rule in self.rules:
            total.update(rule.counts)
        return total


def periods_of(period: str, year: int) -> list[tuple[int, str, date, date]]:
    """(index, label, start, end) of each period of the year: 12 months, 4 quarters or the whole year."""
    if period == Period.MONTH:
        return [(m, f"{m}月", date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]))
                for m in range(1, 13)]
    if period == Period.QUARTER:
        return [(q, QUARTER_LABELS[q - 1], date(year, 3 * q - 2, 1),
                 date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])) for q in range(1, 5)]
    return [(1, "全年", date(year, 1, 1), date(year, 12, 31))]


def period_count(period: str) -> int:
    return {Period.MONTH: 12, Period.QUARTER: 4}.get(period, 1)


def _state(due: int, held: int, start: date, end: date, today: date, exempt: str) -> str:
    if held >= due:
        return DONE
    if exempt:
        return EXEMPT
    if end < today:
        return OVERDUE
    if start > today:
        return FUTURE
    return DUE


class _Facts:
    """Everything the report reads for one branch and year, in a handful of queries."""

    def __init__(self, branch: Branch, year: int, rules: list[ComplianceRule]) -> None:
        self.start, self.end = date(year, 1, 1), date(year, 12, 31)
        self.activities = list(Activity.objects.filter(
            branch=branch, status=ActivityStatus.HELD, held_on__range=(self.start, self.end),
        ).values_list("kind", "group_id", "held_on"))
        self.exemptions = {(rule_id, index, group_id): reason for rule_id, index, group_id, reason in
                           ComplianceExemption.objects.filter(rule__branch=branch, year=year)
                           .values_list("rule_id", "index", "group_id", "reason")}
        self.groups = list(PartyGroup.objects.filter(branch=branch).order_by("sort_order", "pk"))
        self.terms = list(CommitteeTerm.objects.filter(branch=branch, elected_on__lte=self.end)
                          .values_list("elected_on", "closed_on", "has_committee"))
        codes = {r.code for r in rules}
        self.appraisal_done = "appraisal" in codes and Appraisal.objects.filter(
            branch=branch, year=year, status__in=_CLOSED_APPRAISAL).exists()
        self.coverage = talk_coverage(branch, year) if "talks" in codes else None

    def held(self, kind: str, start: date, end: date, group_id: int | None = None) -> int:
        return sum(1 for k, g, on in self.activities
                   if k == kind and start <= on <= end and (group_id is None or g == group_id))

    def without_committee(self, start: date, end: date) -> bool:
        """Every term in force during the period had no committee (and there was one)."""
        terms = [has for elected, closed, has in self.terms if elected <= end and (closed is None or closed >= start)]
        return bool(terms) and not any(terms)


def _branch_reason(branch: Branch, start: date, end: date) -> str:
    if end < branch.founded_on:
        return "党支部尚未成立"
    if branch.dissolved_on is not None and start >= branch.dissolved_on:
        return "党支部已撤销"
    return ""


def _group_period(rule: ComplianceRule, facts: _Facts, index: int, start: date, end: date, today: date,
                  period_exempt: str) -> tuple[int, int, str, str, list[GroupCell]]:
    groups = [g for g in facts.groups if g.dissolved_on is None or g.dissolved_on > end]
    if not groups:
        return 0, 0, EXEMPT, period_exempt or "本支部未设党小组", []
    cells = []
    for group in groups:
        reason = period_exempt or facts.exemptions.get((rule.pk, index, group.pk), "")
        held = facts.held(rule.activity_kind, start, end, group.pk)
        cells.append(GroupCell(group, rule.min_count, held, _state(rule.min_count, held, start, end, today, reason),
                               reason))
    counted = [c for c in cells if c.state != EXEMPT]
    due = sum(c.due for c in counted)
    held = sum(min(c.held, c.due) for c in counted)
    state = min((c.state for c in cells), key=_SEVERITY.index)
    reason = period_exempt if state == EXEMPT else ""
    return due, held, state, reason, cells


def _rule_report(rule: ComplianceRule, branch: Branch, facts: _Facts, today: date,
                 calendar_: WorkdayCalendar | None) -> RuleReport:
    periods = []
    for index, label, start, end in periods_of(rule.period, facts.start.year):
        exempt = (_branch_reason(branch, start, end) or facts.exemptions.get((rule.pk, index, None), ""))
        if not exempt and rule.activity_kind == ActivityKind.COMMITTEE_MEETING and facts.without_committee(start, end):
            exempt = "本届未设支部委员会，只设书记"
        groups: list[GroupCell] = []
        if rule.code == "talks" and facts.coverage is not None:
            due, held = facts.coverage.required, facts.coverage.covered
        elif rule.code == "appraisal":
            due, held = 1, int(facts.appraisal_done)
        elif rule.per_group:
            due, held, state, reason, groups = _group_period(rule, facts, index, start, end, today, exempt)
        else:
            due, held = rule.min_count, facts.held(rule.activity_kind, start, end)
        if not rule.per_group or rule.code in ("talks", "appraisal"):
            state = _state(due, held, start, end, today, exempt)
            reason = exempt if state == EXEMPT else ""
        ends_soon = bool(state == DUE and calendar_ is not None and _workdays_left(calendar_, today, end)
                         <= ENDS_SOON_WORKDAYS)
        periods.append(PeriodReport(index, label, start, end, due, held, state, reason, ends_soon, groups))
    return RuleReport(rule, periods)


def _workdays_left(cal: WorkdayCalendar, today: date, end: date) -> int:
    """Working days from today to the end of the period, today included."""
    return sum(1 for n in range((end - today).days + 1) if cal.is_workday(date.fromordinal(today.toordinal() + n)))


def _items(rule_report: RuleReport, period: PeriodReport, states: tuple[str, ...]) -> list[Item]:
    rule = rule_report.rule
    if period.groups:
        return [Item(rule, period, c.group, c.state, c.due, c.held, period.ends_soon)
                for c in period.groups if c.state in states]
    if period.state in states:
        return [Item(rule, period, None, period.state, period.due, period.held, period.ends_soon)]
    return []


def compliance_for_year(branch: Branch, year: int, *, today: date | None = None) -> ComplianceReport:
    """The branch's compliance calendar for `year` as seen on `today` (default: the real today). `upcoming` holds
    what is still due in the current period and what the next period (within the year) will ask for; `overdue` every
    ended period not met and not exempt."""
    today = today or timezone.localdate()
    rules = list(ComplianceRule.objects.filter(branch=branch, enabled=True).order_by("pk"))
    facts = _Facts(branch, year, rules)
    in_year = facts.start <= today <= facts.end
    cal = WorkdayCalendar(today, facts.end) if in_year else None
    reports = [_rule_report(rule, branch, facts, today, cal) for rule in rules]
    upcoming: list[Item] = []
    overdue: list[Item] = []
    for report in reports:
        current = next((i for i, p in enumerate(report.periods) if p.start <= today <= p.end), None)
        if current is not None:
            upcoming += _items(report, report.periods[current], (DUE,))
            if current + 1 < len(report.periods):
                upcoming += _items(report, report.periods[current + 1], (FUTURE,))
        for period in report.periods:
            overdue += _items(report, period, (OVERDUE,))
    upcoming.sort(key=lambda item: (item.period.end, item.rule.pk))
    overdue.sort(key=lambda item: (item.period.end, item.rule.pk))
    return ComplianceReport(branch=branch, year=year, today=today, rules=reports, upcoming=upcoming,
                            overdue=overdue, coverage=facts.coverage)


def report_json(report: ComplianceReport) -> dict[str, Any]:
    """The report as plain data, for the API."""

    def item(i: Item) -> dict[str, Any]:
        return {"rule": i.rule.code, "title": i.rule.title, "period": i.period.index, "label": i.label,
                "start": i.period.start, "end": i.period.end, "group_id": i.group.pk if i.group else None,
                "group": i.group.name if i.group else None, "state": i.state, "due": i.due, "held": i.held,
                "ends_soon": i.ends_soon}

    coverage = report.coverage
    return {
        "branch_id": report.branch.pk, "year": report.year, "today": report.today,
        "counts": {s: report.counts.get(s, 0) for s in STATE_LABELS},
        "rules": [{
            "code": r.rule.code, "title": r.rule.title, "activity_kind": r.rule.activity_kind,
            "period": r.rule.period, "min_count": r.rule.min_count, "per_group": r.rule.per_group,
            "source": r.rule.source,
            "periods": [{
                "index": p.index, "label": p.label, "start": p.start, "end": p.end, "due": p.due, "held": p.held,
                "state": p.state, "reason": p.reason, "ends_soon": p.ends_soon,
                "groups": [{"group_id": c.group.pk, "group": c.group.name, "due": c.due, "held": c.held,
                            "state": c.state, "reason": c.reason} for c in p.groups],
            } for p in r.periods],
        } for r in report.rules],
        "upcoming": [item(i) for i in report.upcoming],
        "overdue": [item(i) for i in report.overdue],
        "talk_coverage": None if coverage is None else {
            "required": coverage.required, "covered": coverage.covered, "percent": coverage.percent},
    }
