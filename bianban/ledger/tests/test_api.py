import json
from typing import Any

from bianban.ledger import services
from bianban.ledger.models import Problem


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_api_runs_a_problem_from_registration_to_close_out(api_for: Any, staff: Any, admin: Any,
                                                               district: Any) -> None:
    api = api_for(staff)
    created = _post(api, "/api/v1/problems", {"title": "混编混岗", "source": "manual", "category": "establishment",
                                              "unit_id": district.school.pk, "deadline_workdays": 20})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["status"] == "open" and created.json()["deadline"]
    assert _post(api, f"/api/v1/problems/{pid}/transitions", {"to_status": "in_progress"}).status_code == 200
    measure = _post(api, f"/api/v1/problems/{pid}/measures", {"description": "调整岗位", "owner": "张三"})
    assert measure.status_code == 201
    services.measure_complete(actor=staff, measure=Problem.objects.get(pk=pid).measures.get())
    submitted = _post(api, f"/api/v1/problems/{pid}/transitions", {"to_status": "awaiting_review"})
    assert submitted.json()["status_label"] == "申请销号"
    refused = _post(api, f"/api/v1/problems/{pid}/transitions", {"to_status": "closed"})
    assert refused.status_code == 403
    closed = _post(api_for(admin), f"/api/v1/problems/{pid}/transitions", {"to_status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    listed = api.get("/api/v1/problems", {"status": "closed"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pid
    assert api.get(f"/api/v1/problems/{pid}").json()["measures"][0]["status"] == "done"


def test_a_disallowed_transition_is_422_with_a_chinese_message(api_for: Any, admin: Any, make_problem: Any) -> None:
    problem = make_problem()
    response = _post(api_for(admin), f"/api/v1/problems/{problem.pk}/transitions", {"to_status": "closed"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and "待整改" in body["message"] and "to_status" in body["details"]


def test_a_close_out_that_loses_the_race_is_409(api_for: Any, admin: Any, awaiting: Any, monkeypatch: Any) -> None:
    from bianban.ledger import api as ledger_api

    stale = Problem.objects.get(pk=awaiting.pk)
    services.problem_transition(actor=admin, problem=awaiting, to_status="closed")
    # The request read the problem just before the other reviewer's close-out committed.
    monkeypatch.setattr(ledger_api.selectors, "problem_get_for_user", lambda user, pk: stale)
    response = _post(api_for(admin), f"/api/v1/problems/{awaiting.pk}/transitions", {"to_status": "closed"})
    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "问题状态已被他人修改，请刷新后重试", "details": {}}


def test_the_liaison_gets_404_outside_its_unit(api_for: Any, liaison: Any, make_problem: Any, district: Any) -> None:
    own = make_problem(unit=district.school)
    other = make_problem(unit=district.hospital)
    api = api_for(liaison)
    assert api.get(f"/api/v1/problems/{own.pk}").status_code == 200
    assert api.get(f"/api/v1/problems/{other.pk}").status_code == 404
    assert _post(api, f"/api/v1/problems/{other.pk}/transitions", {"to_status": "in_progress"}).status_code == 404
    assert [p["id"] for p in api.get("/api/v1/problems").json()["items"]] == [own.pk]
    assert _post(api, "/api/v1/problems", {"title": "x", "unit_id": district.health.pk}).status_code == 404


def test_patch_problem_and_measure(district: Any, staff: Any, liaison: Any, api_for: Any) -> None:
    from bianban.ledger.models import Problem
    from bianban.ledger.services import measure_create, problem_create

    problem = problem_create(actor=staff, source="manual", title="编制台账不一致", unit=district.school)
    measure = measure_create(actor=staff, problem=problem, description="核对台账")
    api = api_for(staff)
    response = api.patch(f"/api/v1/problems/{problem.pk}", {"responsible": "王五", "deadline": "2099-03-01"},
                         content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["responsible"] == "王五" and body["deadline"] == "2099-03-01" and body["title"] == "编制台账不一致"
    response = api.patch(f"/api/v1/problems/{problem.pk}", {"deadline": "2000-01-01"},
                         content_type="application/json")
    assert response.status_code == 422 and "整改时限不能早于发现日期" in response.json()["message"]
    response = api.patch(f"/api/v1/problems/{problem.pk}/measures/{measure.pk}", {"owner": "赵六"},
                         content_type="application/json")
    assert response.status_code == 200 and response.json()["owner"] == "赵六"
    assert response.json()["description"] == "核对台账"
    # A liaison may not move a problem to a unit outside their scope.
    response = api_for(liaison).patch(f"/api/v1/problems/{problem.pk}", {"unit_id": district.hospital.pk},
                                      content_type="application/json")
    assert response.status_code == 404
    assert Problem.objects.get(pk=problem.pk).unit_id == district.school.pk
