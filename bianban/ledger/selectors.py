"""Reads of the problem ledger, scoped by the problem's responsible unit (problems without a unit: district-wide
viewers only)."""

from typing import Any

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_q
from bianban.core.exceptions import NotFound
from bianban.ledger.choices import MeasureStatus, ProblemSource, ProblemStatus
from bianban.ledger.models import Evidence, Measure, Problem, ProblemEvent
from bianban.units.models import Unit


def overdue_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}deadline__lt": timezone.localdate()}) & ~Q(**{f"{prefix}status": ProblemStatus.CLOSED})


def measure_overdue_q() -> Q:
    return Q(deadline__lt=timezone.localdate(), status=MeasureStatus.PLANNED)


# Problems a Party branch raised from its own work, which those who keep the branch's records see too.
PARTY_SOURCES = (ProblemSource.TALK, ProblemSource.VISIT)


def problems_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[Problem]:
    """Problems whose responsible unit the user may `perm` (and, for reading, the Party-sourced problems of the
    units whose Party work they see), annotated with `overdue` and `has_overdue_measure`."""
    q = unit_q(user, perm, prefix="unit__")
    if perm == Perm.UNITS_VIEW and (q is None or q):  # an empty Q() already means every unit
        party = unit_q(user, Perm.PARTY_VIEW, prefix="unit__")
        if party is not None:
            party = Q(source__in=PARTY_SOURCES) & party if party else Q(source__in=PARTY_SOURCES)
            q = party if q is None else q | party
    qs = Problem.objects.none() if q is None else Problem.objects.filter(q) if q else Problem.objects.all()
    return qs.annotate(
        overdue=Case(When(overdue_q(), then=Value(True)), default=Value(False), output_field=BooleanField()),
        has_overdue_measure=Exists(Measure.objects.filter(measure_overdue_q(), problem=OuterRef("pk"))),
    )


def problem_get_for_user(user: Any, pk: int) -> Problem:
    problem = problems_for_user(user).select_related("unit", "person", "closed_by", "source_type").filter(pk=pk).first()
    if problem is None:
        raise NotFound("问题不存在或无权访问")
    return problem


def problem_search(
    user: Any, *, status: str = "", overdue: bool | None = None, source: str = "", unit: int | None = None,
    category: str = "", year: int | None = None, q: str = "",
) -> QuerySet[Problem]:
    """The user's problems filtered; `unit` takes the unit's whole subtree."""
    qs = problems_for_user(user).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    if overdue is True:
        qs = qs.filter(overdue_q())
    elif overdue is False:
        qs = qs.exclude(overdue_q())
    if source:
        qs = qs.filter(source=source)
    if category:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(raised_on__year=year)
    if unit is not None:
        root = Unit.objects.filter(pk=unit).values_list("path", flat=True).first()
        qs = qs.filter(unit__path__startswith=root) if root is not None else qs.none()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(responsible__icontains=q))
    return qs


def status_counts(qs: QuerySet[Problem]) -> dict[str, int]:
    """Problems per status, plus `overdue` and `total`, in one query."""
    aggregates = {s.value: Count("pk", filter=Q(status=s.value)) for s in ProblemStatus}
    aggregates["overdue"] = Count("pk", filter=overdue_q())
    aggregates["total"] = Count("pk")
    return qs.order_by().aggregate(**aggregates)


def problem_timeline(problem: Problem) -> QuerySet[ProblemEvent]:
    return problem.events.select_related("actor").order_by("at", "pk")


def measures_of(problem: Problem) -> QuerySet[Measure]:
    return problem.measures.prefetch_related("evidence").order_by("pk")


def measure_get_for_user(user: Any, pk: int) -> Measure:
    measure = Measure.objects.select_related("problem", "problem__unit").filter(
        pk=pk, problem__in=problems_for_user(user).values("pk")).first()
    if measure is None:
        raise NotFound("整改措施不存在或无权访问")
    return measure


def evidence_get_for_user(user: Any, pk: int) -> Evidence:
    evidence = Evidence.objects.select_related("measure__problem__unit").filter(
        pk=pk, measure__problem__in=problems_for_user(user).values("pk")).first()
    if evidence is None:
        raise NotFound("佐证材料不存在或无权访问")
    return evidence
