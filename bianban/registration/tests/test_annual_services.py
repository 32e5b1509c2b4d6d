# ruff: noqa: F811  (pytest fixtures imported from annual_fixtures are redefined as arguments)
"""年度报告 services: the flow of domain.md §3.4 with its audit trail, bad input refused in Chinese with nothing
written, the 从业人员 prefill from the roster, and who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.registration.annual import services
from bianban.registration.choices import AnnualReportStatus as S
from bianban.registration.models import AnnualReport
from bianban.registration.registrations.services import registration_cancel_within
from bianban.registration.tests.annual_fixtures import CONTENTS, TODAY, YEAR, filled, make_report  # noqa: F401
from bianban.staffing.services import placement_enrol, placement_release
from bianban.staffing.tests.helpers import institution_line, people
from bianban.units.choices import Funding, QuotaKind


def actions(report):
    return list(AuditEvent.objects.filter(target_id=str(report.pk), action__startswith="annual_report.")
                .order_by("id").values_list("action", flat=True))


def test_a_report_goes_from_draft_to_published_with_each_step_dated_and_audited(staff, registration, make_report):
    report = make_report(registration, upto="filled")
    assert report.status == S.DRAFT
    report = services.annual_report_submit(actor=staff, report=report, today=date(2026, 2, 11))
    assert (report.status, report.submitted_on) == (S.SUBMITTED, date(2026, 2, 11))
    report = services.annual_report_sponsor_approve(actor=staff, report=report, today=date(2026, 2, 12))
    assert (report.status, report.sponsor_reviewed_on) == (S.SPONSOR_APPROVED, date(2026, 2, 12))
    report = services.annual_report_publish(actor=staff, report=report, today=date(2026, 2, 13))
    assert (report.status, report.published_on) == (S.PUBLISHED, date(2026, 2, 13))
    assert actions(report) == ["annual_report.create", "annual_report.update", "annual_report.submit",
                               "annual_report.sponsor_approve", "annual_report.publish"]


def test_amounts_are_kept_in_wanyuan_with_two_decimals(staff, registration, make_report):
    report = make_report(registration, upto="filled")
    report.refresh_from_db()
    assert report.net_assets_start == Decimal("1200.50")
    assert report.revenue == Decimal("3000.00")


def test_a_returned_report_is_corrected_and_resubmitted(staff, registration, make_report):
    report = make_report(registration, upto="sponsor_approved")
    report = services.annual_report_return(actor=staff, report=report, reason="净资产年末数与资产负债表不符")
    assert (report.status, report.returned_reason) == (S.RETURNED, "净资产年末数与资产负债表不符")
    event = AuditEvent.objects.filter(action="annual_report.return").get()
    assert event.reason == "净资产年末数与资产负债表不符"
    report = filled(staff, report, net_assets_end="1340.00")
    report = services.annual_report_submit(actor=staff, report=report, today=TODAY)
    assert (report.status, report.returned_reason) == (S.SUBMITTED, "")


def test_a_report_for_a_year_before_registration_is_refused(staff, registration):
    with pytest.raises(ValidationFailed) as exc:
        services.annual_report_create(actor=staff, registration=registration, year=2015, today=TODAY)
    assert exc.value.details["year"] == ["报告年度早于该单位设立登记年度（2016年）"]
    assert not AnnualReport.objects.exists()


def test_a_report_for_the_current_year_is_refused_until_it_ends(staff, registration):
    with pytest.raises(ValidationFailed) as exc:
        services.annual_report_create(actor=staff, registration=registration, year=2026, today=TODAY)
    assert "最晚为2025年度" in exc.value.message
    assert not AnnualReport.objects.exists()


def test_a_second_report_for_the_same_year_is_refused(staff, registration, make_report):
    make_report(registration)
    with pytest.raises(ValidationFailed, match="年度报告已存在"):
        services.annual_report_create(actor=staff, registration=registration, year=YEAR, today=TODAY)
    assert AnnualReport.objects.count() == 1


def test_a_cancelled_institution_reports_no_year_after_its_cancellation(staff, registration):
    with transaction.atomic():
        registration_cancel_within(actor=None, registration=registration, on=date(2024, 6, 30))
    registration.refresh_from_db()
    with pytest.raises(ValidationFailed, match="已于2024-06-30注销登记"):
        services.annual_report_create(actor=staff, registration=registration, year=2025, today=TODAY)
    report = services.annual_report_create(actor=staff, registration=registration, year=2024, today=TODAY)
    assert report.year == 2024


@pytest.mark.parametrize(("field", "value", "message"), [
    ("revenue", "-5", "收入不能为负数"),
    ("expenditure", -0.01, "支出不能为负数"),
    ("net_assets_end", "50000000", "净资产年末数数额过大：金额以万元为单位，请核对是否误填为元"),
    ("net_assets_start", "12.345", "净资产年初数以万元为单位，最多保留两位小数"),
    ("net_assets_start", "一百", "净资产年初数应为数字（单位：万元）"),
    ("net_assets_start", "NaN", "净资产年初数应为数字（单位：万元）"),
    ("staff_count", -1, "从业人员不能为负数"),
    ("litigation", "字" * 2001, "涉及诉讼情况不能超过2000个字"),
])
def test_bad_contents_are_refused_in_chinese_and_nothing_is_written(staff, registration, make_report, field, value,
                                                                     message):
    report = make_report(registration)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.annual_report_update(actor=staff, report=report, **{**CONTENTS, field: value})
    assert exc.value.details[field] == [message]
    report.refresh_from_db()
    assert report.business_activities == "" and report.net_assets_start is None
    assert AuditEvent.objects.count() == before


def test_net_assets_may_be_negative_when_liabilities_exceed_assets(staff, registration, make_report):
    report = filled(staff, make_report(registration), net_assets_end="-12.50")
    assert report.net_assets_end == Decimal("-12.50")


def test_submitting_with_contents_missing_names_each_and_stays_a_draft(staff, registration, make_report):
    report = filled(staff, make_report(registration), donations="", net_assets_end=None)
    with pytest.raises(ValidationFailed) as exc:
        services.annual_report_submit(actor=staff, report=report, today=TODAY)
    assert exc.value.details == {"donations": ["请填写接受捐赠资助及使用情况（没有的填“无”）"],
                                 "net_assets_end": ["请填写净资产年末数（万元）"]}
    report.refresh_from_db()
    assert (report.status, report.submitted_on) == (S.DRAFT, None)


@pytest.mark.parametrize(("upto", "step"), [
    ("filled", "sponsor_approve"), ("filled", "publish"), ("submitted", "publish"), ("submitted", "submit"),
    ("published", "submit"), ("published", "sponsor_approve"),
])
def test_a_step_out_of_order_is_a_conflict_and_changes_nothing(staff, registration, make_report, upto, step):
    report = make_report(registration, upto=upto)
    before = AnnualReport.objects.get(pk=report.pk).status
    with pytest.raises(Conflict, match="不能"):
        getattr(services, f"annual_report_{step}")(actor=staff, report=report, today=TODAY)
    assert AnnualReport.objects.get(pk=report.pk).status == before


def test_a_draft_or_published_report_cannot_be_returned(staff, registration, make_report):
    for upto in ("filled", "published"):
        report = make_report(registration, year=YEAR - (upto == "published"), upto=upto)
        with pytest.raises(Conflict):
            services.annual_report_return(actor=staff, report=report, reason="请补充")


def test_a_return_needs_a_reason(staff, registration, make_report):
    report = make_report(registration, upto="submitted")
    with pytest.raises(ValidationFailed) as exc:
        services.annual_report_return(actor=staff, report=report, reason="  ")
    assert exc.value.details == {"reason": ["请填写退回原因"]}
    assert AnnualReport.objects.get(pk=report.pk).status == S.SUBMITTED


def test_a_submitted_report_can_no_longer_be_edited(staff, registration, make_report):
    report = make_report(registration, upto="submitted")
    with pytest.raises(Conflict, match="不能修改"):
        services.annual_report_update(actor=staff, report=report, business_activities="改")


def test_a_stale_copy_loses_the_compare_and_swap(staff, registration, make_report):
    report = make_report(registration, upto="submitted")
    stale = AnnualReport.objects.get(pk=report.pk)
    services.annual_report_sponsor_approve(actor=staff, report=report, today=TODAY)
    with pytest.raises(Conflict):
        services.annual_report_sponsor_approve(actor=staff, report=stale, today=TODAY)
    assert actions(report).count("annual_report.sponsor_approve") == 1


def enrol(unit, n, on, *, on_quota=True):
    return [placement_enrol(actor=None, person=p, unit=unit, kind=QuotaKind.INSTITUTION if on_quota else None,
                            funding=Funding.FULL if on_quota else None, on=on, document_no="示人〔2025〕1号",
                            on_quota=on_quota) for p in people(n)]


def test_staff_count_is_prefilled_with_the_on_quota_staff_in_post_on_31_december(staff, registration, district):
    from bianban.staffing.models import Placement

    institution_line(district.school, 10)
    stays = enrol(district.school, 3, date(2025, 3, 1))
    leaver = enrol(district.school, 1, date(2025, 3, 1))[0]
    placement_release(actor=None, placement=leaver, reason="RESIGNATION", on=date(2025, 10, 1),
                      document_no="示人〔2025〕2号")
    enrol(district.school, 1, date(2026, 1, 5))  # joined after the year ended
    enrol(district.school, 2, date(2025, 5, 1), on_quota=False)  # 编外: not 在编实有
    report = services.annual_report_create(actor=staff, registration=registration, year=2025, today=TODAY)
    year_end = date(2025, 12, 31)
    independent = Placement.objects.filter(unit=district.school, on_quota=True, started_on__lte=year_end).exclude(
        ended_on__lte=year_end).count()
    assert report.staff_count == independent == len(stays) == 3


def test_staff_count_is_zero_for_a_unit_without_quota(staff, registration):
    report = services.annual_report_create(actor=staff, registration=registration, year=2025, today=TODAY)
    assert report.staff_count == 0


def test_a_liaison_cannot_write_reports_and_sees_nothing_outside_their_subtree(liaison, registration,
                                                                                hospital_registration, make_report):
    with pytest.raises(PermissionDenied):
        services.annual_report_create(actor=liaison, registration=registration, year=YEAR, today=TODAY)
    with pytest.raises(NotFound):
        services.annual_report_create(actor=liaison, registration=hospital_registration, year=YEAR, today=TODAY)
    assert not AnnualReport.objects.exists()
    report = make_report(hospital_registration, upto="submitted")
    with pytest.raises(NotFound):
        services.annual_report_sponsor_approve(actor=liaison, report=report, today=TODAY)


def test_the_sponsor_review_needs_the_right_to_change_the_sponsor_unit(district, registration, make_report):
    from bianban.accounts import services as account_services
    from bianban.accounts.choices import Role

    # An office clerk granted only the school (not its sponsor 区教育局) may fill in but not review for the sponsor.
    clerk = account_services.user_create_with_grants(actor=None, username="gina", password="Bianban!2026",
                                                     full_name="钱科员", grants=[(Role.OFFICE_STAFF, district.school)])
    report = services.annual_report_create(actor=clerk, registration=registration, year=YEAR, today=TODAY)
    report = services.annual_report_submit(actor=clerk, report=filled(clerk, report), today=TODAY)
    with pytest.raises(PermissionDenied, match="举办单位"):
        services.annual_report_sponsor_approve(actor=clerk, report=report, today=TODAY)
    sponsor_clerk = account_services.user_create_with_grants(
        actor=None, username="hank", password="Bianban!2026", full_name="吴科员",
        grants=[(Role.OFFICE_STAFF, district.edu)])
    report = services.annual_report_sponsor_approve(actor=sponsor_clerk, report=report, today=TODAY)
    assert report.status == S.SPONSOR_APPROVED
