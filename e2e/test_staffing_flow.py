"""An office clerk enrols a new teacher into the school's last vacancy, and is refused the next one."""

from typing import Any

import pytest
from playwright.sync_api import expect

from bianban.people.services import person_create
from bianban.staffing.services import quota_movement_create
from bianban.units.choices import Funding, QuotaKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school_line(district: Any) -> None:
    from datetime import date

    quota_movement_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                          type="SET", amount=1, document_no="示编〔2024〕1号", effective_on=date(2024, 1, 2))


def test_staff_enrol_a_person_and_are_refused_over_quota(live_server, login, district, staff, school_line, artifacts):
    first = person_create(actor=None, name="林晓燕", id_number="11010519491231002X")
    second = person_create(actor=None, name="周明", id_number="110105198001010016")
    page = login(staff)

    for person, outcome in ((first, "ok"), (second, "over")):
        page.goto(f"{live_server.url}/staffing/units/{district.school.pk}/")
        page.get_by_role("link", name="入编", exact=True).click()
        # Labels carry a required-field star, so the fields are found by their ids.
        page.locator("#id_person").fill(person.id_number)
        page.locator("#id_line").select_option(index=1)
        page.locator("#id_on").fill("2025-03-03")
        page.locator("#id_document_no").fill("示编入〔2025〕1号")
        page.get_by_role("button", name="入编").click()
        if outcome == "ok":
            expect(page.get_by_text("林晓燕").first).to_be_visible()
            page.screenshot(path=str(artifacts / "staffing-after-enrol.png"), full_page=True)
        else:
            expect(page.get_by_role("alert")).to_contain_text("核定 1 名")
            page.screenshot(path=str(artifacts / "staffing-over-quota.png"), full_page=True)
