"""Progress of 责任清单 tasks, computed from the branch's records, never typed (issue 6, Deliver 1).

A counted task counts, in its year:
- ACTIVITIES: the branch's activities of `activity_kind` that were held (ActivityStatus.HELD);
- TALKS: 人次 — talked-to participants of the branch's talks of `talk_kind` (any kind when blank); with an owner
  member, only the talks where that member was the talker (谈话人);
- VISITS: households (户) of the branch's visits; with an owner member, only the visits they went on.

Records count over the whole year, not only in the deployed months: the seed reports annual totals ("结合职能职责开展
12次专题研讨"), and a 研讨 held a month early still counts. The deployed months pace the target instead: by the end of
month m a task should have ceil(target × deployed months ≤ m / deployed months) done, and is *behind* below that.
A hand-ticked (MANUAL) task is complete once ticked (with evidence) and behind when its deadline — `due_on`, by
default the last day of its last deployed month — has passed unticked.

Everything is set-based: one aggregate query per measure present in the list (two for visits with owners),
whatever the number of tasks.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from math import ceil

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from bianban.duties.choices import DutyMeasure
from bianban.duties.models import DutyItem, Visit, VisitVisitor
from bianban.party.choices import ActivityStatus, TalkRole
from bianban.party.models import Activity, TalkParticipant

MONTHS = range(1, 13)


def month_bits(months: Iterable[int]) -> int:
    """The DutyItem.months bit set of a list of months (bit m = month m)."""
    bits = 0
    for m in months:
        bits |= 1 << m
    return bits


def month_list(bits: int) -> list[int]:
    return [m for m in MONTHS if bits & (1 << m)]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def deadline(item: DutyItem) -> date | None:
    """When the task must be done: its `due_on`, else the end of its last deployed month."""
    if item.due_on:
        return item.due_on
    months = month_list(item.months)
    return month_end(item.year, months[-1]) if months else None


@dataclass(frozen=True)
class Progress:
    """Where a task stands at the end of `month` of its year (0: the year has not started)."""

    done: int  # records counted in the whole year (a manual task: 1 when ticked)
    target: int | None  # None for a manual task
    complete: bool
    behind: bool
    expected: int  # how many should be done by the end of `month`
    done_by_month: int  # how many were done by the end of `month`
    month: int

    @property
    def percent(self) -> int:
        if self.target is None:
            return 100 if self.complete else 0
        return min(100, round(100 * self.done / self.target)) if self.target else 0

    @property
    def label(self) -> str:
        if self.target is None:
            return "已完成" if self.complete else "未完成"
        return f"{self.done}/{self.target}"

    @property
    def state(self) -> str:
        """complete / behind / open: the index page's filter and badge."""
        return "complete" if self.complete else "behind" if self.behind else "open"


@dataclass(frozen=True)
class RollUp:
    """A parent task's subtasks at a glance (一级抓一级)."""

    children: int
    complete: int
    behind: int
    done: int  # summed over the counted subtasks
    target: int  # summed over the counted subtasks

    @property
    def label(self) -> str:
        return f"子任务 {self.complete}/{self.children} 完成"


def _as_of(item_year: int, month: int | None, today: date) -> tuple[int, date]:
    """The month of the item's year progress is judged at, and the reference day for deadlines."""
    if month is None:
        if item_year < today.year:
            month = 12
        elif item_year > today.year:
            return 0, date(item_year, 1, 1)
        else:
            month = today.month
    if month == 0:
        return 0, date(item_year, 1, 1)
    if (item_year, month) == (today.year, today.month):
        return month, today
    return month, min(today, month_end(item_year, month))


# Per-month counts: key → 13 slots (index = month, slot 0 unused).
Counts = dict[tuple, list[int]]


def _add(counts: Counts, key: tuple, month: int, n: int) -> None:
    counts.setdefault(key, [0] * 13)[month] += n or 0


def _activity_counts(items: list[DutyItem]) -> Counts:
    counts: Counts = {}
    rows = (Activity.objects
            .filter(branch_id__in={i.branch_id for i in items}, status=ActivityStatus.HELD,
                    kind__in={i.activity_kind for i in items}, held_on__year__in={i.year for i in items})
            .annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
            .values("branch_id", "kind", "y", "m").annotate(n=Count("pk")).order_by())
    for r in rows:
        _add(counts, (r["branch_id"], r["y"], r["kind"]), r["m"], r["n"])
    return counts


def _talk_counts(items: list[DutyItem]) -> Counts:
    """人次 by (branch, year, kind, talker): the talker is looked up in the same query."""
    counts: Counts = {}
    talker = TalkParticipant.objects.filter(talk_id=OuterRef("talk_id"), role=TalkRole.TALKER).values("member_id")
    rows = (TalkParticipant.objects
            .filter(role=TalkRole.TALKED, talk__branch_id__in={i.branch_id for i in items},
                    talk__held_on__year__in={i.year for i in items})
            .annotate(talker=Subquery(talker[:1]), y=ExtractYear("talk__held_on"), m=ExtractMonth("talk__held_on"))
            .values("talk__branch_id", "talk__kind", "talker", "y", "m").annotate(n=Count("pk")).order_by())
    for r in rows:
        for kind in {"", r["talk__kind"]}:  # a set: a row is added once to each key it belongs to
            for who in {None, r["talker"]}:
                _add(counts, (r["talk__branch_id"], r["y"], kind, who), r["m"], r["n"])
    return counts


