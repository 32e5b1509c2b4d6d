"""The unit tree of 示例区 with internal divisions and 三定 charters, as plain data ready for the services.

`build_units(rng)` turns the catalog into `UnitSpec`s, parents before children, drawing sizes, dates,
credit codes and document numbers from `rng`; `select_units` cuts a smaller, still consistent tree for tests.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bianban.demo import catalog as c
from bianban.demo import names
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, UnitKind, UnitRank


@dataclass(frozen=True)
class DivisionSpec:
    name: str
    rank: str
    functions: str
    sort_order: int
    established_on: date
    document_no: str
    principal: int
    deputy: int


@dataclass(frozen=True)
class CharterSpec:
    title: str
    document_no: str
    issued_on: date
    effective_on: date
    functions: str
    divisions: tuple[dict[str, Any], ...]
    quota: tuple[dict[str, Any], ...]
    posts: tuple[dict[str, Any], ...]
    note: str


@dataclass(frozen=True)
class UnitSpec:
    key: str
    parent_key: str | None
    name: str
    short_name: str
    other_names: str
    kind: str
    institution_class: str
    rank: str
    system_category: str
    uscc: str
    uscc_checksum_reason: str
    established_on: date
    document_no: str
    functions: str
    sort_order: int
    profile: str
    divisions: tuple[DivisionSpec, ...]
    charter: CharterSpec

    @property
    def quota_total(self) -> int:
        return sum(line["count"] for line in self.charter.quota)

    def unit_kwargs(self) -> dict[str, Any]:
        """The unit_create arguments (all but actor and parent)."""
        return {
            "name": self.name, "kind": self.kind, "short_name": self.short_name, "other_names": self.other_names,
            "institution_class": self.institution_class, "rank": self.rank, "system_category": self.system_category,
            "uscc": self.uscc, "uscc_checksum_reason": self.uscc_checksum_reason,
            "established_on": self.established_on, "document_no": self.document_no, "functions": self.functions,
            "sort_order": self.sort_order,
        }


_NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    return "十" + _NUMERALS[n - 11]


def numbered(items: Iterable[str]) -> str:
    """（一）…。 one per line, the way a 三定规定 lists 主要职责."""
    return "\n".join(f"（{_numeral(i)}）{item.rstrip('。')}。" for i, item in enumerate(items, start=1))


_USCC_PREFIX = {UnitKind.ORGAN: "11", UnitKind.INSTITUTION: "12", UnitKind.CIVIL_SERVICE_MANAGED: "12",
                UnitKind.MASS_ORG: "13"}
# 内设机构 sit one step below their unit: a 正科级 bureau's 科 are 股级.
_DIVISION_RANK = {UnitRank.VICE_DIVISION: UnitRank.VICE_SECTION, UnitRank.SECTION: UnitRank.UNIT}
_FUNDING = {InstitutionClass.PUBLIC_1: Funding.FULL, InstitutionClass.PUBLIC_2: Funding.PARTIAL,
            InstitutionClass.BUSINESS: Funding.SELF, InstitutionClass.ADMINISTRATIVE: Funding.FULL}
_DIVISION_DUTIES = {
    "办公室": "负责机关日常运转，承担文电、会务、机要、档案、信息、保密、政务公开和财务、资产管理等工作",
    "综合科": "负责单位日常运转，承担文电、会务、档案、财务和后勤保障等工作",
    "组织人事科": "负责机关和所属单位的机构编制、人事管理、干部教育培训和党建工作",
    "计划财务科": "负责部门预算、财务管理和国有资产管理，指导所属单位财务工作",
    "政策法规科": "负责规范性文件合法性审查、行政复议应诉和法治宣传教育工作",
    "党政综合办公室": "负责街道党工委、办事处日常运转和综合协调工作",
}


class _Documents:
    """示编〔YYYY〕N号, numbered in the order the district issued them each year."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[int, int] = defaultdict(lambda: rng.randint(3, 9))

    def number(self, year: int) -> str:
        n = self.next[year]
        self.next[year] = n + self.rng.randint(1, 3)
        return f"示编〔{year}〕{n}号"


def _day_in(rng: random.Random, year: int, first_month: int = 1, last_month: int = 12) -> date:
    start = date(year, first_month, 1)
    end = date(year + (last_month == 12), 1 if last_month == 12 else last_month + 1, 1)
    return start + timedelta(days=rng.randrange((end - start).days))


def _division_duty(name: str) -> str:
    if name in _DIVISION_DUTIES:
        return _DIVISION_DUTIES[name]
    topic = name
    for suffix in ("办公室", "大队", "中队", "科", "室", "处", "部", "庭", "局", "站"):
        if topic.endswith(suffix) and len(topic) > len(suffix):
            topic = topic[: -len(suffix)]
            break
    return f"承担{topic}方面的具体工作"


