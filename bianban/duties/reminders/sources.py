"""Two reminder sources of the reminders area itself: the branches' organisational life (the compliance calendar and
the committee term) and the problem ledger's deadlines. Each is set-based: a few queries for the whole district,
never one per row (at district scale there are ~600 open problems and a few dozen branches).

The other sources (duty items, milestones, risk reviews, key dates) live in their own areas; see due.py.
"""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from bianban.accounts.choices import ROLE_PERMS, Perm
from bianban.accounts.models import Grant
from bianban.duties.choices import ReminderKind
from bianban.duties.models import VisitIssue
from bianban.duties.reminders.due import Due, branch_leads
from bianban.ledger.choices import MeasureStatus, ProblemSource, ProblemStatus
from bianban.ledger.models import Measure, Problem
from bianban.party.compliance.report import DUE, ComplianceReport, Item, compliance_for_year
from bianban.party.members.terms import term_reminder_due
from bianban.party.models import Branch, CommitteeTerm, Talk
from bianban.units.models import Unit


def _active_branches(on: date) -> list[Branch]:
    return list(Branch.objects.filter(founded_on__lte=on)
                .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)).order_by("pk"))


def _fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- organisational life ------------------------------------------------------------------------------------------

def _current_starts(report: ComplianceReport, on: date) -> dict[int, date]:
    """Rule id → the first day of its period that contains `on` (in `on`'s year)."""
    starts = {}
    for rule_report in report.rules:
        for period in rule_report.periods:
            if period.start <= on <= period.end:
                starts[rule_report.rule.pk] = period.start
    return starts


def _compliance_key(branch: Branch, item: Item) -> str:
    group = f":g{item.group.pk}" if item.group is not None else ""
    return f"compliance:{branch.pk}:{item.rule.code}:{item.period.start.year}-{item.period.index}{group}"


def _compliance_due(branch: Branch, item: Item, users: frozenset[int]) -> Due:
    url = reverse("party:compliance_year", args=[branch.pk]) + f"?year={item.period.start.year}"
    return Due(kind=ReminderKind.COMPLIANCE, key=_compliance_key(branch, item),
               title=f"{branch.name}：{item.label}（已完成 {item.held}/{item.due}）", due_on=item.period.end,
               url=url, user_ids=users)


def compliance_due(on: date, horizon_days: int) -> list[Due]:
    """Each active branch's organisational life (条例第十一条至第二十条, domain.md §6.3) that falls due within the
    horizon and is not yet met, or that was missed in the period just before the current one (a missed month stays on
    the list for one month, not for the rest of the year: the compliance calendar keeps the whole record). Plus
    the coming end of the committee term (党章第三十一条; settings PARTY TERM_REMINDER_MONTHS). Reminded: the
    branch's committee members in office."""
    branches = _active_branches(on)
    leads = branch_leads(branches, on)
    limit = on + timedelta(days=horizon_days)
    found: list[Due] = []
    for branch in branches:
        users = leads.get(branch.pk)
        if not users:
            continue  # nobody in office to remind (the higher level follows up a branch without a committee)
        report = compliance_for_year(branch, on.year, today=on)
        found += [_compliance_due(branch, item, users) for item in report.upcoming
                  if item.state == DUE and item.period.end <= limit]
        starts = _current_starts(report, on)
        overdue = list(report.overdue)
        # In the first quarter the period just before may be last December, last quarter or last year.
        if on.month <= 3:
            overdue += compliance_for_year(branch, on.year - 1, today=on).overdue
        found += [_compliance_due(branch, item, users) for item in overdue
                  if item.rule.pk in starts and item.period.end == starts[item.rule.pk] - timedelta(days=1)]
    found += _terms_due(branches, leads, on)
    return found


def _terms_due(branches: list[Branch], leads: dict[int, frozenset[int]], on: date) -> list[Due]:
    terms = (CommitteeTerm.objects.filter(branch__in=branches, closed_on__isnull=True, appointed=False)
             .select_related("branch"))
    found = []
    for term in terms:
        item = term_reminder_due(term, on)
        users = leads.get(term.branch_id)
        if item is None or not users:
            continue
        # The key names the step (6 months, 3 months, ended), so a dismissed early notice returns at the next step.
        found.append(Due(kind=ReminderKind.TERM, key=f"term:{term.pk}:{item['months']}", title=item["text"],
                         due_on=term.ends_on, url=reverse("party:term_list", args=[term.branch_id]),
                         user_ids=users))
    return found


# --- ledger deadlines ---------------------------------------------------------------------------------------------

