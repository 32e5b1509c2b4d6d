"""The establishment register of 示例区: quota lines, leadership posts, approvals and placements.

`plan_staffing(rng, units, people)` draws everything from the demo's seeded generator without touching the
database; `load_staffing` writes it through the staffing services, unit by unit, in an order in which every
call passes the services' checks (counters only grow while the units are filled; the one transfer and the
releases come last).

What the register says:
- every unit's quota lines are those of its current 三定 charter, each set by one 核定 (SET) movement with the
  charter's document number and effective date; its leadership posts (unit level and per division) likewise;
- every demo person has a placement: 机关 staff on the unit's 行政编制 (or 政法专项编制 where the charter gives
  it), the least-schooled on its 机关工勤编制 where it has one, 事业单位 staff on 事业编制 of the unit's funding
  forms; about 3 % are 编外 (`on_quota=False`). Placements start on the person's first working day, or on the
  charter's effective date for those already at work then (their 入编 under the current 三定, so that the
  register rebuilt "as of" any date never has people on a line before it existed). Recruits since 2025 came in
  against a 用编核准, a few of which (validity into 2027) still hold a reserved slot, with two more not yet
  used at all. One teacher (or other staff) moved between two units, one young person resigned, and the
  persons who reached their retirement month before the demo's reference date retired then — but one.

The deliberate problems, planted for verification (issue 4) to find — and nothing else is wrong:
1. 超编 in warn mode: one 机关's 工勤编制 line (区教育局 with the demo seed) was switched to warn mode and holds
   one person more than approved, enrolled with an over-quota reason (a driver kept after the 公车改革).
2. 超职数: one unit (区第一中学 with the demo seed) has one 副职 more than its charter approves; its unit-level
   副职 post is in warn mode and the extra deputy was placed with a reason.
3. 超过法定退休时间仍在编: the longest-overdue person past their retirement month (people.RETIREMENT_CASES,
   as of people.AS_OF) is still placed; the others past it retired in their retirement month.
4. 用编核准逾期未处理: one approval valid until 2026-04-30 is still open and still reserves its slot (the daily
   task `approvals_expire_due` would expire it).
"""

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Sum

from bianban.demo import catalog as c
from bianban.demo.people import AS_OF, SAFE_RETIREMENT, PersonSpec
from bianban.demo.tree import UnitSpec
from bianban.people.choices import Education, PoliticalStatus
from bianban.people.models import Person
from bianban.people.retirement import retirement_month
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine
from bianban.staffing.services import (
    approval_create,
    placement_enrol,
    placement_release,
    placement_transfer,
    post_quota_set,
    quota_line_configure,
    quota_movement_create,
)
from bianban.units.choices import QuotaKind, UnitKind
from bianban.units.models import Division, Unit

LineKey = tuple[str, str, str]  # (unit key, quota kind, funding)
PostKey = tuple[str, str | None, str]  # (unit key, division name or None for the unit leadership, grade)

ENROL_DOC = "示编入〔{year}〕{n}号"  # 人员入编通知单
RELEASE_DOC = "示编出〔{year}〕{n}号"  # 人员出编通知单
TRANSFER_DOC = "示编调〔{year}〕{n}号"  # 人员调动（划转）通知单
APPROVAL_DOC = "示编核〔{year}〕{n}号"  # 核准使用编制通知单

OFF_QUOTA_SHARE = 0.03  # 编外 staff, of all persons
APPROVALS_FROM = date(2025, 1, 1)  # recruits from this date on came in against a 用编核准
EXPIRED_VALID_UNTIL = date(2026, 4, 30)  # the approval left open past its validity (deliberate problem 4)
# Where the deliberate problems go when the selection has them (any other unit that fits otherwise).
OVER_QUOTA_PREFERRED = c.EDUCATION_KEY
OVER_POSTS_PREFERRED = "edu.high1"

_EDUCATION_RANK = {Education.DOCTORATE: 0, Education.MASTER: 1, Education.BACHELOR: 2, Education.JUNIOR_COLLEGE: 3,
                   Education.SECONDARY_VOCATIONAL: 4, Education.HIGH_SCHOOL: 5}
_CPC = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)


@dataclass
class LineSpec:
    unit_key: str
    kind: str
    funding: str
    count: int
    effective_on: date
    document_no: str

    @property
    def key(self) -> LineKey:
        return (self.unit_key, self.kind, self.funding)


@dataclass
class PostSpec:
    unit_key: str
    division: str | None  # division name; None: the unit's own leadership
    grade: str
    approved: int
    effective_on: date
    document_no: str
    enforcement: str | None = None  # warn: the deliberate over-post (problem 2)

    @property
    def key(self) -> PostKey:
        return (self.unit_key, self.division, self.grade)


