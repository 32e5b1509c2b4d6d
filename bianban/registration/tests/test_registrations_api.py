import json
from typing import Any

from bianban.core.models import AuditEvent
from bianban.registration.models import Registration


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _body(district: Any, **overrides: Any) -> dict[str, Any]:
    body = {"unit_id": district.school.pk, "uscc": "12110105400123456L", "name": "示例区第一中学",
            "purpose": "教育", "address": "学府路1号", "legal_representative": "张校长", "capital": "100.5",
            "funding_source": "full", "sponsor_id": district.edu.pk, "registered_on": "2016-09-01",
            "certificate": {"number": "事证第7号", "issued_on": "2021-06-01"}}
    body.update(overrides)
    return body


def test_the_api_registers_lists_and_corrects(api_for: Any, staff: Any, district: Any) -> None:
    api = api_for(staff)
    created = _send(api, "post", "/api/v1/registrations", _body(district))
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    assert created.json()["current_valid_until"] == "2026-05-31"
    listed = api.get("/api/v1/registrations", {"q": "第一中学", "limit": 10}).json()
    assert listed["count"] == 1 and listed["items"][0]["sponsor_name"] == "示例区教育局"
    patched = _send(api, "patch", f"/api/v1/registrations/{rid}", {"reason": "录入错误", "address": "学府路2号"})
    assert patched.status_code == 200 and patched.json()["address"] == "学府路2号"
    assert AuditEvent.objects.filter(action="registration.correct", reason="录入错误").exists()
    certs = api.get(f"/api/v1/registrations/{rid}/certificates").json()
    assert certs["count"] == 1 and certs["items"][0]["number"] == "事证第7号"
    issued = _send(api, "post", f"/api/v1/registrations/{rid}/certificates",
                   {"number": "事证第8号", "issued_on": "2024-01-02"})
    assert issued.status_code == 201 and issued.json()["valid_until"] == "2029-01-01"
    assert api.get(f"/api/v1/registrations/{rid}/certificates").json()["items"][0]["number"] == "事证第8号"


def test_bad_input_is_422_with_chinese_messages_and_nothing_written(api_for: Any, staff: Any,
                                                                    district: Any) -> None:
    api = api_for(staff)
    organ = _send(api, "post", "/api/v1/registrations", _body(district, uscc="11330100000123457T"))
    assert organ.status_code == 422 and "12" in organ.json()["details"]["uscc"][0]
    negative = _send(api, "post", "/api/v1/registrations", _body(district, capital="-3"))
    assert negative.status_code == 422 and negative.json()["details"]["capital"] == ["开办资金不能为负数"]
    wrong_unit = _send(api, "post", "/api/v1/registrations", _body(district, unit_id=district.edu.pk))
    assert wrong_unit.status_code == 422 and "unit_id" in wrong_unit.json()["details"]
    correction = _send(api, "patch", "/api/v1/registrations/999999", {"reason": "x"})
    assert correction.status_code == 404
    assert not Registration.objects.exists()


def test_the_liaison_reads_its_own_subtree_only_and_cannot_write(api_for: Any, liaison: Any, registration: Any,
                                                                 hospital_registration: Any) -> None:
    api = api_for(liaison)
    listed = api.get("/api/v1/registrations").json()
    assert [item["name"] for item in listed["items"]] == ["示例区第一中学"]
    assert api.get(f"/api/v1/registrations/{registration.pk}").status_code == 200
    assert api.get(f"/api/v1/registrations/{hospital_registration.pk}").status_code == 404
    assert api.get(f"/api/v1/registrations/{hospital_registration.pk}/certificates").status_code == 404
    refused = _send(api, "patch", f"/api/v1/registrations/{registration.pk}", {"reason": "x", "address": "y"})
    assert refused.status_code == 403
