import json
from datetime import date

import pytest

from bianban.core.models import AuditEvent
from bianban.units import services
from bianban.units.choices import UnitEventKind
from bianban.units.models import Unit, UnitEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/units"


def post(client, data, url=URL):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, unit, data):
    return client.patch(f"{URL}/{unit.pk}", json.dumps(data), content_type="application/json")


class TestUnitList:
    def test_it_lists_units_with_the_documented_fields(self, district, staff, api_for):
        body = api_for(staff).get(URL).json()
        assert body["count"] == 4
        edu = next(item for item in body["items"] if item["id"] == district.edu.pk)
        assert edu["kind"] == "organ"
        assert edu["kind_label"] == "机关"
        assert edu["uscc"] == "11330100000123457T"
        assert edu["path"] == f"/{district.edu.pk}/"
        assert edu["parent_id"] is None
        assert edu["status"] == "active"
        assert {"short_name", "institution_class", "rank", "system_category", "depth", "established_on",
                "abolished_on"} <= set(edu)

    def test_it_searches_by_name_short_name_and_code(self, district, staff, api_for):
        client = api_for(staff)
        assert [i["id"] for i in client.get(URL, {"q": "中学"}).json()["items"]] == [district.school.pk]
        assert [i["id"] for i in client.get(URL, {"q": "区卫健局"}).json()["items"]] == [district.health.pk]
        assert [i["id"] for i in client.get(URL, {"q": "12110105"}).json()["items"]] == [district.school.pk]

    def test_it_filters_by_parent_kind_and_status(self, district, staff, api_for):
        client = api_for(staff)
        assert [i["id"] for i in client.get(URL, {"parent": district.edu.pk}).json()["items"]] == [district.school.pk]
        kinds = {i["kind"] for i in client.get(URL, {"kind": "institution"}).json()["items"]}
        assert kinds == {"institution"}
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        abolished = client.get(URL, {"status": "abolished"}).json()
        assert [i["id"] for i in abolished["items"]] == [district.hospital.pk]

    def test_an_unknown_filter_value_is_a_422(self, district, staff, api_for):
        response = api_for(staff).get(URL, {"kind": "company"})
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    def test_it_paginates_with_limit_and_offset(self, district, staff, api_for):
        client = api_for(staff)
        first = client.get(URL, {"limit": 3, "offset": 0}).json()
        rest = client.get(URL, {"limit": 3, "offset": 3}).json()
        assert first["count"] == rest["count"] == 4
        assert len(first["items"]) == 3 and len(rest["items"]) == 1
        assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in rest["items"]})


class TestUnitCreate:
    def test_it_creates_a_unit_under_a_parent(self, district, staff, api_for):
        response = post(api_for(staff), {"name": "示例区第二中学", "kind": "institution", "parent_id": district.edu.pk,
                                         "institution_class": "public_1", "established_on": "2001-09-01",
                                         "document_no": "示编〔2001〕7号"})
        assert response.status_code == 201, response.content
        body = response.json()
        unit = Unit.objects.get(pk=body["id"])
        assert body["path"] == f"{district.edu.path}{unit.pk}/"
        assert body["depth"] == 1
        assert UnitEvent.objects.get(unit=unit).occurred_on == date(2001, 9, 1)
        assert AuditEvent.objects.get(action="unit.create", target_id=str(unit.pk)).actor == staff

    def test_an_invalid_credit_code_is_a_422_with_field_details(self, district, staff, api_for):
        response = post(api_for(staff), {"name": "示例区某局", "kind": "organ", "uscc": "11330100000123457A"})
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert "第18位应为“T”" in body["details"]["uscc"][0]
        assert not Unit.objects.filter(name="示例区某局").exists()

    def test_a_failed_checksum_with_a_reason_is_created(self, district, staff, api_for):
        response = post(api_for(staff), {"name": "示例区某局", "kind": "organ", "uscc": "11330100000123457A",
                                         "uscc_checksum_reason": "早期代码，已核实"})
        assert response.status_code == 201
        assert response.json()["uscc_checksum_reason"] == "早期代码，已核实"

    def test_a_duplicate_name_in_the_parent_is_a_422(self, district, staff, api_for):
        response = post(api_for(staff), {"name": "示例区第一中学", "kind": "institution",
                                         "parent_id": district.edu.pk})
        assert response.status_code == 422
        assert "已有名为“示例区第一中学”的机构" in response.json()["details"]["name"][0]

    def test_missing_fields_are_a_422_in_chinese(self, district, staff, api_for):
        response = post(api_for(staff), {"kind": "organ"})
        assert response.status_code == 422
        assert response.json()["details"]["name"] == ["必填"]

    def test_an_abolished_parent_is_a_422_on_parent_id(self, district, staff, api_for):
        services.unit_abolish(actor=None, unit=district.hospital, on=date.today(), document_no="示编〔2024〕1号")
        response = post(api_for(staff), {"name": "分院", "kind": "institution", "parent_id": district.hospital.pk})
        assert response.status_code == 422
        assert "已撤销" in response.json()["details"]["parent_id"][0]