class _Holders:
    """Who holds a ledger right over a unit, decided in memory from one query of grants. The nearest grant wins:
    a unit's liaison is reminded of its problems, the office (district-wide grants) only of problems in units that
    have nobody of their own — otherwise every office clerk would carry the whole district's ledger."""

    def __init__(self, perm: str) -> None:
        roles = [role for role, perms in ROLE_PERMS.items() if perm in perms]
        self.grants = list(Grant.objects.filter(role__in=roles, user__is_active=True).select_related("unit")
                           .only("user_id", "include_descendants", "unit__id", "unit__path"))
        self.district = frozenset(g.user_id for g in self.grants if g.unit_id is None)
        self._cache: dict[int | None, frozenset[int]] = {None: self.district}

    def of(self, unit: Unit | None) -> frozenset[int]:
        key = unit.pk if unit is not None else None
        if key not in self._cache:
            best, users = -1, set()
            for g in self.grants:
                if g.unit_id is None:
                    continue
                covers = g.unit_id == unit.pk or (g.include_descendants and unit.path.startswith(g.unit.path))
                if not covers:
                    continue
                depth = len(g.unit.path)
                if depth > best:
                    best, users = depth, {g.user_id}
                elif depth == best:
                    users.add(g.user_id)
            self._cache[key] = frozenset(users) if users else self.district
        return self._cache[key]


def _party_branches(problems: list[Problem], on: date) -> dict[int, set[int]]:
    """Problem id → the branches that raised it (a talk's branch, a visit campaign's branch), or failing that the
    branches set up in the problem's unit: their committee follows up what the branch's own work found."""
    party = [p for p in problems if p.source in (ProblemSource.TALK, ProblemSource.VISIT)]
    if not party:
        return {}
    ids = [p.pk for p in party]
    found: dict[int, set[int]] = {}
    for problem_id, branch_id in VisitIssue.objects.filter(problem_id__in=ids).values_list(
            "problem_id", "visit__campaign__branch_id"):
        found.setdefault(problem_id, set()).add(branch_id)
    talk_type = ContentType.objects.get_for_model(Talk)
    talk_ids = {p.source_id: p.pk for p in party if p.source_type_id == talk_type.pk and p.source_id.isdigit()}
    for talk_id, branch_id in Talk.objects.filter(pk__in=[int(t) for t in talk_ids]).values_list("pk", "branch_id"):
        found.setdefault(talk_ids[str(talk_id)], set()).add(branch_id)
    by_unit: dict[int, set[int]] = {}
    for branch in _active_branches(on):
        by_unit.setdefault(branch.unit_id, set()).add(branch.pk)
    for p in party:
        if p.pk not in found and p.unit_id in by_unit:
            found[p.pk] = by_unit[p.unit_id]
    return found


def _deadline(day: date) -> str:
    return f"整改时限 {_fmt(day)}"


def problems_due(on: date, horizon_days: int) -> list[Due]:
    """Open ledger problems whose 整改时限 falls within the horizon or has passed, and unfinished measures likewise.
    Reminded: who must act — the nearest holders of 登记整改 (LEDGER_CHANGE) over the responsible unit, of 审核销号
    (LEDGER_CLOSE) for a problem awaiting close-out; for a problem a Party branch's own work raised (talk, visit),
    also that branch's committee members."""
    limit = on + timedelta(days=horizon_days)
    problems = list(Problem.objects.exclude(status=ProblemStatus.CLOSED).filter(deadline__lte=limit)
                    .select_related("unit").only("title", "source", "source_type", "source_id", "status",
                                                 "deadline", "unit__id", "unit__path", "unit__name"))
    measures = list(Measure.objects.filter(status=MeasureStatus.PLANNED, deadline__lte=limit)
                    .exclude(problem__status=ProblemStatus.CLOSED)
                    .select_related("problem__unit")
                    .only("description", "deadline", "problem__title", "problem__source", "problem__source_type",
                          "problem__source_id", "problem__status", "problem__unit__id", "problem__unit__path",
                          "problem__unit__name"))
    every = {p.pk: p for p in problems} | {m.problem.pk: m.problem for m in measures}
    change, close = _Holders(Perm.LEDGER_CHANGE), _Holders(Perm.LEDGER_CLOSE)
    raised_by = _party_branches(list(every.values()), on)
    leads = branch_leads(sorted({b for bs in raised_by.values() for b in bs}), on)

    def users(problem: Problem) -> frozenset[int]:
        holders = close if problem.status == ProblemStatus.AWAITING_REVIEW else change
        extra = [leads.get(b, frozenset()) for b in raised_by.get(problem.pk, ())]
        return holders.of(problem.unit).union(*extra)

    found = []
    for p in problems:
        unit = f"{p.unit.name}，" if p.unit is not None else ""
        found.append(Due(kind=ReminderKind.PROBLEM, key=f"problem:{p.pk}", title=f"问题整改：{p.title}（{unit}"
                         f"{_deadline(p.deadline)}）", due_on=p.deadline, url=reverse("ledger:detail", args=[p.pk]),
                         user_ids=users(p)))
    for m in measures:
        description = m.description if len(m.description) <= 60 else m.description[:60] + "…"
        found.append(Due(kind=ReminderKind.PROBLEM, key=f"measure:{m.pk}",
                         title=f"整改措施：{description}（问题：{m.problem.title}，完成时限 {_fmt(m.deadline)}）",
                         due_on=m.deadline, url=reverse("ledger:detail", args=[m.problem.pk]),
                         user_ids=users(m.problem)))
    return [d for d in found if d.user_ids]
