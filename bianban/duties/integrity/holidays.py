"""The year's holiday key dates (元旦, 春节, 清明, 五一, 端午, 中秋, 国庆) from the chinese-calendar package, and
counting working days backwards to the day a key date's reminder is due.

A key date is the FIRST DAY OF AN OFFICIAL HOLIDAY PERIOD (放假起始日), not the festival itself: the 廉政提醒 must reach
people before they go on leave. 2023's 春节 is 1月22日 but its period starts 2023-01-21.

Three details of the package's data, each handled here:
- make-up working days (调休上班, e.g. 2023-10-07) carry the holiday's name too, so only days off count;
- a period can hold two festivals: 2023's 中秋 (9/29) and 国庆 merge into one period 9/29–10/6, as do 2025's.
  Such a period is one key date named "中秋、国庆" (the names in the order of HOLIDAY_NAMES). The names are those
  the package gives the days: it labels 2020's merged period (10/1–10/8) "National Day" only, so that one is "国庆";
- 元旦's period can start in December (2023's runs 2022-12-31 – 2023-01-02). A period belongs to the year in which it
  ENDS, so 2023's 元旦 key date is on 2022-12-31 and the 2024 period starting 2023-12-30 is not one of 2023's.

The package covers only the years the State Council has announced (up to 2026 in version 1.11). For a later year only
the fixed-date festivals are known — 元旦 1/1, 五一 5/1, 国庆 10/1, on the festival itself since the period is not
yet announced — and the lunar ones (春节, 清明, 端午, 中秋) are reported as not computable: the secretary enters them as
custom key dates once the notice is out.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import Holiday

from bianban.core.workdays import WorkdayCalendar, is_covered

# The seven festivals of the integrity reminders, in calendar order (the order a merged period is named in).
HOLIDAY_NAMES: dict[Holiday, str] = {
    Holiday.new_years_day: "元旦",
    Holiday.spring_festival: "春节",
    Holiday.tomb_sweeping_day: "清明",
    Holiday.labour_day: "五一",
    Holiday.dragon_boat_festival: "端午",
    Holiday.mid_autumn_festival: "中秋",
    Holiday.national_day: "国庆",
}
_BY_VALUE = {h.value: name for h, name in HOLIDAY_NAMES.items()}
_ORDER = list(HOLIDAY_NAMES.values())
# Festivals on a fixed solar date, known even before the year's notice.
FIXED_DATES: dict[str, tuple[int, int]] = {"元旦": (1, 1), "五一": (5, 1), "国庆": (10, 1)}


@dataclass(frozen=True)
class HolidayDate:
    name: str  # "春节", or "中秋、国庆" for a merged period
    on: date  # the first day off
    ends_on: date  # the last day off (== on where only the festival itself is known)


@dataclass(frozen=True)
class YearHolidays:
    year: int
    covered: bool  # the package knows the year's official schedule
    dates: list[HolidayDate]
    missing: list[str] = field(default_factory=list)  # festivals that cannot be computed for the year

    @property
    def missing_note(self) -> str:
        if not self.missing:
            return ""
        return (f"{self.year}年国务院放假安排尚未收录，{'、'.join(self.missing)}的日期无法自动计算，"
                "可作为自定义节点录入")


def _day_off_name(day: date) -> str | None:
    """The festival name of a day off, None for working days, plain weekends and other holidays."""
    try:
        off, detail = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return _BY_VALUE.get(detail) if off else None


def holiday_dates(year: int) -> YearHolidays:
    """The first day of each official holiday period of `year` (see the module docstring)."""
    if not is_covered(year):
        dates = [HolidayDate(name=name, on=date(year, m, d), ends_on=date(year, m, d))
                 for name, (m, d) in FIXED_DATES.items()]
        return YearHolidays(year=year, covered=False, dates=dates,
                            missing=[n for n in _ORDER if n not in FIXED_DATES])
    # From mid-December of the year before (元旦's period may begin there) into January of the next (to see where
    # a period starting in late December ends, and so which year it belongs to).
    day, end = date(year - 1, 12, 15), date(year + 1, 1, 15)
    periods: list[tuple[date, date, set[str]]] = []
    while day <= end:
        name = _day_off_name(day)
        if name is not None:
            if periods and periods[-1][1] == day - timedelta(days=1):
                start, _, names = periods[-1]
                periods[-1] = (start, day, names | {name})
            else:
                periods.append((day, day, {name}))
        day += timedelta(days=1)
    dates = [HolidayDate(name="、".join(n for n in _ORDER if n in names), on=start, ends_on=last)
             for start, last, names in periods if last.year == year]
    return YearHolidays(year=year, covered=True, dates=dates)


def subtract_workdays(on: date, days: int) -> date:
    """The date `days` working days before `on` (`on` itself not counted): the mirror of core.workdays.add_workdays.
    5 working days before Friday 2023-09-29 (中秋、国庆) is Friday 2023-09-22. 0 gives `on` itself."""
    if days < 0:
        raise ValueError("days must be non-negative")
    # The longest run of days off is ~10 (春节 with two weekends), so twice the span plus a margin is enough.
    cal = WorkdayCalendar(on - timedelta(days=days * 2 + 40), on)
    day, counted = on, 0
    while counted < days:
        day -= timedelta(days=1)
        if cal.is_workday(day):
            counted += 1
    return day
