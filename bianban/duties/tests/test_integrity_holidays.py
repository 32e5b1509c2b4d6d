from datetime import date

import pytest

from bianban.core.services import workday_override_set
from bianban.duties.integrity.holidays import holiday_dates, subtract_workdays

pytestmark = pytest.mark.django_db


def _dates(year: int) -> dict[str, date]:
    return {h.name: h.on for h in holiday_dates(year).dates}


def test_2023_key_dates_are_the_first_days_off_with_mid_autumn_and_national_day_merged() -> None:
    assert _dates(2023) == {
        "元旦": date(2022, 12, 31),  # the 2023 元旦 period runs 2022-12-31 – 2023-01-02
        "春节": date(2023, 1, 21),  # 除夕, the day before the festival, starts the period
        "清明": date(2023, 4, 5),
        "五一": date(2023, 4, 29),
        "端午": date(2023, 6, 22),
        "中秋、国庆": date(2023, 9, 29),  # one period 9/29–10/6
    }
    merged = next(h for h in holiday_dates(2023).dates if h.name == "中秋、国庆")
    assert merged.ends_on == date(2023, 10, 6)  # 10/7 and 10/8 are make-up working days, not days off


def test_2025_and_2026_key_dates_match_the_state_council_notices() -> None:
    assert _dates(2025) == {"元旦": date(2025, 1, 1), "春节": date(2025, 1, 28), "清明": date(2025, 4, 4),
                            "五一": date(2025, 5, 1), "端午": date(2025, 5, 31), "中秋、国庆": date(2025, 10, 1)}
    assert _dates(2026) == {"元旦": date(2026, 1, 1), "春节": date(2026, 2, 15), "清明": date(2026, 4, 4),
                            "五一": date(2026, 5, 1), "端午": date(2026, 6, 19), "中秋": date(2026, 9, 25),
                            "国庆": date(2026, 10, 1)}


def test_a_new_year_period_starting_in_december_belongs_to_the_next_year() -> None:
    assert date(2023, 12, 30) not in _dates(2023).values()
    assert _dates(2024)["元旦"] == date(2023, 12, 30)


def test_a_year_the_package_lacks_knows_only_the_fixed_festivals_and_says_which_are_missing() -> None:
    holidays = holiday_dates(2027)
    assert not holidays.covered
    assert _dates(2027) == {"元旦": date(2027, 1, 1), "五一": date(2027, 5, 1), "国庆": date(2027, 10, 1)}
    assert holidays.missing == ["春节", "清明", "端午", "中秋"]
    assert "春节、清明、端午、中秋的日期无法自动计算，可作为自定义节点录入" in holidays.missing_note


def test_counting_back_skips_weekends() -> None:
    # Friday 2023-09-29 less 5 working days: Thu 28, Wed 27, Tue 26, Mon 25, Fri 22.
    assert subtract_workdays(date(2023, 9, 29), 5) == date(2023, 9, 22)
    assert subtract_workdays(date(2023, 9, 29), 0) == date(2023, 9, 29)


def test_counting_back_skips_holidays_and_counts_make_up_working_days() -> None:
    # Monday 2023-10-09 less 1: Sunday 10/8 is a make-up working day.
    assert subtract_workdays(date(2023, 10, 9), 1) == date(2023, 10, 8)
    # Monday 2023-10-09 less 3: 10/8, 10/7 (make-up), then back over the holiday to Thursday 9/28.
    assert subtract_workdays(date(2023, 10, 9), 3) == date(2023, 9, 28)


def test_counting_back_honours_the_offices_overrides() -> None:
    workday_override_set(actor=None, day=date(2023, 9, 28), is_workday=False, note="测试")
    assert subtract_workdays(date(2023, 9, 29), 1) == date(2023, 9, 27)


def test_a_negative_lead_is_refused() -> None:
    with pytest.raises(ValueError):
        subtract_workdays(date(2023, 9, 29), -1)
