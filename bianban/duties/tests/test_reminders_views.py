"""The reminder list page, the home page's reminders and the /reminders API: each user sees and acts on only their
own list."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.duties.models import Reminder
from bianban.duties.reminders.services import reminders_refresh
from bianban.duties.tests.reminders_fixtures import *  # noqa: F403 (the fixtures `reminder_config` and `report`)
from bianban.duties.tests.reminders_fixtures import due

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(report: Any, secretary: Any, member: Any) -> dict[str, Reminder]:
    """The secretary: one overdue problem, one compliance item due in 5 days; the member: one duty."""
    today = timezone.localdate()
    report(due("problem:1", today - timedelta(days=2), secretary, kind="problem", title="问题整改：超编进人",
               url="/ledger/1/"),
           due("compliance:1", today + timedelta(days=5), secretary, kind="compliance", title="支委会：本月"),
           due("duty:9", today + timedelta(days=1), member, title="党员的任务"))
    reminders_refresh()
    return {r.key: r for r in Reminder.objects.all()}


def test_the_list_shows_overdue_first_each_linking_to_its_record(client_for: Any, secretary: Any,
                                                                 listed: Any) -> None:
    response = client_for(secretary).get("/duties/reminders/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("已逾期") < body.index("问题整改：超编进人") < body.index("即将到期") < body.index("支委会：本月")
    assert 'href="/ledger/1/"' in body and "党员的任务" not in body


def test_the_list_filters_by_kind(client_for: Any, secretary: Any, listed: Any) -> None:
    body = client_for(secretary).get("/duties/reminders/", {"kind": "compliance"}).content.decode()
    assert "支委会：本月" in body and "超编进人" not in body
    assert '<label class="visually-hidden" for="id_kind">类型</label>' in body  # the select is named for readers


def test_dismissing_takes_the_entry_off_the_list_and_restoring_brings_it_back(client_for: Any, secretary: Any,
                                                                              listed: Any) -> None:
    client = client_for(secretary)
    pk = listed["problem:1"].pk
    response = client.post(f"/duties/reminders/{pk}/dismiss/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    row = f'data-reminder="{pk}"'
    assert row not in client.get("/duties/reminders/").content.decode()
    shown = client.get("/duties/reminders/", {"dismissed": "on"}).content.decode()
    assert row in shown and "恢复提醒" in shown
    client.post(f"/duties/reminders/{pk}/restore/")
    assert Reminder.objects.get(pk=pk).dismissed_at is None


def test_dismissing_over_htmx_answers_with_the_row_removed(client_for: Any, secretary: Any, listed: Any) -> None:
    pk = listed["problem:1"].pk
    response = client_for(secretary).post(f"/duties/reminders/{pk}/dismiss/", {"hide_dismissed": "1"},
                                          headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    restored = client_for(secretary).post(f"/duties/reminders/{pk}/restore/", headers={"HX-Request": "true"})
    assert f'data-reminder="{pk}"' in restored.content.decode() and "知晓" in restored.content.decode()


def test_another_users_reminder_is_404_and_unchanged(client_for: Any, member: Any, listed: Any) -> None:
    pk = listed["problem:1"].pk
    assert client_for(member).post(f"/duties/reminders/{pk}/dismiss/").status_code == 404
    assert Reminder.objects.get(pk=pk).dismissed_at is None


def test_dismiss_takes_only_post(client_for: Any, secretary: Any, listed: Any) -> None:
    assert client_for(secretary).get(f"/duties/reminders/{listed['problem:1'].pk}/dismiss/").status_code == 405


def test_the_home_page_shows_the_users_reminders_overdue_highlighted(client_for: Any, secretary: Any,
                                                                     listed: Any) -> None:
    body = client_for(secretary).get("/").content.decode()
    assert "问题整改：超编进人" in body and "支委会：本月" in body and "党员的任务" not in body
    assert "list-group-item-danger" in body and "/duties/reminders/" in body


def test_the_home_page_shows_the_first_eight_and_how_many_more(client_for: Any, report: Any,
                                                               secretary: Any) -> None:
    today = timezone.localdate()
    report(*[due(f"duty:{i}", today + timedelta(days=i), secretary, title=f"第{i}项任务") for i in range(1, 11)])
    reminders_refresh()
    body = client_for(secretary).get("/").content.decode()
    assert "第8项任务" in body and "第9项任务" not in body and "另有 2 项" in body


def test_the_home_page_without_reminders_says_so(client_for: Any, outsider: Any) -> None:
    assert "暂无待办提醒" in client_for(outsider).get("/").content.decode()


def test_the_api_lists_the_requesters_own_reminders(api_for: Any, secretary: Any, listed: Any) -> None:
    api = api_for(secretary)
    body = api.get("/api/v1/reminders").json()
    assert body["count"] == 2
    assert [(i["key"], i["overdue"]) for i in body["items"]] == [("problem:1", True), ("compliance:1", False)]
    assert body["items"][0]["kind_label"] == "问题整改" and body["items"][0]["url"] == "/ledger/1/"
    assert api.get("/api/v1/reminders", {"kind": "compliance"}).json()["count"] == 1
    assert api.get("/api/v1/reminders", {"kind": "nonsense"}).status_code == 422


def test_the_api_dismisses_and_restores(api_for: Any, secretary: Any, listed: Any) -> None:
    api = api_for(secretary)
    pk = listed["problem:1"].pk
    dismissed = api.post(f"/api/v1/reminders/{pk}/dismiss", content_type="application/json", data=json.dumps({}))
    assert dismissed.status_code == 200 and dismissed.json()["dismissed_at"]
    assert api.get("/api/v1/reminders").json()["count"] == 1
    assert api.get("/api/v1/reminders", {"include_dismissed": "true"}).json()["count"] == 2
    restored = api.post(f"/api/v1/reminders/{pk}/restore")
    assert restored.status_code == 200 and restored.json()["dismissed_at"] is None


def test_the_api_answers_404_for_another_users_reminder(api_for: Any, member: Any, listed: Any) -> None:
    pk = listed["problem:1"].pk
    response = api_for(member).post(f"/api/v1/reminders/{pk}/dismiss")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Reminder.objects.get(pk=pk).dismissed_at is None
    assert api_for(member).get("/api/v1/reminders").json()["count"] == 1


def test_filtering_over_htmx_answers_with_the_results_only(client_for: Any, secretary: Any, listed: Any) -> None:
    response = client_for(secretary).get("/duties/reminders/", {"kind": "problem"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "超编进人" in body and "支委会：本月" not in body
