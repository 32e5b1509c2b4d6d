import json
from typing import Any

from bianban.registration.models import Filing, Registration
from bianban.registration.tests.filings_fixtures import days_ago, establish_proposed


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body, default=str), content_type="application/json")


def test_the_api_walks_an_establishment_to_publication(api_for: Any, staff: Any, district: Any) -> None:
    api = api_for(staff)
    proposed = establish_proposed(district)
    proposed["sponsor_id"] = proposed.pop("sponsor")
    created = _send(api, "post", "/api/v1/filings", {"kind": "establish", "unit_id": district.hospital.pk,
                                                      "proposed": proposed, "occurred_on": days_ago(40),
                                                      "applied_on": days_ago(30)})
    assert created.status_code == 201, created.content
    body = created.json()
    fid = body["id"]
    assert body["status"] == "applied" and body["status_label"] == "已申请" and body["next_steps"] == [
        "accepted", "not_accepted"]
    assert [m["key"] for m in body["materials"]][:2] == ["establish_application", "legal_rep_form"]
    assert body["events"][0]["to_status"] == "applied"
    refused = _send(api, "post", f"/api/v1/filings/{fid}/transitions", {"to_status": "accepted", "on": days_ago(20)})
    assert refused.status_code == 422 and refused.json()["details"]["materials"][0].startswith("材料不齐")
    ticked = _send(api, "patch", f"/api/v1/filings/{fid}/materials",
                   {"materials": [m["key"] for m in body["materials"]]})
    assert ticked.status_code == 200 and all(m["ticked"] for m in ticked.json()["materials"])
    for to, on, extra in (("accepted", 20, {}), ("reviewing", 19, {}),
                          ("approved", 18, {"uscc": "12110105400123457P"}),
                          ("certified", 10, {"certificate_number": "事证第1号"}), ("published", 5, {})):
        step = _send(api, "post", f"/api/v1/filings/{fid}/transitions", {"to_status": to, "on": days_ago(on), **extra})
        assert step.status_code == 200, step.content
    done = api.get(f"/api/v1/filings/{fid}").json()
    assert done["status"] == "published" and len(done["events"]) == 6 and done["registration_id"]
    assert Registration.objects.get(unit=district.hospital).uscc == "12110105400123457P"


def test_the_api_refuses_bad_input_in_chinese_with_nothing_written(api_for: Any, staff: Any,
                                                                   registration: Any) -> None:
    api = api_for(staff)
    url = "/api/v1/filings"
    same = _send(api, "post", url, {"kind": "change", "registration_id": registration.pk,
                                    "changes": {"name": "示例区第一中学"}, "occurred_on": days_ago(3)})
    assert same.status_code == 422 and same.json()["details"]["name"] == ["变更后的名称与现登记相同，无需变更"]
    no_reg = _send(api, "post", url, {"kind": "cancel", "cancel_reason": "merged"})
    assert no_reg.status_code == 422 and "registration_id" in no_reg.json()["details"]
    missing = _send(api, "post", url, {"kind": "change", "registration_id": 999999, "changes": {"name": "x"}})
    assert missing.status_code == 404
    assert not Filing.objects.exists()


def test_a_stale_step_is_409(api_for: Any, staff: Any, registration: Any) -> None:
    api = api_for(staff)
    created = _send(api, "post", "/api/v1/filings", {"kind": "change", "registration_id": registration.pk,
                                                      "changes": {"legal_representative": "王校长"},
                                                      "occurred_on": days_ago(3), "applied_on": days_ago(2)})
    fid = created.json()["id"]
    stale = _send(api, "post", f"/api/v1/filings/{fid}/transitions",
                  {"to_status": "not_accepted", "on": days_ago(1), "note": "x", "expected_status": "accepted"})
    assert stale.status_code == 409 and stale.json()["message"] == "已被他人修改，请刷新后重试"


def test_the_liaison_reads_its_subtree_only_and_cannot_write(api_for: Any, staff: Any, liaison: Any,
                                                             registration: Any, hospital_registration: Any) -> None:
    staff_api = api_for(staff)
    mine = _send(staff_api, "post", "/api/v1/filings", {"kind": "change", "registration_id": registration.pk,
                                                         "changes": {"legal_representative": "王校长"},
                                                         "occurred_on": days_ago(60)}).json()
    theirs = _send(staff_api, "post", "/api/v1/filings", {"kind": "cancel",
                                                           "registration_id": hospital_registration.pk,
                                                           "cancel_reason": "merged",
                                                           "liquidation_started_on": days_ago(3)}).json()
    api = api_for(liaison)
    listed = api.get("/api/v1/filings", {"overdue": "true"}).json()
    assert [item["id"] for item in listed["items"]] == [mine["id"]]
    assert listed["items"][0]["next_deadline"]["overdue"] is True
    assert api.get(f"/api/v1/filings/{theirs['id']}").status_code == 404
    write = _send(api, "post", f"/api/v1/filings/{mine['id']}/transitions", {"to_status": "applied",
                                                                              "on": days_ago(1)})
    assert write.status_code == 403
