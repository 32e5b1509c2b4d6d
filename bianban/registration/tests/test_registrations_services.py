from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.registration.choices import CopyState, RegistrationStatus
from bianban.registration.models import Certificate, Registration
from bianban.registration.registrations import services
from bianban.registration.registrations.validation import valid_until
from bianban.registration.tests.conftest import BAD_CHECK_USCC, ORGAN_USCC, registration_values


def _refused(district: Any, field: str, **overrides: Any) -> str:
    with pytest.raises(ValidationFailed) as caught:
        services.registration_create(actor=None, **registration_values(district, **overrides))
    assert field in caught.value.details, caught.value.details
    assert not Registration.objects.exists() and not Certificate.objects.exists()
    return caught.value.details[field][0]


def test_staff_register_an_existing_institution_with_its_certificate(staff: Any, district: Any) -> None:
    issued = date(2022, 3, 15)
    reg = services.registration_create(actor=staff, **registration_values(
        district, certificate=services.CertificateIn(number="事证第1号", issued_on=issued)))
    assert reg.status == RegistrationStatus.ACTIVE and reg.capital == Decimal("1200.50")
    assert reg.authority == "事业单位登记管理局"  # the setting's default
    cert = reg.certificates.get()
    assert cert.is_current and cert.valid_from == issued and cert.valid_until == date(2027, 3, 14)
    assert cert.original_state == cert.duplicate_state == CopyState.HELD
    event = AuditEvent.objects.get(action="registration.create")
    assert event.actor == staff and event.changes["uscc"] == [None, "12110105400123456L"]
    assert AuditEvent.objects.filter(action="certificate.issue", target_id=str(cert.pk)).exists()