@dataclass
class ApprovalSpec:
    key: str
    unit_key: str
    kind: str
    funding: str
    count: int
    issued_on: date
    valid_until: date
    reason: str
    document_no: str = ""


@dataclass
class EnrolSpec:
    id_number: str
    unit_key: str
    kind: str | None
    funding: str | None
    on: date
    on_quota: bool = True
    division: str | None = None
    post: PostKey | None = None
    title: str = ""
    approval: str | None = None  # ApprovalSpec.key
    over_quota_reason: str = ""
    warn_reason: str = ""  # switch the line to warn mode (with this reason) just before this enrolment
    batch: bool = False  # at work before the current charter: enrolled on its effective date, one document
    document_no: str = ""

    @property
    def line_key(self) -> LineKey | None:
        return (self.unit_key, self.kind, self.funding) if self.on_quota and self.kind and self.funding else None


@dataclass
class TransferSpec:
    id_number: str
    to_unit_key: str
    kind: str
    funding: str
    on: date
    division: str | None = None
    document_no: str = ""


@dataclass
class ReleaseSpec:
    id_number: str
    reason: str
    on: date
    document_no: str = ""


@dataclass
class Deliberate:
    """What the plan planted for verification to find (None: the selection had no place for it)."""

    over_quota_line: LineKey | None = None
    over_posts: PostKey | None = None
    overdue_person: str | None = None  # id number of the person past retirement still placed
    expired_approval: str | None = None  # ApprovalSpec.key


@dataclass
class StaffingPlan:
    lines: list[LineSpec] = field(default_factory=list)
    posts: list[PostSpec] = field(default_factory=list)
    approvals: list[ApprovalSpec] = field(default_factory=list)
    enrolments: list[EnrolSpec] = field(default_factory=list)  # per unit in unit order, by date within a unit
    transfers: list[TransferSpec] = field(default_factory=list)
    releases: list[ReleaseSpec] = field(default_factory=list)
    deliberate: Deliberate = field(default_factory=Deliberate)


# Titles of the unit leadership by the end of the unit's name (longest first), else 主任/副主任.
_UNIT_TITLES: tuple[tuple[str, str, str], ...] = (
    ("人民检察院", "检察长", "副检察长"), ("人民法院", "院长", "副院长"), ("纪律检查委员会", "书记", "副书记"),
    ("政法委员会", "书记", "副书记"), ("卫生健康委员会", "主任", "副主任"), ("委员会办公室", "主任", "副主任"),
    ("委员会", "书记", "副书记"), ("办公室", "主任", "副主任"), ("办事处", "主任", "副主任"),
    ("联合会", "主席", "副主席"), ("总工会", "主席", "副主席"), ("党校", "常务副校长", "副校长"),
    ("局", "局长", "副局长"), ("部", "部长", "副部长"), ("中学", "校长", "副校长"), ("小学", "校长", "副校长"),
    ("幼儿园", "园长", "副园长"), ("院", "院长", "副院长"), ("馆", "馆长", "副馆长"), ("所", "所长", "副所长"),
    ("站", "站长", "副站长"), ("队", "队长", "副队长"),
)
_DIVISION_TITLES: tuple[tuple[str, str, str], ...] = (
    ("大队", "大队长", "副大队长"), ("中队", "中队长", "副中队长"), ("庭", "庭长", "副庭长"), ("局", "局长", "副局长"),
    ("科", "科长", "副科长"),
)


def leader_title(unit: UnitSpec, grade: str, division: str | None = None) -> str:
    """局长, 副校长, 办公室主任, 刑事侦查大队副大队长 …"""
    if division is None:
        table, name, default = _UNIT_TITLES, unit.name, ("主任", "副主任")
    else:
        table, name = _DIVISION_TITLES, division
        mass_department = unit.kind == UnitKind.MASS_ORG and division.endswith("部")
        default = ("部长", "副部长") if mass_department else ("主任", "副主任")
    principal, deputy = next(((p, d) for suffix, p, d in table if name.endswith(suffix)), default)
    title = principal if grade == PostGrade.PRINCIPAL else deputy
    return f"{division}{title}" if division else title


def _age(person: PersonSpec) -> int:
    return AS_OF.year - person.birth_date.year


def _retirement(person: PersonSpec) -> date:
    return retirement_month(person.birth_date, person.retirement_category)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


