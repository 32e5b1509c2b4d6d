import json
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bianban.duties.integrity import services
from bianban.duties.models import KeyDate
from bianban.party.choices import TalkKind
from bianban.party.tests.talks_fixtures import add_talk, other_branch  # noqa: F401

TODAY = timezone.localdate()
INDEX = reverse("duties:keydate_index")


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_secretary_registers_a_key_date_and_marks_it_done(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    on = TODAY + timedelta(days=30)
    response = client.post(f"{reverse('duties:keydate_create')}?branch={branch.branch.pk}", {
        "name": "七一", "on": on.isoformat(), "lead_workdays": "3", "actions": "发送廉政提醒",
        "talk_required": "on", "assignees": [branch.full[2].pk]})
    assert response.status_code == 302, response.content.decode()
    key_date = KeyDate.objects.get()
    page = client.get(INDEX, {"branch": branch.branch.pk, "year": on.year})
    html = page.content.decode()
    assert "七一" in html and "李娜" in html and "须谈话，尚未开展" in html and f"{key_date.remind_on:%Y-%m-%d}" in html
    assert "生成本年节点" in html
    done = client.post(reverse("duties:keydate_done", args=[key_date.pk]), {"done_on": TODAY.isoformat(),
                                                                            "note": "已发送"})
    assert done.status_code == 302
    key_date.refresh_from_db()
    assert key_date.done_on == TODAY and key_date.done_note == "已发送"


def test_a_key_date_whose_reminder_is_past_is_re_shown_with_the_error(branch: Any, client_for: Any) -> None:
    response = client_for(branch.users.secretary).post(
        f"{reverse('duties:keydate_create')}?branch={branch.branch.pk}",
        {"name": "七一", "on": (TODAY + timedelta(days=1)).isoformat(), "lead_workdays": "10", "actions": "提醒"})
    assert response.status_code == 422
    assert "提醒日期已过" in response.content.decode()
    assert not KeyDate.objects.exists()


def test_overdue_key_dates_and_the_years_talks_are_shown(branch: Any, client_for: Any, add_talk: Any) -> None:  # noqa: F811
    services.keydates_generate(actor=None, branch=branch.branch, year=2023, talk_required=True,
                               today=date(2022, 12, 1))
    add_talk(0, 1, 2, held_on=date(2023, 1, 18), kind=TalkKind.INTEGRITY)
    add_talk(0, 3, held_on=date(2023, 5, 18), kind=TalkKind.REMINDER)
    html = client_for(branch.users.member).get(INDEX, {"branch": branch.branch.pk, "year": 2023}).content.decode()
    assert html.count('data-overdue="1"') == 6
    assert "廉政谈话 2 人次（1 次）" in html and "提醒谈话 1 人次（1 次）" in html
    assert "1 次，2 人次" in html  # 春节's window
    assert "生成本年节点" not in html and "标记落实" not in html  # a reader sees no buttons


def test_generating_from_the_page_reports_what_was_skipped(branch: Any, client_for: Any) -> None:
    year = TODAY.year + 2  # wholly ahead: no reminder date of it has passed
    response = client_for(branch.users.secretary).post(
        f"{reverse('duties:keydate_generate')}?branch={branch.branch.pk}",
        {"year": year, "lead_workdays": 5, "assignees": [branch.full[0].pk]}, follow=True)
    assert response.status_code == 200
    assert KeyDate.objects.filter(source="holiday").count() >= 3
    assert "已生成" in response.content.decode()


def test_other_branches_and_outsiders_get_404_and_members_cannot_change(
        branch: Any, other_branch: Any, client_for: Any, outsider: Any) -> None:  # noqa: F811
    key_date = services.keydate_create(actor=None, branch=branch.branch, name="七一",
                                       on=TODAY + timedelta(days=30), lead_workdays=1, actions="提醒")
    health = client_for(other_branch.secretary_user)
    assert health.get(INDEX, {"branch": branch.branch.pk}).status_code == 404
    assert health.get(reverse("duties:keydate_edit", args=[key_date.pk])).status_code == 404
    assert client_for(outsider).get(INDEX).status_code == 404
    member = client_for(branch.users.member)
    assert member.get(INDEX, {"branch": branch.branch.pk}).status_code == 200
    assert member.post(reverse("duties:keydate_delete", args=[key_date.pk])).status_code == 404
    assert KeyDate.objects.exists()


def test_the_api_creates_generates_lists_patches_marks_done_and_deletes(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    on = TODAY + timedelta(days=40)
    created = _send(api, "post", "/api/v1/key-dates", {"branch_id": branch.branch.pk, "name": "七一",
                                                       "on": on.isoformat(), "lead_workdays": 2,
                                                       "actions": "提醒", "assignee_ids": [branch.full[1].pk]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["assignees"] == [{"id": branch.full[1].pk, "name": "王芳"}] and not body["overdue"]
    kid = body["id"]
    generated = _send(api, "post", "/api/v1/key-dates/generate", {"branch_id": branch.branch.pk,
                                                                  "year": TODAY.year + 2})
    assert generated.status_code == 201 and generated.json()["created"]
    listed = api.get("/api/v1/key-dates", {"branch": branch.branch.pk, "year": on.year}).json()
    assert kid in [k["id"] for k in listed["items"]]
    patched = _send(api, "patch", f"/api/v1/key-dates/{kid}", {"lead_workdays": 0})
    assert patched.status_code == 200 and patched.json()["remind_on"] == on.isoformat()
    done = _send(api, "post", f"/api/v1/key-dates/{kid}/done", {"done_on": TODAY.isoformat(), "note": "已落实"})
    assert done.status_code == 200 and done.json()["done_on"] == TODAY.isoformat()
    assert api.delete(f"/api/v1/key-dates/{kid}").status_code == 204
    assert api.get(f"/api/v1/key-dates/{kid}").status_code == 404


def test_the_api_refuses_a_past_reminder_and_a_negative_lead_in_chinese(branch: Any, api_for: Any) -> None:
    api = api_for(branch.users.secretary)
    body = {"branch_id": branch.branch.pk, "name": "七一", "on": TODAY.isoformat(), "lead_workdays": 3,
            "actions": "提醒"}
    past = _send(api, "post", "/api/v1/key-dates", body)
    assert past.status_code == 422 and past.json()["message"].startswith("提醒日期已过")
    negative = _send(api, "post", "/api/v1/key-dates", {**body, "lead_workdays": -1})
    assert negative.status_code == 422 and negative.json()["details"]["lead_workdays"] == [
        "提前天数应为不小于0的整数（工作日）"]
    assert not KeyDate.objects.exists()


def test_the_api_counts_integrity_talks_and_scopes_by_branch(branch: Any, other_branch: Any,  # noqa: F811
                                                             api_for: Any, add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1, 2, 3, held_on=date(2023, 3, 1), kind=TalkKind.INTEGRITY)
    counts = api_for(branch.users.secretary).get(f"/api/v1/branches/{branch.branch.pk}/integrity-talks",
                                                 {"year": 2023}).json()
    assert counts == {"branch_id": branch.branch.pk, "year": 2023, "integrity_person_times": 3,
                      "integrity_talks": 1, "reminder_person_times": 0, "reminder_talks": 0}
    health = api_for(other_branch.secretary_user)
    assert health.get(f"/api/v1/branches/{branch.branch.pk}/integrity-talks").status_code == 404
    member = api_for(branch.users.member)
    refused = _send(member, "post", "/api/v1/key-dates", {"branch_id": branch.branch.pk, "name": "七一",
                                                          "on": (TODAY + timedelta(days=30)).isoformat(),
                                                          "actions": "提醒"})
    assert refused.status_code == 403 and not KeyDate.objects.exists()


def test_the_form_pages_open_for_the_secretary(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    key_date = services.keydate_create(actor=None, branch=branch.branch, name="七一",
                                       on=TODAY + timedelta(days=30), lead_workdays=1, actions="提醒")
    for url in (reverse("duties:keydate_edit", args=[key_date.pk]), reverse("duties:keydate_done", args=[key_date.pk]),
                f"{reverse('duties:keydate_create')}?branch={branch.branch.pk}"):
        assert client.get(url).status_code == 200, url
    edited = client.post(reverse("duties:keydate_edit", args=[key_date.pk]), {
        "name": "七一", "on": key_date.on.isoformat(), "lead_workdays": "0", "actions": "提醒并谈话"})
    assert edited.status_code == 302
    key_date.refresh_from_db()
    assert key_date.remind_on == key_date.on and key_date.actions == "提醒并谈话"


def test_the_api_refuses_a_too_long_name_on_correction_and_writes_nothing(branch: Any, api_for: Any) -> None:
    key_date = services.keydate_create(actor=None, branch=branch.branch, name="七一",
                                       on=TODAY + timedelta(days=30), lead_workdays=1, actions="提醒")
    response = _send(api_for(branch.users.secretary), "patch", f"/api/v1/key-dates/{key_date.pk}", {"name": "节" * 51})
    assert response.status_code == 422 and response.json()["details"]["name"] == ["节点名称不能超过50个字"]
    key_date.refresh_from_db()
    assert key_date.name == "七一"


def test_the_api_list_reads_each_windows_talks_in_the_same_queries_however_many_key_dates(
        branch: Any, api_for: Any, add_talk: Any) -> None:  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def key_date(name: str, on: date, **extra: Any) -> KeyDate:
        return services.keydate_create(actor=None, branch=branch.branch, name=name, on=on, lead_workdays=5,
                                       actions="提醒", today=date(2023, 1, 1), **extra)

    add_talk(0, 1, 2, 3, held_on=date(2023, 3, 6), kind=TalkKind.INTEGRITY)  # inside 3-10's window (3-03 … 3-10)
    add_talk(0, 4, held_on=date(2023, 2, 1), kind=TalkKind.INTEGRITY)  # in no window
    api = api_for(branch.users.member)
    key_date("三月节点", date(2023, 3, 10), talk_required=True, assignees=[branch.full[5]])
    api.get("/api/v1/key-dates")  # warm the token check's caches
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/key-dates").json()["count"] == 1
    for i in range(1, 5):
        key_date(f"节点{i}", date(2023, 5, i), assignees=[branch.full[i]])
    with CaptureQueriesContext(connection) as five:
        items = api.get("/api/v1/key-dates", {"year": 2023}).json()["items"]
    assert len(items) == 5 and len(five) == len(one)
    assert [(k["window_talks"], k["window_person_times"]) for k in items] == [(1, 3)] + [(0, 0)] * 4
    detail = api.get(f"/api/v1/key-dates/{items[0]['id']}").json()
    assert (detail["window_talks"], detail["window_person_times"]) == (1, 3)
