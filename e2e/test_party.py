"""The branch secretary opens the branch's home, follows this period's due 主题党日 to the one-screen form with
every member preloaded as present, marks one on leave, and reads the derived counts on the record."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from bianban.party.choices import MemberStatus
from bianban.party.members.services import branch_create, member_transfer_in
from bianban.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def branch(district: Any, secretary: Any) -> Any:
    created = branch_create(actor=None, name="示例区教育局机关党支部", code="edu", unit=district.edu,
                            parent_committee="区直机关工委", founded_on=date(2015, 7, 1))
    members = []
    for k, name in enumerate(["张伟", "王芳", "李强"]):
        person = PersonFactory(name=name, birth=date(1980 + k, 3, 1), unit=district.edu)
        members.append(member_transfer_in(
            actor=None, branch=created, person=person, status=MemberStatus.FULL, admitted_on=date(2005, 6, 1),
            full_on=date(2006, 6, 1), joined_on=date(2016, 1, 4), joined_from="区委组织部机关党支部",
            user=secretary if k == 0 else None))
    return created, members


def test_the_secretary_records_a_theme_day_on_one_screen(live_server, login, branch, secretary, artifacts):
    _, members = branch
    page = login(secretary)
    page.get_by_role("link", name="党支部与党员", exact=True).click()
    expect(page.locator("h1")).to_contain_text("示例区教育局机关党支部")
    due = page.get_by_test_id("due-items")
    due.locator("li", has_text="主题党日").get_by_role("link", name="登记").click()

    form = page.get_by_test_id("activity-form")
    sheet = page.get_by_test_id("attendance-sheet")
    expect(sheet.locator("tbody tr")).to_have_count(3)
    for member in members:
        expect(page.locator(f"#att-{member.pk}-PRESENT")).to_be_checked()
    form.locator("input[name=topic]").fill("主题党日：学习党章")
    page.locator(f"#att-{members[1].pk}-LEAVE").check()
    page.get_by_label("王芳请假事由").fill("外出培训")
    page.screenshot(path=str(artifacts / "party-activity-form.png"), full_page=True)
    form.get_by_role("button", name="保存").click()

    counts = page.get_by_test_id("counts")
    expect(counts).to_contain_text("应到 3")
    expect(counts).to_contain_text("实到 2")
    expect(page.get_by_test_id("attendance")).to_contain_text("外出培训")
    page.screenshot(path=str(artifacts / "party-activity.png"), full_page=True)