class _Numbers:
    """Document numbers in date order within each year (示编入〔2019〕5号, 7号, 8号 …), handed out once the whole
    plan is known: `give` registers an item that needs one, `resolve` sets them all."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.wanted: dict[tuple[str, Hashable], date] = {}
        self.items: list[tuple[Any, tuple[str, Hashable]]] = []

    def give(self, item: Any, template: str, token: Hashable, day: date) -> None:
        """`item.document_no` will be the number of (template, token); items with the same token share it."""
        key = (template, token)
        self.wanted.setdefault(key, day)
        self.items.append((item, key))

    def resolve(self) -> None:
        numbers: dict[tuple[str, Hashable], str] = {}
        order = {key: i for i, key in enumerate(self.wanted)}
        for template in sorted({t for t, _ in self.wanted}):
            keys = sorted((k for k in self.wanted if k[0] == template), key=lambda k: (self.wanted[k], order[k]))
            following: dict[int, int] = {}
            for key in keys:
                year = self.wanted[key].year
                n = following.get(year) or self.rng.randint(2, 9)
                numbers[key] = template.format(year=year, n=n)
                following[year] = n + self.rng.randint(1, 2)
        for item, key in self.items:
            item.document_no = numbers[key]


@dataclass
class _Unit:
    """One unit while it is being planned."""

    spec: UnitSpec
    people: list[PersonSpec]
    capacity: dict[LineKey, int]  # approved slots per line
    assigned: dict[str, LineKey | None] = field(default_factory=dict)  # id number → line (None: 编外)
    posts: dict[str, PostKey] = field(default_factory=dict)  # id number → post
    divisions: dict[str, str | None] = field(default_factory=dict)  # id number → division name


def _pick_over_quota_line(units: list[_Unit], regular: dict[str, list[PersonSpec]]) -> LineKey | None:
    """A 机关's 工勤编制 line (the smallest other line of a multi-line unit otherwise) whose unit has people enough
    to fill it one past its approved number and still have a leader."""
    order = sorted(units, key=lambda u: u.spec.key != OVER_QUOTA_PREFERRED)  # stable: catalog order otherwise
    candidates = [u for u in order if u.spec.key != c.OFFICE_KEY]
    for workers_only in (True, False):
        for unit in candidates:
            if len(unit.capacity) < 2:
                continue
            lines = sorted(unit.capacity.items(), key=lambda item: item[1])
            for key, count in lines[:1] if not workers_only else lines:
                if workers_only and key[1] != QuotaKind.SERVICE_WORKER:
                    continue
                if count > 0 and len(regular[unit.spec.key]) >= count + 3:
                    return key
    return None


def _pick_over_posts_unit(units: list[_Unit], regular: dict[str, list[PersonSpec]], skip: str | None) -> str | None:
    order = sorted(units, key=lambda u: u.spec.key != OVER_POSTS_PREFERRED)
    for unit in order:
        if unit.spec.key in (c.OFFICE_KEY, skip):
            continue
        deputies = unit_posts(unit.spec)[1]
        workers = sum(n for (_, kind, _), n in unit.capacity.items() if kind == QuotaKind.SERVICE_WORKER)
        seniors = [p for p in regular[unit.spec.key] if _age(p) >= 30]
        if deputies and len(seniors) >= deputies + 3 + workers:
            return unit.spec.key
    return None


def unit_posts(spec: UnitSpec) -> tuple[int, int]:
    """(正职, 副职) of the unit leadership in its charter."""
    row = next((p for p in spec.charter.posts if p["level"] == "unit"), {"principal": 0, "deputy": 0})
    return row["principal"], row["deputy"]


def _assign_lines(rng: random.Random, unit: _Unit, off: set[str], over_line: LineKey | None,
                  protected: set[str]) -> None:
    """Who fills which line: 编外 first, the least-schooled on 工勤编制, everyone else spread over the main lines in
    proportion to their size; whoever finds no room is 编外."""
    people = unit.people
    for person in people:
        if person.id_number in off:
            unit.assigned[person.id_number] = None
    free = [p for p in people if p.id_number not in unit.assigned]
    workers = [key for key in unit.capacity if key[1] == QuotaKind.SERVICE_WORKER]
    for key in workers:
        wanted = unit.capacity[key] + (1 if key == over_line else 0)
        pool = sorted((p for p in free if p.id_number not in protected),
                      key=lambda p: (-_EDUCATION_RANK.get(p.education, 9), p.birth_date))
        for person in pool[:wanted]:
            unit.assigned[person.id_number] = key
        free = [p for p in free if p.id_number not in unit.assigned]
    mains = [key for key in unit.capacity if key not in workers]
    if over_line in mains:  # a non-worker line chosen as the over-quota one: fill it one past first
        for person in [p for p in free if p.id_number not in protected][: unit.capacity[over_line] + 1]:
            unit.assigned[person.id_number] = over_line
        mains.remove(over_line)
        free = [p for p in free if p.id_number not in unit.assigned]
    # The cases past retirement get a slot before anyone could be pushed to 编外 for want of room.
    free.sort(key=lambda p: p.id_number not in protected)
    taken = {key: 0 for key in mains}
    for person in free:
        room = [key for key in mains if taken[key] < unit.capacity[key]]
        if not room:
            unit.assigned[person.id_number] = None
            continue
        key = max(room, key=lambda k: ((unit.capacity[k] - taken[k]) / unit.capacity[k], rng.random()))
        taken[key] += 1
        unit.assigned[person.id_number] = key


def _assign_leaders(rng: random.Random, unit: _Unit, over_posts: bool, excluded: set[str]) -> None:
    """正职 and 副职 of the unit, then some division heads, from the senior on-quota staff (not on 工勤编制)."""
    spec = unit.spec
    seniors = [
        p for p in unit.people
        if p.id_number not in excluded and unit.assigned.get(p.id_number) is not None
        and unit.assigned[p.id_number][1] != QuotaKind.SERVICE_WORKER and _age(p) >= 30
    ]
    score = {p.id_number: min(_age(p), 56) + (6 if p.political_status in _CPC else 0) + rng.random() * 8
             for p in seniors}
    ranked = sorted(seniors, key=lambda p: -score[p.id_number])
    principal, deputies = unit_posts(spec)
    wanted: list[PostKey] = [(spec.key, None, PostGrade.PRINCIPAL)] * principal
    if over_posts:
        deputies += 1
    elif deputies >= 2 and rng.random() < 0.25:
        deputies -= 1  # a vacancy
    wanted += [(spec.key, None, PostGrade.DEPUTY)] * deputies
    for division in spec.divisions:
        if rng.random() < 0.75:
            wanted.append((spec.key, division.name, PostGrade.PRINCIPAL))
        if division.deputy and rng.random() < 0.5:
            wanted.append((spec.key, division.name, PostGrade.DEPUTY))
    for person, post in zip(ranked, wanted, strict=False):
        unit.posts[person.id_number] = post
        unit.divisions[person.id_number] = post[1]


def _start(rng: random.Random, person: PersonSpec, line_from: date) -> tuple[date, bool]:
    """The 入编 date, and whether it is the unit's batch under its current charter (at work before it)."""
    if person.work_started_on is None or person.work_started_on <= line_from:
        return line_from, True
    day = person.work_started_on + timedelta(days=rng.randint(0, 45))
    return min(day, AS_OF - timedelta(days=1)), False


