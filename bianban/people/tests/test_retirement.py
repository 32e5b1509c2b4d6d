"""The 2025 retirement schedule (domain.md §5): every worked example of §5.4, and the schedule's invariants."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianban.people.choices import RetirementCategory, Sex
from bianban.people.retirement import (
    SCHEDULES,
    default_category,
    retirement_age,
    retirement_delay_months,
    retirement_month,
)

M, F55, F50 = RetirementCategory.MALE_60, RetirementCategory.FEMALE_55, RetirementCategory.FEMALE_50

# domain.md §5.4, every row: (category, birth YYYY-MM, delay months, (age years, months), retirement YYYY-MM)
TABLE = [
    (M, "1963-12", 0, (60, 0), "2023-12"),
    (M, "1964-02", 0, (60, 0), "2024-02"),
    (M, "1964-12", 0, (60, 0), "2024-12"),
    (M, "1965-01", 1, (60, 1), "2025-02"),
    (M, "1965-04", 1, (60, 1), "2025-05"),
    (M, "1965-05", 2, (60, 2), "2025-07"),
    (M, "1965-12", 3, (60, 3), "2026-03"),
    (M, "1970-06", 17, (61, 5), "2031-11"),
    (M, "1976-08", 35, (62, 11), "2039-07"),
    (M, "1976-09", 36, (63, 0), "2039-09"),
    (M, "1995-12", 36, (63, 0), "2058-12"),
    (M, "2000-12", 36, (63, 0), "2063-12"),
    (F55, "1963-04", 0, (55, 0), "2018-04"),
    (F55, "1969-12", 0, (55, 0), "2024-12"),
    (F55, "1970-01", 1, (55, 1), "2025-02"),
    (F55, "1971-04", 4, (55, 4), "2026-08"),
    (F55, "1975-03", 16, (56, 4), "2031-07"),
    (F55, "1981-08", 35, (57, 11), "2039-07"),
    (F55, "1981-09", 36, (58, 0), "2039-09"),
    (F55, "2000-12", 36, (58, 0), "2058-12"),
    (F50, "1974-12", 0, (50, 0), "2024-12"),
    (F50, "1975-01", 1, (50, 1), "2025-02"),
    (F50, "1975-02", 1, (50, 1), "2025-03"),
    (F50, "1975-03", 2, (50, 2), "2025-05"),
    (F50, "1980-01", 31, (52, 7), "2032-08"),
    (F50, "1984-10", 59, (54, 11), "2039-09"),
    (F50, "1984-11", 60, (55, 0), "2039-11"),
    (F50, "1995-12", 60, (55, 0), "2050-12"),
]


def _month(text: str, day: int = 1) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), day)


@pytest.mark.parametrize(("category", "birth", "delay", "age", "retires"), TABLE)
def test_it_matches_the_worked_examples(category: str, birth: str, delay: int, age: tuple[int, int], retires: str):
    for day in (1, 28):  # the day of birth is ignored
        born = _month(birth, day)
        assert retirement_delay_months(born, category) == delay
        assert retirement_age(born, category) == age
        assert retirement_month(born, category) == _month(retires)


def test_no_female_50_cohort_retires_in_october_2039():
    months = {retirement_month(_month(f"{y}-{m:02d}"), F50) for y in (1984, 1985) for m in range(1, 13)}
    assert date(2039, 10, 1) not in months


def test_men_default_to_60_and_women_to_55():
    assert default_category(Sex.MALE) == M
    assert default_category(Sex.FEMALE) == F55


def test_it_refuses_an_unknown_category():
    with pytest.raises(ValueError, match="unknown retirement category"):
        retirement_month(date(1970, 1, 1), "FEMALE_45")


births = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))
categories = st.sampled_from([M, F55, F50])


def _months(day: date) -> int:
    return day.year * 12 + day.month - 1


@given(categories, births, births)
def test_later_births_never_retire_earlier(category: str, a: date, b: date):
    earlier, later = sorted((a, b))
    assert retirement_month(earlier, category) <= retirement_month(later, category)
    assert retirement_delay_months(earlier, category) <= retirement_delay_months(later, category)


@given(categories, births)
def test_the_age_never_falls_below_the_old_age_nor_passes_the_cap(category: str, birth: date):
    schedule = SCHEDULES[category]
    years, months = retirement_age(birth, category)
    total = years * 12 + months
    assert schedule.original_age * 12 <= total <= schedule.original_age * 12 + schedule.max_delay
    assert 0 <= retirement_delay_months(birth, category) <= schedule.max_delay
    assert (years, months) <= {M: (63, 0), F55: (58, 0), F50: (55, 0)}[category]


@given(categories, births)
def test_retirement_month_minus_birth_month_is_the_age(category: str, birth: date):
    years, months = retirement_age(birth, category)
    retires = retirement_month(birth, category)
    assert retires.day == 1
    assert _months(retires) - _months(birth) == years * 12 + months


@given(categories, births)
def test_consecutive_birth_months_differ_by_at_most_one_month_of_delay(category: str, birth: date):
    following = date(birth.year + (birth.month == 12), birth.month % 12 + 1, 1)
    step = retirement_delay_months(following, category) - retirement_delay_months(birth, category)
    assert step in (0, 1)
