"""The figures of the 机构编制统计表: for the units of a subtree (or of the reader's whole scope) as of a date, each
quota line's 核定 / 实有 / 已核准未入编 / 空编 / 超编 and each unit's 领导职数 核定 / 实配, read in a handful of
set-based queries whatever the number of units (no query per unit).

As of today the counters the staffing services keep are read (QuotaLine.occupied and .reserved, PostQuota.filled);
as of a past date the figures are rebuilt from the journal exactly as the register's own panel does it
(staffing/history.py: movements effective by then, placements in post that day, approvals open that day less
their uses), only grouped over the whole subtree at once. 领导职数 have no journal: a past date compares the posts
filled that day with the approved numbers in force now (as the verification rules do). Unit names, kinds and
their place in the tree are today's.

Every read goes through the reader's scoped selectors (a liaison gets only their own subtree); `user=None` is
system work (the command line, the benchmark) over the whole register.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.staffing import selectors as staffing_selectors
from bianban.staffing.choices import PostGrade
from bianban.staffing.history import active_on
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.units.choices import Funding, QuotaKind, UnitStatus
from bianban.units.models import Unit
from bianban.units.selectors import units_for_user

# (level, grade) of a leadership post: 单位领导 or 内设机构领导, 正职 or 副职 (domain.md §1.5).
POST_KEYS = (("unit", PostGrade.PRINCIPAL), ("unit", PostGrade.DEPUTY),
             ("division", PostGrade.PRINCIPAL), ("division", PostGrade.DEPUTY))


class Reader:
    """The register as `user` may see it (None: all of it), under `root` (None: the user's whole scope)."""

    def __init__(self, user: Any, root: Unit | None = None) -> None:
        self.user = user
        self.root = root

    def _under(self, qs: QuerySet, prefix: str) -> QuerySet:
        return qs.filter(**{f"{prefix}path__startswith": self.root.path}) if self.root is not None else qs

    def units(self) -> QuerySet[Unit]:
        return self._under(Unit.objects.all() if self.user is None else units_for_user(self.user, Perm.UNITS_VIEW),
                           "")

    def lines(self) -> QuerySet[QuotaLine]:
        qs = QuotaLine.objects.all() if self.user is None else staffing_selectors.quota_lines_for_user(self.user)
        return self._under(qs, "unit__")

    def posts(self) -> QuerySet[PostQuota]:
        qs = PostQuota.objects.all() if self.user is None else staffing_selectors.post_quotas_for_user(self.user)
        return self._under(qs, "unit__")

    def placements(self) -> QuerySet[Placement]:
        qs = Placement.objects.all() if self.user is None else staffing_selectors.placements_for_user(self.user)
        return self._under(qs, "unit__")

    def approvals(self) -> QuerySet[Approval]:
        qs = Approval.objects.all() if self.user is None else staffing_selectors.approvals_for_user(self.user)
        return self._under(qs, "line__unit__")

    def movements(self) -> QuerySet[QuotaMovement]:
        if self.user is None and self.root is None:
            return QuotaMovement.objects.all()
        return QuotaMovement.objects.filter(line__in=self.lines().order_by().values("pk"))


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    name: str
    parent_name: str
    kind: str
    institution_class: str
    rank: str
    system: str  # 系统类别: the unit's own, else its nearest ancestor's in the table, else ""
    depth: int  # below the table's top units (0: a top unit)


@dataclass(frozen=True)
class LineRow:
    """One quota line of one unit as of the date; a unit without any line in force has one row with kind ""."""

    unit: UnitInfo
    kind: str
    funding: str
    approved: int = 0
    occupied: int = 0
    reserved: int = 0

    @property
    def vacant(self) -> int:
        # As the register's panel counts it (history.LineState): slots neither occupied nor reserved.
        return max(self.approved - self.occupied - self.reserved, 0)

    @property
    def over(self) -> int:
        return max(self.occupied - self.approved, 0)


@dataclass
class PostRow:
    """A unit's leadership posts: (level, grade) → [approved, filled, over] summed over its PostQuota rows."""

    unit: UnitInfo
    figures: dict[tuple[str, str], list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in POST_KEYS})

    def add(self, level: str, grade: str, approved: int, filled: int) -> None:
        cell = self.figures[(level, grade)]
        cell[0] += approved
        cell[1] += filled
        cell[2] += max(filled - approved, 0)  # over per post row: a surplus elsewhere does not cover it

    @property
    def approved(self) -> int:
        return sum(v[0] for v in self.figures.values())

    @property
    def filled(self) -> int:
        return sum(v[1] for v in self.figures.values())

    @property
    def over(self) -> int:
        return sum(v[2] for v in self.figures.values())


