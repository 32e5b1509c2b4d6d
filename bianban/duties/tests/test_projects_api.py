"""/api/v1/secretary-projects: create, read, list and change a project with targets, milestones and outcomes whose
values are counted from the register; bad input is 422 in Chinese; readers get 403 on writes, other branches 404."""

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.duties.models import ProjectMilestone, ProjectOutcome, ProjectTarget, SecretaryProject
from bianban.duties.tests.projects_fixtures import YEAR, close, movement, officer, problem, project  # noqa: F401
from bianban.party.tests.talks_fixtures import build_health_branch
from bianban.staffing.choices import MovementType

pytestmark = pytest.mark.django_db
BASE = "/api/v1/secretary-projects"


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_api_round_trip_counts_results_from_the_register(branch: SimpleNamespace, district: Any,
                                                             officer: Any, api_for: Any) -> None:  # noqa: F811
    api = api_for(officer)
    created = _send(api, "post", BASE, {"branch_id": branch.branch.pk, "year": YEAR, "title": "强化党建引领",
                                        "goal": "保障重点领域编制", "lead_id": branch.full[0].pk})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["lead"] == {"id": branch.full[0].pk, "name": "张伟"}
    for body in ({"name": "核增编制", "measure": "quota_added", "target_value": 5},
                 {"name": "问题整改销号", "measure": "problems_closed", "target_value": "1"}):
        assert _send(api, "post", f"{BASE}/{pid}/targets", body).status_code == 201
    milestone = _send(api, "post", f"{BASE}/{pid}/milestones", {"title": "核增编制", "due_on": "2023-06-30"})
    assert milestone.status_code == 201 and milestone.json()["overdue"] is True
    movement(district.school, MovementType.SET, 10, date(YEAR, 1, 3))
    increases = [movement(district.school, MovementType.INCREASE, n, date(YEAR, m, 1)) for n, m in ((3, 3), (2, 6))]
    found = problem(district.school, date(YEAR, 3, 3))
    candidates = api.get(f"{BASE}/{pid}/outcome-candidates", {"kind": "quota_movement"}).json()
    assert sorted(c["record_id"] for c in candidates) == sorted(m.pk for m in increases)
    for record in increases:
        linked = _send(api, "post", f"{BASE}/{pid}/outcomes", {"kind": "quota_movement", "record_id": record.pk})
        assert linked.status_code == 201 and linked.json()["kind_label"] == "编制调整"
    assert _send(api, "post", f"{BASE}/{pid}/outcomes", {"kind": "problem", "record_id": found.pk,
                                                         "note": "核查发现"}).status_code == 201
    close(found, date(YEAR, 6, 1))
    done = _send(api, "patch", f"{BASE}/{pid}/milestones/{milestone.json()['id']}",
                 {"status": "done", "done_on": "2023-06-20", "note": "已核增"})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["overdue"] is False
    detail = api.get(f"{BASE}/{pid}").json()
    assert [(t["measure"], t["value"], t["met"]) for t in detail["targets"]] == [
        ("quota_added", 5, True), ("problems_closed", 1, True)]
    assert len(detail["outcomes"]) == 3 and detail["milestones"][0]["done_on"] == "2023-06-20"
    listed = api.get(BASE, {"branch": branch.branch.pk, "year": YEAR}).json()
    assert listed["count"] == 1 and listed["items"][0]["targets"][0]["value"] == 5
    assert listed["items"][0]["outcomes"] is None and len(listed["items"][0]["milestones"]) == 1
    assert _send(api, "patch", f"{BASE}/{pid}", {"summary": "全部完成"}).json()["summary"] == "全部完成"
    oid = detail["outcomes"][0]["id"]
    assert api.delete(f"{BASE}/{pid}/outcomes/{oid}").status_code == 204
    assert api.get(f"{BASE}/{pid}").json()["targets"][0]["value"] in (2, 3)


@pytest.mark.parametrize(("value", "message"), [
    (0, "目标值应为正整数"), (-1, "目标值应为正整数"), ("abc", "目标值应为正整数"), (None, "目标值应为正整数"),
    (1.5, "目标值应为正整数"), (True, "目标值应为正整数"), (100_001, "目标值不能超过100000"),
    (10**30, "目标值不能超过100000"),
])
def test_a_bad_target_value_is_422_in_chinese_and_nothing_is_written(branch: SimpleNamespace,
                                                                     project: SecretaryProject,  # noqa: F811
                                                                     api_for: Any, value: Any, message: str) -> None:
    response = _send(api_for(branch.users.secretary), "post", f"{BASE}/{project.pk}/targets",
                     {"name": "核增编制", "measure": "quota_added", "target_value": value})
    assert response.status_code == 422, response.content
    assert response.json()["message"] == message and "target_value" in response.json()["details"]
    assert not ProjectTarget.objects.exists()