def test_a_certificate_valid_from_29_february_runs_to_28_february() -> None:
    assert valid_until(date(2024, 2, 29)) == date(2029, 2, 28)
    with override_settings(BIANBAN={"REGISTRATION": {"CERTIFICATE_YEARS": 3}}):
        assert valid_until(date(2024, 1, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize(("uscc", "expected"), [
    ("1211010540012345", "18位"),
    ("12110105400123456L9", "18位"),
    ("12110105400I23456L", "无效字符"),
    (ORGAN_USCC, "以“12”开头"),
])
def test_a_bad_credit_code_is_refused_in_chinese(district: Any, uscc: str, expected: str) -> None:
    assert expected in _refused(district, "uscc", uscc=uscc)


def test_a_machine_code_says_it_belongs_to_an_organ(district: Any) -> None:
    assert "机关" in _refused(district, "uscc", uscc=ORGAN_USCC)


def test_a_failed_checksum_needs_a_reason(district: Any) -> None:
    assert "第18位应为“P”" in _refused(district, "uscc", uscc=BAD_CHECK_USCC)
    reg = services.registration_create(actor=None, **registration_values(
        district, uscc=BAD_CHECK_USCC, uscc_checksum_reason="早期试点代码，已与证书核对"))
    assert reg.uscc == BAD_CHECK_USCC and reg.uscc_checksum_reason


@pytest.mark.parametrize(("capital", "expected"), [
    ("-1", "不能为负数"), ("12.345", "2位小数"), ("一百", "应为数字"),
])
def test_a_bad_capital_is_refused(district: Any, capital: str, expected: str) -> None:
    assert expected in _refused(district, "capital", capital=capital)


def test_an_organ_cannot_be_registered(district: Any) -> None:
    assert "机关" in _refused(district, "unit", unit=district.edu, uscc="12110105400123458T")


def test_a_future_registration_date_and_missing_fields_are_refused(district: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "不能晚于今天" in _refused(district, "registered_on", registered_on=tomorrow)
    assert "法定代表人" in _refused(district, "legal_representative", legal_representative=" ")
    assert "经费来源" in _refused(district, "funding_source", funding_source="lottery")
    assert "举办单位" in _refused(district, "sponsor", sponsor=None)


def test_an_institution_is_registered_once_and_a_code_used_once(registration: Registration, district: Any) -> None:
    with pytest.raises(ValidationFailed) as twice:
        services.registration_create(actor=None, **registration_values(district))
    assert "已有登记" in twice.value.details["unit"][0]
    with pytest.raises(ValidationFailed) as taken:
        services.registration_create(actor=None, **registration_values(district, unit=district.hospital))
    assert "已登记给" in taken.value.details["uscc"][0]
    assert Registration.objects.count() == 1


def test_a_liaison_may_not_register_and_cannot_see_other_units(liaison: Any, district: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=liaison, **registration_values(district))
    with pytest.raises(NotFound):
        services.registration_create(actor=liaison, **registration_values(
            district, unit=district.hospital, uscc="12110105400123457P"))
    assert not Registration.objects.exists()


def test_a_correction_needs_a_reason_and_is_audited_with_before_and_after(staff: Any,
                                                                          registration: Registration) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.registration_correct(actor=staff, registration=registration, reason="", address="学府路2号")
    assert "更正原因" in caught.value.details["reason"][0]
    services.registration_correct(actor=staff, registration=registration, reason="录入错误，与证书不符",
                                  address="示例区学府路2号", capital="1300")
    registration.refresh_from_db()
    assert registration.address == "示例区学府路2号" and registration.capital == Decimal("1300.00")
    event = AuditEvent.objects.get(action="registration.correct")
    assert event.reason == "录入错误，与证书不符"
    assert event.changes == {"address": ["示例区学府路1号", "示例区学府路2号"], "capital": ["1200.50", "1300.00"]}


def test_a_bad_correction_writes_nothing(staff: Any, registration: Registration) -> None:
    with pytest.raises(ValidationFailed):
        services.registration_correct(actor=staff, registration=registration, reason="更正", capital="-5",
                                      address="新地址")
    registration.refresh_from_db()
    assert registration.address == "示例区学府路1号" and registration.capital == Decimal("1200.50")
    with pytest.raises(ValidationFailed):
        services.registration_correct(actor=staff, registration=registration, reason="更正", status="cancelled")


def test_a_new_certificate_retires_and_collects_the_old_one(staff: Any, registration: Registration) -> None:
    old = registration.certificates.get()
    today = timezone.localdate()
    new = services.certificate_issue(actor=staff, registration=registration, number="事证第2号", issued_on=today)
    old.refresh_from_db()
    assert new.is_current and not old.is_current
    assert old.original_state == old.duplicate_state == CopyState.COLLECTED and old.collected_on == today
    assert AuditEvent.objects.filter(action="certificate.collect", target_id=str(old.pk)).exists()
    with pytest.raises(ValidationFailed) as caught:
        services.certificate_issue(actor=staff, registration=registration, number="事证第2号", issued_on=today)
    assert "已登记过" in caught.value.details["number"][0]


def test_collecting_copies_of_a_certificate(staff: Any, registration: Registration) -> None:
    cert = registration.certificates.get()
    today = timezone.localdate()
    services.certificate_collect(actor=staff, certificate=cert, on=today, copies=["original"])
    cert.refresh_from_db()
    assert cert.original_state == CopyState.COLLECTED and cert.duplicate_state == CopyState.HELD
    assert cert.is_current  # 暂扣 or partial collection: still the current certificate
    with pytest.raises(ValidationFailed) as caught:
        services.certificate_collect(actor=staff, certificate=cert, on=today, copies=["original", "spare"])
    assert "正本已收缴" in caught.value.message and "spare" in caught.value.message


def test_filings_use_the_within_variants_inside_their_own_transaction(staff: Any, registration: Registration,
                                                                      district: Any) -> None:
    with transaction.atomic():
        written = services.registration_change_within(
            actor=staff, registration=registration,
            changes={"legal_representative": "王校长", "sponsor": district.health.pk})
    assert written["legal_representative"] == ["张校长", "王校长"]
    registration.refresh_from_db()
    assert registration.sponsor == district.health
    with transaction.atomic():
        services.registration_cancel_within(actor=staff, registration=registration, on=timezone.localdate())
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    cert = registration.certificates.get()
    assert not cert.is_current and cert.original_state == cert.duplicate_state == CopyState.COLLECTED
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.registration_change_within(actor=staff, registration=registration, changes={"address": "新址"})
