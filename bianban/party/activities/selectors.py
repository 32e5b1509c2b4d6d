"""Reads of branch activities, scoped through the branch's unit (access.branches_for_user): lists and filters, who
was due to attend on a day, how many were held (for the compliance rules), the per-member study summary of a year
and the month calendar."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.party.access import branches_for_user, member_on_q, voting_on_q
from bianban.party.choices import STUDY_KINDS, ActivityKind, ActivityStatus, AttendanceStatus
from bianban.party.models import Activity, ActivityFile, Attendance, Branch, CommitteeMember, Member, PartyGroup


def activities_for_user(user: Any, *, branch: Branch | int | None = None, kind: str = "", year: int | None = None,
                        status: str = "", perm: str = Perm.PARTY_VIEW) -> QuerySet[Activity]:
    """The activities of the branches the user may `perm`, filtered."""
    qs = Activity.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(held_on__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("branch", "group", "host__person", "recorder__person")


def activity_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> Activity:
    activity = activities_for_user(user, perm=perm).select_related("branch__unit").filter(pk=pk).first()
    if activity is None:
        raise NotFound("活动不存在或无权访问")
    return activity


def activity_file_get_for_user(user: Any, pk: int) -> ActivityFile:
    found = ActivityFile.objects.select_related("activity__branch__unit").filter(
        pk=pk, activity__in=activities_for_user(user).values("pk")).first()
    if found is None:
        raise NotFound("活动材料不存在或无权访问")
    return found


def status_counts(qs: QuerySet[Activity]) -> dict[str, Any]:
    """Activities per status and per kind, plus `total`, in one query; `kinds` lists (label, count) of kinds seen."""
    aggregates = {f"status_{s.value}": Count("pk", filter=Q(status=s.value)) for s in ActivityStatus}
    aggregates.update({f"kind_{k.value}": Count("pk", filter=Q(kind=k.value)) for k in ActivityKind})
    aggregates["total"] = Count("pk")
    row = qs.order_by().aggregate(**aggregates)
    return {"total": row["total"],
            "statuses": [(s.value, s.label, row[f"status_{s.value}"]) for s in ActivityStatus],
            "kinds": [(k.value, k.label, row[f"kind_{k.value}"]) for k in ActivityKind if row[f"kind_{k.value}"]]}


def seats_on_q(on: date) -> Q:
    """Committee seats in force on `on`, in a term in force that day (补选 and 调整 move `since`/`until`)."""
    return (Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gt=on)) & Q(term__elected_on__lte=on)
            & (Q(term__closed_on__isnull=True) | Q(term__closed_on__gt=on)))


def due_members(branch: Branch, kind: str, on: date, group: PartyGroup | None = None) -> QuerySet[Member]:
    """应到: who must attend an activity of `kind` on `on` — for a 支委会 the committee members in office that day,
    for a 党小组会 the group's members, otherwise every member of the branch that day. Each is annotated with
    `votes`: whether they held a vote that day (正式党员; 预备党员 have none, 党章第七条)."""
    qs = Member.objects.filter(member_on_q(on), branch=branch)
    if kind == ActivityKind.COMMITTEE_MEETING:
        seats = CommitteeMember.objects.filter(seats_on_q(on), term__branch=branch)
        qs = qs.filter(pk__in=seats.values("member_id"))
    elif kind == ActivityKind.GROUP_MEETING:
        # A member's group is kept as it is now (no history): a group meeting counts its present members.
        qs = qs.filter(group=group) if group is not None else qs.none()
    votes = Case(When(voting_on_q(on), then=Value(True)), default=Value(False), output_field=BooleanField())
    return (qs.annotate(votes=votes).select_related("person", "group")
            .order_by(F("group__sort_order").asc(nulls_last=True), F("group_id").asc(nulls_last=True), "pk"))


def attendance_of(activity: Activity) -> QuerySet[Attendance]:
    return (activity.attendance.select_related("member__person", "member__group")
            .order_by(F("member__group__sort_order").asc(nulls_last=True), "member_id"))


def held_count(branch: Branch, kind: str, start: date, end: date, group: PartyGroup | None = None, *,
               quorate_only: bool = False) -> int:
    """How many activities of `kind` the branch held in [start, end] (for the compliance rules); with `group`, only
    that group's. `quorate_only` leaves out meetings recorded without their quorum."""
    qs = Activity.objects.filter(branch=branch, kind=kind, status=ActivityStatus.HELD, held_on__gte=start,
                                 held_on__lte=end)
    if group is not None:
        qs = qs.filter(group=group)
    if quorate_only:
        qs = qs.exclude(quorum_met=False)
    return qs.count()


@dataclass
class StudyRow:
    """One member's study in a year: sessions due (应参加), attended, on leave, absent, and hours credited."""

    member: Member
    due: int = 0
    sessions: int = 0
    leave: int = 0
    absent: int = 0
    hours: Decimal = field(default_factory=lambda: Decimal("0"))


def study_summary(branch: Branch, year: int) -> list[StudyRow]:
    """Per member of the branch at any time in `year`: the held study activities (choices.STUDY_KINDS) they were
    due at, attended, missed, and the hours credited — their own hours where recorded, else the activity's
    per-attendee hours; only those present earn hours."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    members = (Member.objects.filter(branch=branch, joined_on__lte=end)
               .filter(Q(left_on__isnull=True) | Q(left_on__gt=start))
               .select_related("person", "group")
               .order_by(F("group__sort_order").asc(nulls_last=True), F("group_id").asc(nulls_last=True), "pk"))
    rows = {m.pk: StudyRow(member=m) for m in members}
    present = Q(status=AttendanceStatus.PRESENT)
    hours = Coalesce("study_hours", "activity__study_hours", Value(Decimal("0")),
                     output_field=DecimalField(max_digits=8, decimal_places=1))
    totals = (Attendance.objects.filter(activity__branch=branch, activity__status=ActivityStatus.HELD,
                                        activity__kind__in=STUDY_KINDS, activity__held_on__gte=start,
                                        activity__held_on__lte=end)
              .values("member_id").order_by()
              .annotate(due=Count("pk"), sessions=Count("pk", filter=present),
                        leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
                        absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
                        hours=Sum(hours, filter=present)))
    for total in totals:
        row = rows.get(total["member_id"])
        if row is None:
            continue
        row.due, row.sessions, row.leave, row.absent = total["due"], total["sessions"], total["leave"], total["absent"]
        row.hours = Decimal(total["hours"] or 0).quantize(Decimal("0.1"))
    return list(rows.values())


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    activities: list[Activity]


def month_grid(user: Any, year: int, month: int, branch: Branch | None = None) -> list[list[CalendarDay]]:
    """The weeks (Monday first) of the month, each day with the user's activities of that day (planned ones too)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    by_day: dict[date, list[Activity]] = {}
    qs = activities_for_user(user, branch=branch).filter(held_on__gte=first, held_on__lte=last)
    for activity in qs.order_by("held_on", "start_time", "pk"):
        by_day.setdefault(activity.held_on, []).append(activity)
    return [[CalendarDay(day=d, in_month=d.month == month, activities=by_day.get(d, [])) for d in week]
            for week in weeks]
