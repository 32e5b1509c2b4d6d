"""The reminders of 事业单位登记: renewals from the 30-day window, annual reports from 1 March and when late, for the
office's staff over the institution and the institution's liaisons."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.duties.models import Reminder
from bianban.duties.reminders.services import reminders_refresh
from bianban.registration.due import KIND, due
from bianban.registration.rules import last_due_year
from bianban.registration.tests.r4_helpers import register, report

pytestmark = pytest.mark.django_db


def issued_for_expiry(valid_until: date) -> date:
    start = valid_until + timedelta(days=1)
    return start.replace(year=start.year - 5)


def reminded(on: date | None = None) -> dict[str, set[str]]:
    """Key → usernames."""
    from django.contrib.auth import get_user_model

    names = dict(get_user_model().objects.values_list("pk", "username"))
    return {d.key: {names[u] for u in d.user_ids} for d in due(on or timezone.localdate(), 14)}


@pytest.fixture
def people(admin: Any, staff: Any, liaison: Any, secretary: Any, outsider: Any) -> None:
    """Everyone with an account: only the first three hold rights over institutions' registration work."""


def test_a_certificate_is_reminded_once_its_renewal_window_opens(district: Any, people: None) -> None:
    today = timezone.localdate()
    school = register(district.school, certified_on=issued_for_expiry(today + timedelta(days=25)))
    hospital = register(district.hospital, certified_on=issued_for_expiry(today + timedelta(days=40)))
    for reg in (school, hospital):
        report(reg, last_due_year(today))
    found = reminded()
    cert = school.certificates.get()
    assert found == {f"registration:renewal:{cert.pk}": {"alice", "bob", "charlie"}}
    [item] = due(today, 14)
    assert item.kind == KIND and item.due_on == cert.valid_until and "请于到期前30日内申请换领" in item.title
    assert item.url == f"/registration/{school.pk}/"
    assert hospital.certificates.get().pk not in [int(k.rsplit(":", 1)[1]) for k in found]


def test_the_hospital_is_not_the_education_liaisons_business(district: Any, people: None) -> None:
    today = timezone.localdate()
    register(district.hospital, certified_on=issued_for_expiry(today - timedelta(days=1)))  # expired yesterday
    found = reminded()
    assert len(found) == 2  # the expired certificate and the late report
    assert all(users == {"alice", "bob"} for users in found.values())


def test_annual_reports_are_reminded_from_1_march_and_when_late(district: Any, people: None) -> None:
    year = timezone.localdate().year + 1  # a coming spring: the current year's report is the one due
    school, hospital = register(district.school), register(district.hospital)
    for reg in (school, hospital):
        report(reg, year - 2)
    report(school, year - 1)
    assert reminded(date(year, 2, 28)) == {}
    assert reminded(date(year, 3, 1)) == {f"registration:annual:{hospital.pk}:{year - 1}": {"alice", "bob"}}
    [item] = due(date(year, 3, 1), 14)
    assert item.due_on == date(year, 3, 31)
    assert item.title.endswith(f"{year - 1}年度报告尚未报送（报送期限 {year}-03-31）")
    [late] = due(date(year, 4, 1), 14)
    assert late.key == item.key and "逾期未报" in late.title


def test_the_daily_refresh_puts_them_on_the_lists(district: Any, people: None, settings: Any) -> None:
    settings.BIANBAN = {**settings.BIANBAN, "REMINDERS": {**settings.BIANBAN["REMINDERS"],
                                                          "SOURCES": ["bianban.registration.due.due"]}}
    register(district.school, certified_on=issued_for_expiry(timezone.localdate() + timedelta(days=5)))
    report(district.school.registration, last_due_year(timezone.localdate()))
    result = reminders_refresh()
    assert result.created == 3 and not result.failed
    assert set(Reminder.objects.values_list("user__username", "kind")) == {("alice", KIND), ("bob", KIND),
                                                                            ("charlie", KIND)}