class TestUnitPatch:
    def test_it_changes_only_the_fields_sent(self, district, staff, api_for):
        response = patch(api_for(staff), district.edu, {"short_name": "区教体局", "document_no": "示编〔2024〕4号"})
        assert response.status_code == 200
        district.edu.refresh_from_db()
        assert district.edu.short_name == "区教体局"
        assert district.edu.name == "示例区教育局"
        assert district.edu.uscc == "11330100000123457T"
        event = UnitEvent.objects.filter(unit=district.edu, kind=UnitEventKind.CHANGE).get()
        assert event.document_no == "示编〔2024〕4号"

    def test_it_moves_a_unit_and_its_subtree(self, district, staff, api_for):
        response = patch(api_for(staff), district.edu, {"parent_id": district.health.pk})
        assert response.status_code == 200
        assert response.json()["path"] == f"/{district.health.pk}/{district.edu.pk}/"
        assert Unit.objects.get(pk=district.school.pk).depth == 2

    def test_it_refuses_a_cycle(self, district, staff, api_for):
        response = patch(api_for(staff), district.edu, {"parent_id": district.school.pk})
        assert response.status_code == 422
        assert response.json()["details"]["parent_id"] == ["不能将机构调整到其自身或其下级机构之下"]

    def test_an_unknown_parent_is_a_422(self, district, staff, api_for):
        response = patch(api_for(staff), district.edu, {"parent_id": 999999})
        assert response.status_code == 422
        assert "parent_id" in response.json()["details"]

    def test_null_parent_makes_a_top_level_unit(self, district, staff, api_for):
        response = patch(api_for(staff), district.school, {"parent_id": None})
        assert response.status_code == 200
        assert response.json()["depth"] == 0

    def test_a_bad_credit_code_is_a_422(self, district, staff, api_for):
        response = patch(api_for(staff), district.edu, {"uscc": "12110105400123456L"})
        assert response.status_code == 422
        assert "应以“11”开头" in response.json()["details"]["uscc"][0]


class TestSubResources:
    def test_divisions_charters_and_events_are_listed(self, district, staff, api_for):
        services.division_create(actor=None, unit=district.edu, name="办公室")
        services.charter_create(actor=None, unit=district.edu, title="三定规定", document_no="示办发〔2019〕1号",
                                issued_on=date(2019, 1, 1), effective_on=date(2019, 1, 1),
                                quota=[{"kind": "administrative", "funding": "none", "count": 10}])
        client = api_for(staff)
        divisions = client.get(f"{URL}/{district.edu.pk}/divisions").json()
        assert [d["name"] for d in divisions["items"]] == ["办公室"]
        charters = client.get(f"{URL}/{district.edu.pk}/charters").json()
        assert charters["count"] == 1
        assert charters["items"][0]["quota"] == [{"kind": "administrative", "funding": "none", "count": 10}]
        events = client.get(f"{URL}/{district.edu.pk}/events").json()
        assert {e["kind"] for e in events["items"]} == {"establish", "division_add", "charter"}
        assert all(e["kind_label"] for e in events["items"])

    def test_sub_resources_of_an_unseen_unit_are_404(self, district, liaison, api_for):
        client = api_for(liaison)
        for suffix in ("divisions", "charters", "events"):
            assert client.get(f"{URL}/{district.hospital.pk}/{suffix}").status_code == 404


class TestWritePermissions:
    def test_a_liaison_cannot_create_under_their_own_unit(self, district, liaison, api_for):
        response = post(api_for(liaison), {"name": "示例区第三中学", "kind": "institution",
                                           "parent_id": district.edu.pk})
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"

    def test_a_liaison_gets_404_creating_under_a_unit_they_cannot_see(self, district, liaison, api_for):
        response = post(api_for(liaison), {"name": "分院", "kind": "institution", "parent_id": district.hospital.pk})
        assert response.status_code == 404

    def test_a_liaison_cannot_patch_their_unit_and_gets_404_elsewhere(self, district, liaison, api_for):
        client = api_for(liaison)
        assert patch(client, district.school, {"short_name": "一中"}).status_code == 403
        assert patch(client, district.hospital, {"short_name": "区医院"}).status_code == 404
        assert Unit.objects.get(pk=district.school.pk).short_name == ""

    def test_a_reviewer_reads_but_cannot_write(self, district, reviewer, api_for):
        client = api_for(reviewer)
        assert client.get(f"{URL}/{district.hospital.pk}").status_code == 200
        assert patch(client, district.hospital, {"short_name": "区医院"}).status_code == 403
        assert post(client, {"name": "新局", "kind": "organ"}).status_code == 403

    def test_a_top_level_unit_needs_a_district_wide_grant(self, district, api_for):
        from bianban.accounts import services as account_services
        from bianban.accounts.choices import Role

        keeper = account_services.user_create_with_grants(
            actor=None, username="keeper", password="Bianban!2026", grants=[(Role.OFFICE_STAFF, district.edu)])
        client = api_for(keeper)
        assert post(client, {"name": "新局", "kind": "organ"}).status_code == 403
        assert post(client, {"name": "新校", "kind": "institution", "parent_id": district.edu.pk}).status_code == 201
        assert patch(client, district.school, {"parent_id": None}).status_code == 403
        assert patch(client, district.school, {"parent_id": district.health.pk}).status_code == 422

    def test_a_session_without_a_token_works_too(self, district, staff, client_for):
        response = client_for(staff).get(f"{URL}/{district.edu.pk}")
        assert response.status_code == 200
        assert response.json()["name"] == "示例区教育局"
