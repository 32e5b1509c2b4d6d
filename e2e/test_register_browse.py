"""A person's first walk through the register: log in, find a unit, open it, find one of its people, open them."""

from typing import Any

import pytest
from playwright.sync_api import expect

from bianban.conftest import reviewer  # noqa: F401
from bianban.people.services import person_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def teacher(district: Any) -> Any:
    return person_create(actor=None, name="林晓燕", id_number="11010519491231002X", unit=district.school)


def test_staff_log_in_find_a_unit_and_open_a_person(live_server, login, district, staff, teacher, artifacts):
    page = login(staff)
    expect(page.get_by_test_id("current-user")).to_have_text("李科员")

    page.get_by_role("link", name="机构", exact=True).click()
    page.get_by_label("关键词").fill("第一中学")
    results = page.get_by_test_id("unit-results")
    expect(results).to_contain_text("示例区第一中学")
    results.get_by_role("link", name="示例区第一中学").click()
    expect(page.locator("h1")).to_contain_text("示例区第一中学")
    expect(page.get_by_text("12110105400123456L")).to_be_visible()
    page.screenshot(path=str(artifacts / "unit-detail.png"), full_page=True)

    page.get_by_role("link", name="人员", exact=True).click()
    page.get_by_label("姓名").fill("林晓")
    table = page.get_by_test_id("people-table")
    expect(table).to_contain_text("林晓燕")
    table.get_by_role("link", name="林晓燕").click()
    expect(page.get_by_test_id("person-id-number")).to_contain_text("11010519491231002X")
    expect(page.get_by_test_id("retirement")).to_contain_text("2004")
    page.screenshot(path=str(artifacts / "person-detail.png"), full_page=True)


def test_a_reviewer_sees_the_id_number_masked(live_server, login, district, reviewer, teacher, artifacts):  # noqa: F811
    page = login(reviewer)
    page.goto(f"{live_server.url}/people/{teacher.pk}/")
    expect(page.get_by_test_id("person-id-number")).to_contain_text("110105********002X")
    expect(page.get_by_test_id("person-id-number")).not_to_contain_text("19491231")
