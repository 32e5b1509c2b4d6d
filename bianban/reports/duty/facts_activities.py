"""The branch's activities of the year, in one query: every activity held (ActivityStatus.HELD — a planned or
cancelled meeting is not a meeting, as the compliance calendar and the responsibility list count them), grouped by
kind, each kind a figure whose sources are the activities themselves."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from bianban.party.choices import ActivityKind, ActivityStatus, AppraisalStatus
from bianban.party.models import Activity, Appraisal, Branch
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure
from bianban.reports.duty.sentences import quoted_names

K = ActivityKind


@dataclass(frozen=True)
class Held:
    pk: int
    kind: str
    held_on: date
    topic: str
    content: str
    place: str
    materials: str


@dataclass
class ActivityFacts:
    branch: Branch
    year: int
    by_kind: dict[str, list[Held]] = field(default_factory=dict)

    def of(self, *kinds: str) -> list[Held]:
        rows = [a for kind in kinds for a in self.by_kind.get(kind, [])]
        return sorted(rows, key=lambda a: (a.held_on, a.pk))

    def count(self, *kinds: str) -> int:
        return sum(len(self.by_kind.get(kind, [])) for kind in kinds)

    def figure(self, key: str, label: str, *kinds: str, rows: list[Held] | None = None) -> Figure:
        """How many activities of `kinds` were held (or of the given `rows`), in 次, with each as a source."""
        rows = self.of(*kinds) if rows is None else rows
        return src.figure(key, len(rows), "次", label,
                          (src.activity(a.pk, a.held_on, a.kind, a.topic) for a in rows))

    def theme_names(self, *, study: bool) -> list[tuple[str, list[Held]]]:
        """The names in “…” of the year's 主题党日, most often used first, then by date. With `study`, only the theme
        days that studied set texts (their 学习材料 recorded: "读原著悟原理", told among the year's study in （二）);
        without, the others (the recurring days quoted in （一）: "积极开展“学先锋建新功”等主题党日活动")."""
        named: dict[str, list[Held]] = {}
        for a in self.of(K.THEME_DAY):
            if bool(a.materials.strip()) != study:
                continue
            for name in quoted_names(a.topic):
                named.setdefault(name, []).append(a)
        counts = Counter({name: len(rows) for name, rows in named.items()})
        return sorted(named.items(), key=lambda kv: (-counts[kv[0]], kv[1][0].held_on))


def activity_facts(branch: Branch, year: int) -> ActivityFacts:
    facts = ActivityFacts(branch, year)
    rows = (Activity.objects.filter(branch=branch, status=ActivityStatus.HELD,
                                    held_on__range=(date(year, 1, 1), date(year, 12, 31)))
            .order_by("held_on", "pk").values_list("pk", "kind", "held_on", "topic", "content", "place",
                                                                       "materials"))
    for row in rows:
        held = Held(*row)
        facts.by_kind.setdefault(held.kind, []).append(held)
    return facts


def appraisal_figure(branch: Branch, year: int) -> Figure | None:
    """民主评议党员 of the year once the branch has determined it (closed or published, as the compliance calendar
    counts it met): how many members it graded. None when not yet determined."""
    row = (Appraisal.objects.filter(branch=branch, year=year,
                                    status__in=(AppraisalStatus.CLOSED, AppraisalStatus.PUBLISHED))
           .annotate(graded=Count("results")).values_list("pk", "graded").first())
    if row is None:
        return None
    pk, graded = row
    return src.figure("appraisal_members", graded, "名", f"{year}年度民主评议党员评定的党员",
                      [src.appraisal(pk, year)])
