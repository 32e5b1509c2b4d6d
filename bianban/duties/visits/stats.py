"""Campaign statistics, counted from the visits and the ledger, never typed: households and people by visitor role,
by group and by street; what was raised by kind and topic; and how the ledger problems it became stand (solved =
closed, unsolved, overdue by the ledger's own rule). Set-based: two grouped queries however many visits or
campaigns are counted.

The seed reports the branch's members apart from the leadership and the 挂职第一书记 together ("走访群众10户18人，
领导班子成员和挂职第一书记走访群众30户54人"), so the two are also given combined (`leadership_and_first_secretary`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from bianban.duties.choices import IssueKind, IssueTopic, VisitGroup, VisitorRole
from bianban.duties.models import Visit, VisitCampaign, VisitIssue
from bianban.ledger.choices import ProblemStatus
from bianban.ledger.selectors import overdue_q
from bianban.party.models import Branch

COMBINED_LABEL = "领导班子成员和挂职第一书记"


@dataclass
class Tally:
    visits: int = 0
    households: int = 0
    people: int = 0

    def add(self, visits: int, households: int, people: int) -> None:
        self.visits += visits
        self.households += households
        self.people += people


def _roles() -> dict[str, Tally]:
    return {role.value: Tally() for role in VisitorRole}


@dataclass
class VisitStats:
    """The figures of a set of visits (a campaign, or a branch's year)."""

    total: Tally = field(default_factory=Tally)
    by_role: dict[str, Tally] = field(default_factory=_roles)
    by_group: dict[str, Tally] = field(default_factory=dict)
    by_street: dict[str, Tally] = field(default_factory=dict)
    issues: int = 0
    issues_by_kind: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in IssueKind})
    issues_by_topic: dict[str, int] = field(default_factory=dict)
    problems: int = 0  # registered in the ledger
    solved: int = 0  # 已销号
    unsolved: int = 0
    overdue: int = 0

    @property
    def leadership_and_first_secretary(self) -> Tally:
        combined = Tally()
        for role in (VisitorRole.LEADERSHIP, VisitorRole.FIRST_SECRETARY):
            t = self.by_role[role]
            combined.add(t.visits, t.households, t.people)
        return combined

    def role_rows(self) -> list[tuple[str, str, Tally]]:
        """(key, label, tally) per role, then the combined row the seed reports, for tables."""
        rows = [(role.value, str(role.label), self.by_role[role.value]) for role in VisitorRole]
        return [*rows, ("leadership_and_first_secretary", COMBINED_LABEL, self.leadership_and_first_secretary)]

    def group_rows(self) -> list[tuple[str, str, Tally]]:
        return [(g.value, str(g.label), self.by_group[g.value]) for g in VisitGroup if g.value in self.by_group]

    def topic_rows(self) -> list[tuple[str, str, int]]:
        return [(t.value, str(t.label), self.issues_by_topic[t.value]) for t in IssueTopic
                if t.value in self.issues_by_topic]

    def summary(self) -> str:
        """The campaign in the seed's words."""
        own, lead = self.by_role[VisitorRole.BRANCH_MEMBER], self.leadership_and_first_secretary
        return (f"走访群众{own.households}户{own.people}人，"
                f"{COMBINED_LABEL}走访群众{lead.households}户{lead.people}人，"
                f"收集问题和意见建议{self.issues}条，已解决{self.solved}条")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the API."""

        def t(tally: Tally) -> dict[str, int]:
            return {"visits": tally.visits, "households": tally.households, "people": tally.people}

        return {
            "total": t(self.total),
            "by_role": {key: {"label": label, **t(tally)} for key, label, tally in self.role_rows()},
            "by_group": {key: {"label": label, **t(tally)} for key, label, tally in self.group_rows()},
            "by_street": {street: t(tally) for street, tally in self.by_street.items()},
            "issues": self.issues,
            "issues_by_kind": {k: {"label": str(IssueKind(k).label), "count": n}
                               for k, n in self.issues_by_kind.items()},
            "issues_by_topic": {k: {"label": label, "count": n} for k, label, n in self.topic_rows()},
            "problems": {"raised": self.problems, "solved": self.solved, "unsolved": self.unsolved,
                         "overdue": self.overdue},
        }


def _collect(visits: QuerySet[Visit], key: str | None) -> dict[Any, VisitStats]:
    """Statistics of `visits`, grouped by the visit field `key` (None: all together, under the key None)."""
    keys = [key] if key else []
    result: dict[Any, VisitStats] = {}
    rows = (visits.order_by().values(*keys, "team_role", "group", "street")
            .annotate(n=Count("pk"), h=Sum("households"), p=Sum("people")))
    for row in rows:
        stats = result.setdefault(row[key] if key else None, VisitStats())
        counts = (row["n"], row["h"] or 0, row["p"] or 0)
        stats.total.add(*counts)
        stats.by_role.setdefault(row["team_role"], Tally()).add(*counts)
        stats.by_group.setdefault(row["group"], Tally()).add(*counts)
        stats.by_street.setdefault(row["street"], Tally()).add(*counts)
    issue_keys = [f"visit__{key}"] if key else []
    closed = Q(problem__status=ProblemStatus.CLOSED)
    issues = (VisitIssue.objects.filter(visit__in=visits.order_by().values("pk")).order_by()
              .values(*issue_keys, "kind", "topic")
              .annotate(n=Count("pk"), problems=Count("problem"), solved=Count("pk", filter=closed),
                        unsolved=Count("pk", filter=Q(problem__isnull=False) & ~closed),
                        overdue=Count("pk", filter=Q(problem__isnull=False) & overdue_q("problem__"))))
    for row in issues:
        stats = result.setdefault(row[issue_keys[0]] if key else None, VisitStats())
        stats.issues += row["n"]
        stats.issues_by_kind[row["kind"]] = stats.issues_by_kind.get(row["kind"], 0) + row["n"]
        stats.issues_by_topic[row["topic"]] = stats.issues_by_topic.get(row["topic"], 0) + row["n"]
        stats.problems += row["problems"]
        stats.solved += row["solved"]
        stats.unsolved += row["unsolved"]
        stats.overdue += row["overdue"]
    for stats in result.values():
        stats.by_street = dict(sorted(stats.by_street.items()))
    return result


def visit_stats(visits: QuerySet[Visit]) -> VisitStats:
    """Statistics of any set of visits (e.g. a filtered list)."""
    return _collect(visits, None).get(None) or VisitStats()


def campaign_stats(campaign: VisitCampaign) -> VisitStats:
    return visit_stats(Visit.objects.filter(campaign=campaign))


def stats_by_campaign(campaigns: Iterable[VisitCampaign | int]) -> dict[int, VisitStats]:
    """Each campaign's statistics (every campaign given has an entry), in two queries for all of them."""
    ids = [c if isinstance(c, int) else c.pk for c in campaigns]
    found = _collect(Visit.objects.filter(campaign_id__in=ids), "campaign_id")
    return {pk: found.get(pk) or VisitStats() for pk in ids}


def branch_year_stats(branch: Branch, year: int) -> VisitStats:
    """The branch's visits made in `year`, across its campaigns (the 述职 figures of the year)."""
    return visit_stats(Visit.objects.filter(campaign__branch=branch,
                                            visited_on__range=(date(year, 1, 1), date(year, 12, 31))))
