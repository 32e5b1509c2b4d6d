# ruff: noqa: F811  (pytest fixtures imported from annual_fixtures are redefined as arguments)
"""/api/v1/annual-reports: create, fill in, the flow, the status list; bad input as 422 with Chinese messages and
nothing written; 404 outside the caller's subtree."""

from bianban.registration.choices import AnnualReportStatus as S
from bianban.registration.models import AnnualReport
from bianban.registration.tests.annual_fixtures import CONTENTS, YEAR, make_report  # noqa: F401

BASE = "/api/v1/annual-reports"


def test_the_whole_flow_through_the_api(api_for, staff, registration):
    api = api_for(staff)
    response = api.post(BASE, {"registration_id": registration.pk, "year": YEAR}, content_type="application/json")
    assert response.status_code == 201
    report = response.json()
    assert (report["status"], report["staff_count"], report["name"]) == ("draft", 0, "示例区第一中学")
    url = f"{BASE}/{report['id']}"
    response = api.patch(url, CONTENTS, content_type="application/json")
    assert response.status_code == 200 and response.json()["net_assets_end"] == "1350.25"
    for step in ("submit", "sponsor-approve", "publish"):
        response = api.post(f"{url}/{step}")
        assert response.status_code == 200, response.json()
    assert response.json()["status"] == S.PUBLISHED and response.json()["published_on"]


def test_bad_input_is_422_in_chinese_and_nothing_is_written(api_for, staff, registration, make_report):
    api = api_for(staff)
    response = api.post(BASE, {"registration_id": registration.pk, "year": 2000}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"]["year"] == ["报告年度早于该单位设立登记年度（2016年）"]
    report = make_report(registration)
    response = api.patch(f"{BASE}/{report.pk}", {"revenue": -1, "net_assets_start": "abc"},
                         content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"] == {"revenue": ["收入不能为负数"],
                                          "net_assets_start": ["净资产年初数应为数字（单位：万元）"]}
    response = api.post(f"{BASE}/{report.pk}/submit")
    assert response.status_code == 422 and "business_activities" in response.json()["details"]
    report.refresh_from_db()
    assert (report.status, report.revenue) == (S.DRAFT, None)


def test_a_step_out_of_order_is_409(api_for, staff, registration, make_report):
    report = make_report(registration, upto="filled")
    response = api_for(staff).post(f"{BASE}/{report.pk}/publish")
    assert response.status_code == 409 and "不能公示" in response.json()["message"]


def test_a_return_needs_a_reason(api_for, staff, registration, make_report):
    report = make_report(registration, upto="submitted")
    api = api_for(staff)
    assert api.post(f"{BASE}/{report.pk}/return", {"reason": ""}, content_type="application/json").status_code == 422
    response = api.post(f"{BASE}/{report.pk}/return", {"reason": "请补充"}, content_type="application/json")
    assert response.json()["status"] == S.RETURNED and response.json()["returned_reason"] == "请补充"


def test_the_status_list_with_late_flags(api_for, staff, registration, hospital_registration, make_report):
    make_report(registration, upto="submitted")
    body = api_for(staff).get(f"{BASE}/status", {"year": YEAR}).json()
    assert body["due_on"] == "2026-03-31"
    assert body["counts"]["total"] == 2
    rows = {r["name"]: (r["state"], r["report_id"] is not None) for r in body["rows"]}
    assert rows == {"示例区第一中学": ("submitted", True), "示例区人民医院": ("missing", False)}


def test_a_liaison_gets_404_outside_their_subtree_and_403_for_writes_inside(api_for, liaison, registration,
                                                                            hospital_registration, make_report):
    outside = make_report(hospital_registration)
    inside = make_report(registration, year=YEAR - 1)
    api = api_for(liaison)
    assert api.get(f"{BASE}/{outside.pk}").status_code == 404
    assert api.patch(f"{BASE}/{outside.pk}", {"other": "x"}, content_type="application/json").status_code == 404
    assert [r["id"] for r in api.get(BASE).json()["items"]] == [inside.pk]
    assert api.get(f"{BASE}/status", {"year": YEAR}).json()["counts"]["total"] == 1
    assert api.post(f"{BASE}/{inside.pk}/submit").status_code == 403
    assert AnnualReport.objects.get(pk=inside.pk).status == S.DRAFT