def plan_staffing(rng: random.Random, units: list[UnitSpec], people: list[PersonSpec]) -> StaffingPlan:
    """The whole register of the selected units, drawn from `rng` (after the units and persons)."""
    numbers = _Numbers(rng)
    plan = StaffingPlan()
    deliberate = plan.deliberate
    by_unit: dict[str, list[PersonSpec]] = defaultdict(list)
    for person in people:
        by_unit[person.unit_key].append(person)
    holders = {p.id_number for p in people if p.username}
    cases = {p.id_number for p in people if _retirement(p) < SAFE_RETIREMENT}
    regular = {u.key: [p for p in by_unit[u.key] if p.id_number not in holders | cases] for u in units}
    state = [
        _Unit(spec=u, people=by_unit[u.key],
              capacity={(u.key, q["kind"], q["funding"]): q["count"] for q in u.charter.quota})
        for u in units
    ]
    spec_of = {u.key: u for u in units}

    over_line = _pick_over_quota_line(state, regular)
    over_posts_unit = _pick_over_posts_unit(state, regular, over_line[0] if over_line else None)
    special_units = {key for key in (over_line[0] if over_line else None, over_posts_unit) if key}

    # 编外: about 3 % of everyone, drawn from the ordinary staff under 46 outside the units with planted problems.
    eligible = [p for u in units if u.key not in special_units for p in regular[u.key] if _age(p) <= 45]
    off = {p.id_number for p in rng.sample(eligible, min(len(eligible), max(1, round(OFF_QUOTA_SHARE * len(people)))))}

    for unit in state:
        _assign_lines(rng, unit, off, over_line, holders | cases)
        _assign_leaders(rng, unit, unit.spec.key == over_posts_unit, holders | cases)
        names = [d.name for d in unit.spec.divisions]
        for person in unit.people:
            if person.id_number not in unit.divisions:
                unit.divisions[person.id_number] = rng.choice(names) if names and rng.random() < 0.85 else None

    for unit in state:
        _plan_unit(rng, unit, plan, numbers, over_line, unit.spec.key == over_posts_unit)
    _plan_approvals(rng, plan, numbers, over_line)
    _plan_moves(rng, state, plan, numbers, spec_of, holders | cases, special_units)

    numbers.resolve()
    deliberate.over_quota_line = over_line if any(e.warn_reason for e in plan.enrolments) else None
    return plan