def _visit_counts(items: list[DutyItem]) -> Counts:
    """Households by (branch, year, visitor member or None for the whole branch)."""
    counts: Counts = {}
    branches, years = {i.branch_id for i in items}, {i.year for i in items}
    rows = (Visit.objects.filter(campaign__branch_id__in=branches, visited_on__year__in=years)
            .annotate(b=F("campaign__branch_id"), y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
            .values("b", "y", "m").annotate(n=Sum("households")).order_by())
    for r in rows:
        _add(counts, (r["b"], r["y"], None), r["m"], r["n"])
    owners = {i.owner_member_id for i in items if i.owner_member_id}
    if owners:
        # VisitVisitor is unique per (visit, member): a visit is counted once per visitor.
        rows = (VisitVisitor.objects
                .filter(member_id__in=owners, visit__campaign__branch_id__in=branches,
                        visit__visited_on__year__in=years)
                .annotate(b=F("visit__campaign__branch_id"), y=ExtractYear("visit__visited_on"),
                          m=ExtractMonth("visit__visited_on"))
                .values("member_id", "b", "y", "m").annotate(n=Sum("visit__households")).order_by())
        for r in rows:
            _add(counts, (r["b"], r["y"], r["member_id"]), r["m"], r["n"])
    return counts


def _key(item: DutyItem) -> tuple:
    if item.measure == DutyMeasure.ACTIVITIES:
        return (item.branch_id, item.year, item.activity_kind)
    if item.measure == DutyMeasure.TALKS:
        return (item.branch_id, item.year, item.talk_kind, item.owner_member_id)
    return (item.branch_id, item.year, item.owner_member_id)


def _counted(item: DutyItem, per_month: list[int], month: int, ref: date) -> Progress:
    target = item.target_count or 0
    done = sum(per_month)
    done_by = sum(per_month[1:month + 1])
    deployed = month_list(item.months)
    so_far = sum(1 for m in deployed if m <= month)
    expected = ceil(target * so_far / len(deployed)) if deployed else 0
    complete = done >= target > 0
    due = deadline(item)
    late = not complete and due is not None and due < ref and month > 0
    return Progress(done=done, target=target, complete=complete, behind=done_by < expected or late,
                    expected=expected, done_by_month=done_by, month=month)


def _manual(item: DutyItem, month: int, ref: date) -> Progress:
    complete = item.completed_on is not None
    due = deadline(item)
    behind = not complete and month > 0 and due is not None and due < ref
    done = 1 if complete else 0
    return Progress(done=done, target=None, complete=complete, behind=behind, expected=0, done_by_month=done,
                    month=month)


def items_progress(items: Iterable[DutyItem], *, month: int | None = None,
                   today: date | None = None) -> dict[int, Progress]:
    """Item id → its Progress at the end of `month` of its year (default: the current month for this year's
    items, December for past years', nothing expected yet for future years')."""
    items = list(items)
    today = today or timezone.localdate()
    by_measure: dict[str, list[DutyItem]] = defaultdict(list)
    for item in items:
        by_measure[item.measure].append(item)
    loaders = {DutyMeasure.ACTIVITIES: _activity_counts, DutyMeasure.TALKS: _talk_counts,
               DutyMeasure.VISITS: _visit_counts}
    tagged: dict[str, Counts] = {}
    for measure, load in loaders.items():
        if by_measure.get(measure):
            tagged[measure] = load(by_measure[measure])
    result: dict[int, Progress] = {}
    for item in items:
        m, ref = _as_of(item.year, month, today)
        if item.measure == DutyMeasure.MANUAL:
            result[item.pk] = _manual(item, m, ref)
        else:
            counts = tagged.get(item.measure, {})
            result[item.pk] = _counted(item, counts.get(_key(item), [0] * 13), m, ref)
    return result


def rollups(items: Iterable[DutyItem], progress: dict[int, Progress]) -> dict[int, RollUp]:
    """Parent id → the roll-up of its subtasks among `items` (whose progress is in `progress`)."""
    groups: dict[int, list[DutyItem]] = defaultdict(list)
    for item in items:
        if item.parent_id and item.pk in progress:
            groups[item.parent_id].append(item)
    result = {}
    for parent_id, children in groups.items():
        ps = [progress[c.pk] for c in children]
        counted = [p for p in ps if p.target is not None]
        result[parent_id] = RollUp(children=len(ps), complete=sum(p.complete for p in ps),
                                   behind=sum(p.behind for p in ps), done=sum(p.done for p in counted),
                                   target=sum(p.target or 0 for p in counted))
    return result
