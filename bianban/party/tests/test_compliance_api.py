import json
from datetime import date
from typing import Any

from django.utils import timezone

from bianban.party.choices import ActivityKind
from bianban.party.models import ComplianceExemption, ComplianceRule
from bianban.party.talks.selectors import talk_coverage
from bianban.party.tests.talks_fixtures import add_activity, other_branch  # noqa: F401

LAST_YEAR = timezone.localdate().year - 1


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_report_is_served_as_json(branch: Any, api_for: Any, add_activity: Any) -> None:  # noqa: F811
    add_activity(ActivityKind.GROUP_MEETING, date(LAST_YEAR, 1, 8), group=branch.groups[0])
    response = api_for(branch.users.member).get(f"/api/v1/branches/{branch.branch.pk}/compliance",
                                                {"year": LAST_YEAR})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["year"] == LAST_YEAR and body["upcoming"] == []
    rules = {r["code"]: r for r in body["rules"]}
    assert len(rules["committee_meeting"]["periods"]) == 12 and len(rules["general_meeting"]["periods"]) == 4
    jan = rules["group_meeting"]["periods"][0]
    assert (jan["due"], jan["held"], jan["state"]) == (2, 1, "overdue")
    assert [(g["group"], g["state"]) for g in jan["groups"]] == [("第一党小组", "done"), ("第二党小组", "overdue")]
    assert any(i["label"] == "党小组会每月至少召开1次（每个党小组）：1月（第二党小组）" for i in body["overdue"])
    assert body["talk_coverage"]["required"] == talk_coverage(branch.branch, LAST_YEAR).required > 0
    assert body["counts"]["overdue"] > 0
    bad = api_for(branch.users.member).get(f"/api/v1/branches/{branch.branch.pk}/compliance", {"year": 0})
    assert bad.status_code == 422 and bad.json()["details"] == {"year": ["应不小于1900"]}
    bad = api_for(branch.users.member).get(f"/api/v1/branches/{branch.branch.pk}/compliance", {"year": 1950})
    assert bad.status_code == 422 and bad.json()["details"] == {"year": ["年度应为2000至2100之间的整数"]}


def test_a_rule_is_patched_and_listed(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    url = f"/api/v1/branches/{branch.branch.pk}/compliance-rules/party_lecture"
    response = _send(api, "patch", url, {"period": "year", "min_count": 2})
    assert response.status_code == 200 and response.json()["period"] == "year"
    listed = api.get(f"/api/v1/branches/{branch.branch.pk}/compliance-rules").json()
    assert next(r for r in listed if r["code"] == "party_lecture")["min_count"] == 2


def test_bad_settings_are_422_in_chinese(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    url = f"/api/v1/branches/{branch.branch.pk}/compliance-rules/theme_day"
    response = _send(api, "patch", url, {"min_count": 0})
    assert response.status_code == 422 and response.json()["details"] == {
        "min_count": ["每周期至少次数应为1至31之间的整数"]}
    assert _send(api, "patch", url, {"period": "week"}).status_code == 422
    assert _send(api, "patch", url, {"enabled": None}).json()["details"] == {"enabled": ["不能为空"]}
    assert _send(api, "patch", f"/api/v1/branches/{branch.branch.pk}/compliance-rules/nope", {}).status_code == 404


def test_an_exemption_is_posted_and_the_report_shows_it(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    url = f"/api/v1/branches/{branch.branch.pk}/compliance-rules/group_meeting/exemptions"
    response = _send(api, "post", url, {"year": LAST_YEAR, "index": 1, "group_id": branch.groups[1].pk,
                                        "reason": "外出培训"})
    assert response.status_code == 201, response.content
    assert response.json()["rule"] == "group_meeting" and response.json()["group_id"] == branch.groups[1].pk
    report = api.get(f"/api/v1/branches/{branch.branch.pk}/compliance", {"year": LAST_YEAR}).json()
    jan = next(r for r in report["rules"] if r["code"] == "group_meeting")["periods"][0]
    assert jan["groups"][1] == {"group_id": branch.groups[1].pk, "group": "第二党小组", "due": 1, "held": 0,
                                "state": "exempt", "reason": "外出培训"}
    again = _send(api, "post", url, {"year": LAST_YEAR, "index": 1, "group_id": branch.groups[1].pk, "reason": "x"})
    assert again.status_code == 422 and again.json()["message"] == "该期已免除，无须重复登记"
    eid = response.json()["id"]
    assert api.delete(f"{url}/{eid}").status_code == 204
    assert not ComplianceExemption.objects.exists()


def test_bad_exemptions_are_422_and_nothing_is_written(branch: Any, other_branch: Any, api_for: Any) -> None:  # noqa: F811
    api = api_for(branch.users.secretary)
    url = f"/api/v1/branches/{branch.branch.pk}/compliance-rules/general_meeting/exemptions"
    assert _send(api, "post", url, {"year": LAST_YEAR, "index": 5, "reason": "x"}).json()["details"] == {
        "index": ["季度应为1至4"]}
    assert _send(api, "post", url, {"year": LAST_YEAR, "index": 1, "reason": ""}).status_code == 422
    group_url = f"/api/v1/branches/{branch.branch.pk}/compliance-rules/group_meeting/exemptions"
    foreign = _send(api, "post", group_url, {"year": LAST_YEAR, "index": 1, "group_id": 99999, "reason": "x"})
    assert foreign.status_code == 422 and foreign.json()["details"] == {"group_id": ["党小组不属于本支部"]}
    assert not ComplianceExemption.objects.exists()


def test_members_get_403_and_other_branches_404(branch: Any, other_branch: Any, outsider: Any,  # noqa: F811
                                               api_for: Any) -> None:
    rules = f"/api/v1/branches/{branch.branch.pk}/compliance-rules"
    member = api_for(branch.users.member)
    assert _send(member, "patch", f"{rules}/theme_day", {"enabled": False}).status_code == 403
    assert _send(member, "post", f"{rules}/theme_day/exemptions",
                 {"year": LAST_YEAR, "index": 1, "reason": "x"}).status_code == 403
    stranger = api_for(other_branch.secretary_user)
    assert stranger.get(f"/api/v1/branches/{branch.branch.pk}/compliance").status_code == 404
    assert _send(stranger, "patch", f"{rules}/theme_day", {"enabled": False}).status_code == 404
    assert api_for(outsider).get(f"/api/v1/branches/{branch.branch.pk}/compliance").status_code == 404
    assert ComplianceRule.objects.get(branch=branch.branch, code="theme_day").enabled
    assert stranger.get(f"/api/v1/branches/{other_branch.branch.pk}/compliance").status_code == 200
