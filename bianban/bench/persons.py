"""Synthetic persons: valid, unique ID numbers, names, birth dates whose statutory retirement month is still
ahead, and the rows synth.py inserts for each person and their placement; plus the deliberate exceptions
defects.py picks (past retirement, a wrong check character, two persons sharing the first 17 digits)."""

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric

from bianban.bench import catalog as cat
from bianban.bench.defects import ApprovalPlan, wrong_check
from bianban.bench.plan import LinePlan
from bianban.core.validators import PROVINCE_PREFIXES
from bianban.people.choices import Education, PoliticalStatus, RetirementCategory, Sex
from bianban.people.retirement import retirement_month
from bianban.units.choices import QuotaKind, UnitKind

EDUCATION_WEIGHTS = ((Education.DOCTORATE, 2), (Education.MASTER, 14), (Education.BACHELOR, 58),
                     (Education.JUNIOR_COLLEGE, 18), (Education.SECONDARY_VOCATIONAL, 5), (Education.HIGH_SCHOOL, 3))
POLITICAL_WEIGHTS = ((PoliticalStatus.CPC_MEMBER, 46), (PoliticalStatus.CPC_PROBATIONARY, 2),
                     (PoliticalStatus.CYL_MEMBER, 8), (PoliticalStatus.DEMOCRATIC_PARTY, 2),
                     (PoliticalStatus.NON_PARTY, 2), (PoliticalStatus.MASSES, 40))


class PeopleMaker:
    """Persons with unique, valid ID numbers, drawn fast (a few dozen random numbers each).

    Ages are drawn relative to 1 January of `today`'s year, and everyone's retirement month is after the end
    of that year, so that a seed gives the same people all year long."""

    def __init__(self, rng: random.Random, *, province_code: int, cities: int, taken: set[int], today: date,
                 native_places: list[str]) -> None:
        self.rng = rng
        self.today = today
        self.reference = date(today.year, 1, 1)
        self.retire_after = date(today.year + 1, 1, 1)
        self.taken = taken  # the 17-digit bodies already used
        self.surnames = [s for s, w in cat.SURNAMES.items() for _ in range(w)]
        self.regions = [f"{province_code}{c:02d}{d:02d}" for c in range(1, max(cities, 1) + 1) for d in range(1, 13)]
        self.foreign = sorted(PROVINCE_PREFIXES - {province_code, 81, 82, 83})
        self.education = [e for e, w in EDUCATION_WEIGHTS for _ in range(w)]
        self.political = [p for p, w in POLITICAL_WEIGHTS for _ in range(w)]
        self.native_places = native_places
        self.oldest = self.reference.toordinal() - int(63 * 365.25)
        self.youngest = self.reference.toordinal() - int(22 * 365.25)
        self._retire: dict[tuple[int, int, str], date] = {}

    def birth(self, category: str) -> tuple[date, date]:
        """A birth date of someone aged 22 to 63 whose retirement month is after this year, and that month."""
        r = self.rng.random
        while True:
            born = date.fromordinal(self.oldest + int(r() * (self.youngest - self.oldest)))
            key = (born.year, born.month, category)
            month = self._retire.get(key)
            if month is None:
                month = self._retire[key] = retirement_month(born, category)
            if month >= self.retire_after:
                return born, month

    def retired_birth(self, category: str) -> tuple[date, date]:
        """A birth date whose retirement month lies in the three years before 1 January of this year (past
        for the whole year, whichever month the register is checked in), and that month."""
        r = self.rng.random
        earliest = date(self.reference.year - 3, 1, 1)
        low = self.reference.toordinal() - int(66 * 365.25)
        high = self.reference.toordinal() - int(47 * 365.25)
        while True:
            born = date.fromordinal(low + int(r() * (high - low)))
            month = retirement_month(born, category)
            if earliest <= month < self.reference:
                return born, month

    def id_number(self, born: date, male: bool) -> str:
        """GB 11643: region (6), birth date (8), sequence (3, odd for men), MOD 11-2 check character; unique in
        its first 17 digits."""
        r = self.rng.random
        while True:
            if r() < 0.1:  # born in another province
                region = f"{self.foreign[int(r() * len(self.foreign))]}{int(r() * 20) + 1:02d}{int(r() * 20) + 1:02d}"
            else:
                region = self.regions[int(r() * len(self.regions))]
            seq = int(r() * 500) * 2 + (1 if male else 0)
            body = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{seq:03d}"
            key = int(body)
            if key not in self.taken:
                self.taken.add(key)
                return body + ric.calc_check_digit(body + "0")

    def name(self, male: bool) -> str:
        r = self.rng.random
        chars = cat.GIVEN_MALE if male else cat.GIVEN_FEMALE
        given = chars[int(r() * len(chars))]
        if r() < 0.7:
            given += chars[int(r() * len(chars))]
        return self.surnames[int(r() * len(self.surnames))] + given

    def person(self, pk: int, *, male: bool, category: str, unit_id: int | None, stamp: Any,
               mark: str | None = None, twin_of: tuple | None = None) -> tuple[tuple, date]:
        """A row for PERSON_COLUMNS, and the date the person started work. `mark` "retired": past the
        retirement month; "bad_check": a wrong check character; `twin_of` (a row made before): the same first
        17 digits (so the same birth date, sex and retirement) with a wrong check character."""
        r = self.rng.random
        if twin_of is not None:
            born, category = date.fromisoformat(twin_of[4]), twin_of[10]
            retires = date.fromisoformat(twin_of[11])
        elif mark == "retired":
            born, retires = self.retired_birth(category)
        else:
            born, retires = self.birth(category)
        work = date(born.year + 18 + int(r() * 9), 7 if r() < 0.7 else 1 + int(r() * 12), 1)
        work = min(work, self.reference)
        ethnicity = "汉族" if r() < 0.92 else cat.ETHNIC_MINORITIES[int(r() * len(cat.ETHNIC_MINORITIES))]
        phone = f"1{int(r() * 9) + 30}{int(r() * 100_000_000):08d}" if r() < 0.8 else ""
        if twin_of is not None:
            number = twin_of[2][:17] + wrong_check(self.rng, twin_of[2][:17], twin_of[2][17])
        else:
            number = self.id_number(born, male)
            if mark == "bad_check":
                number = number[:17] + wrong_check(self.rng, number[:17], number[17])
        row = (pk, self.name(male), number, Sex.MALE if male else Sex.FEMALE, born.isoformat(),
               ethnicity, self.native_places[int(r() * len(self.native_places))],
               self.education[int(r() * len(self.education))], self.political[int(r() * len(self.political))],
               work.isoformat(), category, retires.isoformat(), unit_id, phone, "", stamp, stamp)
        return row, work


