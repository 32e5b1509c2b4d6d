"""Deliberate problems in the synthetic register, so that verification (bianban/checks) has something to find at
realistic low rates: planned in memory from synth's random generator, between and after the lines and posts of
plan.py, and written by synth.py with everything else. Each problem trips exactly one rule: an over-quota line
keeps a charter that states its (reduced) approved number, a 混编 line is in its unit's charter, and so on.

Full-scale counts (20,000 units / 1,000,000 people) are TARGETS; a smaller register gets proportionally fewer,
never more than the target and at least one of each (as far as it has the units, lines and people they need).
`Defects.findings()` is what a verification run as of today must report per rule.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from bianban.bench.plan import LinePlan, UnitPlan, plan_lines, plan_posts
from bianban.staffing.choices import Enforcement, PostGrade
from bianban.staffing.models import PostQuota
from bianban.units.choices import Funding, QuotaKind, UnitKind

FULL_UNITS, FULL_PEOPLE = 20_000, 1_000_000
UNIT_TARGETS = {
    "no_charter": 100,  # active units without any 三定 charter
    "charter_mismatch": 50,  # units whose current charter disagrees with their lines
    "over_quota": 20,  # warn-mode lines, occupied > approved after a 核减
    "over_posts": 20,  # warn-mode 副职 posts, filled > approved
    "mixed_kind": 10,  # 机关 holding a 事业编制 line without an exception document
    "abolished": 5,  # abolished units still holding their people
    "expired_approvals": 50,  # open approvals past valid_until, still reserving slots
    "open_approvals": 300,  # valid open approvals (not a problem)
}
PERSON_TARGETS = {
    "past_retirement": 200,  # past the statutory retirement month, still on quota
    "invalid_id": 30,  # a wrong check character, otherwise valid
    "duplicate_pairs": 10,  # two persons whose numbers share the first 17 digits
}
CHECK_CHARACTERS = "0123456789X"


def scaled(target: int, size: int, full: int) -> int:
    """`target` at full size, proportionally fewer below it, at least 1 (0 when there is nothing to scale)."""
    if size <= 0:
        return 0
    return min(target, max(1, round(target * size / full)))


def wanted(units: int, people: int) -> dict[str, int]:
    counts = {name: scaled(n, units, FULL_UNITS) for name, n in UNIT_TARGETS.items()}
    counts |= {name: scaled(n, people, FULL_PEOPLE) for name, n in PERSON_TARGETS.items()}
    # Persons must stay enough for the rest: at most a tenth of them marked.
    while people and counts["past_retirement"] + counts["invalid_id"] + 2 * counts["duplicate_pairs"] > people // 10:
        name = max(PERSON_TARGETS, key=lambda k: counts[k])
        if counts[name] == 0:
            break
        counts[name] -= 1
    return counts


@dataclass
class ApprovalPlan:
    pk: int
    line: LinePlan
    count: int
    used: int
    issued_on: date
    valid_until: date
    document_no: str

    @property
    def remaining(self) -> int:
        return self.count - self.used


@dataclass
class Defects:
    """Where the problems are: unit, line and post keys, and persons by ordinal (0 = the first person
    generated, in the order persons.people_rows makes them)."""

    no_charter: set[int] = field(default_factory=set)
    charter_mismatch: dict[int, tuple[int, int | None]] = field(default_factory=dict)  # unit → (line, Δ or omitted)
    over_quota: dict[int, tuple[int, date]] = field(default_factory=dict)  # line → (核减 amount, date)
    over_posts: list[int] = field(default_factory=list)
    mixed_kind: list[int] = field(default_factory=list)  # lines
    abolished: dict[int, date] = field(default_factory=dict)  # unit → abolished_on
    abolished_placements: int = 0
    approvals: list[ApprovalPlan] = field(default_factory=list)
    retired: set[int] = field(default_factory=set)
    bad_check: set[int] = field(default_factory=set)
    twins: dict[int, int] = field(default_factory=dict)  # the second person of a pair → the first
    today: date = date(2000, 1, 1)

    @property
    def expired(self) -> list[ApprovalPlan]:
        return [a for a in self.approvals if a.valid_until < self.today]

    def marks(self) -> dict[int, str]:
        """Person ordinal → "retired" / "bad_check" / "source" / "twin"."""
        marks = dict.fromkeys(self.retired, "retired") | dict.fromkeys(self.bad_check, "bad_check")
        marks |= dict.fromkeys(self.twins.values(), "source") | dict.fromkeys(self.twins, "twin")
        return marks

    def counts(self) -> dict[str, int]:
        """What was planted, by kind."""
        return {
            "no_charter_units": len(self.no_charter), "charter_mismatch_units": len(self.charter_mismatch),
            "over_quota_lines": len(self.over_quota), "over_posts": len(self.over_posts),
            "mixed_kind_lines": len(self.mixed_kind), "abolished_units": len(self.abolished),
            "abolished_unit_placements": self.abolished_placements,
            "expired_approvals": len(self.expired), "open_approvals": len(self.approvals) - len(self.expired),
            "past_retirement_persons": len(self.retired), "invalid_id_persons": len(self.bad_check),
            "duplicate_id_pairs": len(self.twins),
        }

    def findings(self) -> dict[str, int]:
        """What a verification run over the whole register as of today must find, per rule code. The second
        person of a duplicate pair necessarily has a wrong check character too (only one character fits the
        shared 17 digits), so invalid_id counts both kinds."""
        return {
            "over_quota": len(self.over_quota), "over_posts": len(self.over_posts),
            "mixed_kind": len(self.mixed_kind), "past_retirement": len(self.retired), "multiple_placements": 0,
            "invalid_id": len(self.bad_check) + len(self.twins), "duplicate_id": 2 * len(self.twins),
            "abolished_unit_placement": self.abolished_placements, "expired_approval": len(self.expired),
            "no_charter": len(self.no_charter), "charter_mismatch": len(self.charter_mismatch),
        }


@dataclass
class RegisterPlan:
    lines: list[LinePlan]
    posts: list[PostQuota]
    holders: dict[int, list[tuple[int, str]]]
    defects: Defects


def plan_register(rng: random.Random, tree: list[UnitPlan], people: int, *, today: date, first_line: int,
                  first_post: int, first_approval: int) -> RegisterPlan:
    """Lines, posts and the deliberate problems, in a fixed order of draws from `rng`."""
    counts = wanted(len(tree), people)
    defects = Defects(today=today)
    _add_mixed_kind(rng, tree, counts["mixed_kind"])
    lines = plan_lines(rng, tree, people, first_line)
    defects.mixed_kind = [line.pk for line in lines if line.unit.mixed_kind and line.kind == QuotaKind.INSTITUTION]
    occupied = _occupied_by_unit(lines)
    _abolish(rng, tree, occupied, counts["abolished"], defects)
    defects.abolished_placements = sum(occupied.get(pk, 0) for pk in defects.abolished)
    _reduce_lines(rng, lines, counts["over_quota"], defects)
    posts, holders = plan_posts(rng, tree, lines, first_post)
    _overfill_posts(rng, tree, lines, posts, holders, counts["over_posts"], defects)
    _charters(rng, tree, lines, counts["no_charter"], counts["charter_mismatch"], defects)
    _approvals(rng, lines, holders, counts["expired_approvals"], counts["open_approvals"], first_approval, defects)
    _mark_people(rng, people, counts, defects)
    return RegisterPlan(lines, posts, holders, defects)


def _occupied_by_unit(lines: list[LinePlan]) -> dict[int, int]:
    occupied: dict[int, int] = {}
    for line in lines:
        occupied[line.unit.pk] = occupied.get(line.unit.pk, 0) + line.occupied
    return occupied


def _add_mixed_kind(rng: random.Random, tree: list[UnitPlan], count: int) -> None:
    """混编: some 机关 (not the governments themselves) get a 事业编制 line, with no exception document."""
    organs = [u for u in tree if u.kind == UnitKind.ORGAN and u.parent is not None and not u.name.endswith("人民政府")]
    for unit in rng.sample(organs, min(count, len(organs))):
        unit.quota = (*unit.quota, (QuotaKind.INSTITUTION, Funding.FULL))
        unit.mixed_kind = True


def _abolish(rng: random.Random, tree: list[UnitPlan], occupied: dict[int, int], count: int,
             defects: Defects) -> None:
    """Small institutions with no units under them, abolished 1–30 months ago, their people never moved."""
    parents = {u.parent.pk for u in tree if u.parent}
    leaves = [u for u in tree if u.pk not in parents and u.parent is not None and occupied.get(u.pk, 0) > 0
              and not u.mixed_kind]
    small = [u for u in leaves if u.kind == UnitKind.INSTITUTION and occupied[u.pk] <= 40]
    pool = small if len(small) >= count else sorted(leaves, key=lambda u: (occupied[u.pk], u.pk))[:count]
    for unit in sorted(rng.sample(pool, min(count, len(pool))), key=lambda u: u.pk):
        day = max(defects.today - timedelta(days=rng.randrange(30, 900)), unit.established_on)
        unit.abolished_on = day
        defects.abolished[unit.pk] = day


def _reduce_lines(rng: random.Random, lines: list[LinePlan], count: int, defects: Defects) -> None:
    """超编 the way it arises: a 核减 below the people already there, on a line in warn mode (the service would
    refuse it in block mode). approved drops to 1–3 below occupied; the journal gets a DECREASE after the SET."""
    pool = [line for line in lines if line.occupied >= 4 and line.unit.pk not in defects.abolished
            and not line.unit.mixed_kind]
    for line in sorted(rng.sample(pool, min(count, len(pool))), key=lambda x: x.pk):
        over = rng.randint(1, min(3, line.occupied - 1))
        cut = line.approved - (line.occupied - over)
        line.approved -= cut
        line.enforcement = Enforcement.WARN
        span = max((defects.today - line.unit.established_on).days - 60, 1)  # the charter follows, ≤ today
        defects.over_quota[line.pk] = (cut, line.unit.established_on + timedelta(days=1 + rng.randrange(span)))


def _overfill_posts(rng: random.Random, tree: list[UnitPlan], lines: list[LinePlan], posts: list[PostQuota],
                    holders: dict[int, list[tuple[int, str]]], count: int, defects: Defects) -> None:
    """超职数: 1–2 副职 more than approved (warn mode), held by the next people of the unit's first line."""
    first_line: dict[int, LinePlan] = {}
    for line in lines:
        first_line.setdefault(line.unit.pk, line)
    deputies = {post.unit_id: post for post in posts if post.grade == PostGrade.DEPUTY}
    units = {u.pk: u for u in tree}
    pool = [pk for pk, post in deputies.items() if pk not in defects.abolished and pk in first_line
            and first_line[pk].occupied >= len(holders[pk]) + (post.approved - post.filled) + 2]
    for pk in sorted(rng.sample(pool, min(count, len(pool)))):
        post = deputies[pk]
        extra = post.approved - post.filled + rng.randint(1, 2)
        post.filled += extra
        post.enforcement = Enforcement.WARN
        holders[pk] = holders[pk] + [(post.pk, units[pk].heads[1])] * extra
        defects.over_posts.append(post.pk)


