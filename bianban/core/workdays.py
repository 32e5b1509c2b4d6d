"""The working-day calendar: Chinese public holidays and make-up workdays, with the office's overrides.

Legal deadlines (事业单位登记, 问题整改) count working days. chinese-calendar covers only the years the State
Council has announced; outside them a date falls back to Monday–Friday, and `is_covered()` says so, so the UI
can warn that the year's holiday notice has not been entered yet.
"""

from datetime import date, timedelta

import chinese_calendar

from bianban.core.models import WorkdayOverride


def is_covered(year: int) -> bool:
    """True when the holiday package knows this year's official schedule."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _package_says(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


class WorkdayCalendar:
    """Answers working-day questions over a range, reading the override table once."""

    def __init__(self, start: date, end: date) -> None:
        self._overrides = dict(
            WorkdayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
        )
        self.start, self.end = start, end

    def is_workday(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        return _package_says(day)


def is_workday(day: date) -> bool:
    return WorkdayCalendar(day, day).is_workday(day)


def add_workdays(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted), as deadlines are counted:
    '自受理之日起N个工作日内' ends on the Nth working day after the day of acceptance."""
    if days < 0:
        raise ValueError("days must be non-negative")
    # A year of holidays never holds more than ~120 days off, so twice the span plus a margin is enough.
    cal = WorkdayCalendar(start, start + timedelta(days=days * 2 + 40))
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if cal.is_workday(day):
            counted += 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start)
    cal = WorkdayCalendar(start, end)
    return sum(1 for n in range(1, (end - start).days + 1) if cal.is_workday(start + timedelta(days=n)))
