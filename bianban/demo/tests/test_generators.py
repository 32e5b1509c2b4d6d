"""The demo generators on their own, without the database: deterministic, valid and plausible."""

import random
from collections import Counter, defaultdict
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from bianban.core.validators import parse_id_number, parse_uscc
from bianban.demo import catalog as c
from bianban.demo import names
from bianban.demo.loader import FULL_PEOPLE, DemoPlan, plan_demo
from bianban.demo.people import AS_OF, RETIREMENT_CASES, SAFE_RETIREMENT, birth_for_retirement
from bianban.demo.tree import select_units
from bianban.people.choices import PoliticalStatus, RetirementCategory, Sex
from bianban.people.retirement import retirement_month
from bianban.units.choices import USCC_PREFIXES, Funding, InstitutionClass, QuotaKind, UnitKind


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return plan_demo()


def test_the_same_seed_gives_the_same_district(plan: DemoPlan) -> None:
    again = plan_demo()
    assert again.units == plan.units
    assert again.people == plan.people


def test_another_seed_gives_another_district(plan: DemoPlan) -> None:
    other = plan_demo(seed=1)
    assert [u.name for u in other.units] == [u.name for u in plan.units]  # the same institutions
    assert [u.uscc for u in other.units] != [u.uscc for u in plan.units]
    assert [p.id_number for p in other.people] != [p.id_number for p in plan.people]


def test_the_district_has_about_120_units_and_3000_people(plan: DemoPlan) -> None:
    assert 110 <= len(plan.units) <= 140
    assert len(plan.people) == FULL_PEOPLE
    kinds = Counter(u.kind for u in plan.units)
    assert set(kinds) == set(UnitKind.values)
    assert sum(1 for u in plan.units if u.system_category == "street" and u.parent_key is None) == 8


def test_every_id_number_is_valid_and_agrees_with_sex_and_birth_date(plan: DemoPlan) -> None:
    for person in plan.people:
        number = person.id_number
        assert len(number) == 18
        assert ric.calc_check_digit(number) == number[-1], number
        parsed = parse_id_number(number, today=AS_OF)
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex


def test_id_numbers_and_names_are_unique(plan: DemoPlan) -> None:
    assert len({p.id_number for p in plan.people}) == len(plan.people)
    assert len({p.name for p in plan.people}) == len(plan.people)


def test_most_people_come_from_hangzhou(plan: DemoPlan) -> None:
    local = sum(p.id_number.startswith("3301") for p in plan.people)
    other_provinces = sum(not p.id_number.startswith("33") for p in plan.people)
    assert local / len(plan.people) > 0.6
    assert other_provinces > 50


def test_every_credit_code_is_valid_except_the_one_early_pilot_code(plan: DemoPlan) -> None:
    failing = []
    for unit in plan.units:
        code = parse_uscc(unit.uscc)
        assert code.code[:2] in USCC_PREFIXES[unit.kind], unit.name
        assert code.code[2:8] == c.REGION
        assert names.org_check_char(code.code[8:16]) == code.code[16], unit.name
        if not code.checksum_ok:
            failing.append(unit)
    assert [u.key for u in failing] == [c.FAILING_USCC_KEY]
    assert failing[0].uscc_checksum_reason == c.FAILING_USCC_REASON
    assert all(u.uscc_checksum_reason == "" for u in plan.units if u.key != c.FAILING_USCC_KEY)
    assert len({u.uscc for u in plan.units}) == len(plan.units)


def test_the_organisation_code_check_follows_gb_11714() -> None:
    assert names.org_check_char("D2143569") == "X"  # the standard's own example


def test_credit_codes_are_built_with_the_gb_32100_check_character() -> None:
    code = names.credit_code(random.Random(5), prefix="12", region=c.REGION, taken=set())
    assert uscc.is_valid(code)
    broken = names.break_check_char(code)
    assert broken[:17] == code[:17] and not uscc.is_valid(broken)


def test_unit_names_are_unique_within_their_parent_and_parents_come_first(plan: DemoPlan) -> None:
    seen: set[str] = set()
    names_by_parent: dict[str | None, list[str]] = defaultdict(list)
    for unit in plan.units:
        assert unit.parent_key is None or unit.parent_key in seen
        seen.add(unit.key)
        names_by_parent[unit.parent_key].append(unit.name)
    for siblings in names_by_parent.values():
        assert len(siblings) == len(set(siblings))


def test_organs_have_2_to_6_divisions_named_in_their_charter(plan: DemoPlan) -> None:
    for unit in plan.units:
        division_names = [d.name for d in unit.divisions]
        assert len(division_names) == len(set(division_names))
        assert [d["name"] for d in unit.charter.divisions] == division_names
        if unit.kind == UnitKind.ORGAN:
            assert 2 <= len(division_names) <= 6, unit.name
    with_divisions = [u for u in plan.units if u.kind == UnitKind.INSTITUTION and u.divisions]
    assert len(with_divisions) > sum(1 for u in plan.units if u.kind == UnitKind.INSTITUTION) / 2


def test_charters_are_dated_and_numbered_like_documents_of_the_office(plan: DemoPlan) -> None:
    numbers = [u.charter.document_no for u in plan.units]
    assert len(set(numbers)) == len(numbers)
    for unit in plan.units:
        charter = unit.charter
        assert charter.document_no.startswith(f"示编〔{charter.issued_on.year}〕")
        assert unit.established_on <= charter.issued_on <= charter.effective_on <= AS_OF
        assert charter.functions.startswith("（一）")
        assert charter.posts[0] == {"level": "unit", "principal": 1, "deputy": charter.posts[0]["deputy"]}
        assert 1 <= charter.posts[0]["deputy"] <= 3


