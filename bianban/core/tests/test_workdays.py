"""Working days: the 2026 National Day holiday, make-up days, overrides and the fallback outside the package."""

from datetime import date

import pytest

from bianban.core import services
from bianban.core.models import AuditEvent
from bianban.core.workdays import add_workdays, is_covered, is_workday, workdays_between

pytestmark = pytest.mark.django_db


def test_national_day_is_not_a_working_day():
    assert not is_workday(date(2026, 10, 1))


def test_an_ordinary_wednesday_is_a_working_day():
    assert is_workday(date(2026, 11, 25))


def test_a_make_up_saturday_is_a_working_day():
    # 2025-09-28 (Sunday) was worked to bridge the 2025 National Day and Mid-Autumn holiday.
    assert is_workday(date(2025, 9, 28))


def test_deadlines_skip_the_holiday_week():
    # Accepted on 2026-09-30 (Wednesday): five working days later lands after the 10-01…10-07 holiday.
    assert add_workdays(date(2026, 9, 30), 5) > date(2026, 10, 7)
    assert workdays_between(date(2026, 9, 30), add_workdays(date(2026, 9, 30), 5)) == 5


def test_years_the_package_does_not_know_fall_back_to_weekdays_and_say_so():
    assert not is_covered(2027)
    assert is_workday(date(2027, 1, 4))  # a Monday
    assert not is_workday(date(2027, 1, 2))  # a Saturday


def test_an_override_wins_over_the_package_and_is_audited(db):
    services.workday_override_set(actor=None, day=date(2027, 1, 1), is_workday=False, note="元旦")
    services.workday_override_set(actor=None, day=date(2027, 1, 2), is_workday=True, note="调休上班")
    assert not is_workday(date(2027, 1, 1))
    assert is_workday(date(2027, 1, 2))
    assert AuditEvent.objects.filter(action="workday_override.set").count() == 2


def test_workdays_between_is_antisymmetric():
    a, b = date(2026, 1, 5), date(2026, 3, 2)
    assert workdays_between(a, b) == -workdays_between(b, a)
