"""Planning the synthetic province in memory, deterministically from one random generator: the unit tree,
the quota lines with their approved and occupied numbers, and the leadership posts (synth.py writes them)."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from stdnum.cn import uscc as uscc_code

from bianban.bench import catalog as cat
from bianban.staffing.choices import PostGrade
from bianban.staffing.models import PostQuota
from bianban.staffing.rules import ALLOWED_KINDS, UNFUNDED_KINDS
from bianban.units.choices import Funding, QuotaKind, SystemCategory, UnitKind, UnitRank

OCCUPANCY = 0.92  # mean share of approved slots that are filled
PROVINCE, CITY, DISTRICT = 0, 1, 2
RANKS = {  # (government node, department, institution) per level
    PROVINCE: (UnitRank.MINISTRY, UnitRank.BUREAU, UnitRank.DIVISION),
    CITY: (UnitRank.BUREAU, UnitRank.DIVISION, UnitRank.SECTION),
    DISTRICT: (UnitRank.DIVISION, UnitRank.SECTION, UnitRank.VICE_SECTION),
}
USCC_PREFIX = {UnitKind.ORGAN: "11", UnitKind.INSTITUTION: "12", UnitKind.CIVIL_SERVICE_MANAGED: "12",
               UnitKind.MASS_ORG: "13"}


@dataclass
class UnitPlan:
    pk: int
    parent: "UnitPlan | None"
    name: str
    kind: str
    level: int
    rank: str
    system: str
    institution_class: str = ""
    size: float = 1.0  # relative staff size
    quota: tuple[tuple[str, str], ...] = ()  # (kind, funding) of its lines
    heads: tuple[str, str] = ("主任", "副主任")
    abbr: str = ""  # document-number prefix of its level ("临编")
    sort_order: int = 0
    path: str = ""
    depth: int = 0
    established_on: date = date(2000, 1, 1)
    abolished_on: date | None = None  # a deliberate problem (defects.py): abolished, people still there
    mixed_kind: bool = False  # a deliberate problem: holds a quota kind its kind of unit may not


@dataclass
class LinePlan:
    pk: int
    unit: UnitPlan
    kind: str
    funding: str
    approved: int = 0
    occupied: int = 0
    reserved: int = 0
    enforcement: str = ""  # empty: as settings.BIANBAN["QUOTA_ENFORCEMENT"] says for the kind
    document_no: str = ""


# --- the tree -----------------------------------------------------------------------------------------------


def tree_shape(units: int) -> tuple[int, int, int, int]:
    """(cities, districts per city, departments per government, street offices per district) for N units:
    about 18 % of the units are the governments' own bodies, the rest institutions under them. 20,000 units:
    12 cities × 8 districts, 33 departments each, 4 streets per district, ~16,000 institutions."""
    cities = min(max(round(units / 1700), 1), len(cat.PLACES) // 2)
    per_city = min(max(round(units / (cities * 210)), 1), 15)
    levels = 1 + cities + cities * per_city
    departments = min(max(int(units * 0.18 / levels), 1), len(cat.DEPARTMENTS))
    streets = min(max(int(units * 0.02 / (cities * per_city)), 0), 8)
    while levels * (1 + departments) + cities * per_city * streets > units:
        if streets:
            streets -= 1
        elif departments > 1:
            departments -= 1
        elif per_city > 1:
            per_city -= 1
        else:
            cities -= 1
        levels = 1 + cities + cities * per_city
    return cities, per_city, departments, streets


class TreeBuilder:
    def __init__(self, rng: random.Random, first_pk: int, taken_roots: set[str]) -> None:
        self.rng = rng
        self.next_pk = first_pk
        self.units: list[UnitPlan] = []
        self.children: dict[int, int] = {}
        self.taken_roots = taken_roots

    def add(self, parent: UnitPlan | None, name: str, kind: str, level: int, rank: str, system: str, *,
            size: float, quota: tuple[tuple[str, str], ...], heads: tuple[str, str], abbr: str,
            institution_class: str = "") -> UnitPlan:
        pk = self.next_pk
        self.next_pk += 1
        order = self.children.get(parent.pk if parent else 0, 0)
        self.children[parent.pk if parent else 0] = order + 1
        earliest = parent.established_on if parent else date(1978, 1, 1)
        span = max((date(2018, 12, 31) - earliest).days, 0)
        established = earliest + timedelta(days=self.rng.randrange(span + 1) // (1 if parent else 50))
        unit = UnitPlan(
            pk=pk, parent=parent, name=name, kind=kind, level=level, rank=rank, system=system,
            institution_class=institution_class, size=size, quota=quota, heads=heads, abbr=abbr,
            sort_order=order, path=f"{parent.path if parent else '/'}{pk}/",
            depth=parent.depth + 1 if parent else 0, established_on=established,
        )
        self.units.append(unit)
        return unit

    def government(self, parent: UnitPlan | None, locality: str, level: int, abbr: str) -> UnitPlan:
        name = f"{locality}人民政府"
        if parent is None:
            n = 1
            while name in self.taken_roots:
                n += 1
                name = f"{locality}人民政府（合成数据{n}）"
        return self.add(parent, name, UnitKind.ORGAN, level, RANKS[level][0], SystemCategory.GOVERNMENT,
                        size=1.5, quota=_organ_quota(self.rng, (cat.ADM,)),
                        heads=cat.head_titles(f"{locality}人民政府", level), abbr=abbr)

    def department(self, gov: UnitPlan, locality: str, dept: cat.Department, name: str) -> UnitPlan:
        quota = _organ_quota(self.rng, dept.quota) if dept.kind == UnitKind.ORGAN else ((cat.ADM, Funding.NONE),)
        return self.add(gov, f"{locality}{name}", dept.kind, gov.level, RANKS[gov.level][1], dept.system,
                        size=dept.size, quota=quota, heads=cat.head_titles(name, gov.level), abbr=gov.abbr)


def _organ_quota(rng: random.Random, kinds: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    lines = [(kind, Funding.NONE) for kind in kinds]
    if rng.random() < 0.4:  # 机关工勤编制 (drivers, clerks) in about 40 % of the organs
        lines.append((cat.WORKER, Funding.NONE))
    return tuple(lines)


def plan_tree(rng: random.Random, total: int, first_pk: int, taken_roots: set[str]) -> list[UnitPlan]:
    """Exactly `total` units, parents before children (primary keys ascending from `first_pk`)."""
    cities, per_city, n_depts, streets = tree_shape(total)
    builder = TreeBuilder(rng, first_pk, taken_roots)
    province = cat.PROVINCES[rng.randrange(len(cat.PROVINCES))]
    places = list(cat.PLACES)
    rng.shuffle(places)
    departments: list[tuple[UnitPlan, cat.Department, str]] = []  # (unit, department, locality)

    def bodies(gov: UnitPlan, locality: str) -> None:
        for dept in cat.DEPARTMENTS[:n_depts]:
            name = dept.names[gov.level]
            departments.append((builder.department(gov, locality, dept, name), dept, locality))

    root_locality = f"{province}省"
    root = builder.government(None, root_locality, PROVINCE, f"{province}编")
    bodies(root, root_locality)
    for c in range(cities):
        city = f"{places[c]}市"
        city_gov = builder.government(root, city, CITY, f"{places[c][0]}编")
        bodies(city_gov, city)
        # About half 区, the rest 县 named after places (another city may have a county of the same name).
        counties = [p for p in places[cities:] + places[:cities] if p != places[c]]
        offset = (c * 7) % len(counties)
        district_names = list(cat.DISTRICTS[: max(per_city // 2, 1)])
        district_names += [f"{p}县" for p in (counties[offset:] + counties[:offset])[:15]]
        for d in range(per_city):
            district = district_names[d] if d < len(district_names) else f"第{cat.cn_ordinal(d + 1)}区"
            locality = f"{city}{district}"
            gov = builder.government(city_gov, locality, DISTRICT, f"{places[c][0]}{district[0]}编")
            bodies(gov, locality)
            for s in range(streets):
                street = cat.STREETS[s % len(cat.STREETS)] + ("" if s < len(cat.STREETS) else str(s))
                unit = builder.add(gov, f"{locality}{street}街道办事处", UnitKind.ORGAN, DISTRICT,
                                   RANKS[DISTRICT][1], SystemCategory.STREET, size=cat.STREET.size,
                                   quota=_organ_quota(rng, (cat.ADM,)), heads=("主任", "副主任"), abbr=gov.abbr)
                departments.append((unit, cat.STREET, f"{street}街道"))
    _plan_institutions(rng, builder, departments, total - len(builder.units))
    return builder.units


def _plan_institutions(rng: random.Random, builder: TreeBuilder,
                       departments: list[tuple[UnitPlan, cat.Department, str]], count: int) -> None:
    if count <= 0 or not departments:
        return
    # Most institutions are local: a province department runs fewer than a district bureau.
    level_weight = {PROVINCE: 0.3, CITY: 0.6, DISTRICT: 1.0}
    weights = list(accumulate(dept.weight * level_weight[unit.level] for unit, dept, _ in departments))
    parents = rng.choices(range(len(departments)), cum_weights=weights, k=count)
    used: dict[int, int] = {}  # institutions planned per department so far
    numbered_used: dict[tuple[int, str], int] = {}  # per department and numbered template
    for index in sorted(parents):  # grouped by parent: siblings get consecutive keys
        unit, dept, locality = departments[index]
        unnumbered, numbered = cat.SUBS[dept.subs[0]]
        k = used.get(index, 0)
        used[index] = k + 1
        if k < len(unnumbered):
            sub, n = unnumbered[k], 0
        else:
            sub = numbered[(k - len(unnumbered)) % len(numbered)]
            n = numbered_used.get((index, sub.name), 0) + 1
            numbered_used[(index, sub.name)] = n
        label = sub.name.format(d=_short(dept, locality), n=cat.cn_ordinal(n))
        # Institutions carry the name of their district (city, province); a street's, the district's and the
        # street's: "临江市河西区第三小学", "临江市河西区城关街道便民服务中心".
        prefix = unit.parent.name.removesuffix("人民政府") if dept is cat.STREET and unit.parent else locality
        lines = [(cat.INS, sub.funding)]
        if sub.funding == Funding.PARTIAL and rng.random() < 0.3:
            lines.append((cat.INS, Funding.FULL))  # hospitals: part of the staff fully funded
        builder.add(unit, f"{prefix}{label}", sub.kind, unit.level, RANKS[unit.level][2], unit.system,
                    size=sub.size, quota=tuple(lines), heads=sub.head, abbr=unit.abbr, institution_class=sub.cls)


def _short(dept: cat.Department, locality: str) -> str:
    if dept is cat.STREET:
        return locality
    return {"办公室": "政务", "编办": "机构编制", "组织部": "组织", "宣传部": "宣传", "纪委监委": "纪检监察",
            "政法委": "政法", "统战部": "统战", "人大": "人大", "政协": "政协", "发改": "发展改革",
            "卫健": "卫生健康", "住建": "住房城乡建设", "文旅": "文化旅游", "市场监管": "市场监管"}.get(
        dept.short, dept.short)


# --- lines --------------------------------------------------------------------------------------------------


def _base_size(unit: UnitPlan) -> float:
    level_scale = {PROVINCE: 2.2, CITY: 1.4, DISTRICT: 1.0}[unit.level]
    if unit.kind in (UnitKind.INSTITUTION, UnitKind.CIVIL_SERVICE_MANAGED):
        level_scale = {PROVINCE: 1.6, CITY: 1.3, DISTRICT: 1.0}[unit.level]
    return 30.0 * unit.size * level_scale


def plan_lines(rng: random.Random, units: list[UnitPlan], people: int, first_pk: int) -> list[LinePlan]:
    """Lines per unit with approved numbers summing to about people / OCCUPANCY, and occupied numbers summing
    to exactly `people`, each ≤ approved."""
    lines: list[LinePlan] = []
    weights: list[float] = []
    for unit in units:
        allowed = ALLOWED_KINDS[unit.kind]
        base = _base_size(unit) * rng.uniform(0.5, 1.5)
        for i, (kind, funding) in enumerate(unit.quota):
            assert kind in allowed or unit.mixed_kind
            assert (funding == Funding.NONE) == (kind in UNFUNDED_KINDS)
            share = 1.0 if i == 0 else (0.12 if kind == QuotaKind.SERVICE_WORKER else 0.35)
            lines.append(LinePlan(first_pk + len(lines), unit, kind, funding))
            weights.append(base * share)
    if not lines:
        return lines
    scale = people / OCCUPANCY / sum(weights)
    for line, weight in zip(lines, weights, strict=True):
        line.approved = max(1, round(weight * scale))
        line.occupied = min(line.approved, int(line.approved * rng.uniform(0.84, 1.0)))
    _fit_occupied(rng, lines, people)
    return lines


def _fit_occupied(rng: random.Random, lines: list[LinePlan], people: int) -> None:
    """Nudge the occupied numbers until they sum to `people`, never above approved (adding slots if needed)."""
    gap = people - sum(line.occupied for line in lines)
    while gap > 0:
        room = [line for line in lines if line.occupied < line.approved]
        if not room:
            line = lines[rng.randrange(len(lines))]
            line.approved += 1
            room = [line]
        rng.shuffle(room)
        for line in room[:gap]:
            step = min(line.approved - line.occupied, max(gap // len(room), 1), gap)
            line.occupied += step
            gap -= step
            if gap == 0:
                break
    while gap < 0:
        full = [line for line in lines if line.occupied > 0]
        rng.shuffle(full)
        for line in full[: -gap]:
            line.occupied -= 1
            gap += 1


def plan_posts(rng: random.Random, tree: list[UnitPlan], lines: list[LinePlan],
                first_pk: int) -> tuple[list[PostQuota], dict[int, list[tuple[int, str]]]]:
    """正职 1 and 副职 1–6 per unit, filled by the first people of the unit's first line (never more than
    approved); returns the posts and, per unit, the (post id, title) of those holders in order."""
    occupied_first: dict[int, int] = {}
    for line in lines:
        occupied_first.setdefault(line.unit.pk, line.occupied)
    posts: list[PostQuota] = []
    holders: dict[int, list[tuple[int, str]]] = {}
    for unit in tree:
        deputies = {0: 4, 1: 3, 2: 2}[unit.level] + (2 if unit.name.endswith("人民政府") else 0)
        if unit.kind in (UnitKind.INSTITUTION, UnitKind.CIVIL_SERVICE_MANAGED):
            deputies = 1 + int(rng.random() * 2)
        else:
            deputies = max(1, deputies + int(rng.random() * 3) - 1)
        people = occupied_first.get(unit.pk, 0)
        principal_filled = 1 if people else 0
        deputy_filled = max(0, min(deputies, people - principal_filled) - (1 if rng.random() < 0.3 else 0))
        doc = f"{unit.abbr}〔{unit.established_on.year}〕{unit.pk % 997 + 1}号"
        principal = PostQuota(pk=first_pk + len(posts), unit_id=unit.pk, grade=PostGrade.PRINCIPAL, approved=1,
                              filled=principal_filled, document_no=doc)
        deputy = PostQuota(pk=first_pk + len(posts) + 1, unit_id=unit.pk, grade=PostGrade.DEPUTY, approved=deputies,
                           filled=deputy_filled, document_no=doc)
        posts += [principal, deputy]
        holders[unit.pk] = ([(principal.pk, unit.heads[0])] * principal_filled
                            + [(deputy.pk, unit.heads[1])] * deputy_filled)
    return posts, holders


def uscc_for(unit: UnitPlan, region: str) -> str:
    org = f"{unit.pk % 10**8:08d}"
    # GB 11714 organisation-code check digit
    check = 11 - sum(int(ch) * w for ch, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    body = f"{USCC_PREFIX[unit.kind]}{region}{org}{'X' if check == 10 else '0' if check == 11 else check}"
    return body + uscc_code.calc_check_digit(body)
