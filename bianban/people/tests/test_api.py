"""/api/v1/people: list with filters, create (201 / 422), detail, patch, and masking per caller."""

from datetime import date

import pytest

from bianban.core.models import AuditEvent
from bianban.people.models import Person
from bianban.people.tests.factories import PersonFactory, make_id_number

FEMALE_1949 = "11010519491231002X"
URL = "/api/v1/people"


@pytest.fixture
def li_hua(district):
    return PersonFactory(name="李华", id_number=FEMALE_1949, unit=district.school, phone="13800000000")


class TestRead:
    def test_staff_get_the_full_record(self, li_hua, district, staff, api_for):
        body = api_for(staff).get(f"{URL}/{li_hua.pk}").json()
        assert body["id_number"] == FEMALE_1949
        assert body["id_number_masked"] is False
        assert body["birth_date"] == "1949-12-31"
        assert body["sex"] == "F"
        assert body["unit_id"] == district.school.pk
        assert body["unit_name"] == "示例区第一中学"
        assert body["retirement_category"] == "FEMALE_55"
        assert body["retirement_month"] == "2004-12"
        assert body["phone"] == "13800000000"

    def test_a_reviewer_gets_it_masked_without_the_birth_day(self, li_hua, reviewer, api_for):
        body = api_for(reviewer).get(f"{URL}/{li_hua.pk}").json()
        assert body["id_number"] == "110105********002X"
        assert body["id_number_masked"] is True
        assert body["birth_date"] is None and body["birth_month"] == "1949-12"
        assert body["phone"] is None

    def test_a_liaison_gets_full_numbers_of_their_own_units_people(self, li_hua, liaison, api_for):
        items = api_for(liaison).get(URL).json()["items"]
        assert [(i["id_number"], i["id_number_masked"]) for i in items] == [(FEMALE_1949, False)]

    def test_the_list_filters_and_paginates(self, district, li_hua, staff, api_for):
        for n in range(3):
            PersonFactory(name=f"张{n}号", unit=district.hospital, political_status="cpc_member")
        client = api_for(staff)
        assert client.get(URL, {"q": "张", "limit": 2}).json()["count"] == 3
        assert len(client.get(URL, {"q": "张", "limit": 2}).json()["items"]) == 2
        assert client.get(URL, {"political_status": "cpc_member"}).json()["count"] == 3
        assert client.get(URL, {"unit": district.edu.pk}).json()["count"] == 1
        assert client.get(URL, {"unit": district.edu.pk, "include_subunits": False}).json()["count"] == 0
        found = client.get(URL, {"id_number": "110105491231002"}).json()
        assert [i["id"] for i in found["items"]] == [li_hua.pk]

    def test_a_unit_filter_outside_the_scope_finds_nothing(self, district, liaison, api_for):
        PersonFactory(unit=district.hospital)
        assert api_for(liaison).get(URL, {"unit": district.hospital.pk}).json()["count"] == 0


class TestCreate:
    def test_it_creates_a_person_and_answers_201(self, district, liaison, api_for):
        number = make_id_number(date(1965, 5, 20), sex="M")
        response = api_for(liaison).post(URL, {"name": "王五", "id_number": number, "unit_id": district.school.pk},
                                         content_type="application/json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["retirement_month"] == "2025-07"  # domain.md §5.4: 男 1965-05 → 60y2m
        assert Person.objects.get(pk=body["id"]).unit == district.school

    def test_a_bad_checksum_answers_422_with_details(self, district, staff, api_for):
        response = api_for(staff).post(URL, {"name": "王五", "id_number": "320102198001011234",
                                             "unit_id": district.edu.pk}, content_type="application/json")
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert "“8”" in body["details"]["id_number"][0]
        assert body["message"]
        assert not Person.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="person.").exists()

    def test_a_15_digit_number_is_upgraded(self, district, staff, api_for):
        response = api_for(staff).post(URL, {"name": "李华", "id_number": "110105491231002"},
                                       content_type="application/json")
        assert response.status_code == 201
        assert response.json()["id_number"] == FEMALE_1949

    def test_a_unit_the_caller_cannot_see_is_a_422_on_unit_id(self, district, liaison, api_for):
        response = api_for(liaison).post(URL, {"name": "李华", "id_number": FEMALE_1949,
                                               "unit_id": district.hospital.pk}, content_type="application/json")
        assert response.status_code == 422
        assert "unit_id" in response.json()["details"]

    def test_a_reviewer_may_not_create(self, district, reviewer, api_for):
        response = api_for(reviewer).post(URL, {"name": "李华", "id_number": FEMALE_1949,
                                                "unit_id": district.edu.pk}, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


class TestPatch:
    def test_it_changes_fields_and_recomputes_retirement(self, li_hua, staff, api_for):
        response = api_for(staff).patch(f"{URL}/{li_hua.pk}", {"retirement_category": "FEMALE_50", "name": "李花"},
                                        content_type="application/json")
        assert response.status_code == 200, response.json()
        assert response.json()["name"] == "李花"
        assert response.json()["retirement_month"] == "1999-12"  # before 2025: 50 years, no delay

    def test_it_moves_a_person_to_another_unit(self, li_hua, district, staff, api_for):
        response = api_for(staff).patch(f"{URL}/{li_hua.pk}", {"unit_id": district.hospital.pk},
                                        content_type="application/json")
        assert response.json()["unit_id"] == district.hospital.pk

    def test_a_bad_value_answers_422(self, li_hua, staff, api_for):
        response = api_for(staff).patch(f"{URL}/{li_hua.pk}", {"name": "李 花"}, content_type="application/json")
        assert response.status_code == 422
        assert "name" in response.json()["details"]

    def test_a_liaison_gets_404_for_another_units_person(self, district, liaison, api_for):
        person = PersonFactory(unit=district.hospital)
        response = api_for(liaison).patch(f"{URL}/{person.pk}", {"name": "李花"}, content_type="application/json")
        assert response.status_code == 404

    def test_a_reviewer_gets_403(self, li_hua, reviewer, api_for):
        response = api_for(reviewer).patch(f"{URL}/{li_hua.pk}", {"name": "李花"}, content_type="application/json")
        assert response.status_code == 403