@dataclass
class Tally:
    """Sums over a group of rows, with the units they came from."""

    units: set[int] = field(default_factory=set)
    lines: int = 0
    approved: int = 0
    occupied: int = 0
    reserved: int = 0
    vacant: int = 0
    over: int = 0
    posts_approved: int = 0
    posts_filled: int = 0
    posts_over: int = 0

    def add_line(self, row: LineRow) -> None:
        self.units.add(row.unit.pk)
        if row.kind:
            self.lines += 1
        self.approved += row.approved
        self.occupied += row.occupied
        self.reserved += row.reserved
        self.vacant += row.vacant
        self.over += row.over

    def add_posts(self, row: PostRow) -> None:
        self.units.add(row.unit.pk)
        self.posts_approved += row.approved
        self.posts_filled += row.filled
        self.posts_over += row.over


@dataclass
class Establishment:
    as_of: date
    current: bool  # figures from the live counters (as of today)
    scope_label: str
    units: list[UnitInfo]  # in tree order
    lines: list[LineRow]  # in tree order, then by 编制类型 and 经费形式
    posts: dict[int, PostRow]  # by unit, for units with leadership posts
    made_at: str = field(default_factory=lambda: timezone.localtime().strftime("%Y-%m-%d %H:%M"))

    def unit_tallies(self) -> dict[int, Tally]:
        tallies = {u.pk: Tally() for u in self.units}
        for row in self.lines:
            tallies[row.unit.pk].add_line(row)
        for pk, posts in self.posts.items():
            tallies[pk].add_posts(posts)
        return tallies

    def total(self) -> Tally:
        total = Tally()
        for row in self.lines:
            total.add_line(row)
        for posts in self.posts.values():
            total.add_posts(posts)
        return total

    def by_line(self, key: str) -> dict[str, Tally]:
        """Lines grouped by their "kind" or "funding" (units without lines left out)."""
        groups: dict[str, Tally] = defaultdict(Tally)
        for row in self.lines:
            if row.kind:
                groups[getattr(row, key)].add_line(row)
        return dict(groups)

    def by_unit(self, key: str) -> dict[str, Tally]:
        """Lines and posts grouped by an attribute of their unit ("kind", "system")."""
        groups: dict[str, Tally] = defaultdict(Tally)
        units = {u.pk: u for u in self.units}
        for row in self.lines:
            groups[getattr(row.unit, key)].add_line(row)
        for pk, posts in self.posts.items():
            groups[getattr(units[pk], key)].add_posts(posts)
        return dict(groups)


def _units(reader: Reader, as_of: date, current: bool) -> list[UnitInfo]:
    """The units that existed on the date, in tree order (siblings by their sort order, then name)."""
    qs = reader.units()
    if current:
        qs = qs.filter(status=UnitStatus.ACTIVE)
    else:
        # A unit recorded without dates counts as existing (the register often lacks a 成立时间 for old units).
        qs = qs.filter(Q(established_on__isnull=True) | Q(established_on__lte=as_of),
                       Q(abolished_on__isnull=True) | Q(abolished_on__gt=as_of))
    rows = list(qs.order_by().values_list("pk", "parent_id", "sort_order", "name", "parent__name", "kind",
                                          "institution_class", "rank", "system_category", "path"))
    present = {r[0] for r in rows}
    children: dict[int | None, list[tuple]] = defaultdict(list)
    for r in rows:
        children[r[1] if r[1] in present else None].append(r)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r[2], r[3], r[0]))
    systems = {r[0]: r[8] for r in rows}
    ordered: list[UnitInfo] = []
    stack = [(r, 0) for r in reversed(children[None])]
    while stack:
        r, depth = stack.pop()
        pk, _, _, name, parent_name, kind, cls, rank, system, path = r
        if not system:  # inherit the nearest ancestor's 系统类别 among the table's units
            ancestors = [int(p) for p in path.strip("/").split("/")[:-1] if p]
            system = next((systems[a] for a in reversed(ancestors) if systems.get(a)), "")
        ordered.append(UnitInfo(pk, name, parent_name or "", kind, cls, rank, system, depth))
        stack.extend((child, depth + 1) for child in reversed(children[pk]))
    return ordered


