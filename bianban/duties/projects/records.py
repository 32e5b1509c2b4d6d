"""The establishment records a 书记项目 can count as its outcomes (issue 6, item 2), one `Source` per OutcomeKind:
where the record lives, which of them the user may see (through the owning app's own scoped selectors), which fall
in a year, which are of the right sort, and how a record is named and linked to in the UI."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bianban.checks.choices import RunStatus
from bianban.checks.models import CheckRun
from bianban.checks.selectors import runs_for_user
from bianban.duties.choices import OutcomeKind
from bianban.ledger.models import Problem
from bianban.ledger.selectors import problems_for_user
from bianban.staffing.models import QuotaMovement
from bianban.staffing.selectors import quota_lines_for_user
from bianban.units.choices import UnitEventKind
from bianban.units.models import Charter, UnitEvent
from bianban.units.selectors import units_for_user

DIVISION_EVENT_KINDS = (UnitEventKind.DIVISION_ADD, UnitEventKind.DIVISION_CHANGE, UnitEventKind.DIVISION_ABOLISH)


@dataclass(frozen=True)
class Source:
    kind: str  # an OutcomeKind value
    field: str  # the ProjectOutcome foreign key that holds the record
    all: Callable[[], QuerySet]
    visible: Callable[[Any], QuerySet]  # the records the user may see (their app's scoping)
    fits: Q  # the right sort of record for the kind (e.g. a unit event about divisions)
    misfit: str  # why a record of the wrong sort is refused
    in_year: Callable[[int], Q]
    year_rule: str  # what "in the project's year" means for the kind, for the refusal
    label: Callable[[Any], str]
    on: Callable[[Any], date]  # the record's date shown in lists
    url: Callable[[Any], str]  # the record's own page

    def records(self, user: Any) -> QuerySet:
        """The records of this kind the user may see; `None` (system work: the demo loader) sees them all."""
        return self.all() if user is None else self.visible(user)


def _local(moment: Any) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _movement_label(m: QuotaMovement) -> str:
    return f"{m.line.unit.name} {m.line.get_kind_display()}{m.get_type_display()} {m.delta:+d} 名（{m.document_no}）"


def _run_label(run: CheckRun) -> str:
    scope = run.root.name if run.root_id else "全区"
    return f"{scope}编制核查（基准日 {run.as_of:%Y-%m-%d}，发现 {run.finding_count} 项）"


def _run_on(run: CheckRun) -> date:
    return _local(run.finished_at) or run.as_of


def _problem_on(problem: Problem) -> date:
    return _local(problem.closed_at) or problem.raised_on


def _problem_label(problem: Problem) -> str:
    unit = f"{problem.unit.name}：" if problem.unit_id else ""
    return f"{unit}{problem.title}（{problem.get_status_display()}）"


SOURCES: dict[str, Source] = {s.kind: s for s in (
    Source(
        kind=OutcomeKind.QUOTA_MOVEMENT, field="quota_movement",
        all=lambda: QuotaMovement.objects.select_related("line__unit"),
        visible=lambda user: QuotaMovement.objects.select_related("line__unit").filter(
            line__in=quota_lines_for_user(user).values("pk")),
        fits=Q(), misfit="",
        in_year=lambda year: Q(effective_on__year=year), year_rule="生效日期",
        label=_movement_label, on=lambda m: m.effective_on,
        url=lambda m: reverse("staffing:unit", args=[m.line.unit_id]),
    ),
    Source(
        kind=OutcomeKind.CHARTER, field="charter",
        all=lambda: Charter.objects.select_related("unit"),
        visible=lambda user: Charter.objects.select_related("unit").filter(unit__in=units_for_user(user).values("pk")),
        fits=Q(), misfit="",
        in_year=lambda year: Q(issued_on__year=year), year_rule="印发日期",
        label=lambda c: f"{c.unit.name}《{c.title}》（{c.document_no}）", on=lambda c: c.issued_on,
        url=lambda c: reverse("units:detail", args=[c.unit_id]),
    ),
    Source(
        kind=OutcomeKind.DIVISION_CHANGE, field="unit_event",
        all=lambda: UnitEvent.objects.select_related("unit"),
        visible=lambda user: UnitEvent.objects.select_related("unit").filter(
            unit__in=units_for_user(user).values("pk")),
        fits=Q(kind__in=DIVISION_EVENT_KINDS), misfit="该记录不是内设机构的设立、调整或撤销",
        in_year=lambda year: Q(occurred_on__year=year), year_rule="发生日期",
        label=lambda e: f"{e.unit.name}：{e.summary}", on=lambda e: e.occurred_on,
        url=lambda e: reverse("units:events", args=[e.unit_id]),
    ),
    Source(
        kind=OutcomeKind.CHECK_RUN, field="check_run",
        all=lambda: CheckRun.objects.select_related("root"),
        visible=lambda user: runs_for_user(user).select_related("root"),
        fits=Q(status=RunStatus.DONE), misfit="只能关联已完成的编制核查",
        # A run belongs to the year of its 基准日, or of the day it finished (a run over 31 December done in January).
        in_year=lambda year: Q(as_of__year=year) | Q(finished_at__year=year), year_rule="核查基准日或完成日期",
        label=_run_label, on=_run_on,
        url=lambda run: reverse("checks:detail", args=[run.pk]),
    ),
    Source(
        kind=OutcomeKind.PROBLEM, field="problem",
        all=lambda: Problem.objects.select_related("unit"),
        visible=lambda user: problems_for_user(user).select_related("unit"),
        fits=Q(), misfit="",
        # Raised in the year, or rectified and closed in it (the seed: 整改销号 of the year's 问题台账).
        in_year=lambda year: Q(raised_on__year=year) | Q(closed_at__year=year), year_rule="发现日期或销号日期",
        label=_problem_label, on=_problem_on,
        url=lambda problem: reverse("ledger:detail", args=[problem.pk]),
    ),
)}


def record_of(outcome: Model) -> Any:
    """The linked record of a ProjectOutcome."""
    return getattr(outcome, SOURCES[outcome.kind].field)
