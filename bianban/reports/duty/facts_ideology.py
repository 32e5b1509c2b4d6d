"""The year's ideology work (seed 一（五）): the risk points under watch, how often they were reviewed, and the
sensitive periods on the branch's calendar. The 研判会 themselves are activities (facts_activities). Two queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from bianban.duties.models import RiskPoint, RiskReview, SensitivePeriod
from bianban.party.models import Branch
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure


@dataclass
class IdeologyFacts:
    points: list[tuple[int, str, str]]  # (pk, title, level)
    reviews: list[tuple[int, date, str, int]]  # (pk, reviewed_on, point title, point id)
    sensitive: list[str]

    def points_figure(self) -> Figure:
        return src.figure("ideology_points", len(self.points), "个", "梳理的意识形态风险点",
                          (src.risk_point(pk, title) for pk, title, _ in self.points))

    def reviews_figure(self) -> Figure:
        return src.figure("ideology_reviews", len(self.reviews), "次", "对风险点的分析研判",
                          (src.risk_review(*r) for r in self.reviews))


def ideology_facts(branch: Branch, year: int) -> IdeologyFacts:
    """Points of the year: watched in it — registered, reviewed or closed that year — and not closed before it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    reviews = list(RiskReview.objects.filter(risk_point__branch=branch, reviewed_on__range=(start, end))
                   .order_by("reviewed_on", "pk").values_list("pk", "reviewed_on", "risk_point__title",
                                                                "risk_point_id"))
    reviewed = {r[3] for r in reviews}
    points = list(RiskPoint.objects.filter(branch=branch)
                  .filter(Q(pk__in=reviewed) | Q(created_at__date__range=(start, end))
                          | Q(closed_on__range=(start, end)))
                  .exclude(closed_on__lt=start).order_by("pk").values_list("pk", "title", "level"))
    sensitive = list(SensitivePeriod.objects.filter(branch=branch, starts_on__lte=end, ends_on__gte=start)
                     .order_by("starts_on", "pk").values_list("name", flat=True))
    return IdeologyFacts(points, reviews, sensitive)
