"""/api/v1/volunteer-activities and /api/v1/branches/{id}/volunteer-stats, and recording a volunteer activity through
POST /api/v1/activities: participants and hours, bad input refused in Chinese with nothing written, scoping."""

from django.test import Client

from bianban.duties.tests.volunteer_fixtures import *  # noqa: F403 (the fixtures `serve` and `health`)
from bianban.duties.tests.volunteer_fixtures import CITY_DAY, FOREST_DAY, YEAR
from bianban.party.choices import ActivityKind, VolunteerField
from bianban.party.models import Activity, Attendance

URL = "/api/v1/volunteer-activities"


def _stats_url(branch):
    return f"/api/v1/branches/{branch.pk}/volunteer-stats"


def _payload(branch, **extra):
    members = [m for m in branch.full]  # the 预备党员 joined after FOREST_DAY
    values = {"branch_id": branch.branch.pk, "kind": ActivityKind.VOLUNTEER, "held_on": FOREST_DAY.isoformat(),
              "topic": "清明节前护林防火志愿服务", "place": "北山林区入口", "service_field": VolunteerField.FOREST_FIRE,
              "service_hours": 3, "attendance": [{"member_id": m.pk, "status": "PRESENT"} for m in members]}
    values.update(extra)
    return values


def test_a_volunteer_activity_is_recorded_and_listed_with_its_participants_and_hours(branch, secretary, api_for):
    client = api_for(secretary)
    payload = _payload(branch)
    payload["attendance"][0]["service_hours"] = "4.5"
    payload["attendance"][6] = {"member_id": branch.full[6].pk, "status": "LEAVE", "reason": "出差"}
    created = client.post("/api/v1/activities", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["service_field"], body["service_field_label"]) == ("forest_fire", "护林防火")
    assert {a["member_id"]: a["service_hours"] for a in body["attendance"]}[branch.full[0].pk] == 4.5

    listed = client.get(URL, {"branch": branch.branch.pk, "year": YEAR}).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["topic"], item["place"], item["service_field_label"]) == ("清明节前护林防火志愿服务", "北山林区入口",
                                                                           "护林防火")
    assert (item["participant_count"], item["hours"]) == (6, 19.5)
    assert {p["member_id"]: p["service_hours"] for p in item["participants"]} == {
        branch.full[0].pk: 4.5, **{m.pk: 3.0 for m in branch.full[1:6]}}


def test_the_list_filters_by_year_and_field_and_paginates(branch, serve, secretary, api_for):
    serve()
    serve(CITY_DAY, VolunteerField.CIVILISED_CITY, topic="文明城市创建志愿服务")
    serve(FOREST_DAY.replace(year=YEAR - 1))
    client = api_for(secretary)
    assert client.get(URL, {"year": YEAR}).json()["count"] == 2
    assert client.get(URL).json()["count"] == 3
    only = client.get(URL, {"year": YEAR, "service_field": "civilised_city"}).json()
    assert [i["topic"] for i in only["items"]] == ["文明城市创建志愿服务"]
    page = client.get(URL, {"limit": 1, "offset": 1, "year": YEAR}).json()
    assert page["count"] == 2 and [i["topic"] for i in page["items"]] == ["文明城市创建志愿服务"]


def test_the_statistics_of_a_branchs_year(branch, serve, secretary, api_for):
    serve(hours={branch.full[0]: "5"}, absent=(branch.full[6],))
    serve(CITY_DAY, VolunteerField.CIVILISED_CITY, default="2", absent=branch.full[3:7])
    body = api_for(secretary).get(_stats_url(branch.branch), {"year": YEAR}).json()
    assert (body["activities"], body["participations"], body["members"], body["hours"]) == (2, 9, 6, 26.0)
    by_field = {r["field"]: (r["activities"], r["participations"], r["hours"]) for r in body["by_field"]}
    assert by_field == {"forest_fire": (1, 6, 20.0), "civilised_city": (1, 3, 6.0), "community": (0, 0, 0.0),
                        "epidemic": (0, 0, 0.0), "other": (0, 0, 0.0)}
    assert body["by_member"][0] == {"member_id": branch.full[0].pk, "name": branch.full[0].person.name,
                                    "participations": 2, "hours": 7.0}


def test_bad_service_hours_are_refused_in_chinese_and_nothing_is_written(branch, secretary, api_for):
    client = api_for(secretary)
    for bad in ("abc", 0, -1, 25):
        payload = _payload(branch)
        payload["attendance"][2]["service_hours"] = bad
        response = client.post("/api/v1/activities", payload, content_type="application/json")
        assert response.status_code == 422, bad
        assert response.json()["message"] == f"{branch.full[2]}的服务时长应为0到24之间的数字"
    absent = _payload(branch)
    absent["attendance"][3] = {"member_id": branch.full[3].pk, "status": "ABSENT", "service_hours": 2}
    response = client.post("/api/v1/activities", absent, content_type="application/json")
    assert response.json()["message"] == f"{branch.full[3]}未出席，不计服务时长"
    response = client.post("/api/v1/activities", _payload(branch, kind=ActivityKind.THEME_DAY, service_hours=None),
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"] == {"service_field": ["只有志愿服务活动填写服务领域，“主题党日”不填"]}
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_scoping(branch, serve, health, outsider, member, api_for):
    serve()
    other = api_for(health.secretary_user)
    assert other.get(URL, {"branch": branch.branch.pk}).status_code == 404
    assert other.get(URL).json()["count"] == 0
    assert other.get(_stats_url(branch.branch), {"year": YEAR}).status_code == 404
    assert api_for(outsider).get(_stats_url(branch.branch)).status_code == 404
    assert api_for(outsider).get(URL).json()["count"] == 0
    assert Client().get(URL).status_code == 401
    assert api_for(member).get(URL, {"year": YEAR}).json()["count"] == 1  # members read their branch's record


def test_a_year_out_of_range_is_refused(branch, secretary, api_for):
    response = api_for(secretary).get(_stats_url(branch.branch), {"year": 1900})
    assert response.status_code == 422 and response.json()["message"] == "年度应在2000至2100之间"
