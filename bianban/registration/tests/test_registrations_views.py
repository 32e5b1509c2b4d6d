from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bianban.core.models import AuditEvent
from bianban.registration.choices import CopyState
from bianban.registration.models import Registration
from bianban.registration.registrations import services


def test_the_liaison_sees_the_school_but_not_the_hospital(client_for: Any, liaison: Any, registration: Any,
                                                           hospital_registration: Any) -> None:
    client = client_for(liaison)
    page = client.get(reverse("registration:registration_list"))
    assert page.status_code == 200
    assert ">示例区第一中学</a>" in page.content.decode() and "示例区人民医院" not in page.content.decode()
    assert client.get(reverse("registration:registration_detail", args=[registration.pk])).status_code == 200
    assert client.get(reverse("registration:registration_detail",
                              args=[hospital_registration.pk])).status_code == 404
    assert client.get(reverse("registration:registration_correct", args=[registration.pk])).status_code == 404


def test_the_list_flags_certificates_expiring_soon_and_filters_them(client_for: Any, staff: Any,
                                                                     make_registration: Any, district: Any,
                                                                     hospital_registration: Any) -> None:
    soon = timezone.localdate() - timedelta(days=5 * 365 - 10)
    make_registration(certificate=services.CertificateIn(number="事证第9号", issued_on=soon))
    services.certificate_issue(actor=None, registration=hospital_registration, number="事证第8号",
                               issued_on=timezone.localdate() - timedelta(days=6 * 365))
    client = client_for(staff)
    page = client.get(reverse("registration:registration_list")).content.decode()
    assert 'data-expiry="expiring"' in page and "即将到期" in page and "已过期" in page
    expiring = client.get(reverse("registration:registration_list"), {"expiry": "expiring"}).content.decode()
    assert ">示例区第一中学</a>" in expiring and ">示例区人民医院</a>" not in expiring
    expired = client.get(reverse("registration:registration_list"), {"expiry": "expired"}).content.decode()
    assert ">示例区人民医院</a>" in expired and ">示例区第一中学</a>" not in expired


def test_the_detail_page_shows_the_items_and_certificate_copies(client_for: Any, staff: Any,
                                                                registration: Any) -> None:
    page = client_for(staff).get(reverse("registration:registration_detail", args=[registration.pk]))
    body = page.content.decode()
    assert "张校长" in body and "事证第112345号" in body and "单位持有" in body and "更正登记信息" in body
    # A change or a cancellation is started from here, the filing form knowing the registration.
    assert f"/registration/filings/new/?kind=change&amp;registration={registration.pk}" in body
    form = client_for(staff).get(f"/registration/filings/new/?kind=change&registration={registration.pk}")
    assert form.status_code == 200 and "示例区第一中学" in form.content.decode()


def test_staff_register_an_institution_through_the_form(client_for: Any, staff: Any, district: Any) -> None:
    client = client_for(staff)
    form = client.get(reverse("registration:registration_create")).content.decode()
    assert "示例区第一中学" in form  # offered: an institution without a registration
    data = {"unit": district.school.pk, "name": "示例区第一中学", "uscc": "11330100000123457T",
            "purpose": "教育", "address": "学府路1号", "legal_representative": "张校长", "capital": "100",
            "funding_source": "full", "sponsor": district.edu.pk, "registered_on": "2016-09-01",
            "certificate_number": "事证第5号", "certificate_issued_on": "2021-01-01"}
    refused = client.post(reverse("registration:registration_create"), data)
    assert refused.status_code == 422 and "应以“12”开头" in refused.content.decode()
    assert not Registration.objects.exists()
    data["uscc"] = "12110105400123456L"
    created = client.post(reverse("registration:registration_create"), data)
    reg = Registration.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("registration:registration_detail",
                                                                         args=[reg.pk])
    assert reg.certificates.get().number == "事证第5号"


def test_a_correction_through_the_form_needs_a_reason(client_for: Any, staff: Any, registration: Any,
                                                     district: Any) -> None:
    client = client_for(staff)
    url = reverse("registration:registration_correct", args=[registration.pk])
    data = {"name": registration.name, "uscc": registration.uscc, "purpose": registration.purpose,
            "address": "学府路9号", "legal_representative": "张校长", "capital": "1200.50", "funding_source": "full",
            "sponsor": district.edu.pk, "registered_on": "2016-09-01", "authority": registration.authority}
    assert client.post(url, data).status_code == 422
    assert client.post(url, {**data, "reason": "录入错误"}).status_code == 302
    registration.refresh_from_db()
    assert registration.address == "学府路9号"


def test_issuing_and_collecting_certificates_through_the_pages(client_for: Any, staff: Any,
                                                               registration: Any) -> None:
    client = client_for(staff)
    today = timezone.localdate().isoformat()
    issued = client.post(reverse("registration:certificate_issue", args=[registration.pk]),
                         {"number": "事证第3号", "issued_on": today})
    assert issued.status_code == 302
    current = registration.certificates.get(is_current=True)
    page = client.get(reverse("registration:certificate_collect", args=[current.pk]))
    assert page.status_code == 200 and "data-confirm" in page.content.decode()
    collected = client.post(reverse("registration:certificate_collect", args=[current.pk]),
                            {"copies": ["duplicate"], "on": today})
    assert collected.status_code == 302
    current.refresh_from_db()
    assert current.duplicate_state == CopyState.COLLECTED and current.original_state == CopyState.HELD
    assert AuditEvent.objects.filter(action="certificate.collect", actor=staff).count() == 2


def test_the_liaison_cannot_open_the_write_pages(client_for: Any, liaison: Any, registration: Any) -> None:
    client = client_for(liaison)
    assert client.get(reverse("registration:registration_create")).status_code == 404
    assert client.get(reverse("registration:registration_import")).status_code == 404
    cert = registration.certificates.get()
    assert client.get(reverse("registration:certificate_collect", args=[cert.pk])).status_code == 404


def test_the_list_answers_htmx_with_the_results_only(client_for: Any, staff: Any, registration: Any) -> None:
    fragment = client_for(staff).get(reverse("registration:registration_list"), {"q": "第一"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert 'data-testid="registration-results"' in body and "<form" not in body and "示例区第一中学" in body


def test_the_detail_page_lists_the_annual_reports_of_the_registration(client_for: Any, staff: Any,
                                                                      registration: Any) -> None:
    from bianban.registration.models import AnnualReport

    # A stand-in for R3's service: only the listing on this page is under test.
    report = AnnualReport.objects.create(registration=registration, year=2024)
    body = client_for(staff).get(reverse("registration:registration_detail", args=[registration.pk])).content.decode()
    assert reverse("registration:annual_detail", args=[report.pk]) in body and "2024年度" in body