def _grouped(qs: QuerySet, key: str, value: Any) -> dict[int, int]:
    return {k: v or 0 for k, v in qs.order_by().values(key).annotate(n=value).values_list(key, "n")}


def _line_figures(reader: Reader, as_of: date, current: bool) -> list[tuple[int, int, str, str, int, int, int]]:
    """(line, unit, kind, funding, approved, occupied, reserved) of every line in force on the date."""
    if current:
        return list(reader.lines().order_by().values_list("pk", "unit_id", "kind", "funding", "approved", "occupied",
                                                          "reserved"))
    # A line is in force from its first movement (approved_since); lines written in bulk may lack the date, and
    # then their journal says whether they had begun by the date.
    lines = list(reader.lines().filter(Q(approved_since__lte=as_of) | Q(approved_since__isnull=True)).order_by()
                 .values_list("pk", "unit_id", "kind", "funding", "approved_since"))
    approved = _grouped(reader.movements().filter(effective_on__lte=as_of), "line_id", Sum("delta"))
    occupied = _grouped(reader.placements().filter(active_on(as_of), on_quota=True, line__isnull=False),
                        "line_id", Count("pk"))
    reserved: dict[int, int] = defaultdict(int)
    approvals = (reader.approvals().filter(issued_on__lte=as_of).filter(Q(closed_on__isnull=True)
                                                                         | Q(closed_on__gt=as_of))
                 .annotate(uses=Count("placements", filter=Q(placements__started_on__lte=as_of))).order_by()
                 .values_list("line_id", "count", "uses"))
    for line_id, count, uses in approvals:
        reserved[line_id] += max(count - uses, 0)
    return [(pk, unit_id, kind, funding, approved.get(pk, 0), occupied.get(pk, 0), reserved.get(pk, 0))
            for pk, unit_id, kind, funding, since in lines if since is not None or pk in approved]


def _post_figures(reader: Reader, as_of: date, current: bool) -> list[tuple[int, str, str, int, int]]:
    """(unit, level, grade, approved, filled) of every leadership post row."""
    posts = list(reader.posts().order_by().values_list("pk", "unit_id", "division_id", "grade", "approved", "filled"))
    if not current:
        filled = _grouped(reader.placements().filter(active_on(as_of), post__isnull=False), "post_id", Count("pk"))
        posts = [(pk, unit_id, division_id, grade, approved, filled.get(pk, 0))
                 for pk, unit_id, division_id, grade, approved, _ in posts]
    return [(unit_id, "unit" if division_id is None else "division", grade, approved, n)
            for _, unit_id, division_id, grade, approved, n in posts]


_KIND_ORDER = {k: i for i, k in enumerate(QuotaKind.values)}
_FUNDING_ORDER = {f: i for i, f in enumerate(Funding.values)}


def establishment_figures(reader: Reader, as_of: date | None = None, *, scope_label: str = "") -> Establishment:
    """The table's figures for the reader's units as of `as_of` (default today)."""
    today = timezone.localdate()
    as_of = as_of or today
    current = as_of >= today  # nothing in the register is dated in the future (the services refuse it)
    units = _units(reader, as_of, current)
    by_pk = {u.pk: u for u in units}
    per_unit: dict[int, list[LineRow]] = defaultdict(list)
    for _, unit_id, kind, funding, approved, occupied, reserved in _line_figures(reader, as_of, current):
        unit = by_pk.get(unit_id)
        if unit is not None:
            per_unit[unit_id].append(LineRow(unit, kind, funding, approved, occupied, reserved))
    lines: list[LineRow] = []
    for unit in units:
        rows = sorted(per_unit.get(unit.pk, []),
                      key=lambda r: (_KIND_ORDER.get(r.kind, 99), _FUNDING_ORDER.get(r.funding, 99)))
        lines.extend(rows or [LineRow(unit, "", "")])
    posts: dict[int, PostRow] = {}
    for unit_id, level, grade, approved, filled in _post_figures(reader, as_of, current):
        unit = by_pk.get(unit_id)
        if unit is not None:
            posts.setdefault(unit_id, PostRow(unit)).add(level, grade, approved, filled)
    ordered_posts = {u.pk: posts[u.pk] for u in units if u.pk in posts}
    return Establishment(as_of=as_of, current=current, scope_label=scope_label, units=units, lines=lines,
                         posts=ordered_posts)