def _plan_unit(rng: random.Random, unit: _Unit, plan: StaffingPlan, numbers: _Numbers, over_line: LineKey | None,
               over_posts: bool) -> None:
    spec = unit.spec
    charter = spec.charter
    for q in charter.quota:
        plan.lines.append(LineSpec(spec.key, q["kind"], q["funding"], q["count"], charter.effective_on,
                                   charter.document_no))
    principal, deputies = unit_posts(spec)
    post_specs = [PostSpec(spec.key, None, PostGrade.PRINCIPAL, principal, charter.effective_on, charter.document_no),
                  PostSpec(spec.key, None, PostGrade.DEPUTY, deputies, charter.effective_on, charter.document_no,
                           enforcement=Enforcement.WARN if over_posts else None)]
    for d in spec.divisions:
        post_specs.append(PostSpec(spec.key, d.name, PostGrade.PRINCIPAL, d.principal, charter.effective_on,
                                   charter.document_no))
        if d.deputy:
            post_specs.append(PostSpec(spec.key, d.name, PostGrade.DEPUTY, d.deputy, charter.effective_on,
                                       charter.document_no))
    plan.posts += post_specs
    approved_posts = {p.key: p.approved for p in post_specs}

    rank = {PostGrade.PRINCIPAL: 0, PostGrade.DEPUTY: 1}
    dated = []
    for i, person in enumerate(unit.people):
        on, batch = _start(rng, person, charter.effective_on)
        post = unit.posts.get(person.id_number)
        order = (rank[post[2]] + (2 if post[1] else 0)) if post else 9
        dated.append((on, order, i, person, batch))
    dated.sort(key=lambda item: item[:3])
    occupied: dict[LineKey, int] = defaultdict(int)
    filled: dict[PostKey, int] = defaultdict(int)
    for on, _, _, person, batch in dated:
        line = unit.assigned[person.id_number]
        post = unit.posts.get(person.id_number)
        enrol = EnrolSpec(
            id_number=person.id_number, unit_key=spec.key, kind=line[1] if line else None,
            funding=line[2] if line else None, on=on, on_quota=line is not None,
            division=unit.divisions.get(person.id_number), post=post,
            title=leader_title(spec, post[2], post[1]) if post else "", batch=batch,
        )
        numbers.give(enrol, ENROL_DOC, ("batch", spec.key) if batch else ("enrol", person.id_number), on)
        if line is not None:
            occupied[line] += 1
            if occupied[line] > unit.capacity[line]:  # only ever the planned over-quota line
                assert line == over_line, line
                why = ("公务用车制度改革后保留的驾驶员暂未分流" if line[1] == QuotaKind.SERVICE_WORKER
                       else "机构改革人员转隶时超出核定编制")
                enrol.over_quota_reason = (f"核定{QuotaKind(line[1]).label}{unit.capacity[line]}名，{why}，"
                                           "经区委编委研究暂按预警管理，待自然减员时消化")
                if occupied[line] == unit.capacity[line] + 1:
                    enrol.warn_reason = f"{why}，超编部分待自然减员时消化"
        if post is not None:
            filled[post] += 1
            if filled[post] > approved_posts.get(post, 0):  # only ever the planned over-posts deputy
                assert over_posts and post[1] is None and post[2] == PostGrade.DEPUTY, post
                plan.deliberate.over_posts = post
                enrol.over_quota_reason = (
                    f"因工作需要，经主管部门党组织研究增配{leader_title(spec, PostGrade.DEPUTY)}1名，"
                    "核增领导职数的申请已报区委编办"
                )
        plan.enrolments.append(enrol)


def _slack(plan: StaffingPlan) -> dict[LineKey, int]:
    """Free slots per line once everyone is enrolled and the approvals planned so far reserve theirs."""
    slack = {line.key: line.count for line in plan.lines}
    for enrol in plan.enrolments:
        if enrol.line_key:
            slack[enrol.line_key] -= 1
    for approval in plan.approvals:
        used = sum(1 for e in plan.enrolments if e.approval == approval.key)
        slack[(approval.unit_key, approval.kind, approval.funding)] -= approval.count - used
    return slack