def test_texts_longer_than_their_columns_are_422_not_stored(branch: SimpleNamespace,
                                                            project: SecretaryProject,  # noqa: F811
                                                            api_for: Any) -> None:
    api, long = api_for(branch.users.secretary), "长" * 201
    created = _send(api, "post", BASE, {"branch_id": branch.branch.pk, "year": YEAR, "title": long, "goal": "g"})
    assert created.status_code == 422 and created.json()["message"] == "项目名称不能超过200字"
    target = _send(api, "post", f"{BASE}/{project.pk}/targets", {"name": long, "measure": "charters",
                                                                  "target_value": 1})
    assert target.status_code == 422 and target.json()["message"] == "目标不能超过200字"
    milestone = _send(api, "post", f"{BASE}/{project.pk}/milestones", {"title": long, "due_on": "2023-06-30"})
    assert milestone.status_code == 422 and milestone.json()["message"] == "节点不能超过200字"
    assert SecretaryProject.objects.count() == 1 and not ProjectTarget.objects.exists()
    assert not ProjectMilestone.objects.exists()


def test_a_done_on_alone_corrects_a_done_milestone_and_is_refused_on_an_open_one(
        branch: SimpleNamespace, project: SecretaryProject, api_for: Any) -> None:  # noqa: F811
    api = api_for(branch.users.secretary)
    mid = _send(api, "post", f"{BASE}/{project.pk}/milestones", {"title": "核查", "due_on": "2023-06-30"}).json()["id"]
    url = f"{BASE}/{project.pk}/milestones/{mid}"
    refused = _send(api, "patch", url, {"done_on": "2023-06-01"})
    assert refused.status_code == 422 and "done_on" in refused.json()["details"]
    assert ProjectMilestone.objects.get().done_on is None
    assert _send(api, "patch", url, {"status": "done", "done_on": "2023-06-01"}).status_code == 200
    corrected = _send(api, "patch", url, {"done_on": "2023-06-05"})
    assert corrected.status_code == 200 and corrected.json()["done_on"] == "2023-06-05"
    assert ProjectMilestone.objects.get().done_on == date(YEAR, 6, 5)


def test_listing_by_a_branch_id_no_database_can_hold_is_refused(branch: SimpleNamespace, project: SecretaryProject,  # noqa: F811
                                                                api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    response = api.get(BASE, {"branch": 10**20})
    assert response.status_code == 422 and response.json()["details"] == {"branch": ["应不大于9223372036854775807"]}
    assert api.get(BASE, {"branch": branch.branch.pk}).json()["count"] == 1


def test_bad_milestones_and_outcomes_are_422(branch: SimpleNamespace, project: SecretaryProject,  # noqa: F811
                                             api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    outside = _send(api, "post", f"{BASE}/{project.pk}/milestones", {"title": "节点", "due_on": "2024-02-01"})
    assert outside.status_code == 422 and outside.json()["message"] == "节点日期应在项目年度内（2023年）"
    invisible = _send(api, "post", f"{BASE}/{project.pk}/outcomes", {"kind": "charter", "record_id": 999})
    assert invisible.status_code == 422 and invisible.json()["message"] == "未找到该印发三定规定记录，或无权查看"
    assert not ProjectMilestone.objects.exists() and not ProjectOutcome.objects.exists()


def test_a_member_reads_but_may_not_write_and_another_branch_sees_nothing(
        branch: SimpleNamespace, project: SecretaryProject, district: Any, make_person: Any,  # noqa: F811
        api_for: Any) -> None:
    member = api_for(branch.users.member)
    assert member.get(f"{BASE}/{project.pk}").status_code == 200
    assert _send(member, "patch", f"{BASE}/{project.pk}", {"summary": "x"}).status_code == 403
    assert _send(member, "post", f"{BASE}/{project.pk}/targets",
                 {"name": "x", "measure": "charters", "target_value": 1}).status_code == 403
    other = api_for(build_health_branch(district, make_person).secretary_user)
    assert other.get(f"{BASE}/{project.pk}").status_code == 404
    assert _send(other, "patch", f"{BASE}/{project.pk}", {"summary": "x"}).status_code == 404
    assert other.get(BASE).json() == {"items": [], "count": 0}
    created = _send(other, "post", BASE, {"branch_id": branch.branch.pk, "year": YEAR, "title": "t", "goal": "g"})
    assert created.status_code == 404
    assert SecretaryProject.objects.get().summary == ""
