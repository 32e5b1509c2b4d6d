"""Reads of volunteer service (志愿服务, seed 一(七): 护林防火、文明城市创建). A volunteer activity is a party
`Activity` of kind VOLUNTEER with its `service_field`; each member present carries the hours served
(`Attendance.service_hours`). Everything is scoped through the party selectors (access.branches_for_user) and
computed set-based in the database: per activity its participants and hours, per branch and year the totals, by
field and by member."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from bianban.accounts.choices import Perm
from bianban.party.activities.selectors import activities_for_user
from bianban.party.choices import ActivityKind, ActivityStatus, AttendanceStatus, VolunteerField
from bianban.party.models import Activity, Attendance, Branch, Member

ZERO = Decimal("0.0")
PRESENT = Q(attendance__status=AttendanceStatus.PRESENT)


def _q(hours: Decimal | None) -> Decimal:
    """Hours to one decimal, as the column holds them (SQLite sums come back as plain numbers)."""
    return Decimal(hours or 0).quantize(Decimal("0.1"))


def _hours_sum(path: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(path, filter=condition), Value(ZERO),
                    output_field=DecimalField(max_digits=10, decimal_places=1))


def volunteer_activities_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                                  service_field: str = "", status: str = "",
                                  perm: str = Perm.PARTY_VIEW) -> QuerySet[Activity]:
    """The volunteer activities of the branches the user may `perm`, oldest first (the order of the year's record),
    each annotated with `participants` (members present) and `hours` (their service hours, blank counted as 0).
    Cancelled activities are left out unless asked for by `status`."""
    qs = activities_for_user(user, branch=branch, kind=ActivityKind.VOLUNTEER, year=year, status=status, perm=perm)
    if not status:
        qs = qs.exclude(status=ActivityStatus.CANCELLED)
    if service_field:
        qs = qs.filter(service_field=service_field)
    present = (Attendance.objects.filter(status=AttendanceStatus.PRESENT).select_related("member__person")
               .order_by("member_id"))
    return (qs.annotate(participants=Count("attendance", filter=PRESENT),
                        hours=_hours_sum("attendance__service_hours", PRESENT))
            .prefetch_related(Prefetch("attendance", queryset=present, to_attr="present"))
            .order_by("held_on", "pk"))


@dataclass
class FieldRow:
    """One 服务领域 in a year: activities held, 人次 (members present, counted per activity) and hours."""

    field: str
    label: str
    activities: int = 0
    participations: int = 0
    hours: Decimal = ZERO


@dataclass
class MemberRow:
    """One member's volunteer service in a year: activities served at and hours (the ranking)."""

    member: Member
    participations: int = 0
    hours: Decimal = ZERO


@dataclass
class VolunteerStats:
    branch: Branch
    year: int
    activities: int = 0
    participations: int = 0  # 人次
    members: int = 0  # distinct members who served
    hours: Decimal = ZERO
    by_field: list[FieldRow] = field(default_factory=list)
    by_member: list[MemberRow] = field(default_factory=list)


def _held(branch: Branch, year: int) -> QuerySet[Activity]:
    return Activity.objects.filter(branch=branch, kind=ActivityKind.VOLUNTEER, status=ActivityStatus.HELD,
                                   held_on__gte=date(year, 1, 1), held_on__lte=date(year, 12, 31))


def volunteer_stats(branch: Branch, year: int) -> VolunteerStats:
    """The branch's volunteer service in `year`, from the held volunteer activities: totals, by 服务领域 (every field
    listed, in the order of VolunteerField) and by member (most hours first). The caller has scoped `branch`."""
    stats = VolunteerStats(branch=branch, year=year)
    held = _held(branch, year)
    present = Attendance.objects.filter(activity__in=held.values("pk"), status=AttendanceStatus.PRESENT).order_by()
    totals = present.aggregate(participations=Count("pk"), members=Count("member_id", distinct=True),
                               hours=_hours_sum("service_hours"))
    stats.activities = held.count()
    stats.participations, stats.members = totals["participations"], totals["members"]
    stats.hours = _q(totals["hours"])
    per_field = {row["service_field"]: row for row in held.order_by().values("service_field").annotate(
        activities=Count("pk", distinct=True), participations=Count("attendance", filter=PRESENT),
        hours=_hours_sum("attendance__service_hours", PRESENT))}
    for value, label in [*VolunteerField.choices, ("", "未填写")]:
        row = per_field.get(value)
        if row is None and value == "":
            continue  # only volunteer activities recorded before 服务领域 was required lack one
        stats.by_field.append(FieldRow(field=value, label=label, activities=row["activities"] if row else 0,
                                       participations=row["participations"] if row else 0,
                                       hours=_q(row["hours"] if row else None)))
    per_member = list(present.values("member_id").annotate(participations=Count("pk"),
                                                           hours=_hours_sum("service_hours"))
                      .order_by("-hours", "-participations", "member_id"))
    members = Member.objects.select_related("person", "group").in_bulk([r["member_id"] for r in per_member])
    stats.by_member = [MemberRow(member=members[r["member_id"]], participations=r["participations"],
                                 hours=_q(r["hours"]))
                       for r in per_member]
    return stats