def _approval_reason(kind: str, year: int) -> str:
    if kind == QuotaKind.INSTITUTION:
        return f"{year}年度事业单位公开招聘工作人员"
    if kind == QuotaKind.SERVICE_WORKER:
        return f"{year}年度机关工勤人员招聘"
    return f"{year}年度公务员考试录用"


def _plan_approvals(rng: random.Random, plan: StaffingPlan, numbers: _Numbers, over_line: LineKey | None) -> None:
    """用编核准: one per line and year for the recruits since 2025 (a few of 2026 with a slot still to fill), two
    more not yet used, and the one left open past its validity."""
    groups: dict[tuple[LineKey, int], list[EnrolSpec]] = defaultdict(list)
    for enrol in plan.enrolments:
        line = enrol.line_key
        if line and line != over_line and enrol.on >= APPROVALS_FROM and not enrol.batch:
            groups[(line, enrol.on.year)].append(enrol)
    effective = {line.key: line.effective_on for line in plan.lines}
    spare_left = 3
    slack = _slack(plan)
    for (line, year), recruits in groups.items():
        first, last = min(e.on for e in recruits), max(e.on for e in recruits)
        issued = max(effective[line], first - timedelta(days=rng.randint(40, 100)))
        valid_until = max(date(issued.year + 1, issued.month, 1) - timedelta(days=1), last)
        spare = 1 if year == AS_OF.year and spare_left and slack[line] >= 1 and valid_until > AS_OF else 0
        spare_left -= spare
        slack[line] -= spare
        key = f"approval:{line[0]}:{line[1]}:{line[2]}:{year}"
        approval = ApprovalSpec(key=key, unit_key=line[0], kind=line[1], funding=line[2], count=len(recruits) + spare,
                                issued_on=issued, valid_until=valid_until, reason=_approval_reason(line[1], year))
        numbers.give(approval, APPROVAL_DOC, key, issued)
        plan.approvals.append(approval)
        for enrol in recruits:
            enrol.approval = key

    # Not yet used (issued this autumn, valid into 2027), then the one forgotten past its validity.
    roomy = [line for line in plan.lines if line.key != over_line and slack[line.key] >= 2]
    rng.shuffle(roomy)
    extra = [(2, _day_between(rng, date(2026, 9, 1), date(2026, 9, 30)), date(2027, 6, 30)),
             (1, _day_between(rng, date(2026, 10, 1), date(2026, 10, 20)), date(2027, 3, 31)),
             (1, _day_between(rng, date(2025, 10, 8), date(2025, 10, 31)), EXPIRED_VALID_UNTIL)]
    used_units: set[str] = set()
    for count, issued, valid_until in extra:
        line = next((x for x in roomy if x.unit_key not in used_units and slack[x.key] >= count
                     and x.effective_on <= issued), None)
        if line is None:
            continue
        used_units.add(line.unit_key)
        slack[line.key] -= count
        key = f"approval:{line.unit_key}:{line.kind}:{line.funding}:{issued:%Y%m%d}"
        reason = _approval_reason(line.kind, issued.year)
        if valid_until < AS_OF:
            reason += "（拟录用人员未按期报到）"
            plan.deliberate.expired_approval = key
        approval = ApprovalSpec(key=key, unit_key=line.unit_key, kind=line.kind, funding=line.funding, count=count,
                                issued_on=issued, valid_until=valid_until, reason=reason)
        numbers.give(approval, APPROVAL_DOC, key, issued)
        plan.approvals.append(approval)


