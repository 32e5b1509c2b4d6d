"""Overdue registration work becomes ledger problems once, stays one problem whatever finds it again, and is marked
数据已消除，待销号 when the work is done."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.checks.services import check_run_execute, check_run_request
from bianban.ledger.choices import ProblemSource
from bianban.ledger.models import Problem
from bianban.ledger.services import problem_create
from bianban.registration.overdue import registration_overdue, registration_overdue_to_ledger
from bianban.registration.registrations.services import certificate_issue
from bianban.registration.rules import last_due_year
from bianban.registration.tests.r4_helpers import register, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(district: Any) -> Any:
    """区一中's certificate expired ten days ago; 区人民医院 has not reported the last year due."""
    today = timezone.localdate()
    issued = today.replace(year=today.year - 5, day=min(today.day, 28)) - timedelta(days=10)
    school = register(district.school, certified_on=issued)
    report(school, last_due_year(today))
    register(district.hospital, certified_on=today)
    return district


def keys() -> list[str]:
    return sorted(Problem.objects.filter(source=ProblemSource.CHECK).values_list("source_key", flat=True))


def test_each_overdue_item_opens_one_problem_with_the_verification_key(overdue: Any) -> None:
    result = registration_overdue_to_ledger()
    assert (result.found, result.opened, result.resolved) == (2, 2, 0)
    assert keys() == [f"annual_report_late:unit:{overdue.hospital.pk}", f"certificate_expired:unit:{overdue.school.pk}"]
    expired = Problem.objects.get(source_key__startswith="certificate_expired")
    assert expired.unit == overdue.school and expired.title.startswith("法人证书已过期：示例区第一中学：法人证书")
    assert expired.deadline is not None and expired.raised_on == timezone.localdate()
    assert "核查规则：法人证书已过期" in expired.description


def test_running_again_changes_nothing(overdue: Any) -> None:
    registration_overdue_to_ledger()
    again = registration_overdue_to_ledger()
    assert (again.found, again.opened, again.resolved) == (2, 0, 0)
    assert Problem.objects.count() == 2


def test_a_renewed_certificate_marks_its_problem_resolved_and_leaves_the_rest(overdue: Any) -> None:
    other = problem_create(actor=None, source=ProblemSource.CHECK, title="超编", source_key="over_quota:line:1",
                           unit=overdue.edu)
    registration_overdue_to_ledger()
    certificate_issue(actor=None, registration=overdue.school.registration, number="事证换领002",
                      issued_on=timezone.localdate())
    result = registration_overdue_to_ledger()
    assert (result.found, result.opened, result.resolved) == (1, 0, 1)
    resolved = Problem.objects.get(source_key=f"certificate_expired:unit:{overdue.school.pk}")
    assert resolved.data_resolved_on == timezone.localdate() and resolved.status == "open"
    assert Problem.objects.get(source_key__startswith="annual_report_late").data_resolved_on is None
    other.refresh_from_db()
    assert other.data_resolved_on is None


def test_a_verification_run_finds_the_same_problems_without_duplicating_them(overdue: Any) -> None:
    registration_overdue_to_ledger()
    run = check_run_execute(run_id=check_run_request(actor=None).pk)
    run.refresh_from_db()
    assert run.counts["certificate_expired"] == run.counts["annual_report_late"] == 1
    for key in (f"annual_report_late:unit:{overdue.hospital.pk}", f"certificate_expired:unit:{overdue.school.pk}"):
        assert Problem.objects.filter(source_key=key).count() == 1


def test_the_daily_task_reports_its_counts(overdue: Any) -> None:
    assert registration_overdue.call() == {"found": 2, "opened": 2, "resolved": 0}


def test_a_filing_past_its_deadline_is_a_problem_until_decided(overdue: Any) -> None:
    from bianban.registration.choices import FilingKind, FilingStatus
    from bianban.registration.models import Filing

    accepted = timezone.localdate() - timedelta(days=70)
    late = Filing.objects.create(unit=overdue.hospital, registration=overdue.hospital.registration,
                                 kind=FilingKind.CHANGE, status=FilingStatus.REVIEWING, applied_on=accepted,
                                 accepted_on=accepted)
    assert registration_overdue_to_ledger().opened == 3
    assert Problem.objects.filter(source_key=f"filing_overdue:unit:{overdue.hospital.pk}").exists()
    Filing.objects.filter(pk=late.pk).update(status=FilingStatus.APPROVED, decided_on=timezone.localdate())
    assert registration_overdue_to_ledger().resolved == 1