def _charters(rng: random.Random, tree: list[UnitPlan], lines: list[LinePlan], missing: int, mismatched: int,
              defects: Defects) -> None:
    """Which active units have no charter, and how some charters disagree with the lines: one count off by
    1–3, or (a unit with several lines) one line left out."""
    active = [u for u in tree if u.pk not in defects.abolished]
    defects.no_charter = {u.pk for u in rng.sample(active, min(missing, len(active)))}
    lines_of: dict[int, list[LinePlan]] = {}
    for line in lines:
        lines_of.setdefault(line.unit.pk, []).append(line)
    rest = [u for u in active if u.pk not in defects.no_charter and lines_of.get(u.pk)]
    for unit in sorted(rng.sample(rest, min(mismatched, len(rest))), key=lambda u: u.pk):
        own = lines_of[unit.pk]
        line = own[rng.randrange(len(own))]
        if len(own) > 1 and rng.random() < 0.3:
            defects.charter_mismatch[unit.pk] = (line.pk, None)
        else:
            delta = rng.randint(1, 3)
            if rng.random() < 0.5 and line.approved >= delta:
                delta = -delta
            defects.charter_mismatch[unit.pk] = (line.pk, delta)


def charter_quota(unit_lines: list[LinePlan], mismatch: tuple[int, int | None] | None) -> list[dict]:
    """The charter's quota as the document states it: every line with its approved number, unless this unit's
    charter is one of the deliberate disagreements (one line's count off, or the line left out)."""
    rows = []
    for line in unit_lines:
        count = line.approved
        if mismatch and mismatch[0] == line.pk:
            if mismatch[1] is None:
                continue
            count += mismatch[1]
        rows.append({"kind": line.kind, "funding": line.funding, "count": count})
    return rows


