"""Reads of the 党建责任清单, scoped to the user through the branch's unit (access.branches_for_user): the year's
list as a tree with computed progress, the month plan and who is behind, and the records a counted task counts."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.duties.choices import DutyMeasure
from bianban.duties.items.progress import MONTHS, Progress, RollUp, items_progress, month_list, rollups
from bianban.duties.models import DutyEvidence, DutyItem, Visit
from bianban.party.access import branches_for_user
from bianban.party.choices import ActivityStatus, TalkRole
from bianban.party.models import Activity, Branch, Member, Talk, TalkParticipant
from bianban.party.talks.selectors import talks_for_user
from bianban.units.choices import UnitStatus
from bianban.units.models import Division

STATES = {"complete": "已完成", "behind": "滞后", "open": "进行中"}


def items_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                   owner_member: Member | int | None = None, owner_division: Division | int | None = None,
                   month: int | None = None, perm: str = Perm.PARTY_VIEW) -> QuerySet[DutyItem]:
    """The tasks of the branches the user may `perm`, filtered; `month` keeps the tasks deployed in that month."""
    qs = DutyItem.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if year:
        qs = qs.filter(year=year)
    if owner_member is not None:
        qs = qs.filter(owner_member=owner_member)
    if owner_division is not None:
        qs = qs.filter(owner_division=owner_division)
    if month:
        qs = qs.alias(bit=F("months").bitand(1 << month)).filter(bit__gt=0) if 1 <= month <= 12 else qs.none()
    return (qs.select_related("branch__unit", "owner_member__person", "owner_division", "parent")
            .order_by("branch_id", "year", "sort_order", "pk"))


def item_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> DutyItem:
    item = items_for_user(user, perm=perm).filter(pk=pk).first()
    if item is None:
        raise NotFound("任务不存在或无权访问")
    return item


def evidence_get_for_user(user: Any, pk: int) -> DutyEvidence:
    evidence = (DutyEvidence.objects.filter(pk=pk, item__branch__in=branches_for_user(user).values("pk"))
                .select_related("item__branch").first())
    if evidence is None:
        raise NotFound("材料不存在或无权访问")
    return evidence


def owner_label(item: DutyItem) -> str:
    if item.owner_member_id:
        return str(item.owner_member)
    return item.owner_division.name if item.owner_division_id else "—"


@dataclass
class Row:
    """One line of the list: a task, its progress, and for a top-level task its subtasks and their roll-up."""

    item: DutyItem
    progress: Progress
    children: list["Row"] = field(default_factory=list)
    rollup: RollUp | None = None
    matches: bool = True  # False: shown only as the parent of matching subtasks

    @property
    def owner(self) -> str:
        return owner_label(self.item)

    @property
    def months(self) -> list[int]:
        return month_list(self.item.months)


def year_items(branch: Branch, year: int) -> list[DutyItem]:
    return list(DutyItem.objects.filter(branch=branch, year=year)
                .select_related("branch__unit", "owner_member__person", "owner_division", "parent")
                .order_by("sort_order", "pk"))


def year_tree(branch: Branch, year: int, *, owner: str = "", month: int | None = None, state: str = "",
              as_of: int | None = None) -> list[Row]:
    """The branch's list of the year as top-level rows with their subtasks, progress judged at `as_of` (a month,
    default: now). Filters keep a task when it matches: owner ("m<id>" a member, "d<id>" a division), deployed in
    `month`, in `state` (complete / behind / open); a parent of a matching subtask is kept for context."""
    items = year_items(branch, year)
    progress = items_progress(items, month=as_of)
    rolled = rollups(items, progress)

    def matches(item: DutyItem) -> bool:
        p = progress[item.pk]
        return ((not owner or owner in (f"m{item.owner_member_id}", f"d{item.owner_division_id}"))
                and (not month or bool(item.months & (1 << month)))
                and (not state or p.state == state))

    rows = {i.pk: Row(i, progress[i.pk], rollup=rolled.get(i.pk), matches=matches(i)) for i in items}
    top: list[Row] = []
    for item in items:
        row = rows[item.pk]
        if item.parent_id and item.parent_id in rows:
            if row.matches:
                rows[item.parent_id].children.append(row)
        else:
            top.append(row)
    return [r for r in top if r.matches or r.children]


@dataclass
class MonthColumn:
    month: int
    rows: list[Row]


def month_plan(branch: Branch, year: int, as_of: int | None = None) -> list[MonthColumn]:
    """What is deployed in each of the 12 months (top-level tasks and subtasks alike)."""
    items = year_items(branch, year)
    progress = items_progress(items, month=as_of)
    return [MonthColumn(m, [Row(i, progress[i.pk]) for i in items if i.months & (1 << m)]) for m in MONTHS]


@dataclass
class OwnerBehind:
    owner: str
    rows: list[Row]


def behind_by_owner(branch: Branch, year: int, month: int) -> list[OwnerBehind]:
    """Who is behind at the end of `month`: the tasks behind, grouped by owner (most behind first)."""
    items = year_items(branch, year)
    progress = items_progress(items, month=month)
    groups: dict[str, list[Row]] = {}
    for item in items:
        if progress[item.pk].behind:
            groups.setdefault(owner_label(item), []).append(Row(item, progress[item.pk]))
    return sorted((OwnerBehind(o, rows) for o, rows in groups.items()), key=lambda g: (-len(g.rows), g.owner))


def counted_records(item: DutyItem, user: Any = None) -> QuerySet:
    """The records a counted task counts (the activities, talks or visits of its year), newest first. With `user`,
    only those the user may read in the talks' own area: what is said in a talk stays with its participants and the
    committee (talks_for_user), so a member sees the talks they took part in although all of them count."""
    if user is not None and item.measure == DutyMeasure.TALKS:
        readable = talks_for_user(user, branch=item.branch_id).order_by().values("pk")
        return counted_records(item).filter(pk__in=readable)
    if item.measure == DutyMeasure.ACTIVITIES:
        return (Activity.objects.filter(branch_id=item.branch_id, status=ActivityStatus.HELD,
                                        kind=item.activity_kind, held_on__year=item.year)
                .order_by("-held_on", "-pk"))
    if item.measure == DutyMeasure.TALKS:
        talks = Talk.objects.filter(branch_id=item.branch_id, held_on__year=item.year)
        if item.talk_kind:
            talks = talks.filter(kind=item.talk_kind)
        if item.owner_member_id:
            talks = talks.filter(pk__in=TalkParticipant.objects.filter(
                member_id=item.owner_member_id, role=TalkRole.TALKER).values("talk_id"))
        return (talks.annotate(person_times=Count("participants", filter=Q(participants__role=TalkRole.TALKED)))
                .order_by("-held_on", "-pk"))
    if item.measure == DutyMeasure.VISITS:
        visits = Visit.objects.filter(campaign__branch_id=item.branch_id, visited_on__year=item.year)
        if item.owner_member_id:
            visits = visits.filter(visitors__member_id=item.owner_member_id)
        return visits.select_related("campaign").order_by("-visited_on", "-pk")
    return Activity.objects.none()


def owner_choices(branch: Branch) -> tuple[QuerySet[Member], QuerySet[Division]]:
    """Who may own a task: the branch's current members, and the active divisions of its unit."""
    members = (Member.objects.filter(branch=branch, left_on__isnull=True).select_related("person")
               .order_by("group__sort_order", "pk"))
    divisions = Division.objects.filter(unit_id=branch.unit_id, status=UnitStatus.ACTIVE).order_by("sort_order", "pk")
    return members, divisions


def parent_choices(branch: Branch, year: int) -> QuerySet[DutyItem]:
    return DutyItem.objects.filter(branch=branch, year=year, parent__isnull=True).order_by("sort_order", "pk")


def item_years(branch: Branch) -> list[int]:
    return sorted(set(DutyItem.objects.filter(branch=branch).values_list("year", flat=True)), reverse=True)
