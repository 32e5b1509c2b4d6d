"""/api/v1/activities and /api/v1/branches/{id}/study: the whole flow, bad input refused in Chinese with nothing
written, and scoping (another branch's secretary, outsiders, anonymous callers)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bianban.party.choices import ActivityKind
from bianban.party.models import Activity, Attendance, Resolution
from bianban.party.tests.activities_fixtures import *  # noqa: F403 (the fixtures `health` and `record`)
from bianban.party.tests.activities_fixtures import PDF, days_ago

K = ActivityKind
URL = "/api/v1/activities"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sheet(members, **statuses):
    return [{"member_id": m.pk, "status": statuses.get(f"m{m.pk}", "PRESENT"),
             "reason": "病假" if statuses.get(f"m{m.pk}") == "LEAVE" else ""} for m in members]


def _payload(branch, **extra):
    values = {"branch_id": branch.branch.pk, "kind": K.GENERAL_MEETING, "held_on": days_ago(5).isoformat(),
              "topic": "支部党员大会", "attendance": _sheet(branch.members)}
    values.update(extra)
    return values


def test_a_meeting_is_recorded_with_its_sheet_and_resolutions(branch, secretary, api_for):
    client = api_for(secretary)
    payload = _payload(branch, host_id=branch.full[0].pk, attendance=_sheet(
        branch.members, **{f"m{branch.full[6].pk}": "LEAVE", f"m{branch.full[5].pk}": "ABSENT"}),
        resolutions=[{"text": "同意发展对象", "votes_for": 5},
                     {"text": "调整党小组", "votes_for": 3, "votes_against": 2}])
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["due_count"], body["present_count"], body["leave_count"], body["absent_count"]) == (9, 7, 1, 1)
    assert (body["voting_due"], body["voting_present"], body["quorum_met"]) == (7, 5, True)
    assert [r["passed"] for r in body["resolutions"]] == [True, False]
    assert "至少4票" in body["resolutions"][1]["explanation"]
    assert {a["member_id"]: a["voting"] for a in body["attendance"]}[branch.probationary[0].pk] is False
    assert client.get(f"{URL}/{body['id']}").json()["topic"] == "支部党员大会"


def test_attendance_for_someone_not_in_the_branch_is_refused_in_chinese(branch, secretary, api_for, health):
    payload = _payload(branch, attendance=[*_sheet(branch.members), {"member_id": health.members[0].pk,
                                                                        "status": "PRESENT"}])
    response = api_for(secretary).post(URL, payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == f"出席名单中有不属于本党支部的人员（编号{health.members[0].pk}）"
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_an_activity_in_the_future_is_refused_as_held_and_accepted_as_planned(branch, secretary, api_for):
    client = api_for(secretary)
    ahead = days_ago(-7).isoformat()
    refused = client.post(URL, _payload(branch, held_on=ahead), content_type="application/json")
    assert refused.status_code == 422 and "晚于今天" in refused.json()["details"]["held_on"][0]
    assert not Activity.objects.exists()
    planned = client.post(URL, _payload(branch, held_on=ahead, status="planned", attendance=None),
                          content_type="application/json")
    assert planned.status_code == 201 and planned.json()["due_count"] == 0
    pk = planned.json()["id"]
    held = client.patch(f"{URL}/{pk}", {"status": "held", "held_on": days_ago(0).isoformat(),
                                        "attendance": _sheet(branch.members)}, content_type="application/json")
    assert held.status_code == 200, held.json()
    assert (held.json()["status"], held.json()["present_count"]) == ("held", 9)


def test_the_sheet_is_replaced_and_a_resolution_added(branch, secretary, api_for, record):
    meeting = record()
    client = api_for(secretary)
    sheet = _sheet(branch.members, **{f"m{m.pk}": "ABSENT" for m in branch.full[3:7]})
    response = client.put(f"{URL}/{meeting.pk}/attendance", {"attendance": sheet}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["voting_present"], response.json()["quorum_met"]) == (3, False)
    assert "未超过半数" in response.json()["quorum_text"]
    refused = client.post(f"{URL}/{meeting.pk}/resolutions", {"text": "表决", "votes_for": 3},
                          content_type="application/json")
    assert refused.status_code == 422 and "未达到法定人数" in refused.json()["message"]
    client.put(f"{URL}/{meeting.pk}/attendance", {"attendance": _sheet(branch.members)},
               content_type="application/json")
    added = client.post(f"{URL}/{meeting.pk}/resolutions", {"text": "表决", "votes_for": 4, "votes_against": 3},
                        content_type="application/json")
    assert added.status_code == 201 and added.json()["passed"] is True
    assert Resolution.objects.count() == 1


def test_a_file_is_uploaded_and_downloaded(branch, secretary, api_for, record):
    meeting = record()
    client = api_for(secretary)
    response = client.post(f"{URL}/{meeting.pk}/files", {"file": SimpleUploadedFile("会议记录.pdf", PDF)})
    assert response.status_code == 201 and response.json()["content_type"] == "application/pdf"
    download = client.get(f"{URL}/{meeting.pk}/files/{response.json()['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    bad = client.post(f"{URL}/{meeting.pk}/files", {"file": SimpleUploadedFile("a.exe", b"MZ")})
    assert bad.status_code == 422


def test_the_study_summary_of_a_branch(branch, secretary, api_for, record):
    on = days_ago(3)
    record(K.PARTY_LECTURE, on, absent=[branch.full[1]], study_hours="1.5")
    body = api_for(secretary).get(f"/api/v1/branches/{branch.branch.pk}/study", {"year": on.year}).json()
    rows = {r["member_id"]: r for r in body["rows"]}
    assert body["total_hours"] == 12.0
    assert (rows[branch.full[1].pk]["absent"], rows[branch.full[1].pk]["hours"]) == (1, 0.0)
    assert rows[branch.full[0].pk]["sessions"] == 1


def test_scoping(branch, api_for, record, health, outsider, member):
    mine = record(topic="教育局活动")
    other = api_for(health.secretary_user)
    assert other.get(f"{URL}/{mine.pk}").status_code == 404
    assert mine.pk not in {a["id"] for a in other.get(URL).json()["items"]}
    assert other.get(f"/api/v1/branches/{branch.branch.pk}/study").status_code == 404
    refused = other.post(URL, _payload(branch), content_type="application/json")
    assert refused.status_code == 404 and refused.json()["details"] == {"branch_id": ["党支部不存在或无权访问"]}
    assert api_for(outsider).get(URL).json()["count"] == 0
    assert Client().get(f"{URL}/{mine.pk}").status_code == 401
    # A member reads, but may not write.
    reader = api_for(member)
    assert reader.get(f"{URL}/{mine.pk}").status_code == 200
    assert reader.post(f"{URL}/{mine.pk}/resolutions", {"text": "x", "votes_for": 5},
                       content_type="application/json").status_code == 403


def test_the_list_filters_by_kind_year_and_status(branch, secretary, api_for, record):
    record(topic="大会")
    record(K.PARTY_LECTURE, topic="党课")
    items = api_for(secretary).get(URL, {"kind": K.PARTY_LECTURE, "year": days_ago(10).year, "status": "held"})
    assert [a["topic"] for a in items.json()["items"]] == ["党课"]