def _quota_lines(rng: random.Random, *, kind: str, profile: str, cls: str, total: int,
                 funding: tuple[tuple[str, float], ...] = (), political_legal: int = 0) -> list[dict[str, Any]]:
    """编制 of a unit by (kind, funding) (domain.md §1.2–1.3): 机关 hold 行政编制 (公安、法院、检察院 政法专项编制)
    and often a few 机关工勤编制; 事业单位 and 参公单位 hold 事业编制 split by 经费形式."""
    lines: list[dict[str, Any]] = []
    if kind in (UnitKind.ORGAN, UnitKind.MASS_ORG):
        workers = rng.randint(1, 3) if total >= 12 and rng.random() < 0.55 else 0
        main = QuotaKind.POLITICAL_LEGAL if profile == c.POLITICAL_LEGAL else QuotaKind.ADMINISTRATIVE
        lines.append({"kind": main, "funding": Funding.NONE, "count": total - workers})
        if political_legal:
            lines.append({"kind": QuotaKind.POLITICAL_LEGAL, "funding": Funding.NONE, "count": political_legal})
        if workers:
            lines.append({"kind": QuotaKind.SERVICE_WORKER, "funding": Funding.NONE, "count": workers})
        return lines
    shares = funding or ((_FUNDING[cls], 1.0),)
    left = total
    for i, (fund, share) in enumerate(shares):
        n = left if i == len(shares) - 1 else round(total * share)
        lines.append({"kind": QuotaKind.INSTITUTION, "funding": fund, "count": n})
        left -= n
    return lines


def _unit_posts(profile: str, total: int, rng: random.Random) -> int:
    """副职 of the unit leadership: 1–3 by size (domain.md §1.5: 县级政府工作部门 正职1、副职1–2, larger 3)."""
    if profile in (c.HOSPITAL, c.POLITICAL_LEGAL) or total > 60:
        return 3
    if total <= 10:
        return 1
    return 2 if total <= 30 else rng.choice((2, 3))


def _division_count(rng: random.Random, available: int, total: int, kind: str) -> int:
    """2–6 内设机构 by size; small 事业单位 (under 10) often have none."""
    if available == 0:
        return 0
    if kind not in (UnitKind.ORGAN, UnitKind.MASS_ORG) and total < 10 and rng.random() < 0.7:
        return 0
    wanted = 2 + total // 8 + rng.randint(0, 1)
    return max(min(available, 2), min(available, wanted, 6))


def _make_unit(
    rng: random.Random, docs: _Documents, codes: set[str], *, key: str, parent_key: str | None, name: str,
    short: str, other_names: str, kind: str, cls: str, rank: str, system: str, profile: str,
    quota: tuple[int, int], founded: date, charter_year: int, duties: tuple[str, ...], area: str,
    division_names: tuple[str, ...], sort_order: int, funding: tuple[tuple[str, float], ...] = (),
    political_legal: tuple[int, int] = (0, 0), parent_short: str = "",
) -> UnitSpec:
    total = rng.randint(*quota)
    pl = rng.randint(*political_legal) if political_legal[1] else 0
    is_organ = kind in (UnitKind.ORGAN, UnitKind.MASS_ORG)
    if is_organ:
        decides = "区委" if system in ("party", "supervision") else "区委、区政府"
        items = [f"贯彻落实党中央关于{area}工作的方针政策和决策部署，"
                 f"在履行职责过程中坚持和加强党对{area}工作的集中统一领导",
                 *duties, "负责本部门、本系统的安全生产、党风廉政建设和意识形态工作", f"完成{decides}交办的其他任务"]
        title = f"{name}职能配置、内设机构和人员编制规定"
        note = ("所属事业单位的设置、职责和编制事项另行规定。本规定由中共示例区委机构编制委员会办公室负责解释，"
                "其调整由中共示例区委机构编制委员会办公室按规定程序办理。")
    else:
        by = parent_short or ("区委" if system == "party" else "区委、区政府")
        items = [*(duties or ("承担相关公益服务工作",)), "负责本单位安全生产和党风廉政建设工作",
                 f"完成{by}交办的其他任务"]
        title = f"{name}主要职责、内设机构和人员编制规定"
        note = "本规定由中共示例区委机构编制委员会办公室负责解释。"
    functions = numbered(items)

    issued_year = max(charter_year, founded.year)
    issued = _day_in(rng, issued_year, *((3, 6) if issued_year == 2019 else (2, 11)))
    if issued <= founded:
        issued = founded + timedelta(days=rng.randint(20, 60))
    charter_no = docs.number(issued.year)
    effective = issued + timedelta(days=rng.choice((0, 0, 1, 5, 10)))

    n_div = _division_count(rng, len(division_names), total, kind)
    division_rank = _DIVISION_RANK.get(rank, UnitRank.UNRANKED)
    divisions = tuple(
        DivisionSpec(name=d, rank=division_rank, functions=_division_duty(d), sort_order=(i + 1) * 10,
                     established_on=issued, document_no=charter_no, principal=1,
                     deputy=1 if total >= 25 and rng.random() < 0.4 else 0)
        for i, d in enumerate(division_names[:n_div])
    )
    quota_lines = _quota_lines(rng, kind=kind, profile=profile, cls=cls, total=total, funding=funding,
                               political_legal=pl)
    posts = [{"level": "unit", "principal": 1, "deputy": _unit_posts(profile, total + pl, rng)}]
    if divisions:
        posts.append({"level": "division", "principal": len(divisions), "deputy": sum(d.deputy for d in divisions)})
    charter = CharterSpec(
        title=title, document_no=charter_no, issued_on=issued, effective_on=effective, functions=functions,
        divisions=tuple({"name": d.name, "principal": d.principal, "deputy": d.deputy} for d in divisions),
        quota=tuple(quota_lines), posts=tuple(posts), note=note,
    )
    code = names.credit_code(rng, prefix=_USCC_PREFIX[kind], region=c.REGION, taken=codes)
    # Units founded before the district had an establishment office came with the district, without a 文号.
    document_no = docs.number(founded.year) if founded.year >= c.FOUNDING_DATE.year else ""
    return UnitSpec(
        key=key, parent_key=parent_key, name=name, short_name=short, other_names=other_names, kind=kind,
        institution_class=cls, rank=rank, system_category=system, uscc=code, uscc_checksum_reason="",
        established_on=founded, document_no=document_no, functions=functions, sort_order=sort_order,
        profile=profile, divisions=divisions, charter=charter,
    )


