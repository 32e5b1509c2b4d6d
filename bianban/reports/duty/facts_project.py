"""The year's 书记项目 and what it produced, counted as the project's page counts it (duties/projects/results.py):
核增 from linked 核增 movements, the 三定 issued, the 内设机构 changes, the check runs, the problems rectified and
closed. The values come from the duties app's own aggregate; the sources are the linked records, chosen by the
same rules. Two queries for every project of the year together (with the milestones, three)."""

from dataclasses import dataclass, field
from typing import Any

from bianban.duties.choices import MilestoneStatus, OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectMilestone, ProjectOutcome, SecretaryProject
from bianban.duties.projects.records import SOURCES as OUTCOME_SOURCES
from bianban.duties.projects.results import measure_values
from bianban.ledger.choices import ProblemStatus
from bianban.party.models import Branch
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure
from bianban.staffing.choices import MovementType
from bianban.units.models import Unit

K, M = OutcomeKind, TargetMeasure


def unit_name(unit: Unit) -> str:
    return unit.short_name or unit.name


def area_of(outcome: ProjectOutcome) -> str:
    """The field a 核增 served, as the secretary noted it when linking ("安全生产：新设执法大队核增12名" → 安全生产);
    without such a note, the unit."""
    head, sep, _rest = outcome.note.partition("：")
    if sep and 0 < len(head) <= 8:
        return head
    return unit_name(outcome.quota_movement.line.unit)


@dataclass
class ProjectFacts:
    project: SecretaryProject
    values: dict[str, int]
    outcomes: list[ProjectOutcome]
    milestones_done: int = 0
    milestones: int = 0
    by_kind: dict[str, list[ProjectOutcome]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for o in self.outcomes:
            self.by_kind.setdefault(o.kind, []).append(o)

    def _record(self, o: ProjectOutcome) -> Any:
        return getattr(o, OUTCOME_SOURCES[o.kind].field)

    def _figure(self, key: str, value: int, unit: str, label: str, outcomes: list[ProjectOutcome]) -> Figure:
        return src.figure(f"project{self.project.pk}_{key}", value, unit, label,
                          (src.outcome_record(o.kind, self._record(o)) for o in outcomes))

    def increases(self) -> list[ProjectOutcome]:
        """The linked movements QUOTA_ADDED counts: 核增 with a positive delta."""
        return [o for o in self.by_kind.get(K.QUOTA_MOVEMENT, [])
                if o.quota_movement.type == MovementType.INCREASE and o.quota_movement.delta > 0]

    def quota_added(self) -> Figure:
        return self._figure("quota_added", self.values[M.QUOTA_ADDED], "名", "书记项目核增编制", self.increases())

    def quota_by_area(self) -> list[tuple[str, Figure]]:
        areas: dict[str, list[ProjectOutcome]] = {}
        for o in self.increases():
            areas.setdefault(area_of(o), []).append(o)
        return [(area, self._figure(f"quota_added_{n}", sum(o.quota_movement.delta for o in rows), "名",
                                    f"{area}核增编制", rows))
                for n, (area, rows) in enumerate(areas.items(), start=1)]

    def charters(self) -> tuple[Figure, list[str]]:
        rows = self.by_kind.get(K.CHARTER, [])
        return (self._figure("charters", self.values[M.CHARTERS], "个", "印发“三定”规定", rows),
                [unit_name(o.charter.unit) for o in rows])

    def division_changes(self) -> tuple[Figure, list[str]]:
        rows = self.by_kind.get(K.DIVISION_CHANGE, [])
        return (self._figure("division_changes", self.values[M.DIVISION_CHANGES], "项", "调整内设机构", rows),
                [unit_name(o.unit_event.unit) for o in rows])

    def check_runs(self) -> Figure:
        rows = self.by_kind.get(K.CHECK_RUN, [])
        return self._figure("check_runs", self.values[M.CHECK_RUNS], "次", "开展编制核查", rows)

    def problems(self) -> tuple[Figure, Figure]:
        """(problems linked, problems rectified and closed now)."""
        rows = self.by_kind.get(K.PROBLEM, [])
        closed = [o for o in rows if o.problem.status == ProblemStatus.CLOSED]
        return (self._figure("problems", len(rows), "个", "梳理的机构编制问题", rows),
                self._figure("problems_closed", self.values[M.PROBLEMS_CLOSED], "个", "完成整改销号的问题", closed))


def project_facts(branch: Branch, year: int) -> list[ProjectFacts]:
    projects = list(SecretaryProject.objects.filter(branch=branch, year=year).order_by("pk"))
    if not projects:
        return []
    ids = [p.pk for p in projects]
    values = measure_values(ids)
    outcomes: dict[int, list[ProjectOutcome]] = {pk: [] for pk in ids}
    for o in (ProjectOutcome.objects.filter(project_id__in=ids)
              .select_related("quota_movement__line__unit", "charter__unit", "unit_event__unit", "check_run__root",
                              "problem__unit")
              .order_by("project_id", "kind", "pk")):
        outcomes[o.project_id].append(o)
    milestones: dict[int, list[str]] = {pk: [] for pk in ids}
    for project_id, status in ProjectMilestone.objects.filter(project_id__in=ids).values_list("project_id",
                                                                                              "status"):
        milestones[project_id].append(status)
    return [ProjectFacts(p, values[p.pk], outcomes[p.pk],
                         milestones_done=sum(s == MilestoneStatus.DONE for s in milestones[p.pk]),
                         milestones=sum(s != MilestoneStatus.CANCELLED for s in milestones[p.pk]))
            for p in projects]
