"""The dashboards in a real browser: every chart container of the office and branch dashboards draws an ECharts
<canvas> from the JSON endpoints, with no console errors (also after a resize); an empty year shows the Chinese
empty states instead, and a failing endpoint an error message in each chart."""

import random
from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bianban import conftest as personas
from bianban.duties.visits.services import campaign_create
from bianban.party.tests import conftest as party_fixtures
from bianban.reports.tests.test_dashboards_branch import KINDS, _record, _visits
from bianban.reports.tests.test_dashboards_office import _build, _run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# Fixtures beside e2e/conftest's: two more personas and the party tests' branch.
admin, member = personas.admin, personas.member
branch, make_person = party_fixtures.branch, party_fixtures.make_person

OFFICE_CHARTS = ["chart-quota", "chart-ledger", "chart-findings"]
BRANCH_CHARTS = ["chart-activities", "chart-compliance", "chart-attendance", "chart-campaign"]


def _watch(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, as they happen."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _drawn(page: Page, testids: list[str]) -> None:
    for testid in testids:
        chart = page.get_by_test_id(testid)
        expect(chart).to_have_attribute("data-state", "ready")
        expect(chart.locator("canvas").first).to_be_attached()


def test_the_office_dashboard_draws_every_chart(live_server: Any, login: Any, district: Any, admin: Any,
                                                artifacts: Any) -> None:
    _build(3, district, admin)  # lines over quota, problems in every status
    _run(admin)
    page = login(admin)
    errors = _watch(page)
    page.get_by_role("link", name="编制看板").click()
    _drawn(page, OFFICE_CHARTS)
    table = page.get_by_test_id("over-quota-table")
    expect(table).to_have_attribute("data-state", "ready")
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("latest-run-link")).to_be_visible()
    expect(page.get_by_test_id("figure-units")).to_have_text("4")
    page.screenshot(path=str(artifacts / "dashboard-office.png"), full_page=True)
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(200)
    _drawn(page, OFFICE_CHARTS)
    table.locator("tbody a").first.click()
    expect(page.locator("body")).to_contain_text("编制")
    assert errors == []


def test_the_branch_dashboard_draws_every_chart(live_server: Any, login: Any, branch: Any, admin: Any,
                                                artifacts: Any) -> None:
    rng, year = random.Random(1), timezone.localdate().year - 1
    for month, kind in zip(range(1, 13), KINDS * 2, strict=False):
        _record(rng, branch, kind, date(year, month, 10), None)
    campaign = campaign_create(actor=None, branch=branch.branch, title=f"{year}年集中走访", starts_on=date(year, 4, 1),
                               ends_on=date(year, 7, 31), scope="海滨街道")
    _visits(rng, branch, campaign, None, admin)
    page = login(branch.users.secretary)
    errors = _watch(page)
    page.get_by_role("link", name="党建看板").click()
    page.get_by_role("link", name="上一年").click()
    expect(page.locator("h1")).to_contain_text(f"{year}年党建看板")
    _drawn(page, BRANCH_CHARTS)
    expect(page.get_by_test_id("campaign-list").get_by_role("link", name=campaign.title)).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard-branch.png"), full_page=True)
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(200)
    _drawn(page, BRANCH_CHARTS)
    assert errors == []


def test_an_empty_year_shows_the_empty_states(live_server: Any, login: Any, branch: Any) -> None:
    page = login(branch.users.member)
    errors = _watch(page)
    page.goto(f"{live_server.url}/reports/dashboards/branch/{branch.branch.pk}/?year=2001")
    for testid in ("chart-activities", "chart-attendance", "chart-campaign"):
        chart = page.get_by_test_id(testid)
        expect(chart).to_have_attribute("data-state", "empty")
        expect(chart).to_contain_text("本年度尚无")
        expect(chart.locator("canvas")).to_have_count(0)
    expect(page.get_by_test_id("campaign-list")).to_contain_text("本年度没有集中走访活动")
    assert errors == []


def test_a_failing_endpoint_shows_an_error_in_each_chart(live_server: Any, login: Any, district: Any,
                                                         admin: Any) -> None:
    page = login(admin)
    page.route("**/api/v1/dashboards/office", lambda route: route.fulfill(
        status=500, content_type="application/json",
        body='{"code": "server_error", "message": "服务器暂时无法响应", "details": {}}'))
    page.goto(f"{live_server.url}/reports/dashboards/office/")
    for testid in [*OFFICE_CHARTS, "over-quota-table"]:
        chart = page.get_by_test_id(testid)
        expect(chart).to_have_attribute("data-state", "error")
        expect(chart.get_by_role("alert")).to_contain_text("图表数据加载失败：服务器暂时无法响应")
    expect(page.get_by_test_id("figure-units")).to_have_text("—")
