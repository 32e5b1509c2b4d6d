"""Reads of verification. Runs are listed to everyone who may see the register; their findings are narrowed to
the units the reader may see, so a liaison sees their own unit's part of a district-wide run."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.models import Grant
from bianban.accounts.scoping import has_district_perm, has_perm, restrict, unit_q
from bianban.checks.choices import Change, RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import RULES
from bianban.core.exceptions import NotFound
from bianban.ledger.choices import ProblemSource, ProblemStatus
from bianban.ledger.models import Problem
from bianban.units.models import Unit


def runs_for_user(user: Any) -> QuerySet[CheckRun]:
    """District-wide readers see every run. Others see the runs that covered some of their units (whole-register
    runs, runs over a unit above theirs, runs inside their subtree), each annotated with `visible_findings` and
    `visible_new`: how many of its findings concern their units (the run's own totals are the district's)."""
    if not has_perm(user, Perm.UNITS_VIEW):
        return CheckRun.objects.none()
    runs = CheckRun.objects.select_related("root", "actor").order_by("-created_at", "-id")
    if sees_whole_run(user):
        return runs
    inside = unit_q(user, Perm.UNITS_VIEW, prefix="root__") or Q(pk__in=[])
    above: set[str] = set()
    for path in restrict(Unit.objects.all(), user, Perm.UNITS_VIEW).filter(
            pk__in=Grant.objects.filter(user=user).values("unit_id")).values_list("path", flat=True):
        parts = path.strip("/").split("/")
        above.update("/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts)))
    visible = unit_q(user, Perm.UNITS_VIEW, prefix="findings__unit__") or Q(pk__in=[])
    return runs.filter(Q(root__isnull=True) | inside | Q(root__path__in=sorted(above))).annotate(
        visible_findings=Count("findings", filter=visible),
        visible_new=Count("findings", filter=visible & Q(findings__change=Change.NEW)),
    )


def latest_run_for_user(user: Any) -> CheckRun | None:
    """The latest finished run the user may see (the home page's and the office dashboard's 最近一次核查)."""
    return runs_for_user(user).filter(status=RunStatus.DONE).order_by("-finished_at", "-pk").first()


def run_get_for_user(user: Any, pk: int) -> CheckRun:
    run = runs_for_user(user).select_related("previous").filter(pk=pk).first()
    if run is None:
        raise NotFound("核查不存在或无权访问")
    return run


def sees_whole_run(user: Any) -> bool:
    return has_district_perm(user, Perm.UNITS_VIEW)


def findings_for_user(user: Any, run: CheckRun) -> QuerySet[Finding]:
    return restrict(Finding.objects.filter(run=run), user, Perm.UNITS_VIEW, prefix="unit__")


def findings_search(user: Any, run: CheckRun, *, rule: str = "", change: str = "", q: str = "") -> QuerySet[Finding]:
    qs = findings_for_user(user, run).select_related("unit")
    if rule:
        qs = qs.filter(rule=rule)
    if change:
        qs = qs.filter(change=change)
    if q.strip():
        qs = qs.filter(message__icontains=q.strip())
    return qs.order_by("rule", "pk")


def rule_summary(user: Any, run: CheckRun) -> list[dict[str, Any]]:
    """Every rule with what the user may see of its findings in this run: total and new."""
    counted = {row["rule"]: row for row in findings_for_user(user, run).order_by().values("rule").annotate(
        n=Count("pk"), new=Count("pk", filter=Q(change=Change.NEW)))}
    return [{"rule": r, "count": counted.get(r.code, {}).get("n", 0), "new": counted.get(r.code, {}).get("new", 0)}
            for r in RULES]


def resolved_since_previous(user: Any, run: CheckRun) -> QuerySet[Finding]:
    """Findings of the previous run over the same scope that this run no longer finds (已消除)."""
    if run.previous_id is None:
        return Finding.objects.none()
    current = Finding.objects.filter(run=run).values("key")
    return (restrict(Finding.objects.filter(run_id=run.previous_id), user, Perm.UNITS_VIEW, prefix="unit__")
            .exclude(key__in=current).select_related("unit").order_by("rule", "pk"))


def problems_by_key(keys: list[str]) -> dict[str, Problem]:
    """The ledger problem each finding key opened (the open one, else the latest closed), for links."""
    problems: dict[str, Problem] = {}
    for problem in (Problem.objects.filter(source=ProblemSource.CHECK, source_key__in=keys)
                    .order_by("source_key", "-pk").only("pk", "source_key", "status", "data_resolved_on")):
        kept = problems.get(problem.source_key)
        if kept is None or (kept.status == ProblemStatus.CLOSED and problem.status != ProblemStatus.CLOSED):
            problems[problem.source_key] = problem
    return problems
