"""The 登记日历 lists what falls due and what is overdue for the user's institutions only, by date, with working
days, and filters by kind and range."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.workdays import add_workdays
from bianban.registration.calendar.agenda import ANNUAL, FILING, RENEWAL, agenda
from bianban.registration.choices import FilingKind, FilingStatus
from bianban.registration.models import Filing
from bianban.registration.rules import last_due_year
from bianban.registration.tests.r4_helpers import register, report
from bianban.units.models import Unit

pytestmark = pytest.mark.django_db
URL = "/registration/calendar/"


def issued_for_expiry(valid_until: date) -> date:
    """The issue date of a 5-year certificate valid until `valid_until`."""
    start = valid_until + timedelta(days=1)
    return start.replace(year=start.year - 5)


@pytest.fixture
def due(district: Any) -> Any:
    """区一中: certificate expiring in 10 days, report in. 区人民医院: certificate expired, report late."""
    today = timezone.localdate()
    school = register(district.school, certified_on=issued_for_expiry(today + timedelta(days=10)))
    report(school, last_due_year(today))
    register(district.hospital, certified_on=issued_for_expiry(today - timedelta(days=3)))
    return district


def units(entries: list) -> list[tuple[str, str]]:
    return [(e.unit_name, e.kind) for e in entries]


def test_the_agenda_is_sorted_by_date_overdue_first(due: Any) -> None:
    today = timezone.localdate()
    entries = agenda(today, today + timedelta(days=30))
    assert units(entries) == [("示例区人民医院", ANNUAL), ("示例区人民医院", RENEWAL), ("示例区第一中学", RENEWAL)]
    assert [e.overdue(today) for e in entries] == [True, True, False]
    assert entries[2].workdays(today) > 0 and entries[1].workdays(today) < 0


def test_the_agenda_keeps_to_the_given_units_and_range(due: Any) -> None:
    today = timezone.localdate()
    edu = Unit.objects.filter(path__startswith=due.edu.path)
    assert units(agenda(today, today + timedelta(days=30), units=edu)) == [("示例区第一中学", RENEWAL)]
    assert units(agenda(today, today + timedelta(days=5), units=edu)) == []
    assert units(agenda(today, today + timedelta(days=30), kinds=(ANNUAL,))) == [("示例区人民医院", ANNUAL)]


def test_staff_see_every_institution_with_working_days_and_links(due: Any, staff: Any, client_for: Any) -> None:
    page = client_for(staff).get(URL).content.decode()
    assert page.index("示例区人民医院") < page.index("示例区第一中学")
    assert "逾期" in page and "个工作日" in page and "已逾期 2" in page
    assert f'href="/registration/{due.school.registration.pk}/"' in page


def test_a_liaison_sees_only_the_institutions_of_their_unit(due: Any, liaison: Any, client_for: Any) -> None:
    page = client_for(liaison).get(URL).content.decode()
    assert "示例区第一中学" in page and "示例区人民医院" not in page


def test_it_filters_by_kind_and_range(due: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    renewals = client.get(URL, {"kind": RENEWAL}).content.decode()
    assert renewals.count('data-kind="renewal"') == 2 and 'data-kind="annual"' not in renewals
    week = client.get(URL, {"days": 7}).content.decode()
    assert "示例区第一中学" not in week and week.count('data-kind=') == 2  # the overdue ones stay
    odd = client.get(URL, {"kind": "nonsense", "days": "abc"}).content.decode()
    assert odd.count('data-kind=') == 3


def test_htmx_gets_the_results_only(due: Any, staff: Any, client_for: Any) -> None:
    body = client_for(staff).get(URL, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="calendar-results"' in body and "<html" not in body


def test_users_without_the_register_get_404(due: Any, outsider: Any, client_for: Any) -> None:
    assert client_for(outsider).get(URL).status_code == 404


def test_a_filing_under_review_is_due_on_its_decision_deadline(due: Any, staff: Any, client_for: Any) -> None:
    today = timezone.localdate()
    reg = due.school.registration
    Filing.objects.create(unit=due.school, registration=reg, kind=FilingKind.CHANGE, status=FilingStatus.REVIEWING,
                          applied_on=today, accepted_on=today, changes={"legal_representative": ["张三", "李四"]})
    deadline = add_workdays(today, 30)
    [entry] = agenda(today, today + timedelta(days=90), kinds=(FILING,))
    assert entry.due_on == deadline and entry.workdays(today) == 30 and not entry.overdue(today)
    assert entry.title == ("示例区第一中学：变更登记（法定代表人）——登记机关作出决定，"
                           f"期限 {deadline:%Y-%m-%d}")
    assert agenda(today, deadline - timedelta(days=1), kinds=(FILING,)) == []
    page = client_for(staff).get(URL, {"days": 90, "kind": FILING}).content.decode()
    assert "30 个工作日" in page and "法定代表人" in page


def test_the_range_shown_is_the_one_applied_by_default(due: Any, staff: Any, client_for: Any) -> None:
    page = client_for(staff).get(URL).content.decode()
    assert '<option value="30" selected>30天内</option>' in page
    assert f"截至 {timezone.localdate() + timedelta(days=30):%Y-%m-%d}" in page