def _approvals(rng: random.Random, lines: list[LinePlan], holders: dict[int, list[tuple[int, str]]], expired: int,
               valid: int, first_pk: int, defects: Defects) -> None:
    """用编核准 on lines with room (and none of the other problems): each reserves 1–3 vacant slots
    (line.reserved), and about half have already been used for 1–3 of the line's people (their placements cite
    it). Expired ones: issued 7–24 months ago, valid 90 days; valid ones: issued in the last 60 days, valid
    90–180 days."""
    first_of_unit: set[int] = set()
    seen: set[int] = set()
    for line in lines:
        if line.unit.pk not in seen:
            seen.add(line.unit.pk)
            first_of_unit.add(line.pk)
    pool = [line for line in lines if line.approved - line.occupied - line.reserved >= 1
            and line.pk not in defects.over_quota and line.unit.pk not in defects.abolished
            and not line.unit.mixed_kind]
    chosen = sorted(rng.sample(pool, min(expired + valid, len(pool))), key=lambda x: x.pk)
    is_expired = [True] * min(expired, len(chosen)) + [False] * (len(chosen) - min(expired, len(chosen)))
    rng.shuffle(is_expired)
    today = defects.today
    for i, (line, old) in enumerate(zip(chosen, is_expired, strict=True)):
        remaining = rng.randint(1, min(3, line.approved - line.occupied - line.reserved))
        posts_held = len(holders.get(line.unit.pk, [])) if line.pk in first_of_unit else 0
        used = rng.randint(1, 3) if rng.random() < 0.5 else 0
        used = max(min(used, line.occupied - posts_held), 0)
        if old:
            issued = today - timedelta(days=rng.randrange(210, 730))
            until = issued + timedelta(days=90)
        else:
            issued = today - timedelta(days=rng.randrange(0, 60))
            until = issued + timedelta(days=rng.randrange(90, 181))
        issued = max(issued, line.unit.established_on)
        line.reserved += remaining
        defects.approvals.append(ApprovalPlan(
            pk=first_pk + i, line=line, count=remaining + used, used=used, issued_on=issued, valid_until=until,
            document_no=f"{line.unit.abbr}核〔{issued.year}〕{first_pk + i}号"))


def _mark_people(rng: random.Random, people: int, counts: dict[str, int], defects: Defects) -> None:
    retired, bad, pairs = counts["past_retirement"], counts["invalid_id"], counts["duplicate_pairs"]
    picked = rng.sample(range(people), min(retired + bad + 2 * pairs, people))
    defects.retired = set(picked[:retired])
    defects.bad_check = set(picked[retired:retired + bad])
    rest = picked[retired + bad:]
    for a, b in zip(rest[0::2], rest[1::2], strict=False):
        defects.twins[max(a, b)] = min(a, b)


def wrong_check(rng: random.Random, body: str, right: str) -> str:
    """A check character other than the right one for these 17 digits."""
    others = CHECK_CHARACTERS.replace(right, "")
    return others[int(rng.random() * len(others))]
