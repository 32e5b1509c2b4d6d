"""A 书记项目's results, counted from the register (issue 6, item 2: "its results are counted from the register"),
never typed: each target's value is its measure over the project's linked outcomes, read live, so a problem
reopened after it was linked no longer counts as closed.

What counts, per TargetMeasure:
- QUOTA_ADDED: the deltas of linked movements of type 核增 (INCREASE). Not 核定 (SET): a 核定 states a line's
  number when it is first registered or re-approved as a whole, so its delta against the previous figure is an
  artefact of registration rather than quota the project obtained. Not 划转 (TRANSFER): it moves slots between
  lines; the incoming half is no addition to the district's establishment, and counting it would report
  re-allocation as growth. (Both can still be linked as outcomes and are listed; they just add nothing here.)
- CHARTERS, DIVISION_CHANGES, CHECK_RUNS: how many such records are linked.
- PROBLEMS_CLOSED: linked problems whose status is 已销号 now.

Candidates for linking (`outcome_candidates`) are the records of the project's year the user may see, of the
right sort, not yet linked: the secretary picks from a list instead of typing ids.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum

from bianban.duties.choices import OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectOutcome, ProjectTarget, SecretaryProject
from bianban.duties.projects.records import SOURCES
from bianban.ledger.choices import ProblemStatus
from bianban.staffing.choices import MovementType

K, M = OutcomeKind, TargetMeasure
MEASURE_AGGREGATES = {
    M.QUOTA_ADDED: Sum("quota_movement__delta", filter=Q(kind=K.QUOTA_MOVEMENT,
                                                         quota_movement__type=MovementType.INCREASE,
                                                         quota_movement__delta__gt=0)),
    M.CHARTERS: Count("pk", filter=Q(kind=K.CHARTER)),
    M.DIVISION_CHANGES: Count("pk", filter=Q(kind=K.DIVISION_CHANGE)),
    M.CHECK_RUNS: Count("pk", filter=Q(kind=K.CHECK_RUN)),
    M.PROBLEMS_CLOSED: Count("pk", filter=Q(kind=K.PROBLEM, problem__status=ProblemStatus.CLOSED)),
}
CANDIDATE_LIMIT = 200


@dataclass(frozen=True)
class TargetProgress:
    target: ProjectTarget
    value: int

    @property
    def percent(self) -> int:
        """For the progress bar: capped at 100."""
        return min(100, round(100 * self.value / self.target.target_value)) if self.target.target_value else 0

    @property
    def met(self) -> bool:
        return self.value >= self.target.target_value


def measure_values(project_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Project id → the value of every measure over its linked outcomes, in one query for all the projects."""
    ids = list(project_ids)
    rows = (ProjectOutcome.objects.filter(project_id__in=ids).order_by().values("project_id")
            .annotate(**MEASURE_AGGREGATES))
    values = {pk: dict.fromkeys(M.values, 0) for pk in ids}
    for row in rows:
        values[row["project_id"]] = {m: row[m] or 0 for m in M.values}
    return values


def progress_by_project(projects: Iterable[SecretaryProject]) -> dict[int, list[TargetProgress]]:
    """Project id → its targets with the value counted: two queries whatever the number of projects."""
    ids = [p.pk for p in projects]
    values = measure_values(ids)
    progress: dict[int, list[TargetProgress]] = {pk: [] for pk in ids}
    for target in ProjectTarget.objects.filter(project_id__in=ids).order_by("project_id", "pk"):
        progress[target.project_id].append(TargetProgress(target, values[target.project_id][target.measure]))
    return progress


def project_progress(project: SecretaryProject) -> list[TargetProgress]:
    return progress_by_project([project])[project.pk]


@dataclass(frozen=True)
class Candidate:
    kind: str
    record_id: int
    label: str
    on: date
    url: str


def outcome_candidates(user: Any, project: SecretaryProject, kind: str) -> list[Candidate]:
    """Records of `kind` the user may see, of the project's year and the right sort, not yet linked to it, the
    latest first. For quota movements only 核增 are offered (what QUOTA_ADDED counts); others can still be linked
    by id through the API."""
    if kind not in K.values:
        return []
    source = SOURCES[kind]
    linked = ProjectOutcome.objects.filter(project=project, kind=kind).values(f"{source.field}_id")
    qs = source.records(user).filter(source.fits, source.in_year(project.year)).exclude(pk__in=linked)
    if kind == K.QUOTA_MOVEMENT:
        qs = qs.filter(type=MovementType.INCREASE)
    qs = qs.order_by("-pk")[:CANDIDATE_LIMIT]
    rows = [Candidate(kind, r.pk, source.label(r), source.on(r), source.url(r)) for r in qs]
    return sorted(rows, key=lambda c: (c.on, c.record_id), reverse=True)


@dataclass(frozen=True)
class LinkedOutcome:
    outcome: ProjectOutcome
    label: str
    on: date
    url: str


def _readable(user: Any, outcomes: list[ProjectOutcome]) -> dict[str, set[int]]:
    """Kind → the ids of the linked records `user` may read in their own app: one query per kind present."""
    readable: dict[str, set[int]] = {}
    for kind in {o.kind for o in outcomes}:
        source = SOURCES[kind]
        ids = [getattr(o, f"{source.field}_id") for o in outcomes if o.kind == kind]
        readable[kind] = set(source.records(user).filter(pk__in=ids).values_list("pk", flat=True))
    return readable


Grouped = list[tuple[str, str, list[LinkedOutcome]]]


def outcomes_by_kind(outcomes: Iterable[ProjectOutcome], user: Any = None) -> Grouped:
    """(kind, label, linked outcomes) for every kind that has some, in the kinds' order. A record `user` may not read
    in its own app (a member of the branch has no right to the ledger or the register) is listed by kind and date,
    and still counts, but is neither named nor linked: linking needs that right too (services._find_record)."""
    outcomes = list(outcomes)
    readable = _readable(user, outcomes) if user is not None else None
    groups: dict[str, list[LinkedOutcome]] = {}
    for outcome in outcomes:
        source = SOURCES[outcome.kind]
        record = getattr(outcome, source.field)
        if readable is None or record.pk in readable[outcome.kind]:
            linked = LinkedOutcome(outcome, source.label(record), source.on(record), source.url(record))
        else:
            linked = LinkedOutcome(outcome, f"（无权查看的{outcome.get_kind_display()}记录）", source.on(record), "")
        groups.setdefault(outcome.kind, []).append(linked)
    return [(kind, label, groups[kind]) for kind, label in K.choices if kind in groups]