def test_quota_lines_follow_the_kind_and_class_of_the_unit(plan: DemoPlan) -> None:
    expected_funding = {InstitutionClass.PUBLIC_1: {Funding.FULL}, InstitutionClass.PUBLIC_2: {Funding.PARTIAL,
                        Funding.FULL}, InstitutionClass.BUSINESS: {Funding.SELF},
                        InstitutionClass.ADMINISTRATIVE: {Funding.FULL}}
    for unit in plan.units:
        lines = unit.charter.quota
        assert lines and all(line["count"] >= 0 for line in lines)
        if unit.kind in (UnitKind.ORGAN, UnitKind.MASS_ORG):
            assert {line["funding"] for line in lines} == {Funding.NONE}
            assert lines[0]["kind"] in (QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL)
        else:
            assert {line["kind"] for line in lines} == {QuotaKind.INSTITUTION}
            assert {line["funding"] for line in lines} <= expected_funding[unit.institution_class], unit.name
    police = next(u for u in plan.units if u.key == "police")
    assert police.charter.quota[0]["kind"] == QuotaKind.POLITICAL_LEGAL


def test_people_fill_their_units_a_little_under_quota(plan: DemoPlan) -> None:
    counts = Counter(p.unit_key for p in plan.people)
    quota = {u.key: u.quota_total for u in plan.units}
    assert all(counts[k] <= quota[k] for k in quota)
    under = sum(1 for k in quota if 0.7 * quota[k] <= counts[k] < quota[k])
    assert under >= 0.8 * len(quota)
    assert 0.8 < len(plan.people) / sum(quota.values()) < 0.95


def test_a_handful_of_people_are_at_or_past_their_retirement_month(plan: DemoPlan) -> None:
    months = sorted(retirement_month(p.birth_date, p.retirement_category) for p in plan.people)
    due = [m for m in months if m <= AS_OF]
    assert due == sorted(m for m, _ in RETIREMENT_CASES if m <= AS_OF)
    assert 5 <= len(due) <= 10
    upcoming = [m for m in months if AS_OF < m < SAFE_RETIREMENT]
    assert upcoming == sorted(m for m, _ in RETIREMENT_CASES if m > AS_OF)


def test_every_retirement_case_has_a_birth_month() -> None:
    for target, category in RETIREMENT_CASES:
        birth = birth_for_retirement(target, category)
        assert birth is not None and retirement_month(birth, category) == target


def test_people_are_plausible_for_where_they_work(plan: DemoPlan) -> None:
    profile = {u.key: u.profile for u in plan.units}
    kind = {u.key: u.kind for u in plan.units}

    def share(rows: list, test: object) -> float:
        return sum(1 for p in rows if test(p)) / len(rows)  # type: ignore[operator]

    schools = [p for p in plan.people if profile[p.unit_key] == c.SCHOOL]
    police = [p for p in plan.people if p.unit_key == "police"]
    organs = [p for p in plan.people if kind[p.unit_key] == UnitKind.ORGAN]
    others = [p for p in plan.people if kind[p.unit_key] != UnitKind.ORGAN]
    assert share(schools, lambda p: p.sex == Sex.FEMALE) > 0.6 > share(police, lambda p: p.sex == Sex.FEMALE)
    party = {PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY}
    assert 0.28 < share(organs, lambda p: p.political_status in party) < 0.45
    assert share(others, lambda p: p.political_status in party) < share(organs, lambda p: p.political_status in party)
    assert any(p.political_status == PoliticalStatus.CPC_PROBATIONARY for p in plan.people)
    assert 0.9 < share(plan.people, lambda p: p.ethnicity == "汉族") < 1
    for p in plan.people:
        assert date(1962, 1, 1) <= p.birth_date <= date(2002, 12, 31)
        start_age = p.work_started_on.year - p.birth_date.year
        assert 17 <= start_age <= 30, p
        if p.sex == Sex.MALE:
            assert p.retirement_category == RetirementCategory.MALE_60
        else:
            assert p.retirement_category in (RetirementCategory.FEMALE_55, RetirementCategory.FEMALE_50)
    assert any(p.retirement_category == RetirementCategory.FEMALE_50 for p in plan.people)


def test_the_holders_of_demo_logins_work_in_the_office(plan: DemoPlan) -> None:
    holders = {p.username: p for p in plan.people if p.username}
    assert holders["shuji"].unit_key == c.OFFICE_KEY
    assert holders["liaison_edu"].unit_key == c.EDUCATION_KEY
    assert "admin" not in holders
    office = [p for p in plan.people if p.unit_key == c.OFFICE_KEY]
    assert any(p.political_status == PoliticalStatus.CPC_PROBATIONARY for p in office)


def test_a_small_selection_keeps_parents_and_the_office_and_education_bureau(plan: DemoPlan) -> None:
    small = select_units(plan.units, 10)
    keys = {u.key for u in small}
    assert len(small) == 10
    assert {c.OFFICE_KEY, c.EDUCATION_KEY} <= keys
    assert all(u.parent_key is None or u.parent_key in keys for u in small)
    small_plan = plan_demo(units_limit=10, people=60)
    assert len(small_plan.people) == 60
    assert {p.unit_key for p in small_plan.people} <= keys


def test_too_small_a_selection_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        plan_demo(units_limit=2)
