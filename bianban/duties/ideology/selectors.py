"""Reads of the ideology work, scoped to the user through the branch's unit (access.branches_for_user): the risk
register with its overdue flag, a point's reviews, the 研判会 held and what each reviewed, and the year's calendar
of sensitive periods and meetings.

A point is overdue for review when it is watched and its next review date has passed (next_review_on < today).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.duties.choices import RiskLevel, RiskStatus
from bianban.duties.models import RiskPoint, RiskReview, SensitivePeriod
from bianban.party.access import branches_for_user
from bianban.party.choices import ActivityKind, ActivityStatus
from bianban.party.models import Activity, Branch, Member


def overdue_q(today: date) -> Q:
    return Q(status=RiskStatus.WATCHED, next_review_on__lt=today)


def risk_points_for_user(user: Any, *, branch: Branch | int | None = None, level: str = "", status: str = "",
                         overdue: bool = False, today: date | None = None,
                         perm: str = Perm.PARTY_VIEW) -> QuerySet[RiskPoint]:
    """The points of the branches the user may `perm`, filtered, each annotated `is_overdue`. Unknown levels or
    statuses match nothing."""
    today = today or timezone.localdate()
    qs = RiskPoint.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if level:
        qs = qs.filter(level=level) if level in RiskLevel.values else qs.none()
    if status:
        qs = qs.filter(status=status) if status in RiskStatus.values else qs.none()
    if overdue:
        qs = qs.filter(overdue_q(today))
    return (qs.annotate(is_overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False),
                                        output_field=BooleanField()),
                        review_count=Count("reviews"))
            .select_related("branch", "owner__person"))


def risk_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> RiskPoint:
    point = risk_points_for_user(user, perm=perm).select_related("branch__unit").filter(pk=pk).first()
    if point is None:
        raise NotFound("风险点不存在或无权访问")
    return point


def risk_reviews(point: RiskPoint) -> QuerySet[RiskReview]:
    """A point's reviews, newest first, with their meeting."""
    return point.reviews.select_related("activity", "reviewed_by").order_by("-reviewed_on", "-pk")


def meetings(branch: Branch, year: int | None = None) -> QuerySet[Activity]:
    """The branch's held 意识形态分析研判会, newest first, each with the number of points it reviewed."""
    qs = Activity.objects.filter(branch=branch, kind=ActivityKind.IDEOLOGY_REVIEW, status=ActivityStatus.HELD)
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.annotate(points_reviewed=Count("risk_reviews__risk_point", distinct=True)).order_by("-held_on", "-pk")


def meeting_get_for_user(user: Any, pk: int) -> Activity:
    """A 研判会 of a branch the user may see."""
    activity = (Activity.objects.filter(branch__in=branches_for_user(user).values("pk"),
                                        kind=ActivityKind.IDEOLOGY_REVIEW, pk=pk)
                .select_related("branch__unit").first())
    if activity is None:
        raise NotFound("研判会不存在或无权访问")
    return activity


def meeting_reviews(activity: Activity) -> QuerySet[RiskReview]:
    """Which points a 研判会 reviewed, and what it found."""
    return activity.risk_reviews.select_related("risk_point__owner__person").order_by("risk_point__title", "pk")


def sensitive_periods_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                               perm: str = Perm.PARTY_VIEW) -> QuerySet[SensitivePeriod]:
    """Periods of the branches the user may `perm`; with `year`, those overlapping it."""
    qs = SensitivePeriod.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if year:
        qs = qs.filter(starts_on__lte=date(year, 12, 31), ends_on__gte=date(year, 1, 1))
    return qs.select_related("branch").order_by("starts_on", "pk")


def sensitive_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> SensitivePeriod:
    period = sensitive_periods_for_user(user, perm=perm).select_related("branch__unit").filter(pk=pk).first()
    if period is None:
        raise NotFound("敏感时期不存在或无权访问")
    return period


@dataclass(frozen=True)
class CalendarMonth:
    month: int
    periods: list[SensitivePeriod]  # overlapping the month
    meetings: list[Activity]  # 研判会 held in the month


def year_calendar(periods: list[SensitivePeriod], held: list[Activity], year: int) -> list[CalendarMonth]:
    """The year month by month: the sensitive periods touching each month and the 研判会 held in it."""
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = date(year + (month == 12), month % 12 + 1, 1)
        months.append(CalendarMonth(
            month=month,
            periods=[p for p in periods if p.starts_on < last and p.ends_on >= first],
            meetings=sorted((a for a in held if a.held_on.year == year and a.held_on.month == month),
                            key=lambda a: a.held_on)))
    return months


def owner_choices(branch: Branch) -> QuerySet[Member]:
    return Member.objects.filter(branch=branch, left_on__isnull=True).select_related("person").order_by("pk")
