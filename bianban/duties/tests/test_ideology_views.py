import json
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bianban.core.models import AuditEvent
from bianban.duties.choices import RiskLevel, RiskStatus
from bianban.duties.ideology import services
from bianban.duties.models import RiskPoint, RiskReview, SensitivePeriod
from bianban.party.choices import ActivityKind
from bianban.party.tests.talks_fixtures import add_activity, other_branch  # noqa: F401

TODAY = timezone.localdate()
INDEX = reverse("duties:risk_index")


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _point(branch: Any, **overrides: Any) -> RiskPoint:
    values = {"actor": None, "branch": branch.branch, "title": "网络舆情风险", "description": "不实信息",
              "level": RiskLevel.HIGH, "measures": "专人监测", "next_review_on": TODAY + timedelta(days=20)}
    return services.risk_create(**{**values, **overrides})


def test_the_secretary_registers_a_point_and_reviews_it_at_a_meeting(branch: Any, client_for: Any,
                                                                       add_activity: Any) -> None:  # noqa: F811
    client = client_for(branch.users.secretary)
    response = client.post(f"{reverse('duties:risk_create')}?branch={branch.branch.pk}", {
        "title": "网络舆情风险", "description": "不实信息", "level": "high", "measures": "专人监测",
        "owner": branch.full[2].pk, "next_review_on": (TODAY + timedelta(days=10)).isoformat()})
    assert response.status_code == 302, response.content.decode()
    point = RiskPoint.objects.get()
    meeting = add_activity(ActivityKind.IDEOLOGY_REVIEW, TODAY - timedelta(days=1))
    form = client.get(reverse("duties:risk_review", args=[point.pk])).content.decode()
    assert meeting.topic in form
    reviewed = client.post(reverse("duties:risk_review", args=[point.pk]), {
        "activity": meeting.pk, "conclusion": "风险可控", "level": "low",
        "next_review_on": (TODAY + timedelta(days=90)).isoformat()})
    assert reviewed.status_code == 302, reviewed.content.decode()
    detail = client.get(reverse("duties:risk_detail", args=[point.pk])).content.decode()
    assert "风险可控" in detail and meeting.topic in detail
    page = client.get(reverse("duties:risk_meeting", args=[meeting.pk])).content.decode()
    assert "网络舆情风险" in page
    index = client.get(INDEX, {"branch": branch.branch.pk}).content.decode()
    assert "研判风险点 1 个" in index and "登记风险点" in index