def _founded(rng: random.Random, year: int) -> date:
    if year == c.FOUNDING_DATE.year:
        return c.FOUNDING_DATE
    if year == 2019:  # the 2019 reform set up the new bodies in March
        return _day_in(rng, 2019, 2, 4)
    return _day_in(rng, year)


def build_units(rng: random.Random) -> list[UnitSpec]:
    """Every unit of 示例区, parents first, in the order the catalog lists them."""
    docs, codes = _Documents(rng), set()
    specs: list[UnitSpec] = []
    for index, body in enumerate(c.ALL_BODIES, start=1):
        parent = _make_unit(
            rng, docs, codes, key=body.key, parent_key=None, name=body.name, short=body.short,
            other_names=body.other_names, kind=body.kind, cls=body.cls, rank=body.rank, system=body.system,
            profile=body.profile, quota=body.quota, founded=_founded(rng, body.founded),
            charter_year=body.charter_year, duties=body.duties, area=body.area, division_names=body.divisions,
            sort_order=index * 10, political_legal=body.political_legal,
        )
        specs.append(parent)
        for sub_index, sub in enumerate(body.children, start=1):
            # An institution without a known founding year was set up after its parent and the district.
            earliest = max(2002, body.founded)
            founded = _founded(rng, sub.founded or rng.randint(earliest, max(earliest, 2016)))
            specs.append(_make_unit(
                rng, docs, codes, key=sub.key, parent_key=body.key, name=sub.name, short=sub.short,
                other_names=sub.other_names, kind=sub.kind, cls=sub.cls, rank=sub.rank,
                system=body.system, profile=sub.profile, quota=sub.quota, founded=founded,
                charter_year=rng.randint(2020, 2023), duties=(sub.duty,) if sub.duty else (), area="",
                division_names=sub.divisions, sort_order=sub_index * 10, funding=sub.funding,
                parent_short=body.short,
            ))
    return [_with_failing_code(s) if s.key == c.FAILING_USCC_KEY else s for s in specs]


def _with_failing_code(spec: UnitSpec) -> UnitSpec:
    from dataclasses import replace

    return replace(spec, uscc=names.break_check_char(spec.uscc), uscc_checksum_reason=c.FAILING_USCC_REASON)


def select_units(specs: list[UnitSpec], limit: int | None) -> list[UnitSpec]:
    """The first `limit` units, the office's and the education bureau's subtrees first (the demo accounts need
    them), never a child without its parent. None: all of them, in catalog order."""
    if limit is None or limit >= len(specs):
        return list(specs)
    anchors = (c.OFFICE_KEY, c.EDUCATION_KEY)

    def first(spec: UnitSpec) -> int:
        top = spec.parent_key or spec.key
        return anchors.index(top) if top in anchors else len(anchors)

    chosen: list[UnitSpec] = []
    keys: set[str] = set()
    for spec in sorted(specs, key=first):  # stable: catalog order inside each group
        if len(chosen) >= limit:
            break
        if spec.parent_key is None or spec.parent_key in keys:
            chosen.append(spec)
            keys.add(spec.key)
    return chosen
