"""The people pages: search with htmx, detail with masking and the retirement explanation, create, edit,
and the audited export."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bianban.accounts.services import user_create
from bianban.core.models import AuditEvent
from bianban.people.choices import PoliticalStatus
from bianban.people.models import Person
from bianban.people.tests.factories import PersonFactory, make_id_number

FEMALE_1949 = "11010519491231002X"
MASKED_1949 = "110105********002X"


@pytest.fixture
def li_hua(district):
    return PersonFactory(name="李华", id_number=FEMALE_1949, unit=district.school)


class TestMasking:
    def test_office_staff_see_the_full_number(self, li_hua, staff, client_for):
        client = client_for(staff)
        assert FEMALE_1949 in client.get(reverse("people:list")).content.decode()
        assert FEMALE_1949 in client.get(reverse("people:detail", args=[li_hua.pk])).content.decode()

    def test_a_reviewer_sees_it_masked_everywhere(self, li_hua, reviewer, client_for):
        client = client_for(reviewer)
        for url in (reverse("people:list"), reverse("people:detail", args=[li_hua.pk])):
            page = client.get(url).content.decode()
            assert MASKED_1949 in page
            assert FEMALE_1949 not in page
            assert "1949-12-31" not in page

    def test_a_liaison_sees_full_numbers_of_their_own_units_people(self, li_hua, liaison, client_for):
        assert FEMALE_1949 in client_for(liaison).get(reverse("people:list")).content.decode()

    def test_the_audit_trail_on_the_page_shows_the_number_masked(self, li_hua, reviewer, client_for):
        page = client_for(reviewer).get(reverse("people:detail", args=[li_hua.pk])).content.decode()
        assert "person.create" in page
        assert FEMALE_1949 not in page


class TestList:
    def test_it_filters_by_name_and_political_status(self, district, staff, client_for):
        PersonFactory(name="张三", unit=district.edu, political_status=PoliticalStatus.CPC_MEMBER)
        PersonFactory(name="张四", unit=district.edu)
        PersonFactory(name="李五", unit=district.edu, political_status=PoliticalStatus.CPC_MEMBER)
        page = client_for(staff).get(reverse("people:list"), {"q": "张", "political_status": "cpc_member"})
        names = [p.name for p, _ in page.context["rows"]]
        assert names == ["张三"]

    def test_it_finds_a_person_by_an_old_15_digit_number(self, li_hua, staff, client_for):
        page = client_for(staff).get(reverse("people:list"), {"id_number": "110105491231002"})
        assert [p.pk for p, _ in page.context["rows"]] == [li_hua.pk]

    def test_it_filters_a_unit_with_or_without_its_subunits(self, district, li_hua, staff, client_for):
        PersonFactory(name="王局长", unit=district.edu)
        client = client_for(staff)
        tree = client.get(reverse("people:list"), {"unit": district.edu.pk}).context["rows"]
        only = client.get(reverse("people:list"), {"unit": district.edu.pk, "scope": "self"}).context["rows"]
        assert {p.name for p, _ in tree} == {"王局长", "李华"}
        assert {p.name for p, _ in only} == {"王局长"}

    def test_it_lists_people_past_their_retirement_month(self, district, li_hua, staff, client_for):
        PersonFactory(name="年轻人", unit=district.edu, birth=date(1995, 5, 5))
        rows = client_for(staff).get(reverse("people:list"), {"retiring": "past"}).context["rows"]
        assert [p.name for p, _ in rows] == ["李华"]

    def test_an_htmx_request_gets_only_the_result_table(self, li_hua, staff, client_for):
        response = client_for(staff).get(reverse("people:list"), {"q": "李"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert 'data-testid="people-table"' in body
        assert "<html" not in body and "<form" not in body

    def test_people_without_the_permission_get_404(self, district, member, client_for):
        assert client_for(member).get(reverse("people:list")).status_code == 404

    def test_the_table_shows_the_retirement_month_as_year_and_month(self, li_hua, staff, client_for):
        assert "2004-12" in client_for(staff).get(reverse("people:list")).content.decode()


class TestDetail:
    def test_it_explains_the_retirement_age(self, district, staff, client_for):
        person = PersonFactory(name="张三", unit=district.edu, birth=date(1970, 6, 1), sex="M")
        page = client_for(staff).get(reverse("people:detail", args=[person.pk])).content.decode()
        assert "61周岁5个月" in page and "2031年11月" in page and "延迟17个月" in page


class TestCreateAndEdit:
    def _post(self, client, unit, **overrides):
        data = {"name": "王芳", "id_number": make_id_number(date(1985, 3, 2), sex="F"), "unit": unit.pk,
                "ethnicity": "汉族", "political_status": "masses", **overrides}
        return client.post(reverse("people:create"), data)

    def test_a_liaison_registers_a_person_in_their_school(self, district, liaison, client_for):
        response = self._post(client_for(liaison), district.school)
        person = Person.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("people:detail", args=[person.pk])
        assert person.unit == district.school

    def test_the_unit_choices_hold_only_units_the_user_may_change_people_in(self, district, liaison, client_for):
        form = client_for(liaison).get(reverse("people:create")).context["form"]
        assert set(form.fields["unit"].queryset) == {district.edu, district.school}

    def test_a_unit_outside_the_choices_is_refused(self, district, liaison, client_for):
        response = self._post(client_for(liaison), district.hospital)
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
        assert not Person.objects.exists()

    def test_a_bad_checksum_shows_a_chinese_message_beside_the_field(self, district, staff, client_for):
        response = self._post(client_for(staff), district.edu, id_number="320102198001011234")
        errors = response.context["form"].errors["id_number"]
        assert "末位应为“8”" in errors[0]
        assert "末位应为“8”" in response.content.decode()
        assert not Person.objects.exists()

    def test_the_unit_can_be_preselected(self, district, staff, client_for):
        form = client_for(staff).get(reverse("people:create"), {"unit": district.school.pk}).context["form"]
        assert str(form.initial["unit"]) == str(district.school.pk)

    def test_a_reviewer_cannot_reach_the_create_page(self, district, reviewer, client_for):
        assert client_for(reviewer).get(reverse("people:create")).status_code == 404

    def test_editing_changes_the_category_and_the_retirement_month(self, district, staff, client_for):
        person = PersonFactory(name="王芳", unit=district.edu, birth=date(1980, 1, 1), sex="F")
        response = client_for(staff).post(reverse("people:edit", args=[person.pk]), {
            "name": "王芳", "id_number": person.id_number, "unit": district.edu.pk, "ethnicity": "汉族",
            "political_status": "cpc_member", "retirement_category": "FEMALE_50",
        })
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.retirement_month == date(2032, 8, 1)
        assert person.political_status == PoliticalStatus.CPC_MEMBER

    def test_a_liaison_gets_404_editing_another_units_person(self, district, liaison, client_for):
        person = PersonFactory(unit=district.hospital)
        assert client_for(liaison).get(reverse("people:edit", args=[person.pk])).status_code == 404


class TestExport:
    def test_it_exports_the_current_search_and_audits_it(self, district, li_hua, staff, client_for):
        PersonFactory(name="张三", unit=district.hospital)
        response = client_for(staff).get(reverse("people:export"), {"q": "李"})
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("姓名", "性别", "出生年月", "公民身份号码")
        assert [r[0] for r in rows[1:]] == ["李华"]
        assert rows[1][3] == FEMALE_1949
        event = AuditEvent.objects.get(action="person.export")
        assert event.actor == staff
        assert event.changes == {"count": [None, 1], "unmasked_id_numbers": [None, 1]}
        assert "q=李" in event.reason

    def test_a_reviewers_export_holds_masked_numbers(self, li_hua, reviewer, client_for):
        response = client_for(reviewer).get(reverse("people:export"))
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        assert list(sheet.iter_rows(values_only=True))[1][3] == MASKED_1949
        assert AuditEvent.objects.get(action="person.export").changes["unmasked_id_numbers"] == [None, 0]


def test_the_admin_lists_and_searches_people_by_name(district, li_hua, client_for):
    root = user_create(actor=None, username="root", password="Bianban!2026-root", is_superuser=True)
    response = client_for(root).get("/admin/people/person/", {"q": "李"})
    assert response.status_code == 200
    assert "李华" in response.content.decode()
