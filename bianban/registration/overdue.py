"""Overdue registration work into the problem ledger, daily (settings BIANBAN["DAILY_TASKS"]): expired certificates,
annual reports late after 31 March, filings past their legal deadline (domain.md §3.2–3.4).

The overdue items are exactly the findings of the registration rules that say "late" (rules.py), and the problems
carry the same source and key a verification run gives them ("核查", "rule:unit:id"): a late report found by the
daily task and by a check run is ONE problem, and either of them marks it 数据已消除，待销号 once the report is in.
A verification run (a full scan) also marks these problems resolved when their finding is gone; this task does the
same for its own rules only, never touching the problems of the register's other rules.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from bianban.checks.rules import Rule, Scope, rule_by_code
from bianban.ledger.choices import ProblemSource, ProblemStatus
from bianban.ledger.models import Problem
from bianban.ledger.services import problem_mark_data_resolved, problem_raise
from bianban.registration import rules as _registered  # noqa: F401  (registers the rules this task runs)
from bianban.units.models import Unit

OVERDUE_RULES = ("certificate_expired", "annual_report_late", "filing_overdue")


@dataclass(frozen=True)
class OverdueResult:
    found: int
    opened: int
    resolved: int


def _rules() -> list[Rule]:
    return [r for r in (rule_by_code(code) for code in OVERDUE_RULES) if r is not None]


def registration_overdue_to_ledger(*, today: date | None = None) -> OverdueResult:
    """Open (or keep open) a ledger problem for every overdue item as of `today`, and mark 数据已消除，待销号 the open
    problems of these rules whose item is done. Idempotent: a second run the same day changes nothing. System work
    (no actor); each problem is its own transaction through the ledger's services."""
    today = today or timezone.localdate()
    scope = Scope(as_of=today)
    found: dict[str, tuple[Rule, str, int]] = {}
    for rule in _rules():
        for hit in rule.find(scope):
            found[f"{rule.code}:{rule.subject}:{hit.subject_id}"] = (rule, hit.message, hit.unit_id)
    units = Unit.objects.in_bulk({unit_id for _, _, unit_id in found.values()})
    opened = 0
    for key, (rule, message, unit_id) in found.items():
        _, created = problem_raise(
            actor=None, source=ProblemSource.CHECK, source_key=key, title=f"{rule.title}：{message}"[:200],
            description=f"{message}\n\n核查规则：{rule.title}。{rule.explanation}", category=rule.category,
            unit=units.get(unit_id), raised_on=today, deadline_workdays=settings.BIANBAN["CHECK_DEADLINE_WORKDAYS"],
        )
        opened += created
    prefixes = tuple(f"{rule.code}:" for rule in _rules())
    gone = [key for key in (Problem.objects.filter(source=ProblemSource.CHECK, data_resolved_on__isnull=True)
                            .exclude(status=ProblemStatus.CLOSED).values_list("source_key", flat=True))
            if key.startswith(prefixes) and key not in found]
    for key in gone:
        problem_mark_data_resolved(actor=None, source=ProblemSource.CHECK, source_key=key, on=today)
    return OverdueResult(found=len(found), opened=opened, resolved=len(gone))


@task()
def registration_overdue() -> dict[str, int]:
    """Daily (settings BIANBAN["DAILY_TASKS"]): overdue registration work into the ledger."""
    result = registration_overdue_to_ledger()
    return {"found": result.found, "opened": result.opened, "resolved": result.resolved}