def retirement_category(male: bool, line_kind: str) -> str:
    """Men: 原60周岁; women on a 工勤 line: 原50周岁 (工人), other women: 原55周岁 (干部)."""
    if male:
        return RetirementCategory.MALE_60
    return RetirementCategory.FEMALE_50 if line_kind == QuotaKind.SERVICE_WORKER else RetirementCategory.FEMALE_55


PERSON_COLUMNS = ("id", "name", "id_number", "sex", "birth_date", "ethnicity", "native_place", "education",
                  "political_status", "work_started_on", "retirement_category", "retirement_month", "unit_id",
                  "phone", "note", "created_at", "updated_at")
PLACEMENT_COLUMNS = ("id", "person_id", "unit_id", "line_id", "on_quota", "division_id", "post_id", "title",
                     "approval_id", "started_on", "start_document_no", "over_quota_reason", "ended_on", "end_reason",
                     "end_document_no", "transferred_from_id", "created_at")


def people_rows(maker: PeopleMaker, lines: list[LinePlan], posts: dict[int, list[tuple[int, str]]], *,
                first_person: int, first_placement: int, stamp: Any, marks: dict[int, str] | None = None,
                twins: dict[int, int] | None = None,
                approvals: list[ApprovalPlan] = ()) -> Iterator[tuple[tuple, tuple]]:
    """(person row, placement row) for every occupied slot, line by line; the first placements of a unit's
    first line hold its leadership posts, the last ones of a line with a used 用编核准 cite it (and started
    between its issue and today). `marks` and `twins` (by person ordinal) as defects.Defects keeps them."""
    r = maker.rng.random
    marks, twins = marks or {}, twins or {}
    sources: dict[int, tuple] = {}  # the first person of each duplicate pair, once made
    uses = {a.line.pk: a for a in approvals if a.used}
    today = maker.today
    doc_counter: dict[tuple[str, int], int] = {}
    person_pk, placement_pk, ordinal = first_person, first_placement, 0
    seen_units: set[int] = set()
    for line in lines:
        unit = line.unit
        holders = posts.get(unit.pk, []) if unit.pk not in seen_units else []
        seen_units.add(unit.pk)
        approval = uses.get(line.pk)
        cited_from = line.occupied - approval.used if approval else line.occupied
        for i in range(line.occupied):
            mark = marks.get(ordinal)
            twin_of = sources[twins[ordinal]] if mark == "twin" else None
            male = r() < (0.58 if unit.kind != UnitKind.INSTITUTION else 0.42)
            if twin_of is not None:
                male = twin_of[3] == Sex.MALE
            person, work = maker.person(person_pk, male=male, category=retirement_category(male, line.kind),
                                        unit_id=unit.pk, stamp=stamp, mark=mark, twin_of=twin_of)
            if mark == "source":
                sources[ordinal] = person
            started = max(work, unit.established_on)  # 入编 under the line's 核定 (SET), never before it
            approval_id = None
            if i >= cited_from:
                last = min(approval.valid_until, today)
                started = approval.issued_on + timedelta(days=int(r() * ((last - approval.issued_on).days + 1)))
                approval_id = approval.pk
            n = doc_counter.get((unit.abbr, started.year), 0) + 1
            doc_counter[(unit.abbr, started.year)] = n
            post_id, title = holders[i] if i < len(holders) else (None, "")
            yield person, (placement_pk, person_pk, unit.pk, line.pk, True, None, post_id, title, approval_id,
                           started.isoformat(), f"{unit.abbr}入〔{started.year}〕{n}号", "", None, "", "", None, stamp)
            person_pk += 1
            placement_pk += 1
            ordinal += 1


def unplaced_rows(maker: PeopleMaker, *, count: int, first_person: int, stamp: Any) -> Iterator[tuple]:
    """Persons with no unit and no placement yet (new recruits for the 入编 benchmarks)."""
    r = maker.rng.random
    for pk in range(first_person, first_person + count):
        male = r() < 0.5
        category = RetirementCategory.MALE_60 if male else RetirementCategory.FEMALE_55
        yield maker.person(pk, male=male, category=category, unit_id=None, stamp=stamp)[0]
