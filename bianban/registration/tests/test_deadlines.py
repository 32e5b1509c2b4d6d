from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bianban.registration import deadlines


@pytest.mark.django_db
def test_a_change_on_20_september_2024_is_filed_by_6_november_across_国庆_and_its_make_up_days() -> None:
    # 国庆 2024: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
    assert deadlines.change_filing_due(date(2024, 9, 20)) == date(2024, 11, 6)


@pytest.mark.django_db
def test_the_authority_decides_within_30_working_days_of_acceptance() -> None:
    # 春节 2024: 10–17 February off, Sundays 4 and 18 February worked.
    assert deadlines.decision_due(date(2024, 2, 1)) == date(2024, 3, 19)


@pytest.mark.django_db
def test_cancellation_is_applied_for_within_15_working_days_after_liquidation() -> None:
    assert deadlines.cancel_filing_due(date(2024, 9, 27)) == date(2024, 10, 23)


@pytest.mark.django_db
def test_an_office_override_moves_the_deadline() -> None:
    from bianban.core.models import WorkdayOverride

    WorkdayOverride.objects.create(date=date(2024, 10, 23), is_workday=False)
    assert deadlines.cancel_filing_due(date(2024, 9, 27)) == date(2024, 10, 24)


@pytest.mark.django_db
def test_the_numbers_come_from_the_settings(settings: Any) -> None:
    settings.BIANBAN = {**settings.BIANBAN,
                        "REGISTRATION": {**settings.BIANBAN["REGISTRATION"], "CHANGE_FILING_WORKDAYS": 1}}
    assert deadlines.change_filing_due(date(2024, 9, 30)) == date(2024, 10, 8)


def test_renewal_falls_in_the_30_days_before_expiry() -> None:
    assert deadlines.renewal_window(date(2025, 3, 31)) == (date(2025, 3, 1), date(2025, 3, 31))


def test_the_annual_report_is_due_on_31_march_of_the_next_year() -> None:
    assert deadlines.annual_report_due(2024) == date(2025, 3, 31)


@pytest.mark.parametrize(("old", "new", "needed"), [
    ("100", "120", False), ("100", "80", False), ("100", "120.01", True), ("100", "79.99", True),
    (Decimal("1200.50"), "1500", True), ("0", "1", True), ("0", "0", False),
])
def test_only_a_capital_change_over_twenty_percent_needs_a_filing(old: Any, new: Any, needed: bool) -> None:
    assert deadlines.capital_change_needs_filing(old, new) is needed
