"""/api/v1/appraisals: the year's appraisal run through the API with each user's own token, the bad input it refuses
(422 with a Chinese message, nothing written), the race it reports (409) and its scoping (404 outside the branch,
403 for those who only view)."""

import json
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from bianban.party.appraisals import services
from bianban.party.choices import AppraisalStatus
from bianban.party.models import Appraisal, AppraisalResult, AppraisalVoter
from bianban.party.tests import appraisals_fixtures as fx
from bianban.party.tests.appraisals_fixtures import E, Q, U, ballot_of, grades_for

appraisal, voting, voters, closed, determine, other_branch = (
    fx.appraisal, fx.voting, fx.voters, fx.closed, fx.determine, fx.other_branch)
S = AppraisalStatus


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _lines(grades: dict[int, str]) -> list[dict[str, Any]]:
    return [{"member_id": pk, "grade": grade} for pk, grade in grades.items()]


def test_the_api_runs_the_years_appraisal(branch: SimpleNamespace, api_for: Any, voters: dict[int, Any]) -> None:
    secretary, member = api_for(branch.users.secretary), api_for(branch.users.member)
    today = timezone.localdate()
    created = _send(secretary, "post", "/api/v1/appraisals",
                    {"branch_id": branch.branch.pk, "year": today.year, "started_on": str(today)})
    assert created.status_code == 201, created.content
    body = created.json()
    aid = body["id"]
    assert body["status"] == "self" and body["voters_due"] == 7 and body["excellent_max"] == 3
    assert len(body["roster"]) == 9 and sum(r["votes"] for r in body["roster"]) == 7
    own = _send(member, "put", f"/api/v1/appraisals/{aid}/self-evaluations/{branch.full[6].pk}",
                {"text": "认真履行党员义务", "grade": "QUALIFIED"})
    assert own.status_code == 200 and own.json()["grade"] == "QUALIFIED"
    assert _send(secretary, "post", f"/api/v1/appraisals/{aid}/transitions", {"to_status": "voting"}).json()[
        "status"] == "voting"
    cast = _send(member, "post", f"/api/v1/appraisals/{aid}/ballots",
                 {"grades": _lines(ballot_of(6, branch.members))})
    assert cast.status_code == 201 and cast.json() == {"voters_due": 7, "ballots_entered": 1,
                                                       "ballot_mode": "electronic"}
    mine = member.get(f"/api/v1/appraisals/{aid}").json()["me"]
    assert mine == {"member_id": branch.full[6].pk, "appraised": True, "may_vote": True, "has_voted": True,
                    "self_evaluation_submitted": True}
    appraisal = Appraisal.objects.get(pk=aid)
    for i, m in enumerate(branch.full[:6]):
        services.ballot_cast(actor=voters[m.pk], appraisal=appraisal, grades=ballot_of(i, branch.members))
    assert _send(secretary, "post", f"/api/v1/appraisals/{aid}/transitions",
                 {"to_status": "closed"}).status_code == 200
    tallies = {t["name"]: t for t in secretary.get(f"/api/v1/appraisals/{aid}/tallies").json()}
    assert (tallies["王芳"]["excellent"], tallies["王芳"]["total"]) == (6, 6)
    results = [{"member_id": m.pk, "grade": E if i in (1, 2) else Q} for i, m in enumerate(branch.members)]
    put = _send(secretary, "put", f"/api/v1/appraisals/{aid}/results", {"results": results})
    assert put.status_code == 200 and len(put.json()) == 9
    assert _send(secretary, "post", f"/api/v1/appraisals/{aid}/transitions",
                 {"to_status": "published"}).json()["published_on"] == str(today)
    published = {r["name"]: r["grade_label"] for r in member.get(f"/api/v1/appraisals/{aid}/results").json()}
    assert published["王芳"] == "优秀" and published["张伟"] == "合格"
    listed = member.get("/api/v1/appraisals", {"branch": branch.branch.pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["status_label"] == "已公布"


def test_a_second_appraisal_for_the_same_year_is_422_and_nothing_is_written(appraisal: Appraisal,
                                                                           branch: SimpleNamespace,
                                                                           api_for: Any) -> None:
    response = _send(api_for(branch.users.secretary), "post", "/api/v1/appraisals",
                     {"branch_id": branch.branch.pk, "year": appraisal.year, "started_on": str(appraisal.started_on)})
    assert response.status_code == 422
    assert response.json()["details"] == {"year": [f"示例区教育局机关党支部{appraisal.year}年度已开展民主评议，"
                                                   "每年只开展一次（条例第二十条）"]}
    assert Appraisal.objects.count() == 1


def test_a_ballot_after_voting_closed_is_422_and_counts_nothing(closed: Appraisal, branch: SimpleNamespace,
                                                                api_for: Any) -> None:
    response = _send(api_for(branch.users.secretary), "post", f"/api/v1/appraisals/{closed.pk}/ballots",
                     {"grades": _lines(grades_for(branch.members)), "paper": True})
    assert response.status_code == 422
    today = timezone.localdate()
    assert response.json()["message"] == f"党员互评已于{today.year}年{today.month}月{today.day}日结束，不能再投票"
    assert AppraisalVoter.objects.count() == 7


def test_a_ballot_grading_a_member_twice_is_422(voting: Appraisal, branch: SimpleNamespace, api_for: Any) -> None:
    lines = _lines(grades_for(branch.members, skip=branch.full[6]))
    lines.append({"member_id": branch.full[0].pk, "grade": E})
    response = _send(api_for(branch.users.member), "post", f"/api/v1/appraisals/{voting.pk}/ballots",
                     {"grades": lines})
    assert response.status_code == 422 and response.json()["details"] == {"grades": ["同一党员只能选择一个等次"]}
    assert not AppraisalVoter.objects.exists()


def test_the_excellent_limit_and_the_unqualified_reason_are_422(closed: Appraisal, branch: SimpleNamespace,
                                                                api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    over = [{"member_id": m.pk, "grade": E if i < 4 else Q} for i, m in enumerate(branch.members)]
    response = _send(api, "put", f"/api/v1/appraisals/{closed.pk}/results", {"results": over})
    assert response.status_code == 422 and "优秀最多3名，现为4名" in response.json()["message"]
    bare = [{"member_id": branch.full[5].pk, "grade": U}]
    response = _send(api, "put", f"/api/v1/appraisals/{closed.pk}/results", {"results": bare})
    assert response.status_code == 422 and response.json()["details"] == {"results": ["杨帆评定为不合格，须说明理由"]}
    assert not AppraisalResult.objects.exists()


def test_a_stage_change_that_loses_the_race_is_409(voting: Appraisal, branch: SimpleNamespace, api_for: Any,
                                                   monkeypatch: Any) -> None:
    from bianban.party.appraisals import api as appraisals_api

    stale = Appraisal.objects.get(pk=voting.pk)
    stale.status = S.SELF  # the request read it just before the other secretary opened voting
    real = appraisals_api.selectors.appraisal_get_for_user
    monkeypatch.setattr(appraisals_api.selectors, "appraisal_get_for_user",
                        lambda user, pk, *a: stale if pk == voting.pk and stale.status == S.SELF else real(user, pk))
    response = _send(api_for(branch.users.secretary), "post", f"/api/v1/appraisals/{voting.pk}/transitions",
                     {"to_status": "voting"})
    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "民主评议阶段已被他人变更，请刷新后重试", "details": {}}


def test_the_api_is_scoped_to_the_branch(closed: Appraisal, branch: SimpleNamespace, other_branch: SimpleNamespace,
                                         api_for: Any, reviewer: Any, outsider: Any, determine: Any) -> None:
    stranger = api_for(other_branch.secretary_user)
    assert stranger.get(f"/api/v1/appraisals/{closed.pk}").status_code == 404
    assert stranger.get(f"/api/v1/appraisals/{closed.pk}/tallies").status_code == 404
    assert [a["id"] for a in stranger.get("/api/v1/appraisals").json()["items"]] == [other_branch.appraisal.pk]
    refused = _send(stranger, "post", "/api/v1/appraisals",
                    {"branch_id": branch.branch.pk, "year": 2020, "started_on": "2020-12-01"})
    assert refused.status_code == 404 and "branch_id" in refused.json()["details"]
    assert api_for(outsider).get(f"/api/v1/appraisals/{closed.pk}").status_code == 404
    viewer = api_for(reviewer)
    assert viewer.get(f"/api/v1/appraisals/{closed.pk}").status_code == 200
    assert viewer.get(f"/api/v1/appraisals/{closed.pk}/tallies").status_code == 403
    assert viewer.get(f"/api/v1/appraisals/{closed.pk}/results").status_code == 403
    assert _send(viewer, "post", f"/api/v1/appraisals/{closed.pk}/transitions",
                 {"to_status": "published"}).status_code == 403
    determine(closed)
    services.appraisal_transition(actor=branch.users.secretary, appraisal=closed, to_status=S.PUBLISHED)
    assert viewer.get(f"/api/v1/appraisals/{closed.pk}/results").status_code == 200
    assert viewer.get(f"/api/v1/appraisals/{closed.pk}/tallies").status_code == 403


def test_a_member_writes_only_their_own_self_evaluation(appraisal: Appraisal, branch: SimpleNamespace,
                                                        api_for: Any) -> None:
    member = api_for(branch.users.member)
    other = _send(member, "put", f"/api/v1/appraisals/{appraisal.pk}/self-evaluations/{branch.full[3].pk}",
                  {"text": "代写"})
    assert other.status_code == 403
    services.self_evaluation_save(actor=None, appraisal=appraisal, member=branch.full[3], text="刘洋的自评")
    _send(member, "put", f"/api/v1/appraisals/{appraisal.pk}/self-evaluations/{branch.full[6].pk}", {"text": "本人"})
    assert [e["text"] for e in member.get(f"/api/v1/appraisals/{appraisal.pk}/self-evaluations").json()] == ["本人"]
    everyone = api_for(branch.users.secretary).get(f"/api/v1/appraisals/{appraisal.pk}/self-evaluations").json()
    assert len(everyone) == 2
