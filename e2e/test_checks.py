"""An office clerk runs verification over the whole register, reads the summary, opens one rule's findings and
follows a finding to the problem it opened in the ledger, and from there back to the finding."""

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from bianban.staffing.choices import Enforcement
from bianban.staffing.services import placement_enrol, quota_line_configure
from bianban.staffing.tests.helpers import institution_line, people

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def over_quota_hospital(district: Any) -> None:
    """区人民医院 holds two doctors on one slot: a warn-mode line, the second enrolled with a reason."""
    line = institution_line(district.hospital, 1)
    quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="医院急需补充医护人员")
    for k, person in enumerate(people(2, district.hospital)):
        placement_enrol(actor=None, person=person, unit=district.hospital, kind=line.kind, funding=line.funding,
                        on=date(2025, 3, 3) + timedelta(days=k), document_no="示人〔2025〕1号",
                        over_quota_reason="急诊科医师" if k else "")


def test_staff_run_verification_and_follow_a_finding_to_the_ledger(
        live_server, login, district, staff, over_quota_hospital, artifacts):
    page = login(staff)

    page.get_by_role("link", name="编制核查", exact=True).click()
    expect(page.locator("h1")).to_contain_text("编制核查")
    form = page.get_by_test_id("check-run-form")
    expect(form.get_by_label("核查范围")).to_have_value("")  # 全部机构
    expect(form.locator("option:checked")).to_have_text("全部机构")
    page.get_by_test_id("start-check").click()

    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "done", timeout=15_000)
    # 4 units without a charter, the over-quota line, and 区一中 and 区人民医院 not registered as institutions.
    expect(page.get_by_test_id("run-result")).to_contain_text("共发现 7 项问题")
    summary = page.get_by_test_id("rule-summary")
    expect(summary.locator("tbody tr")).to_have_count(16)
    expect(summary.locator('tr[data-rule="over_quota"] td').nth(2)).to_have_text("1")
    expect(summary.locator('tr[data-rule="no_charter"] td').nth(2)).to_have_text("4")
    page.screenshot(path=str(artifacts / "checks-run.png"), full_page=True)

    summary.get_by_role("link", name="超编", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?rule=over_quota")
    findings = page.get_by_test_id("findings")
    expect(findings.locator("tbody tr")).to_have_count(1)
    row = findings.locator('tr[data-rule="over_quota"]')
    expect(row).to_contain_text("示例区人民医院·事业编制·全额拨款：核定 1 名，实有 2 名，超编 1 名（预警模式）")
    expect(row.get_by_text("新发现")).to_be_visible()
    page.screenshot(path=str(artifacts / "checks-rule.png"), full_page=True)

    row.get_by_role("link", name="待整改").click()
    expect(page.locator("h1")).to_contain_text("超编：示例区人民医院")
    expect(page.get_by_text("核查规则：超编。")).to_be_visible()
    page.screenshot(path=str(artifacts / "checks-problem.png"), full_page=True)

    page.get_by_test_id("source-link").click()
    expect(page.get_by_test_id("findings").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("findings")).to_contain_text("超编 1 名")
