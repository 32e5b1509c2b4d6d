"""Each registration rule finds exactly its institutions, and only those: now, as of a past date, within a
subtree."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

import bianban.registration.rules as registration_rules
from bianban.checks.rules import RULES, Hit, Scope, rule_by_code
from bianban.core.workdays import add_workdays
from bianban.registration.choices import AnnualReportStatus, FilingKind, FilingStatus, RegistrationStatus
from bianban.registration.models import Filing, Registration
from bianban.registration.registrations.services import certificate_issue
from bianban.registration.tests.r4_helpers import REGISTERED_ON, register, report
from bianban.units.choices import UnitKind
from bianban.units.models import Unit
from bianban.units.services import unit_create

pytestmark = pytest.mark.django_db
CODES = ["registration_missing", "certificate_expired", "annual_report_late", "registration_mismatch", "filing_overdue"]


def hits(code: str, *, as_of: date | None = None, root: Unit | None = None) -> list[Hit]:
    rule = rule_by_code(code)
    assert rule is not None
    return list(rule.find(Scope(as_of=as_of or timezone.localdate(), root_path=root.path if root else None)))


def found(code: str, **kwargs: Any) -> list[int]:
    return [h.subject_id for h in hits(code, **kwargs)]


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - timedelta(days=days)


def test_the_registration_rules_are_registered_once_and_described() -> None:
    codes = [r.code for r in RULES]
    for code in CODES:
        assert codes.count(code) == 1
        rule = rule_by_code(code)
        assert rule is not None and rule.subject == "unit" and len(rule.explanation) > 20 and rule.severity_label


def test_every_active_institution_without_a_registration_is_found_and_organs_never(district: Any) -> None:
    assert found("registration_missing") == [district.school.pk, district.hospital.pk]
    register(district.school)
    [hit] = hits("registration_missing")
    assert (hit.subject_id, hit.unit_id) == (district.hospital.pk, district.hospital.pk)
    assert hit.message == "示例区人民医院：未办理事业单位法人登记"
    assert found("registration_missing", root=district.edu) == []
    assert found("registration_missing", root=district.health) == [district.hospital.pk]


def test_a_registration_counts_only_from_its_date_and_until_it_is_cancelled(district: Any) -> None:
    reg = register(district.school)
    register(district.hospital)
    assert found("registration_missing") == []
    assert found("registration_missing", as_of=REGISTERED_ON - timedelta(days=1)) == [district.school.pk,
                                                                                      district.hospital.pk]
    Registration.objects.filter(pk=reg.pk).update(status=RegistrationStatus.CANCELLED, cancelled_on=date(2020, 1, 1))
    assert found("registration_missing") == [district.school.pk]
    assert found("registration_missing", as_of=date(2019, 12, 31)) == []


def test_abolished_institutions_need_no_registration(district: Any) -> None:
    closed = unit_create(actor=None, name="示例区职业学校", kind=UnitKind.INSTITUTION, parent=district.edu,
                         established_on=date(2000, 1, 1))
    Unit.objects.filter(pk=closed.pk).update(status="abolished", abolished_on=date(2022, 6, 30))
    assert closed.pk not in found("registration_missing")
    assert closed.pk in found("registration_missing", as_of=date(2022, 6, 29))


def test_an_expired_current_certificate_is_found_with_its_days_late(district: Any) -> None:
    issued = years_ago(5, days=10)
    school = register(district.school, certified_on=issued)
    register(district.hospital, certified_on=years_ago(1))
    [hit] = hits("certificate_expired")
    until = school.certificates.get().valid_until
    assert hit.subject_id == district.school.pk and until < timezone.localdate()
    assert f"有效期至 {until:%Y-%m-%d}，已过期 {(timezone.localdate() - until).days} 天" in hit.message
    assert found("certificate_expired", as_of=until) == []  # the last day of validity is still valid
    assert found("certificate_expired", as_of=until + timedelta(days=1)) == [district.school.pk]
    assert found("certificate_expired", root=district.health) == []


def test_a_renewed_certificate_ends_the_finding_but_not_in_the_past(district: Any) -> None:
    reg = register(district.school, certified_on=years_ago(5, days=10))
    old_until = reg.certificates.get().valid_until
    certificate_issue(actor=None, registration=reg, number="事证换领001", issued_on=timezone.localdate())
    assert found("certificate_expired") == []
    assert found("certificate_expired", as_of=old_until + timedelta(days=1)) == [district.school.pk]


def test_the_last_year_due_changes_on_1_april() -> None:
    assert registration_rules.last_due_year(date(2026, 3, 31)) == 2024
    assert registration_rules.last_due_year(date(2026, 4, 1)) == 2025


def test_an_institution_without_a_submitted_report_for_the_last_year_due_is_late(district: Any) -> None:
    year = registration_rules.last_due_year(timezone.localdate())
    school, hospital = register(district.school), register(district.hospital)
    report(school, year)
    report(hospital, year, status=AnnualReportStatus.DRAFT)
    [hit] = hits("annual_report_late")
    assert hit.subject_id == district.hospital.pk
    assert hit.message == f"示例区人民医院：{year}年度报告应于 {year + 1}-03-31 前报送，至今未报"
    report(hospital, year - 1)  # an earlier year does not answer for the last one
    assert found("annual_report_late") == [district.hospital.pk]
    hospital.annual_reports.filter(year=year).update(status=AnnualReportStatus.SUBMITTED,
                                                      submitted_on=date(year + 1, 3, 20))
    assert found("annual_report_late") == []


def test_a_returned_report_is_not_a_submitted_one(district: Any) -> None:
    year = registration_rules.last_due_year(timezone.localdate())
    report(register(district.school), year, status=AnnualReportStatus.RETURNED)
    register(district.hospital, registered_on=date(year + 1, 1, 5))  # registered after the year: nothing due
    assert found("annual_report_late") == [district.school.pk]


def test_as_of_a_past_date_a_report_counts_from_its_submission(district: Any) -> None:
    school = register(district.school)
    report(school, 2022, submitted_on=date(2023, 4, 10))  # submitted late
    assert found("annual_report_late", as_of=date(2023, 4, 5), root=district.edu) == [district.school.pk]
    assert found("annual_report_late", as_of=date(2023, 4, 10), root=district.edu) == []
    assert found("annual_report_late", as_of=date(2023, 3, 31), root=district.edu) == [district.school.pk]  # 2021


def test_a_name_or_sponsor_differing_from_the_unit_register_is_found(district: Any) -> None:
    register(district.school, name="示例区一中", sponsor=district.health)
    register(district.hospital)
    [hit] = hits("registration_mismatch")
    assert hit.subject_id == district.school.pk
    assert hit.message == ("示例区第一中学：登记名称“示例区一中”，台账名称“示例区第一中学”；"
                           "举办单位“示例区卫生健康局”，主管部门“示例区教育局”")
    assert found("registration_mismatch", root=district.health) == []


def test_a_top_level_institution_is_compared_by_name_only(district: Any) -> None:
    centre = unit_create(actor=None, name="示例区档案馆", kind=UnitKind.INSTITUTION)
    register(centre, sponsor=district.edu)
    register(district.school)
    assert found("registration_mismatch") == []


def filing(reg: Registration, kind: str = FilingKind.CHANGE, **fields: Any) -> Filing:
    """A filing in a given state (test setup: the filing services are the filings area's, tested there)."""
    return Filing.objects.create(unit=reg.unit, registration=reg, kind=kind, changes={"address": ["旧址", "新址"]},
                                 **fields)


def test_a_filing_undecided_past_the_decision_deadline_is_found(district: Any) -> None:
    today = timezone.localdate()
    accepted = today - timedelta(days=70)
    late = filing(register(district.school), status=FilingStatus.REVIEWING, applied_on=accepted,
                  accepted_on=accepted)
    filing(register(district.hospital), status=FilingStatus.ACCEPTED, applied_on=today, accepted_on=today)
    due = add_workdays(accepted, 30)
    [hit] = hits("filing_overdue")
    assert hit.subject_id == district.school.pk
    assert hit.message == f"示例区第一中学：变更登记：登记机关作出决定的期限为 {due:%Y-%m-%d}，已逾期"
    assert found("filing_overdue", as_of=due) == []  # the last day is still in time
    Filing.objects.filter(pk=late.pk).update(status=FilingStatus.APPROVED, decided_on=today)
    assert found("filing_overdue") == []
    assert found("filing_overdue", as_of=due + timedelta(days=1)) == [district.school.pk]


def test_a_cancellation_not_applied_for_after_liquidation_is_found(district: Any) -> None:
    today = timezone.localdate()
    ended = today - timedelta(days=40)
    reg = register(district.hospital)
    filing(reg, kind=FilingKind.CANCEL, status=FilingStatus.LIQUIDATING, occurred_on=ended,
           liquidation_started_on=ended - timedelta(days=90))
    filing(register(district.school), kind=FilingKind.CANCEL, status=FilingStatus.LIQUIDATING)  # still clearing
    [hit] = hits("filing_overdue")
    assert hit.subject_id == district.hospital.pk and "申请注销登记的期限为" in hit.message
    assert found("filing_overdue", root=district.edu) == []


def test_a_change_not_applied_for_within_30_working_days_is_found(district: Any) -> None:
    from bianban.registration.filings.services import filing_create_change

    changed = timezone.localdate() - timedelta(days=60)
    filing_create_change(actor=None, registration=register(district.school),
                         changes={"legal_representative": "李四"}, occurred_on=changed)
    due = add_workdays(changed, 30)
    [hit] = hits("filing_overdue")
    assert hit.message == f"示例区第一中学：变更登记：申请变更登记的期限为 {due:%Y-%m-%d}，已逾期"
    assert found("filing_overdue", as_of=due) == []
    assert found("filing_overdue", as_of=due + timedelta(days=1)) == [district.school.pk]
