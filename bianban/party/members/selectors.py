"""Reads of branches, groups, members and the committee, scoped to the user through the branch's unit
(access.branches_for_user): a user who may not see a branch gets NotFound for everything in it."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.party.access import branch_get_for_user, branches_for_user, members_on
from bianban.party.choices import (
    STUDY_KINDS,
    ActivityStatus,
    AppraisalStatus,
    AttendanceStatus,
    MemberStatus,
    TalkRole,
)
from bianban.party.members.terms import term_reminder_due, term_reminder_schedule
from bianban.party.models import (
    AppraisalResult,
    Attendance,
    Branch,
    CommitteeMember,
    CommitteeTerm,
    Member,
    PartyGroup,
    TalkParticipant,
)

__all__ = ["branch_get_for_user", "branches_for_user", "members_on"]


def members_for_user(user: Any, perm: str = Perm.PARTY_VIEW) -> QuerySet[Member]:
    """Members (current and former) of the branches the user may `perm`."""
    return Member.objects.filter(branch__in=branches_for_user(user, perm).values("pk")).select_related(
        "person", "group", "branch")


def member_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> Member:
    member = members_for_user(user, perm).select_related("branch__unit", "user").filter(pk=pk).first()
    if member is None:
        raise NotFound("党员不存在或无权访问")
    return member


def member_search(user: Any, *, branch: int | None = None, status: str = "", group: int | None = None,
                  mobile: bool | None = None, current: bool | None = True, q: str = "") -> QuerySet[Member]:
    """The user's members filtered. `current=True` (the default) leaves out those who have left, `False` gives only
    them, None gives both. Unknown statuses match nothing."""
    qs = members_for_user(user)
    if branch is not None:
        qs = qs.filter(branch_id=branch)
    if status:
        qs = qs.filter(status=status) if status in MemberStatus.values else qs.none()
    if group is not None:
        qs = qs.filter(group_id=group)
    if mobile is not None:
        qs = qs.filter(is_mobile=mobile)
    if current is True:
        qs = qs.filter(left_on__isnull=True)
    elif current is False:
        qs = qs.filter(left_on__isnull=False)
    q = (q or "").strip()
    if q:
        qs = qs.filter(person__name__icontains=q)
    return qs.order_by("left_on", "group__sort_order", "group_id", "admitted_on", "pk")


def member_counts(branch: Branch) -> dict[str, int]:
    """Current members of the branch: total, 正式, 预备, 流动, and those who have left, in one query."""
    return branch.members.order_by().aggregate(
        total=Count("pk", filter=Q(left_on__isnull=True)),
        full=Count("pk", filter=Q(left_on__isnull=True, status=MemberStatus.FULL)),
        probationary=Count("pk", filter=Q(left_on__isnull=True, status=MemberStatus.PROBATIONARY)),
        mobile=Count("pk", filter=Q(left_on__isnull=True, is_mobile=True)),
        left=Count("pk", filter=Q(left_on__isnull=False)),
    )


def branch_members_on(branch: Branch, on: date) -> QuerySet[Member]:
    """Members of the branch on `on` (joined by then, not yet left)."""
    return members_on(branch, on)


def groups_of(branch: Branch, *, include_dissolved: bool = False) -> QuerySet[PartyGroup]:
    groups = branch.groups.select_related("leader__person").annotate(
        current_count=Count("members", filter=Q(members__left_on__isnull=True)))
    return groups if include_dissolved else groups.filter(dissolved_on__isnull=True)


def group_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> PartyGroup:
    group = PartyGroup.objects.select_related("branch__unit", "leader__person").filter(
        pk=pk, branch__in=branches_for_user(user, perm).values("pk")).first()
    if group is None:
        raise NotFound("党小组不存在或无权访问")
    return group


@dataclass
class Committee:
    """The current term of a branch and its sitting holders, with the due 换届 reminder (None if not yet)."""

    term: CommitteeTerm | None
    seats: list[CommitteeMember] = field(default_factory=list)
    reminder: dict[str, Any] | None = None


def committee_current(branch: Branch, today: date | None = None) -> Committee:
    term = CommitteeTerm.objects.select_related("branch").filter(branch=branch, closed_on__isnull=True).first()
    if term is None:
        return Committee(term=None)
    seats = list(term.seats.filter(until__isnull=True).select_related("member__person").order_by("role", "since"))
    order = {role: i for i, role in enumerate(["SECRETARY", "DEPUTY_SECRETARY", "ORGANISATION", "PUBLICITY",
                                               "DISCIPLINE", "MEMBER"])}
    seats.sort(key=lambda s: (order.get(s.role, 99), s.since))
    return Committee(term=term, seats=seats, reminder=term_reminder_due(term, today or timezone.localdate()))


def terms_of(branch: Branch) -> QuerySet[CommitteeTerm]:
    return branch.terms.prefetch_related("seats__member__person").order_by("-number")


def term_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> CommitteeTerm:
    term = CommitteeTerm.objects.select_related("branch__unit").filter(
        pk=pk, branch__in=branches_for_user(user, perm).values("pk")).first()
    if term is None:
        raise NotFound("支委会届次不存在或无权访问")
    return term


def seat_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> CommitteeMember:
    seat = CommitteeMember.objects.select_related("term__branch__unit", "member__person").filter(
        pk=pk, term__branch__in=branches_for_user(user, perm).values("pk")).first()
    if seat is None:
        raise NotFound("支委会职务不存在或无权访问")
    return seat


def term_reminders(user: Any, today: date | None = None, *, upcoming: bool = False) -> list[dict[str, Any]]:
    """换届 reminders of the current terms of the user's branches, by date: those whose date has come (one per
    term, the most urgent), or with `upcoming` every scheduled one not yet past the term's end. Each is a dict with
    `date`, `text` (Chinese), `level`, `branch_id`, `term_id`, `ends_on`, `months`."""
    today = today or timezone.localdate()
    terms = CommitteeTerm.objects.select_related("branch").filter(
        closed_on__isnull=True, appointed=False, branch__in=branches_for_user(user).values("pk"))
    items: list[dict[str, Any]] = []
    for term in terms:
        if upcoming:
            items.extend(i for i in term_reminder_schedule(term) if i["months"] == 0 or i["date"] >= today)
        else:
            due = term_reminder_due(term, today)
            if due is not None:
                items.append(due)
    return sorted(items, key=lambda i: (i["date"], i["branch_id"]))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    """A member's year: attendance at held activities (rate = present / recorded), talks taken part in, study hours
    (the attendance's own hours, else the activity's, for present attendance of study kinds), and the grade of the
    year's 民主评议 once published (before that the branch's determination is not shown to every reader)."""
    start, end = _year_bounds(year)
    rows = Attendance.objects.filter(member=member, activity__status=ActivityStatus.HELD,
                                     activity__held_on__range=(start, end))
    counts = rows.order_by().aggregate(
        recorded=Count("pk"), present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
        absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)))
    hours = Decimal("0")
    for own, default in rows.filter(status=AttendanceStatus.PRESENT, activity__kind__in=STUDY_KINDS).values_list(
            "study_hours", "activity__study_hours"):
        value = own if own is not None else default
        hours += value or Decimal("0")
    talks = TalkParticipant.objects.filter(member=member, talk__held_on__range=(start, end))
    result = AppraisalResult.objects.filter(member=member, appraisal__year=year,
                                            appraisal__status=AppraisalStatus.PUBLISHED).select_related("appraisal").first()
    rate = round(counts["present"] * 100 / counts["recorded"], 1) if counts["recorded"] else None
    return {
        "year": year,
        "activities": counts["recorded"],
        "present": counts["present"],
        "leave": counts["leave"],
        "absent": counts["absent"],
        "attendance_rate": rate,
        "talks": talks.values("talk").distinct().count(),
        "talks_as_talker": talks.filter(role=TalkRole.TALKER).count(),
        "study_hours": hours,
        "appraisal_grade": result.grade if result else "",
        "appraisal_grade_label": result.get_grade_display() if result else "",
    }


def member_year_activities(member: Member, year: int) -> QuerySet[Attendance]:
    start, end = _year_bounds(year)
    return Attendance.objects.filter(member=member, activity__status=ActivityStatus.HELD,
                                     activity__held_on__range=(start, end)).select_related("activity").order_by(
        "-activity__held_on")


def member_seats(member: Member) -> QuerySet[CommitteeMember]:
    return member.seats.select_related("term").order_by("-since")
