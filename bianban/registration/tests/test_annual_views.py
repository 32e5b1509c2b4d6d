# ruff: noqa: F811  (pytest fixtures imported from annual_fixtures are redefined as arguments)
"""Annual-report pages: the status list with counts and filters, the audited export, a report's page with the
actions its reader may take, opening and filling in a report with field errors, and 404 outside the reader's
subtree."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from bianban.core.models import AuditEvent
from bianban.registration.choices import AnnualReportStatus as S
from bianban.registration.models import AnnualReport
from bianban.registration.tests.annual_fixtures import CONTENTS, YEAR, make_report  # noqa: F401

LIST = reverse("registration:annual_list")


def test_the_status_list_shows_counts_and_each_institutions_state(client_for, staff, registration,
                                                                  hospital_registration, make_report):
    make_report(registration, upto="submitted")
    page = client_for(staff).get(LIST, {"year": YEAR}).content.decode()
    assert "待举办单位审查 1" in page and "未填报 1" in page
    assert "示例区人民医院" in page and "逾期" in page


def test_the_status_list_filters_late_only_and_answers_htmx_with_the_fragment(client_for, staff, registration,
                                                                             hospital_registration, make_report):
    make_report(registration, upto="submitted")
    response = client_for(staff).get(LIST, {"year": YEAR, "late": "on"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    assert "示例区人民医院" in page and "示例区第一中学" not in page


def test_a_liaison_sees_only_their_subtree_and_gets_404_outside_it(client_for, liaison, registration,
                                                                   hospital_registration, make_report):
    report = make_report(hospital_registration)
    client = client_for(liaison)
    page = client.get(LIST, {"year": YEAR}).content.decode()
    assert "示例区第一中学" in page and "示例区人民医院" not in page
    assert client.get(reverse("registration:annual_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("registration:annual_create")).status_code == 404


def test_the_export_is_an_audited_workbook_of_the_list(client_for, staff, registration, hospital_registration,
                                                       make_report):
    make_report(registration, upto="published")
    response = client_for(staff).get(reverse("registration:annual_export"), {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[5], r[6]) for r in rows] == [("示例区第一中学", "已公示", None),
                                                  ("示例区人民医院", "未填报", "逾期未报")]
    event = AuditEvent.objects.get(action="annual_report.export")
    assert event.changes["count"] == [None, 2] and event.actor == staff


def test_staff_open_a_report_and_fill_it_in(client_for, staff, registration):
    client = client_for(staff)
    response = client.post(reverse("registration:annual_create"), {"registration": registration.pk, "year": YEAR})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registration:annual_edit",
                                                                            args=[report.pk])
    response = client.post(reverse("registration:annual_edit", args=[report.pk]), {**CONTENTS, "staff_count": "3"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.business_activities == CONTENTS["business_activities"] and report.staff_count == 3


def test_a_year_before_registration_is_shown_on_the_field_and_nothing_is_written(client_for, staff, registration):
    response = client_for(staff).post(reverse("registration:annual_create"),
                                      {"registration": registration.pk, "year": 2010})
    assert response.status_code == 422
    assert "报告年度早于该单位设立登记年度" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_a_negative_amount_is_shown_on_its_field(client_for, staff, registration, make_report):
    report = make_report(registration)
    response = client_for(staff).post(reverse("registration:annual_edit", args=[report.pk]),
                                      {**CONTENTS, "revenue": "-3"})
    assert response.status_code == 422 and "收入不能为负数" in response.content.decode()
    report.refresh_from_db()
    assert report.revenue is None


def test_the_detail_page_offers_the_next_step_with_a_confirmation(client_for, staff, registration, make_report):
    report = make_report(registration, upto="filled")
    client = client_for(staff)
    page = client.get(reverse("registration:annual_detail", args=[report.pk])).content.decode()
    assert "提交举办单位审查" in page and "data-confirm" in page
    for step in ("submit", "sponsor_approve", "publish"):
        response = client.post(reverse(f"registration:annual_{step}", args=[report.pk]))
        assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.PUBLISHED


def test_submitting_an_incomplete_report_shows_why(client_for, staff, registration, make_report):
    report = make_report(registration)
    client = client_for(staff)
    response = client.post(reverse("registration:annual_submit", args=[report.pk]), follow=True)
    assert "请填写开展业务活动情况" in response.content.decode()
    report.refresh_from_db()
    assert report.status == S.DRAFT


def test_a_return_without_a_reason_is_refused_on_the_page(client_for, staff, registration, make_report):
    report = make_report(registration, upto="submitted")
    response = client_for(staff).post(reverse("registration:annual_return", args=[report.pk]), {"reason": ""})
    assert response.status_code == 422
    report.refresh_from_db()
    assert report.status == S.SUBMITTED


def test_a_reader_sees_the_report_but_no_actions(client_for, reviewer, registration, make_report):
    report = make_report(registration, upto="filled")
    page = client_for(reviewer).get(reverse("registration:annual_detail", args=[report.pk])).content.decode()
    assert CONTENTS["business_activities"] in page and "提交举办单位审查</button>" not in page
    assert client_for(reviewer).post(reverse("registration:annual_submit", args=[report.pk])).status_code == 404


def test_the_forms_render_with_the_roster_count_and_prefill(client_for, staff, registration, make_report):
    client = client_for(staff)
    page = client.get(reverse("registration:annual_create"), {"registration": registration.pk, "year": YEAR})
    assert page.status_code == 200 and f'value="{registration.pk}" selected' in page.content.decode()
    report = make_report(registration)
    page = client.get(reverse("registration:annual_edit", args=[report.pk])).content.decode()
    assert "12月31日在编实有 0 人" in page


def test_a_submitted_report_cannot_be_opened_for_editing(client_for, staff, registration, make_report):
    report = make_report(registration, upto="submitted")
    response = client_for(staff).get(reverse("registration:annual_edit", args=[report.pk]))
    assert response.status_code == 302