def test_a_review_in_the_future_is_re_shown_with_the_error(branch: Any, client_for: Any) -> None:
    point = _point(branch)
    response = client_for(branch.users.secretary).post(reverse("duties:risk_review", args=[point.pk]), {
        "reviewed_on": (TODAY + timedelta(days=1)).isoformat(), "conclusion": "可控", "level": "low",
        "next_review_on": (TODAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 422
    assert "研判日期不能晚于今天" in response.content.decode()
    assert not RiskReview.objects.exists()


def test_the_register_flags_overdue_points_and_filters(branch: Any, client_for: Any) -> None:
    late = _point(branch, title="逾期风险点")
    RiskPoint.objects.filter(pk=late.pk).update(next_review_on=TODAY - timedelta(days=3))
    _point(branch, title="正常风险点", level=RiskLevel.LOW)
    client = client_for(branch.users.member)
    html = client.get(INDEX, {"branch": branch.branch.pk}).content.decode()
    assert html.count('data-overdue="1"') == 1 and "1 个风险点已过研判日期" in html
    assert "登记风险点" not in html  # a reader sees no buttons
    only_late = client.get(INDEX, {"branch": branch.branch.pk, "overdue": "on"}).content.decode()
    assert "逾期风险点" in only_late and "正常风险点" not in only_late
    low = client.get(INDEX, {"branch": branch.branch.pk, "level": "low"}).content.decode()
    assert "正常风险点" in low and "逾期风险点" not in low


def test_sensitive_periods_are_entered_and_shown_on_the_calendar(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    bad = client.post(f"{reverse('duties:sensitive_create')}?branch={branch.branch.pk}", {
        "name": "全国两会", "starts_on": "2023-03-04", "ends_on": "2023-03-01"})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    good = client.post(f"{reverse('duties:sensitive_create')}?branch={branch.branch.pk}", {
        "name": "全国两会", "starts_on": "2023-03-04", "ends_on": "2023-03-13", "note": "加强舆情监测"})
    assert good.status_code == 302
    html = client.get(INDEX, {"branch": branch.branch.pk, "year": 2023}).content.decode()
    assert "全国两会" in html and "03-04—03-13" in html
    period = SensitivePeriod.objects.get()
    assert client.post(reverse("duties:sensitive_delete", args=[period.pk])).status_code == 302
    assert not SensitivePeriod.objects.exists()


def test_other_branches_and_outsiders_get_404_and_members_cannot_change(
        branch: Any, other_branch: Any, client_for: Any, outsider: Any) -> None:  # noqa: F811
    point = _point(branch)
    health = client_for(other_branch.secretary_user)
    assert health.get(INDEX, {"branch": branch.branch.pk}).status_code == 404
    assert health.get(reverse("duties:risk_detail", args=[point.pk])).status_code == 404
    assert client_for(outsider).get(INDEX).status_code == 404
    member = client_for(branch.users.member)
    assert member.get(reverse("duties:risk_detail", args=[point.pk])).status_code == 200
    assert member.get(reverse("duties:risk_edit", args=[point.pk])).status_code == 404


def test_the_api_registers_reviews_closes_and_lists_points(branch: Any, api_for: Any,
                                                           add_activity: Any) -> None:  # noqa: F811
    api = api_for(branch.users.secretary)
    created = _send(api, "post", "/api/v1/risk-points", {
        "branch_id": branch.branch.pk, "title": "网络舆情风险", "description": "不实信息", "level": "medium",
        "measures": "专人监测", "owner_id": branch.full[2].pk,
        "next_review_on": (TODAY + timedelta(days=10)).isoformat()})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["owner"] == {"id": branch.full[2].pk, "name": "李娜"} and not created.json()["overdue"]
    meeting = add_activity(ActivityKind.IDEOLOGY_REVIEW, TODAY)
    reviewed = _send(api, "post", f"/api/v1/risk-points/{pid}/reviews", {
        "activity_id": meeting.pk, "conclusion": "可控", "level": "low",
        "next_review_on": (TODAY + timedelta(days=60)).isoformat()})
    assert reviewed.status_code == 201, reviewed.content
    assert reviewed.json()["level"] == "low" and reviewed.json()["reviews"][0]["activity_id"] == meeting.pk
    patched = _send(api, "patch", f"/api/v1/risk-points/{pid}", {"measures": "专人监测，每日报告"})
    assert patched.status_code == 200 and patched.json()["measures"] == "专人监测，每日报告"
    closed = _send(api, "post", f"/api/v1/risk-points/{pid}/reviews", {
        "reviewed_on": TODAY.isoformat(), "conclusion": "风险消除", "level": "low", "close": True})
    assert closed.status_code == 201 and closed.json()["status"] == RiskStatus.CLOSED
    listed = api.get("/api/v1/risk-points", {"branch": branch.branch.pk, "status": "closed"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pid


def test_the_api_refuses_bad_input_in_chinese_and_scopes_by_branch(branch: Any, other_branch: Any,  # noqa: F811
                                                                   api_for: Any, add_activity: Any) -> None:  # noqa: F811
    api = api_for(branch.users.secretary)
    past = _send(api, "post", "/api/v1/risk-points", {
        "branch_id": branch.branch.pk, "title": "风险", "description": "表现", "level": "low", "measures": "措施",
        "next_review_on": (TODAY - timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and past.json()["message"].startswith("下次研判日期不能早于今天")
    point = _point(branch)
    wrong = add_activity(ActivityKind.THEME_DAY, TODAY)
    response = _send(api, "post", f"/api/v1/risk-points/{point.pk}/reviews", {
        "activity_id": wrong.pk, "conclusion": "可控", "level": "low",
        "next_review_on": (TODAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 422 and response.json()["message"].startswith("研判须在意识形态分析研判会上进行")
    assert not RiskReview.objects.exists()
    health = api_for(other_branch.secretary_user)
    assert health.get(f"/api/v1/risk-points/{point.pk}").status_code == 404
    member = api_for(branch.users.member)
    assert _send(member, "patch", f"/api/v1/risk-points/{point.pk}", {"title": "改"}).status_code == 403
    period = _send(api, "post", "/api/v1/sensitive-periods", {"branch_id": branch.branch.pk, "name": "国庆",
                                                               "starts_on": "2023-10-01", "ends_on": "2023-09-30"})
    assert period.status_code == 422 and period.json()["details"]["ends_on"] == ["结束日期不能早于开始日期"]
    made = _send(api, "post", "/api/v1/sensitive-periods", {"branch_id": branch.branch.pk, "name": "国庆",
                                                             "starts_on": "2023-10-01", "ends_on": "2023-10-07"})
    assert made.status_code == 201
    assert api.get("/api/v1/sensitive-periods", {"year": 2023}).json()["count"] == 1
    assert health.delete(f"/api/v1/sensitive-periods/{made.json()['id']}").status_code == 404
    assert api.delete(f"/api/v1/sensitive-periods/{made.json()['id']}").status_code == 204


def test_every_form_page_opens_for_the_secretary(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    point = _point(branch)
    period = services.sensitive_period_create(actor=None, branch=branch.branch, name="两会",
                                              starts_on=TODAY, ends_on=TODAY + timedelta(days=5))
    urls = [reverse("duties:risk_edit", args=[point.pk]), reverse("duties:risk_close", args=[point.pk]),
            reverse("duties:risk_reopen", args=[point.pk]), reverse("duties:sensitive_edit", args=[period.pk]),
            f"{reverse('duties:sensitive_create')}?branch={branch.branch.pk}"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    closed = client.post(reverse("duties:risk_close", args=[point.pk]), {"closed_on": TODAY.isoformat(),
                                                                         "reason": "风险消除"})
    assert closed.status_code == 302
    assert "恢复监测" in client.get(reverse("duties:risk_detail", args=[point.pk])).content.decode()


def test_the_api_corrects_a_sensitive_period_and_scopes_it_by_branch(branch: Any, other_branch: Any,  # noqa: F811
                                                                    api_for: Any) -> None:
    period = services.sensitive_period_create(actor=None, branch=branch.branch, name="国庆",
                                              starts_on=date(2023, 9, 25), ends_on=date(2023, 10, 8))
    api = api_for(branch.users.secretary)
    moved = _send(api, "patch", f"/api/v1/sensitive-periods/{period.pk}", {"ends_on": "2023-10-10", "note": "值班"})
    assert moved.status_code == 200 and (moved.json()["ends_on"], moved.json()["note"]) == ("2023-10-10", "值班")
    backwards = _send(api, "patch", f"/api/v1/sensitive-periods/{period.pk}", {"ends_on": "2023-09-01"})
    assert backwards.status_code == 422 and backwards.json()["details"]["ends_on"] == ["结束日期不能早于开始日期"]
    stranger = api_for(other_branch.secretary_user)
    assert stranger.get(f"/api/v1/sensitive-periods/{period.pk}").status_code == 404
    assert _send(stranger, "patch", f"/api/v1/sensitive-periods/{period.pk}", {"name": "改"}).status_code == 404
    assert _send(api_for(branch.users.member), "patch", f"/api/v1/sensitive-periods/{period.pk}",
                 {"name": "改"}).status_code == 403
    period.refresh_from_db()
    assert (period.name, period.ends_on) == ("国庆", date(2023, 10, 10))
    assert AuditEvent.objects.filter(action="sensitive.update").count() == 1
