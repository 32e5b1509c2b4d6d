import json
from typing import Any

from bianban.core.models import AuditEvent
from bianban.duties.models import Visit, VisitCampaign
from bianban.duties.tests import visits_fixtures as fx
from bianban.duties.tests.visits_fixtures import ISSUES
from bianban.ledger.models import Problem
from bianban.party.tests.talks_fixtures import other_branch  # noqa: F401

campaign, add_visit = fx.campaign, fx.add_visit  # fixtures


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _payload(branch: Any, campaign: Any, **overrides: Any) -> dict[str, Any]:
    body = {"campaign_id": campaign.pk, "visited_on": "2023-05-10", "team_role": "leadership", "street": "海滨街道",
            "community": "望海社区", "group": "women_children", "households": 3, "people": 5,
            "circumstances": "单亲家庭", "visitors": [{"member_id": branch.secretary.pk, "role": "leadership"},
                                                  {"name": "李第一", "role": "first_secretary"}],
            "issues": [{"kind": "problem", "topic": "rights", "content": "儿童入学困难", "department": "区教育局"},
                       {"kind": "suggestion", "topic": "employment", "content": "希望开展技能培训",
                        "department": "区人社局"}]}
    body.update(overrides)
    return body


def test_the_api_opens_a_campaign_records_visits_and_reports_statistics(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    created = _send(api, "post", "/api/v1/visit-campaigns",
                    {"branch_id": branch.branch.pk, "title": "集中走访", "starts_on": "2023-04-01",
                     "ends_on": "2023-07-31", "scope": "海滨街道"})
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assert created.json()["stats"]["total"] == {"visits": 0, "households": 0, "people": 0}
    visit = _send(api, "post", "/api/v1/visits", _payload(branch, VisitCampaign.objects.get(pk=cid)))
    assert visit.status_code == 201, visit.content
    body = visit.json()
    assert [v["name"] for v in body["visitors"]] == ["张伟", "李第一"] and body["circumstances"] == "单亲家庭"
    assert [i["problem_status"] for i in body["issues"]] == ["open", "open"]
    assert Problem.objects.filter(source="visit", pk__in=[i["problem_id"] for i in body["issues"]]).count() == 2
    stats = api.get(f"/api/v1/visit-campaigns/{cid}").json()["stats"]
    assert stats["by_role"]["leadership_and_first_secretary"]["households"] == 3
    assert stats["problems"] == {"raised": 2, "solved": 0, "unsolved": 2, "overdue": 2}
    listed = api.get("/api/v1/visits", {"campaign": cid}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert api.get("/api/v1/visit-campaigns", {"branch": branch.branch.pk, "year": 2023}).json()["count"] == 1
    patched = _send(api, "patch", f"/api/v1/visit-campaigns/{cid}", {"requirement": "户户进"})
    assert patched.status_code == 200 and patched.json()["requirement"] == "户户进"


def test_a_visit_is_corrected_given_an_issue_and_deleted_only_when_it_raised_nothing(branch: Any, add_visit: Any,
                                                                                      api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    visit = add_visit()
    patched = _send(api, "patch", f"/api/v1/visits/{visit.pk}",
                    {"people": 4, "visitors": [{"member_id": branch.full[2].pk, "role": "branch_member"}]})
    assert patched.status_code == 200
    assert patched.json()["people"] == 4 and patched.json()["visitors"][0]["name"] == "李娜"
    assert api.delete(f"/api/v1/visits/{visit.pk}").status_code == 204
    raised = add_visit()
    issue = _send(api, "post", f"/api/v1/visits/{raised.pk}/issues",
                  {"kind": "problem", "topic": "housing", "content": "屋顶漏雨", "department": "区住建局"})
    assert issue.status_code == 201 and issue.json()["problem_status"] == "open"
    refused = api.delete(f"/api/v1/visits/{raised.pk}")
    assert refused.status_code == 422 and "不能删除" in refused.json()["message"]
    assert Visit.objects.filter(pk=raised.pk).exists()


def test_bad_visits_are_422_in_chinese_and_nothing_is_written(branch: Any, campaign: Any, other_branch: Any,  # noqa: F811
                                                              api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    before = AuditEvent.objects.count()
    no_department = [{"kind": "problem", "topic": "rights", "content": "入学难", "department": ""}]
    cases = [
        (_payload(branch, campaign, households=0, people=0), "households", "走访户数应至少为1"),
        (_payload(branch, campaign, households=4, people=3), "people", "走访人数（3人）不能少于户数（4户）"),
        (_payload(branch, campaign, visited_on="2023-03-31"), "visited_on",
         "走访日期应在活动期间（2023-04-01至2023-07-31）内"),
        (_payload(branch, campaign, visitors=[]), "visitors", "请至少填写一名走访人员"),
        (_payload(branch, campaign, visitors=[{"member_id": other_branch.members[0].pk, "role": "branch_member"}]),
         "visitors", f"党员（id {other_branch.members[0].pk}）不是本支部党员"),
        (_payload(branch, campaign, issues=no_department), "issues", "第1条问题：请填写承办部门"),
    ]
    for body, field, message in cases:
        response = _send(api, "post", "/api/v1/visits", body)
        assert response.status_code == 422, response.content
        assert response.json()["message"] == message and field in response.json()["details"]
    assert not Visit.objects.exists() and not Problem.objects.exists()
    assert AuditEvent.objects.count() == before


def test_members_and_reviewers_read_masked_circumstances_and_members_get_403_for_writes(
        branch: Any, campaign: Any, add_visit: Any, reviewer: Any, api_for: Any) -> None:
    visit = add_visit(circumstances="患病卧床")
    for user in (branch.users.member, reviewer):
        api = api_for(user)
        assert api.get(f"/api/v1/visits/{visit.pk}").json()["circumstances"] == "***"
        assert api.get("/api/v1/visits", {"campaign": campaign.pk}).json()["items"][0]["circumstances"] == "***"
    assert api_for(branch.users.secretary).get(f"/api/v1/visits/{visit.pk}").json()["circumstances"] == "患病卧床"
    member = api_for(branch.users.member)
    assert _send(member, "post", "/api/v1/visits", _payload(branch, campaign)).status_code == 403
    assert _send(member, "patch", f"/api/v1/visits/{visit.pk}", {"people": 9}).status_code == 403
    assert member.delete(f"/api/v1/visits/{visit.pk}").status_code == 403
    assert _send(member, "patch", f"/api/v1/visit-campaigns/{campaign.pk}", {"title": "改"}).status_code == 403
    visit.refresh_from_db()
    assert visit.people == 3 and not Problem.objects.exists()


def test_other_branches_and_outsiders_get_404_and_empty_lists(branch: Any, campaign: Any, add_visit: Any,
                                                              other_branch: Any, outsider: Any,  # noqa: F811
                                                              api_for: Any) -> None:
    visit = add_visit()
    stranger = api_for(other_branch.secretary_user)
    assert stranger.get(f"/api/v1/visits/{visit.pk}").status_code == 404
    assert stranger.get(f"/api/v1/visit-campaigns/{campaign.pk}").status_code == 404
    assert _send(stranger, "patch", f"/api/v1/visits/{visit.pk}", {"people": 9}).status_code == 404
    assert _send(stranger, "post", "/api/v1/visits", _payload(branch, campaign)).status_code == 404
    assert _send(stranger, "post", f"/api/v1/visits/{visit.pk}/issues",
                 {"kind": "problem", "topic": "other", "content": "x", "department": "y"}).status_code == 404
    assert stranger.get("/api/v1/visits").json()["count"] == 0
    assert stranger.get("/api/v1/visit-campaigns").json()["count"] == 0
    assert api_for(outsider).get("/api/v1/visits").json()["count"] == 0
    assert api_for(outsider).get(f"/api/v1/visits/{visit.pk}").status_code == 404
    assert not Problem.objects.exists()


def test_the_seeds_campaign_totals_through_the_api(branch: Any, campaign: Any, add_visit: Any, api_for: Any) -> None:
    add_visit(households=10, people=18)
    add_visit(households=18, people=30, team_role="leadership", visitors=[(branch.secretary, "leadership")],
              issues=ISSUES)
    add_visit(households=12, people=24, team_role="first_secretary", visitors=[("李第一", "first_secretary")])
    stats = api_for(branch.users.member).get(f"/api/v1/visit-campaigns/{campaign.pk}").json()["stats"]
    roles = stats["by_role"]
    assert (roles["branch_member"]["households"], roles["branch_member"]["people"]) == (10, 18)
    combined = roles["leadership_and_first_secretary"]
    assert (combined["label"], combined["households"], combined["people"]) == ("领导班子成员和挂职第一书记", 30, 54)
    assert stats["issues_by_kind"]["suggestion"]["count"] == 1


def test_the_visit_list_reads_a_page_in_the_same_queries_however_many_visits(branch: Any, campaign: Any,
                                                                             add_visit: Any, api_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(branch.users.member)
    add_visit(issues=ISSUES)
    api.get("/api/v1/visits")  # warm the token check's caches
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/visits").json()["count"] == 1
    for _ in range(3):
        add_visit(issues=ISSUES, visitors=[(branch.secretary, "branch_member"), ("李第一", "first_secretary")])
    with CaptureQueriesContext(connection) as four:
        assert api.get("/api/v1/visits").json()["count"] == 4
    assert len(four) == len(one)


def test_counts_out_of_range_and_names_too_long_are_422_in_chinese_not_500(branch: Any, campaign: Any,
                                                                          api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    before = AuditEvent.objects.count()
    cases = [
        (_payload(branch, campaign, households=10**12, people=3), "households", "应不大于2147483647"),
        (_payload(branch, campaign, households=10_000, people=3), "households",
         "走访户数不能超过9999户：每条记录登记一次走访"),
        (_payload(branch, campaign, households=3, people=10_000), "people",
         "走访人数不能超过9999人：每条记录登记一次走访"),
        (_payload(branch, campaign, street="街" * 51), "street", "街道名称不能超过50个字"),
        (_payload(branch, campaign, community="社" * 51), "community", "社区名称不能超过50个字"),
        (_payload(branch, campaign, households="三户"), "households", "应为整数"),
        (_payload(branch, campaign, visited_on="2023-02-30"), "visited_on", "日期格式应为YYYY-MM-DD"),
    ]
    for body, field, message in cases:
        response = _send(api, "post", "/api/v1/visits", body)
        assert response.status_code == 422, response.content
        assert response.json()["details"][field] == [message]
    long_title = _send(api, "post", "/api/v1/visit-campaigns", {"branch_id": branch.branch.pk, "title": "题" * 201,
                                                                "starts_on": "2023-04-01", "ends_on": "2023-07-31",
                                                                "scope": "海滨街道"})
    assert long_title.status_code == 422 and long_title.json()["details"]["title"] == ["活动名称不能超过200个字"]
    assert not Visit.objects.exists() and VisitCampaign.objects.count() == 1 and not Problem.objects.exists()
    assert AuditEvent.objects.count() == before
