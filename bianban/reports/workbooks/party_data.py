"""The figures of the 党建工作统计表 of one branch and year, read with the party and duties apps' own rules: held
activities by kind and month; attendance (应到 = the attendance sheet's rows, 实到 = present) by kind and by member;
study hours as the study page credits them (activities.selectors.study_summary: a member's own hours where recorded,
else the activity's per-attendee hours, present only); volunteer hours (duties volunteer_stats); 条例第十九条's talk
coverage (talks/coverage.py) and the 人次 of each kind of talk; and the ledger problems the branch's own work raised in
the year (its visits, its talks, its 书记项目) by their status now.

The caller has checked the branch is one the reader may see (access.branch_get_for_user, or system work)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from bianban.duties.models import ProjectOutcome, VisitIssue
from bianban.duties.volunteer.selectors import volunteer_stats
from bianban.ledger.models import Problem
from bianban.ledger.selectors import overdue_q
from bianban.party.activities.selectors import study_summary
from bianban.party.choices import STUDY_KINDS, ActivityKind, ActivityStatus, AttendanceStatus, TalkKind
from bianban.party.models import Activity, Attendance, Branch, Member, Talk, TalkParticipant
from bianban.party.talks.coverage import Coverage, talk_coverage
from bianban.party.talks.selectors import talk_counts

ZERO = Decimal("0.0")
# Where a ledger problem came from, in the order the sheet lists them; a problem linked from two records counts
# under the first.
PROBLEM_SOURCES = (("visit", "集中走访"), ("talk", "谈心谈话"), ("project", "书记项目"))


@dataclass
class Attended:
    """Attendance over a set of activities: 应到, 实到, 请假, 缺席 人次, and the study hours credited."""

    activities: int = 0
    due: int = 0
    present: int = 0
    leave: int = 0
    absent: int = 0
    hours: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        return self.present / self.due if self.due else None


@dataclass
class MemberFigures:
    member: Member
    attended: Attended = field(default_factory=Attended)
    study_due: int = 0
    study_present: int = 0
    study_hours: Decimal = ZERO
    service_hours: Decimal = ZERO
    talks: int = 0  # 谈心谈话 they took part in
    gaps: int = 0  # members they were due to talk with this year and have not


@dataclass
class PartyFigures:
    branch: Branch
    year: int
    months: dict[str, list[int]]  # held activities: kind → 12 monthly counts (every kind)
    by_kind: dict[str, Attended]  # kinds with held activities
    members: list[MemberFigures]
    coverage: Coverage
    talks: dict[str, int]  # 人次 by TalkKind, plus "total" and "talks"
    talk_sessions: dict[str, int]  # talks held by TalkKind
    problems: dict[str, dict[str, int]]  # source → status → count
    overdue: dict[str, int]  # source → overdue now

    @property
    def held(self) -> int:
        return sum(sum(v) for v in self.months.values())


def _hours() -> Coalesce:
    return Coalesce("study_hours", "activity__study_hours", Value(ZERO),
                    output_field=DecimalField(max_digits=8, decimal_places=1))


def _q(value: Decimal | float | int | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.1"))


def _months(held: QuerySet[Activity]) -> dict[str, list[int]]:
    months = {kind.value: [0] * 12 for kind in ActivityKind}
    rows = held.annotate(month=ExtractMonth("held_on")).values("kind", "month").annotate(n=Count("pk")).order_by()
    for row in rows:
        months.setdefault(row["kind"], [0] * 12)[row["month"] - 1] += row["n"]
    return months


def _attendance(branch: Branch, start: date, end: date) -> tuple[dict[str, Attended], dict[int, Attended]]:
    sheet = Attendance.objects.filter(activity__branch=branch, activity__status=ActivityStatus.HELD,
                                      activity__held_on__gte=start, activity__held_on__lte=end).order_by()
    present = Q(status=AttendanceStatus.PRESENT)
    counts = {"due": Count("pk"), "present": Count("pk", filter=present),
              "leave": Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
              "absent": Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
              "hours": Sum(_hours(), filter=present & Q(activity__kind__in=STUDY_KINDS))}
    by_kind = {r["activity__kind"]: Attended(r["activities"], r["due"], r["present"], r["leave"], r["absent"],
                                             _q(r["hours"]))
               for r in sheet.values("activity__kind").annotate(activities=Count("activity", distinct=True),
                                                                **counts)}
    by_member = {r["member_id"]: Attended(r["activities"], r["due"], r["present"], r["leave"], r["absent"],
                                          _q(r["hours"]))
                 for r in sheet.values("member_id").annotate(activities=Count("activity", distinct=True), **counts)}
    return by_kind, by_member


def _problems(branch: Branch, start: date, end: date) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    linked = {
        "visit": VisitIssue.objects.filter(visit__campaign__branch=branch, problem__isnull=False)
        .values_list("problem_id", flat=True),
        "talk": Talk.objects.filter(branch=branch, problem__isnull=False).values_list("problem_id", flat=True),
        "project": ProjectOutcome.objects.filter(project__branch=branch, problem__isnull=False)
        .values_list("problem_id", flat=True),
    }
    source_of: dict[int, str] = {}
    for source, _ in reversed(PROBLEM_SOURCES):  # the first source listed wins
        source_of.update({pk: source for pk in linked[source]})
    statuses: dict[str, dict[str, int]] = {source: defaultdict(int) for source, _ in PROBLEM_SOURCES}
    overdue = {source: 0 for source, _ in PROBLEM_SOURCES}
    raised = Problem.objects.filter(pk__in=list(source_of), raised_on__gte=start, raised_on__lte=end).order_by()
    late = set(raised.filter(overdue_q()).values_list("pk", flat=True))  # the ledger's own rule
    for pk, status in raised.values_list("pk", "status"):
        statuses[source_of[pk]][status] += 1
        overdue[source_of[pk]] += int(pk in late)
    return {k: dict(v) for k, v in statuses.items()}, overdue


def party_figures(branch: Branch, year: int) -> PartyFigures:
    """The statistics of `branch` in `year` (the caller has scoped the branch and checked the year)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    held = Activity.objects.filter(branch=branch, status=ActivityStatus.HELD, held_on__gte=start, held_on__lte=end)
    by_kind, by_member = _attendance(branch, start, end)
    coverage = talk_coverage(branch, year)
    talked: dict[int, int] = dict(
        TalkParticipant.objects.filter(talk__branch=branch, talk__kind=TalkKind.HEART_TO_HEART,
                                       talk__held_on__gte=start, talk__held_on__lte=end)
        .values("member_id").annotate(n=Count("talk", distinct=True)).order_by().values_list("member_id", "n"))
    gaps: dict[int, int] = defaultdict(int)
    for gap in coverage.gaps:
        gaps[gap.a.pk] += 1
        gaps[gap.b.pk] += 1
    service = {row.member.pk: row.hours for row in volunteer_stats(branch, year).by_member}
    members = []
    for study in study_summary(branch, year):  # every member of the branch at any time in the year, in group order
        pk = study.member.pk
        members.append(MemberFigures(member=study.member, attended=by_member.get(pk, Attended()),
                                     study_due=study.due, study_present=study.sessions, study_hours=study.hours,
                                     service_hours=service.get(pk, ZERO), talks=talked.get(pk, 0),
                                     gaps=gaps.get(pk, 0)))
    sessions = dict(Talk.objects.filter(branch=branch, held_on__gte=start, held_on__lte=end).values("kind")
                    .annotate(n=Count("pk")).order_by().values_list("kind", "n"))
    problems, overdue = _problems(branch, start, end)
    return PartyFigures(branch=branch, year=year, months=_months(held), by_kind=by_kind, members=members,
                        coverage=coverage, talks=talk_counts(branch, year), talk_sessions=sessions,
                        problems=problems, overdue=overdue)
