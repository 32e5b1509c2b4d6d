"""The persons of 示例区's real-name register, as plain data ready for person_create.

Who works where decides the mix: schools and hospitals employ more women, 机关 more party members, older
staff have lower degrees. Everyone is well inside working age except a handful of deliberate cases at or
just past their statutory retirement month (as of `AS_OF`), which the verification must find.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date

from bianban.demo import catalog as c
from bianban.demo import names
from bianban.demo.accounts import ACCOUNTS, DemoAccount
from bianban.demo.tree import UnitSpec
from bianban.people.choices import Education, PoliticalStatus, RetirementCategory, Sex
from bianban.people.retirement import retirement_month

# The demo's "today": data are fixed so that every run shows the same figures. Retirement cases are placed
# around it, everyone else retires in 2028 or later.
AS_OF = date(2026, 11, 1)
SAFE_RETIREMENT = date(2028, 1, 1)
LATEST_WORK_START = date(2026, 9, 1)

M60, F55, F50 = RetirementCategory.MALE_60, RetirementCategory.FEMALE_55, RetirementCategory.FEMALE_50
# (retirement month, category): one long overdue, several just past, two in the month itself, three due soon.
RETIREMENT_CASES: tuple[tuple[date, str], ...] = (
    (date(2023, 12, 1), M60), (date(2026, 3, 1), F55), (date(2026, 6, 1), M60), (date(2026, 9, 1), F50),
    (date(2026, 10, 1), M60), (date(2026, 11, 1), F55), (date(2026, 11, 1), M60), (date(2026, 12, 1), M60),
    (date(2027, 3, 1), F55), (date(2027, 5, 1), M60),
)

D, MA, BA, JC, SV, HS = (Education.DOCTORATE, Education.MASTER, Education.BACHELOR, Education.JUNIOR_COLLEGE,
                         Education.SECONDARY_VOCATIONAL, Education.HIGH_SCHOOL)
_EDUCATION_ORDER = (D, MA, BA, JC, SV, HS)
# Age at which people start work, by education.
_START_AGE = {D: (27, 29), MA: (24, 26), BA: (22, 23), JC: (20, 21), SV: (18, 19), HS: (18, 20)}


@dataclass(frozen=True)
class Profile:
    female: float  # share of women
    birth: tuple[int, int, int]  # earliest, latest, most common birth year
    education: dict[str, float]
    cpc: float  # share of 中共党员
    democratic: float = 0.0  # share of 民主党派 members


_ORGAN_EDU = {MA: 0.14, BA: 0.72, JC: 0.11, HS: 0.03}
PROFILES: dict[str, Profile] = {
    c.ORGAN: Profile(0.42, (1966, 2001, 1982), _ORGAN_EDU, 0.30),
    c.OFFICE: Profile(0.50, (1966, 2001, 1984), _ORGAN_EDU, 0.60),
    c.POLITICAL_LEGAL: Profile(0.22, (1966, 2001, 1985), {MA: 0.12, BA: 0.78, JC: 0.10}, 0.40),
    c.STREET: Profile(0.45, (1966, 2001, 1985), {MA: 0.06, BA: 0.66, JC: 0.22, HS: 0.06}, 0.33),
    c.MASS: Profile(0.62, (1968, 2001, 1986), {MA: 0.10, BA: 0.75, JC: 0.15}, 0.40),
    c.SCHOOL: Profile(0.70, (1966, 2002, 1985), {MA: 0.14, BA: 0.78, JC: 0.07, SV: 0.01}, 0.22, 0.04),
    c.KINDERGARTEN: Profile(0.96, (1972, 2002, 1993), {BA: 0.55, JC: 0.38, SV: 0.07}, 0.12),
    c.HOSPITAL: Profile(0.66, (1966, 2002, 1986), {D: 0.02, MA: 0.16, BA: 0.52, JC: 0.22, SV: 0.08}, 0.18, 0.04),
    c.CLINIC: Profile(0.62, (1966, 2002, 1985), {MA: 0.08, BA: 0.55, JC: 0.28, SV: 0.09}, 0.20, 0.02),
    c.INSTITUTION: Profile(0.50, (1966, 2002, 1983), {MA: 0.08, BA: 0.60, JC: 0.22, SV: 0.05, HS: 0.05}, 0.25),
}
# Party and discipline organs are staffed mostly by party members.
_PARTY_SYSTEMS = frozenset({"party", "supervision"})


@dataclass(frozen=True)
class PersonSpec:
    name: str
    id_number: str
    unit_key: str
    sex: str
    birth_date: date
    ethnicity: str
    native_place: str
    education: str
    political_status: str
    work_started_on: date
    retirement_category: str
    phone: str
    username: str = ""  # the demo login this person holds

    def person_kwargs(self) -> dict[str, object]:
        """The person_create arguments (all but actor and unit)."""
        return {
            "name": self.name, "id_number": self.id_number, "sex": self.sex, "birth_date": self.birth_date,
            "ethnicity": self.ethnicity, "native_place": self.native_place, "education": self.education,
            "political_status": self.political_status, "work_started_on": self.work_started_on,
            "retirement_category": self.retirement_category, "phone": self.phone,
        }


def allocate(rng: random.Random, units: list[UnitSpec], total: int,
             minimum: dict[str, int] | None = None) -> dict[str, int]:
    """How many people each unit gets: in proportion to its quota, most units a little under it (84–97 %),
    a few exactly full; `minimum` first. Never over quota while the district has room."""
    minimum = minimum or {}
    quota = {u.key: u.quota_total for u in units}
    fill = {u.key: 1.0 if rng.random() < 0.06 else rng.uniform(0.84, 0.97) for u in units}
    counts = {k: min(minimum.get(k, 0), total) for k in quota}
    left = total - sum(counts.values())
    weights = {k: max(quota[k] * fill[k] - counts[k], 0.0) for k in quota}
    weight_sum = sum(weights.values()) or 1.0
    raw = {k: left * w / weight_sum for k, w in weights.items()}
    for k, r in raw.items():
        counts[k] += math.floor(r)
    rest = total - sum(counts.values())
    for k in sorted(raw, key=lambda k: (raw[k] - math.floor(raw[k]), quota[k]), reverse=True)[:rest]:
        counts[k] += 1
    if total <= sum(quota.values()):
        overflow = sum(max(n - quota[k], 0) for k, n in counts.items())
        counts = {k: min(n, quota[k]) for k, n in counts.items()}
        while overflow:
            roomiest = max(quota, key=lambda k: (quota[k] - counts[k], quota[k]))
            counts[roomiest] += 1
            overflow -= 1
    return counts


@dataclass
class _Draw:
    rng: random.Random
    ids: set[str] = field(default_factory=set)
    names_taken: set[str] = field(default_factory=set)

    def name(self, *, female: bool, birth_year: int) -> str:
        for _ in range(200):
            name = names.person_name(self.rng, female=female, birth_year=birth_year)
            if name not in self.names_taken:
                self.names_taken.add(name)
                return name
        raise RuntimeError("could not draw a unique name")  # pragma: no cover — 200 collisions in a row

    def birth(self, profile: Profile, year: int | None = None, month: int | None = None) -> date:
        low, high, mode = profile.birth
        year = year or min(int(self.rng.triangular(low, high + 1, mode)), high)
        month = month or self.rng.randint(1, 12)
        return date(year, month, self.rng.randint(1, 28))

    def education(self, profile: Profile, birth: date) -> str:
        education = self.rng.choices(list(profile.education), weights=list(profile.education.values()))[0]
        # Older staff more often hold the degree of their time (many upgraded later through 在职教育 only).
        if birth.year < 1976 and self.rng.random() < 0.35 and education != HS:
            education = _EDUCATION_ORDER[_EDUCATION_ORDER.index(education) + 1]
        return education

    def work_start(self, birth: date, education: str) -> date:
        age = self.rng.randint(*_START_AGE[education])
        month = self.rng.choice((7, 8, 8, 9)) if education in (D, MA, BA, JC) else self.rng.randint(1, 12)
        return min(date(birth.year + age, month, 1), LATEST_WORK_START)

    def political_status(self, profile: Profile, birth: date, cpc: float) -> str:
        age = AS_OF.year - birth.year
        roll = self.rng.random()
        if roll < cpc * (0.5 if age < 26 else 1.0):
            probationary = age < 36 and self.rng.random() < 0.04
            return PoliticalStatus.CPC_PROBATIONARY if probationary else PoliticalStatus.CPC_MEMBER
        if age <= 28 and self.rng.random() < 0.55:
            return PoliticalStatus.CYL_MEMBER
        if age >= 30 and self.rng.random() < profile.democratic:
            return PoliticalStatus.DEMOCRATIC_PARTY
        return PoliticalStatus.NON_PARTY if self.rng.random() < 0.005 else PoliticalStatus.MASSES


def _category(rng: random.Random, female: bool, education: str) -> str:
    """Women in 工勤 posts (here: those without a college degree, most of them) keep the 50 schedule."""
    if not female:
        return M60
    return F50 if education in (SV, HS) and rng.random() < 0.7 else F55


def birth_for_retirement(target: date, category: str) -> date | None:
    """A birth month whose statutory retirement month is `target`, or None when the schedule skips it."""
    for months_back in range(50 * 12, 64 * 12):
        index = target.year * 12 + target.month - 1 - months_back
        birth = date(index // 12, index % 12 + 1, 15)
        if retirement_month(birth, category) == target:
            return birth
    return None


def _person(draw: _Draw, unit: UnitSpec, *, sex: str | None = None, birth: date | None = None,
            category: str | None = None, name: str = "", political_status: str = "", username: str = "") -> PersonSpec:
    rng = draw.rng
    profile = PROFILES[unit.profile]
    female = (sex == Sex.FEMALE) if sex else rng.random() < profile.female
    cpc = 0.55 if unit.profile == c.ORGAN and unit.system_category in _PARTY_SYSTEMS else profile.cpc
    for _ in range(100):
        day = birth or draw.birth(profile)
        education = draw.education(profile, day)
        cat = category or _category(rng, female, education)
        if birth or retirement_month(day, cat) >= SAFE_RETIREMENT:
            break
    region, place = names.home_region(rng)
    return PersonSpec(
        name=name or draw.name(female=female, birth_year=day.year),
        id_number=names.id_number(rng, region=region, birth=day, female=female, taken=draw.ids),
        unit_key=unit.key, sex=Sex.FEMALE if female else Sex.MALE, birth_date=day,
        ethnicity=names.ethnicity(rng), native_place=place, education=education,
        political_status=political_status or draw.political_status(profile, day, cpc),
        work_started_on=draw.work_start(day, education), retirement_category=cat,
        phone=names.mobile(rng) if rng.random() < 0.9 else "", username=username,
    )


def build_people(rng: random.Random, units: list[UnitSpec], total: int,
                 accounts: tuple[DemoAccount, ...] = ACCOUNTS) -> list[PersonSpec]:
    """`total` persons spread over `units` by quota. The holders of the demo logins come first in their unit,
    followed in 区委编办 by one 预备党员 (the office's branch needs one to show that they have no vote)."""
    by_key = {u.key: u for u in units}
    holders = [a for a in accounts if a.person_unit_key in by_key]
    minimum: dict[str, int] = {}
    for account in holders:
        key = str(account.person_unit_key)
        minimum[key] = minimum.get(key, 0) + 1
    if c.OFFICE_KEY in minimum:
        minimum[c.OFFICE_KEY] += 1
    counts = allocate(rng, units, total, minimum)

    draw = _Draw(rng)
    draw.names_taken.update(a.full_name for a in accounts)
    fixed = sum(minimum.get(u.key, 0) for u in units)
    regular_slots = max(sum(counts.values()) - fixed, 0)
    cases = dict(zip(sorted(rng.sample(range(regular_slots), min(len(RETIREMENT_CASES), regular_slots))),
                     RETIREMENT_CASES, strict=False))

    people: list[PersonSpec] = []
    slot = 0
    for unit in units:
        n = counts[unit.key]
        for account in (a for a in holders if a.person_unit_key == unit.key):
            people.append(_person(
                draw, unit, sex=account.sex, birth=draw.birth(PROFILES[unit.profile], year=account.birth_year),
                name=account.full_name, political_status=account.political_status, username=account.username,
            ))
            n -= 1
        if unit.key == c.OFFICE_KEY and n > 0:
            people.append(_person(draw, unit, political_status=PoliticalStatus.CPC_PROBATIONARY))
            n -= 1
        for _ in range(n):
            case = cases.get(slot)
            slot += 1
            if case is None:
                people.append(_person(draw, unit))
                continue
            target, category = case
            people.append(_person(draw, unit, sex=Sex.MALE if category == M60 else Sex.FEMALE,
                                  birth=birth_for_retirement(target, category), category=category))
    return people
