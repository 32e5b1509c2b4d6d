"""/api/v1/branches and /api/v1/members end to end: scoping, the member lifecycle, and Chinese errors."""

import json
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.party.members.terms import add_months
from bianban.party.models import Branch, CommitteeTerm, Member

TODAY = timezone.localdate


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json")


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(body, default=str), content_type="application/json")


@pytest.mark.parametrize("persona", ["outsider", "liaison"])
def test_users_without_party_grants_see_nothing_and_get_404(branch: SimpleNamespace, persona: str, request: Any,
                                                            api_for: Any) -> None:
    api = api_for(request.getfixturevalue(persona))
    assert api.get("/api/v1/branches").json()["count"] == 0
    assert api.get("/api/v1/members").json()["count"] == 0
    assert api.get(f"/api/v1/branches/{branch.branch.pk}").status_code == 404
    assert api.get(f"/api/v1/branches/{branch.branch.pk}/committee").status_code == 404
    response = api.get(f"/api/v1/members/{branch.full[0].pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.get(f"/api/v1/members/{branch.full[0].pk}/year").status_code == 404


def test_a_branch_is_created_read_and_patched(district: Any, admin: Any, api_for: Any) -> None:
    api = api_for(admin)
    created = _post(api, "/api/v1/branches", {"name": "示例区编办机关党支部", "code": "bianban",
                                              "unit_id": district.edu.pk, "parent_committee": "区直机关工委",
                                              "founded_on": "2010-05-01"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["term_years"] == 3 and body["unit_name"] == "示例区教育局"
    patched = _patch(api, f"/api/v1/branches/{body['id']}", {"term_years": 5})
    assert patched.status_code == 200 and patched.json()["term_years"] == 5
    bad = _patch(api, f"/api/v1/branches/{body['id']}", {"term_years": 7})
    assert bad.status_code == 422 and "3至5年" in bad.json()["details"]["term_years"][0]
    assert Branch.objects.get(pk=body["id"]).term_years == 5


def test_the_committee_endpoint_gives_the_term_seats_and_reminder(branch: SimpleNamespace, api_for: Any) -> None:
    ends = TODAY() + timedelta(days=100)
    CommitteeTerm.objects.filter(pk=branch.term.pk).update(ends_on=ends, elected_on=add_months(ends, -36))
    body = api_for(branch.users.member).get(f"/api/v1/branches/{branch.branch.pk}/committee").json()
    assert body["term"]["number"] == 1 and body["term"]["has_committee"] is True
    assert [(s["role"], s["name"]) for s in body["seats"]] == [
        ("SECRETARY", "张伟"), ("ORGANISATION", "王芳"), ("PUBLICITY", "李娜")]
    assert body["reminder"]["months"] == 6 and "换届" in body["reminder"]["text"]


def test_the_member_lifecycle_through_the_api(branch: SimpleNamespace, api_for: Any, make_person: Any) -> None:
    api = api_for(branch.users.secretary)
    person = make_person("新同志")
    admitted = add_months(TODAY(), -12)
    created = _post(api, "/api/v1/members", {"mode": "admit", "branch_id": branch.branch.pk, "person_id": person.pk,
                                             "admitted_on": admitted, "group_id": branch.groups[1].pk})
    assert created.status_code == 201, created.content
    mid = created.json()["id"]
    assert created.json()["status"] == "PROBATIONARY" and created.json()["probation_ends_on"] == str(TODAY())
    early = _post(api, f"/api/v1/members/{mid}/make-full", {"on": TODAY() - timedelta(days=1)})
    assert early.status_code == 422 and "预备期至" in early.json()["message"]
    full = _post(api, f"/api/v1/members/{mid}/make-full", {"on": TODAY()})
    assert full.status_code == 200 and full.json()["status"] == "FULL" and full.json()["full_on"] == str(TODAY())
    patched = _patch(api, f"/api/v1/members/{mid}", {"is_mobile": True, "note": "外派"})
    assert patched.json()["is_mobile"] is True and patched.json()["group_id"] == branch.groups[1].pk
    left = _post(api, f"/api/v1/members/{mid}/leave", {"on": TODAY(), "reason": "transfer_out",
                                                        "destination": "区委办党支部"})
    assert left.status_code == 200 and left.json()["left_on"] == str(TODAY())
    assert api.get("/api/v1/members", {"branch": branch.branch.pk}).json()["count"] == 9
    assert api.get("/api/v1/members", {"current": "false"}).json()["items"][0]["id"] == mid


def test_a_transfer_in_and_a_probation_extension(branch: SimpleNamespace, api_for: Any, make_person: Any) -> None:
    api = api_for(branch.users.secretary)
    person = make_person("转入者")
    created = _post(api, "/api/v1/members", {
        "mode": "transfer_in", "branch_id": branch.branch.pk, "person_id": person.pk, "status": "PROBATIONARY",
        "admitted_on": TODAY() - timedelta(days=100), "joined_on": TODAY(), "joined_from": "某县委"})
    assert created.status_code == 201, created.content
    mid = created.json()["id"]
    bad = _post(api, f"/api/v1/members/{mid}/extend-probation", {"months": 3})
    assert bad.status_code == 422 and bad.json()["details"] == {"months": ["延长预备期应为6至12个月"]}
    ok = _post(api, f"/api/v1/members/{mid}/extend-probation", {"months": 12, "reason": "支部大会决定"})
    assert ok.json()["probation_extended"] is True


def test_a_person_already_in_a_branch_is_422_with_nothing_written(branch: SimpleNamespace, api_for: Any) -> None:
    response = _post(api_for(branch.users.secretary), "/api/v1/members", {
        "mode": "admit", "branch_id": branch.branch.pk, "person_id": branch.full[0].person.pk,
        "admitted_on": TODAY()})
    assert response.status_code == 422
    assert "已是示例区教育局机关党支部的党员" in response.json()["details"]["person"][0]
    assert Member.objects.count() == 9


def test_a_view_only_member_reads_but_cannot_write(branch: SimpleNamespace, api_for: Any) -> None:
    api = api_for(branch.users.member)
    assert api.get(f"/api/v1/members/{branch.full[3].pk}").json()["name"] == "刘洋"
    assert _patch(api, f"/api/v1/members/{branch.full[3].pk}", {"note": "x"}).status_code == 403
    assert _post(api, f"/api/v1/members/{branch.full[3].pk}/leave",
                 {"on": TODAY(), "reason": "death"}).status_code == 403


def test_a_members_year(branch: SimpleNamespace, api_for: Any) -> None:
    body = api_for(branch.users.member).get(f"/api/v1/members/{branch.full[0].pk}/year", {"year": 2025}).json()
    assert body["year"] == 2025 and body["attendance_rate"] is None and body["talks"] == 0


def test_seats_through_the_api(branch: SimpleNamespace, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    refused = _post(api, f"/api/v1/branches/{branch.branch.pk}/seats",
                    {"member_id": branch.probationary[0].pk, "role": "DISCIPLINE", "since": TODAY()})
    assert refused.status_code == 422 and "预备党员没有被选举权" in refused.json()["message"]
    seated = _post(api, f"/api/v1/branches/{branch.branch.pk}/seats",
                   {"member_id": branch.full[3].pk, "role": "DISCIPLINE", "since": TODAY()})
    assert seated.status_code == 201 and seated.json()["role_label"] == "纪检委员"
    ended = _post(api, f"/api/v1/branches/{branch.branch.pk}/seats/{seated.json()['id']}/end", {"on": TODAY()})
    assert ended.status_code == 200 and ended.json()["until"] == str(TODAY())
    term = _post(api, f"/api/v1/branches/{branch.branch.pk}/terms", {"elected_on": TODAY()})
    assert term.status_code == 201 and term.json()["number"] == 2


def test_founding_dates_in_the_future_are_refused(district: Any, admin: Any, api_for: Any) -> None:
    response = _post(api_for(admin), "/api/v1/branches", {
        "name": "未来支部", "code": "future", "unit_id": district.edu.pk, "parent_committee": "工委",
        "founded_on": date.today() + timedelta(days=400)})
    assert response.status_code == 422 and "不能晚于今天" in response.json()["message"]
