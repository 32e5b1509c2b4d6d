"""The year's 集中走访 as the visits app counts it (duties/visits/stats.py): households and people by the visiting
team's role — the branch's members apart, the leadership and the 挂职第一书记 together, as the seed reports them —
and what was raised and solved. Three queries: the visits, the statistics' two grouped queries."""

from dataclasses import dataclass
from datetime import date

from bianban.duties.choices import VisitorRole
from bianban.duties.models import Visit, VisitIssue
from bianban.duties.visits.stats import VisitStats, visit_stats
from bianban.ledger.choices import ProblemStatus
from bianban.party.models import Branch
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure, Source

LEADERSHIP_ROLES = (VisitorRole.LEADERSHIP, VisitorRole.FIRST_SECRETARY)


@dataclass(frozen=True)
class VisitRow:
    pk: int
    visited_on: date
    team_role: str
    street: str
    community: str
    households: int
    people: int
    campaign_id: int
    campaign_title: str
    requirement: str


@dataclass
class VisitFacts:
    visits: list[VisitRow]
    stats: VisitStats
    issues: list[tuple[int, str, str]]  # (ledger problem id or 0, what was raised, the problem's status)

    def _visits(self, roles: tuple[str, ...]) -> list[Source]:
        return [src.visit(v.pk, v.visited_on, v.street, v.community, v.households, v.people)
                for v in self.visits if v.team_role in roles]

    def households_people(self, key: str, label: str, roles: tuple[str, ...]) -> tuple[Figure, Figure]:
        households = sum(self.stats.by_role[r].households for r in roles)
        people = sum(self.stats.by_role[r].people for r in roles)
        sources = self._visits(roles)
        return (src.figure(f"{key}_households", households, "户", f"{label}走访户数", sources),
                src.figure(f"{key}_people", people, "人", f"{label}走访人数", sources))

    def _sources(self, closed_only: bool) -> list[Source]:
        labels = dict(ProblemStatus.choices)
        return [src.problem(pk, content[:40], str(labels.get(status, ""))) for pk, content, status in self.issues
                if pk and (not closed_only or status == ProblemStatus.CLOSED)]

    def raised(self) -> Figure:
        return src.figure("visits_issues", self.stats.issues, "条", "收集的问题和意见建议", self._sources(False))

    def solved(self) -> Figure:
        """Solved as the visit statistics count it: the problem is 已销号 now."""
        return src.figure("visits_solved", self.stats.solved, "条", "已协调解决（已销号）的问题", self._sources(True))

    def months(self) -> list[int]:
        return sorted({v.visited_on.month for v in self.visits})

    def requirements(self) -> list[str]:
        return [v.requirement for v in self.visits]

    def communities(self) -> int:
        return len({(v.street, v.community) for v in self.visits})


def visit_facts(branch: Branch, year: int) -> VisitFacts:
    visits = Visit.objects.filter(campaign__branch=branch, visited_on__range=(date(year, 1, 1), date(year, 12, 31)))
    rows = [VisitRow(*r) for r in visits.order_by("visited_on", "pk").values_list(
        "pk", "visited_on", "team_role", "street", "community", "households", "people", "campaign_id",
        "campaign__title", "campaign__requirement")]
    issues = [(pk or 0, content, status or "") for pk, content, status in
              VisitIssue.objects.filter(visit__in=visits.values("pk")).order_by("visit__visited_on", "pk")
              .values_list("problem_id", "content", "problem__status")]
    return VisitFacts(rows, visit_stats(visits), issues)