def _plan_moves(rng: random.Random, state: list[_Unit], plan: StaffingPlan, numbers: _Numbers,
                spec_of: dict[str, UnitSpec], protected: set[str], special_units: set[str]) -> None:
    """One transfer between two units, one resignation, and the retirements (all but the deliberate one)."""
    people = {p.id_number: p for unit in state for p in unit.people}
    enrolments = {e.id_number: e for e in plan.enrolments}
    slack = _slack(plan)

    def ordinary(enrol: EnrolSpec) -> bool:
        return (enrol.on_quota and enrol.post is None and enrol.approval is None
                and enrol.kind != QuotaKind.SERVICE_WORKER and enrol.id_number not in protected
                and enrol.unit_key not in special_units)

    # The transfer: from the largest unit with ordinary staff to another unit's line of the same kind and funding
    # with a free slot, a unit of the same kind of work (two schools: 教师交流) if there is one.
    moved: str | None = None
    sources = sorted((u for u in state if u.spec.key not in special_units), key=lambda u: -len(u.people))
    for unit in sources:
        candidates = [enrolments[p.id_number] for p in unit.people if ordinary(enrolments[p.id_number])
                      and 28 <= _age(p) <= 50 and enrolments[p.id_number].on <= date(2024, 6, 30)]
        if not candidates:
            continue
        lines = {e.line_key for e in candidates}
        targets = [line for line in plan.lines if line.unit_key not in special_units | {unit.spec.key}
                   and slack[line.key] >= 1 and (unit.spec.key, line.kind, line.funding) in lines]
        if not targets:
            continue
        same_work = [t for t in targets if spec_of[t.unit_key].profile == unit.spec.profile]
        target = (same_work or targets)[0]
        enrol = rng.choice([e for e in candidates if e.line_key == (unit.spec.key, target.kind, target.funding)])
        if unit.spec.profile == c.SCHOOL and spec_of[target.unit_key].profile == c.SCHOOL:
            on = _day_between(rng, date(2025, 8, 25), date(2025, 8, 31))  # before the autumn term
        else:
            on = _day_between(rng, date(2025, 3, 1), date(2026, 6, 30))
        on = max(on, enrol.on + timedelta(days=30), target.effective_on + timedelta(days=1))
        if on >= AS_OF:
            continue
        names = [d.name for d in spec_of[target.unit_key].divisions]
        transfer = TransferSpec(id_number=enrol.id_number, to_unit_key=target.unit_key, kind=target.kind,
                                funding=target.funding, on=on, division=rng.choice(names) if names else None)
        numbers.give(transfer, TRANSFER_DOC, ("transfer", enrol.id_number), on)
        plan.transfers.append(transfer)
        slack[target.key] -= 1
        moved = enrol.id_number
        break

    # The resignation: a young member of staff, this year.
    young = [e for e in plan.enrolments if ordinary(e) and e.id_number != moved and _age(people[e.id_number]) <= 35
             and e.on + timedelta(days=60) < AS_OF - timedelta(days=1)]
    if young:
        enrol = rng.choice(young)
        on = max(_day_between(rng, date(2026, 1, 5), date(2026, 9, 30)), enrol.on + timedelta(days=60))
        _release(plan, numbers, enrol.id_number, ReleaseReason.RESIGNATION, on)

    # Retirements: everyone past their retirement month as of the demo's date retired in it, but the longest
    # overdue, who is still placed (deliberate problem 3).
    overdue = sorted((p for p in people.values() if _retirement(p) < AS_OF and p.id_number in enrolments),
                     key=lambda p: (_retirement(p), p.id_number))
    if overdue:
        plan.deliberate.overdue_person = overdue[0].id_number
    for person in overdue[1:]:
        enrol = enrolments[person.id_number]
        on = max(_retirement(person), enrol.on)
        _release(plan, numbers, person.id_number, ReleaseReason.RETIREMENT, on)
    plan.releases.sort(key=lambda r: r.on)


def _release(plan: StaffingPlan, numbers: _Numbers, id_number: str, reason: str, on: date) -> None:
    release = ReleaseSpec(id_number, reason, on)
    numbers.give(release, RELEASE_DOC, ("release", id_number), on)
    plan.releases.append(release)


def _grouped(items: Iterable[Any], attribute: str) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        groups[getattr(item, attribute)].append(item)
    return groups


