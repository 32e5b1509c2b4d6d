import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from bianban.ledger.models import Problem
from bianban.party.models import Talk
from bianban.party.tests.talks_fixtures import add_talk, other_branch  # noqa: F401

TODAY = timezone.localdate()


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _payload(branch: Any, **overrides: Any) -> dict[str, Any]:
    body = {"branch_id": branch.branch.pk, "kind": "HEART_TO_HEART", "held_on": TODAY.isoformat(),
            "topic": "谈心", "talker_id": branch.full[0].pk, "talked_to_ids": [branch.full[1].pk, branch.full[2].pk]}
    body.update(overrides)
    return body


def test_the_api_records_reads_lists_and_corrects_a_talk(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    created = _send(api, "post", "/api/v1/talks", _payload(branch))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["talker"] == {"id": branch.full[0].pk, "name": "张伟"}
    assert [m["name"] for m in body["talked_to"]] == ["王芳", "李娜"] and body["person_times"] == 2
    assert body["kind_label"] == "谈心谈话" and body["problem_id"] is None
    tid = body["id"]
    assert api.get(f"/api/v1/talks/{tid}").json()["topic"] == "谈心"
    listed = api.get("/api/v1/talks", {"member": branch.full[2].pk, "year": TODAY.year}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == tid
    patched = _send(api, "patch", f"/api/v1/talks/{tid}", {"summary": "补记", "talked_to_ids": [branch.full[3].pk]})
    assert patched.status_code == 200
    assert patched.json()["summary"] == "补记" and [m["name"] for m in patched.json()["talked_to"]] == ["刘洋"]
    assert patched.json()["topic"] == "谈心"


def test_a_talk_with_no_participants_is_422_in_chinese_and_nothing_is_written(branch: Any, api_for: Any) -> None:
    response = _send(api_for(branch.users.secretary), "post", "/api/v1/talks",
                     _payload(branch, talker_id=None, talked_to_ids=[]))
    assert response.status_code == 422
    assert response.json()["message"] == "谈话须有参与人：请选择一名谈话人和至少一名谈话对象"
    assert "participants" in response.json()["details"]
    assert not Talk.objects.exists()


def test_bad_participants_and_dates_are_422_with_the_field_named(branch: Any, other_branch: Any,  # noqa: F811
                                                                 api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    cases = [
        (_payload(branch, talker_id=None), "talker", "请选择谈话人"),
        (_payload(branch, talked_to_ids=[branch.full[0].pk]), "talked_to", "谈话人张伟不能同时是谈话对象"),
        (_payload(branch, talked_to_ids=[other_branch.members[0].pk]), "talked_to_ids",
         f"党员（id {other_branch.members[0].pk}）不是本支部党员"),
        (_payload(branch, held_on=(TODAY + timedelta(days=2)).isoformat()), "held_on",
         "谈话日期不能晚于今天：只登记已经进行的谈话"),
    ]
    for body, field, message in cases:
        response = _send(api, "post", "/api/v1/talks", body)
        assert response.status_code == 422, body
        assert response.json()["details"][field] == [message]
    assert not Talk.objects.exists()


def test_a_talk_posted_with_a_problem_opens_it_in_the_ledger(branch: Any, admin: Any, api_for: Any) -> None:
    response = _send(api_for(admin), "post", "/api/v1/talks",
                     _payload(branch, kind="REMINDER", problem={"title": "请销假制度执行不严"}))
    assert response.status_code == 201, response.content
    problem = Problem.objects.get()
    assert response.json()["problem_id"] == problem.pk and problem.category == "party" and problem.source == "talk"


def test_a_member_may_read_but_gets_403_for_writes(branch: Any, api_for: Any, add_talk: Any) -> None:  # noqa: F811
    talk = add_talk(0, 6)  # the member persona (full[6]) took part: they may read it
    api = api_for(branch.users.member)
    assert api.get(f"/api/v1/talks/{talk.pk}").status_code == 200
    assert _send(api, "post", "/api/v1/talks", _payload(branch)).status_code == 403
    assert _send(api, "patch", f"/api/v1/talks/{talk.pk}", {"topic": "改"}).status_code == 403


def test_other_branches_and_outsiders_get_404_and_empty_lists(branch: Any, other_branch: Any,  # noqa: F811
                                                              outsider: Any, api_for: Any,
                                                              add_talk: Any) -> None:  # noqa: F811
    talk = add_talk(0, 1)
    own = add_talk(0, 1, on=other_branch)
    stranger = api_for(other_branch.secretary_user)
    assert stranger.get(f"/api/v1/talks/{talk.pk}").status_code == 404
    assert _send(stranger, "patch", f"/api/v1/talks/{talk.pk}", {"topic": "改"}).status_code == 404
    assert _send(stranger, "post", "/api/v1/talks", _payload(branch)).status_code == 404
    assert stranger.get(f"/api/v1/branches/{branch.branch.pk}/talk-coverage").status_code == 404
    assert [t["id"] for t in stranger.get("/api/v1/talks").json()["items"]] == [own.pk]
    assert api_for(outsider).get("/api/v1/talks").json()["count"] == 0
    assert api_for(outsider).get(f"/api/v1/talks/{talk.pk}").status_code == 404
    assert not Talk.objects.filter(topic="改").exists()


def test_the_coverage_endpoint_gives_the_percentage_and_pages_the_gaps(branch: Any, api_for: Any,
                                                                       add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1, 2)
    add_talk(0, 3, kind="INTEGRITY")
    response = api_for(branch.users.member).get(f"/api/v1/branches/{branch.branch.pk}/talk-coverage",
                                                {"year": TODAY.year, "limit": 10, "offset": 30})
    assert response.status_code == 200
    body = response.json()
    assert (body["required"], body["covered"], body["percent"]) == (36, 3, 8.3)
    assert body["by_category"]["committee"] == {"label": "支委之间", "required": 3, "covered": 3}
    assert body["person_times"]["HEART_TO_HEART"] == 2 and body["person_times"]["INTEGRITY"] == 1
    assert body["gaps"]["count"] == 33 and len(body["gaps"]["items"]) == 3
    assert sum(m["committee"] for m in body["members"]) == 3
    bad = api_for(branch.users.member).get(f"/api/v1/branches/{branch.branch.pk}/talk-coverage", {"year": 0})
    assert bad.status_code == 422
