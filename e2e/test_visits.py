"""The branch secretary records a household visit that raised a problem, and follows it into the ledger, where the
problem (source 走访, assigned to the department that must answer) links back to the visit."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bianban.duties.visits.services import campaign_create
from bianban.party.choices import MemberStatus
from bianban.party.members.services import branch_create, member_transfer_in
from bianban.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(district: Any, secretary: Any) -> Any:
    branch = branch_create(actor=None, name="示例区教育局机关党支部", code="edu", unit=district.edu,
                           parent_committee="区直机关工委", founded_on=date(2015, 7, 1))
    person = PersonFactory(name="张伟", birth=date(1980, 3, 1), unit=district.edu)
    member_transfer_in(actor=None, branch=branch, person=person, status=MemberStatus.FULL,
                       admitted_on=date(2005, 6, 1), full_on=date(2006, 6, 1), joined_on=date(2016, 1, 4),
                       joined_from="区委组织部机关党支部", user=secretary)
    today = timezone.localdate()
    return campaign_create(actor=None, branch=branch, title="“村村到、户户进、人人访”集中走访",
                           starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30),
                           scope="城东街道和平社区", requirement="户户进、人人访")


def test_a_visit_raises_a_problem_that_the_ledger_links_back(live_server, login, campaign, secretary, artifacts):
    page = login(secretary)
    page.get_by_role("link", name="集中走访", exact=True).click()
    page.get_by_role("link", name=campaign.title).click()
    page.get_by_role("link", name="登记走访").click()

    page.locator("input[name=visited_on]").fill(timezone.localdate().isoformat())
    page.locator("select[name=team_role]").select_option("branch_member")
    page.locator("input[name=street]").fill("城东街道")
    page.locator("input[name=community]").fill("和平社区")
    page.locator("select[name=group]").select_option("hardship")
    page.locator("input[name=households]").fill("3")
    page.locator("input[name=people]").fill("5")
    page.locator("select[name=visitors-0-member]").select_option(label="张伟")
    page.locator("textarea[name=issues-0-content]").fill("独居老人申请临时救助，不清楚办理流程")
    page.locator("input[name=issues-0-department]").fill("区民政局")
    page.screenshot(path=str(artifacts / "visit-form.png"), full_page=True)
    page.get_by_role("button", name="登记", exact=True).click()

    expect(page.locator("body")).to_contain_text("3户5人")
    page.get_by_test_id("problem-link").click()
    expect(page.locator("body")).to_contain_text("独居老人申请临时救助")
    expect(page.locator("body")).to_contain_text("区民政局")
    expect(page.locator("body")).to_contain_text("走访")
    page.screenshot(path=str(artifacts / "visit-problem.png"), full_page=True)
    page.get_by_test_id("source-link").click()
    expect(page.locator("body")).to_contain_text("城东街道")