def load_staffing(*, actor: Any, plan: StaffingPlan, units: dict[str, Unit], people: dict[str, Person],
                  progress: Any = None) -> None:
    """Write the plan through the staffing services: per unit its lines (核定), posts, approvals and placements
    (in date order), then the transfer and the releases. `people` maps id numbers to persons; `progress` steps
    once per placement."""
    divisions = {(d.unit_id, d.name): d for d in Division.objects.filter(unit__in=list(units.values()))}
    lines: dict[LineKey, QuotaLine] = {}
    posts: dict[PostKey, PostQuota] = {}
    approvals: dict[str, Approval] = {}
    placements: dict[str, Placement] = {}
    by_unit = {name: _grouped(getattr(plan, name), "unit_key")
               for name in ("lines", "posts", "approvals", "enrolments")}

    def division(unit: Unit, name: str | None) -> Division | None:
        return divisions[(unit.pk, name)] if name else None

    for key, unit in units.items():
        for spec in by_unit["lines"].get(key, ()):
            movement = quota_movement_create(
                actor=actor, unit=unit, kind=spec.kind, funding=spec.funding, type=MovementType.SET,
                amount=spec.count, document_no=spec.document_no, effective_on=spec.effective_on,
                reason="按现行三定规定核定",
            )
            lines[spec.key] = movement.line
        for spec in by_unit["posts"].get(key, ()):
            posts[spec.key] = post_quota_set(
                actor=actor, unit=unit, grade=spec.grade, approved=spec.approved, document_no=spec.document_no,
                effective_on=spec.effective_on, division=division(unit, spec.division), enforcement=spec.enforcement,
                reason="副职超配，经区委编委会研究同意过渡消化" if spec.enforcement else "",
            )
        for spec in by_unit["approvals"].get(key, ()):
            approvals[spec.key] = approval_create(
                actor=actor, unit=unit, kind=spec.kind, funding=spec.funding, count=spec.count,
                document_no=spec.document_no, issued_on=spec.issued_on, valid_until=spec.valid_until,
                reason=spec.reason,
            )
        for spec in by_unit["enrolments"].get(key, ()):
            if spec.warn_reason:
                quota_line_configure(actor=actor, line=lines[spec.line_key], enforcement=Enforcement.WARN,
                                     reason=spec.warn_reason)
            placements[spec.id_number] = placement_enrol(
                actor=actor, person=people[spec.id_number], unit=unit, kind=spec.kind, funding=spec.funding,
                on=spec.on, document_no=spec.document_no, on_quota=spec.on_quota,
                division=division(unit, spec.division), post=posts[spec.post] if spec.post else None,
                title=spec.title, approval=approvals[spec.approval] if spec.approval else None,
                over_quota_reason=spec.over_quota_reason,
            )
            if progress is not None:
                progress.step()
    for spec in plan.transfers:
        to_unit = units[spec.to_unit_key]
        placements[spec.id_number] = placement_transfer(
            actor=actor, placement=placements[spec.id_number], to_unit=to_unit, kind=spec.kind,
            funding=spec.funding, on=spec.on, document_no=spec.document_no, division=division(to_unit, spec.division),
        )
    for spec in plan.releases:
        placement_release(actor=actor, placement=placements[spec.id_number], reason=spec.reason, on=spec.on,
                          document_no=spec.document_no)


@dataclass
class StaffingTotals:
    lines: int = 0
    approved: int = 0
    occupied: int = 0
    reserved: int = 0
    off_quota: int = 0
    posts_approved: int = 0
    posts_filled: int = 0
    open_approvals: int = 0
    problems: list[str] = field(default_factory=list)


_MODE = {Enforcement.BLOCK: "拦截模式", Enforcement.WARN: "预警模式"}


def staffing_problems(as_of: date = AS_OF) -> list[str]:
    """What verification should find in the register as of the demo's date (a system summary, whole database):
    lines over their approved number, posts over theirs, persons past their retirement month still placed, and
    approvals past their validity still open."""
    problems = []
    for line in QuotaLine.objects.filter(occupied__gt=F("approved")).select_related("unit").order_by("pk"):
        problems.append(f"超编（{_MODE[line.enforcement]}）：{line}，核定 {line.approved} 名，实有 {line.occupied} 名")
    for post in PostQuota.objects.filter(filled__gt=F("approved")).select_related("unit", "division").order_by("pk"):
        problems.append(f"超职数（{_MODE[post.enforcement]}）：{post}，核定 {post.approved} 名，实配 {post.filled} 名")
    overdue = (Placement.objects.filter(ended_on__isnull=True, person__retirement_month__lt=as_of)
               .select_related("person", "unit").order_by("person__retirement_month", "pk"))
    for placement in overdue:
        month = placement.person.retirement_month
        problems.append(f"超过法定退休时间仍在编：{placement.person.name}（{placement.unit.name}），"
                        f"法定退休时间 {month.year}年{month.month}月")
    expired = (Approval.objects.filter(status=ApprovalStatus.OPEN, valid_until__lt=as_of)
               .select_related("line__unit").order_by("pk"))
    for approval in expired:
        problems.append(f"用编核准逾期未处理：{approval.document_no}（{approval.line}），"
                        f"有效期至 {approval.valid_until:%Y-%m-%d}，仍占用 {approval.remaining} 名")
    return problems


def staffing_totals() -> StaffingTotals:
    sums = QuotaLine.objects.aggregate(approved=Sum("approved"), occupied=Sum("occupied"), reserved=Sum("reserved"))
    post_sums = PostQuota.objects.aggregate(approved=Sum("approved"), filled=Sum("filled"))
    return StaffingTotals(
        lines=QuotaLine.objects.count(), approved=sums["approved"] or 0, occupied=sums["occupied"] or 0,
        reserved=sums["reserved"] or 0,
        off_quota=Placement.objects.filter(on_quota=False, ended_on__isnull=True).count(),
        posts_approved=post_sums["approved"] or 0, posts_filled=post_sums["filled"] or 0,
        open_approvals=Approval.objects.filter(status=ApprovalStatus.OPEN).count(),
        problems=staffing_problems(),
    )
