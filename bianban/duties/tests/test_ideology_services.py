from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.choices import ReminderKind, RiskLevel, RiskStatus
from bianban.duties.ideology import due, selectors, services
from bianban.duties.models import RiskPoint, RiskReview, SensitivePeriod
from bianban.party.choices import ActivityKind, ActivityStatus
from bianban.party.tests.talks_fixtures import add_activity, other_branch  # noqa: F401

# The services take `today`, so 2023's register can be tested as of 2023.
JAN = date(2023, 1, 10)


def _point(branch: Any, **overrides: Any) -> RiskPoint:
    values = {"actor": None, "branch": branch.branch, "title": "网络舆情风险",
              "description": "机构改革期间网上不实信息", "level": RiskLevel.MEDIUM,
              "measures": "专人监测，及时报告", "owner": branch.full[2], "next_review_on": date(2023, 3, 31),
              "today": JAN}
    values.update(overrides)
    return services.risk_create(**values)


def test_a_risk_point_is_put_under_watch_with_an_audit_event(branch: Any) -> None:
    point = _point(branch)
    assert point.status == RiskStatus.WATCHED and point.owner == branch.full[2]
    assert AuditEvent.objects.get(action="risk.create").changes["level"] == [None, "medium"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"next_review_on": date(2023, 1, 9)}, "next_review_on", "下次研判日期不能早于今天（2023-01-10）"),
    ({"title": " "}, "title", "请填写风险点"),
    ({"measures": ""}, "measures", "请填写防控措施"),
    ({"level": "extreme"}, "level", "请选择风险等级（高、中、低）"),
])
def test_bad_risk_points_are_refused_in_chinese_and_nothing_is_written(branch: Any, overrides: dict[str, Any],
                                                                       field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _point(branch, **overrides)
    assert caught.value.details[field] == [message]
    assert not RiskPoint.objects.exists() and not AuditEvent.objects.filter(action__startswith="risk").exists()


def test_the_owner_must_be_a_current_member_of_the_branch(branch: Any, other_branch: Any) -> None:  # noqa: F811
    with pytest.raises(ValidationFailed, match="责任人吴卫不是本支部现有党员"):
        _point(branch, owner=other_branch.members[0])
    assert not RiskPoint.objects.exists()


def test_a_member_without_change_rights_cannot_register_a_point(branch: Any) -> None:
    with pytest.raises(PermissionDenied):
        _point(branch, actor=branch.users.member)


def test_a_review_at_a_meeting_sets_the_level_and_next_date(branch: Any, add_activity: Any) -> None:  # noqa: F811
    point = _point(branch)
    meeting = add_activity(ActivityKind.IDEOLOGY_REVIEW, date(2023, 3, 28))
    review = services.risk_review(actor=None, risk_point=point, reviewed_on=None, conclusion="风险可控，降为低",
                                  level=RiskLevel.LOW, next_review_on=date(2023, 6, 30), activity=meeting,
                                  today=date(2023, 4, 1))
    assert review.reviewed_on == date(2023, 3, 28)  # the meeting's date
    point.refresh_from_db()
    assert (point.level, point.next_review_on) == (RiskLevel.LOW, date(2023, 6, 30))
    assert [r.risk_point for r in selectors.meeting_reviews(meeting)] == [point]
    assert selectors.meetings(branch.branch, 2023).get().points_reviewed == 1
    event = AuditEvent.objects.get(action="risk.review")
    assert event.changes["level"] == ["medium", "low"] and event.changes["review"] == [None, review.pk]


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"reviewed_on": date(2023, 4, 2)}, "reviewed_on", "研判日期不能晚于今天：只登记已经进行的研判"),
    ({"conclusion": ""}, "conclusion", "请填写研判结论"),
    ({"next_review_on": date(2023, 3, 28)}, "next_review_on", "下次研判日期应晚于本次研判日期"),
    ({"next_review_on": None}, "next_review_on", "请填写下次研判日期（风险解除的请选择“解除风险”）"),
])
def test_bad_reviews_are_refused_in_chinese_and_nothing_is_written(branch: Any, values: dict[str, Any], field: str,
                                                                   message: str) -> None:
    point = _point(branch)
    given = {"reviewed_on": date(2023, 3, 28), "conclusion": "可控", "level": RiskLevel.LOW,
             "next_review_on": date(2023, 6, 30), **values}
    with pytest.raises(ValidationFailed) as caught:
        services.risk_review(actor=None, risk_point=point, today=date(2023, 4, 1), **given)
    assert caught.value.details[field] == [message]
    assert not RiskReview.objects.exists()
    point.refresh_from_db()
    assert point.level == RiskLevel.MEDIUM


def test_a_review_must_be_at_a_held_ideology_meeting_of_the_branch(branch: Any, other_branch: Any,  # noqa: F811
                                                                   add_activity: Any) -> None:  # noqa: F811
    point = _point(branch)
    cases = [
        (add_activity(ActivityKind.COMMITTEE_MEETING, date(2023, 3, 28)),
         "研判须在意识形态分析研判会上进行，所选活动是支委会"),
        (add_activity(ActivityKind.IDEOLOGY_REVIEW, date(2023, 3, 29), status=ActivityStatus.PLANNED),
         "所选研判会尚未召开（或已取消）"),
        (add_activity(ActivityKind.IDEOLOGY_REVIEW, date(2023, 3, 30), target=other_branch),
         "所选研判会不是本支部的活动"),
    ]
    for activity, message in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.risk_review(actor=None, risk_point=point, reviewed_on=None, conclusion="可控",
                                 level=RiskLevel.LOW, next_review_on=date(2023, 6, 30), activity=activity,
                                 today=date(2023, 4, 1))
        assert caught.value.details["activity"] == [message]
    assert not RiskReview.objects.exists()


def test_a_review_dated_before_the_last_one_or_at_the_same_meeting_again_is_refused(
        branch: Any, add_activity: Any) -> None:  # noqa: F811
    point = _point(branch)
    june = add_activity(ActivityKind.IDEOLOGY_REVIEW, date(2023, 6, 28))
    services.risk_review(actor=None, risk_point=point, reviewed_on=None, conclusion="风险上升", level=RiskLevel.HIGH,
                         next_review_on=date(2023, 9, 30), activity=june, today=date(2023, 7, 1))
    late_entry = {"actor": None, "risk_point": point, "conclusion": "可控", "level": RiskLevel.LOW,
                  "next_review_on": date(2023, 6, 30), "today": date(2023, 7, 1)}
    with pytest.raises(ValidationFailed) as earlier:
        services.risk_review(reviewed_on=date(2023, 3, 28), **late_entry)
    assert earlier.value.details["reviewed_on"] == [
        "研判日期不能早于上次研判（2023-06-28）：风险点的等级和下次研判日期以最近一次研判为准"]
    with pytest.raises(ValidationFailed) as again:
        services.risk_review(reviewed_on=None, activity=june, **{**late_entry, "next_review_on": date(2023, 12, 1)})
    assert again.value.details["activity"] == ["该风险点已在本次研判会上研判过"]
    point.refresh_from_db()
    assert (point.level, point.next_review_on) == (RiskLevel.HIGH, date(2023, 9, 30))
    assert RiskReview.objects.count() == 1 and AuditEvent.objects.filter(action="risk.review").count() == 1


def test_closing_a_point_records_the_reason_as_its_last_review_and_reopening_watches_it_again(branch: Any) -> None:
    point = _point(branch)
    services.risk_close(actor=None, risk_point=point, closed_on=date(2023, 12, 20), reason="改革完成，风险消除",
                        today=date(2023, 12, 20))
    point.refresh_from_db()
    assert (point.status, point.closed_on) == (RiskStatus.CLOSED, date(2023, 12, 20))
    last = RiskReview.objects.get()
    assert last.conclusion == "改革完成，风险消除" and last.next_review_on is None
    with pytest.raises(Conflict):
        services.risk_review(actor=None, risk_point=point, reviewed_on=date(2023, 12, 21), conclusion="再看",
                             level=RiskLevel.LOW, next_review_on=date(2024, 3, 1), today=date(2023, 12, 21))
    with pytest.raises(ValidationFailed, match="下次研判日期不能早于今天"):
        services.risk_reopen(actor=None, risk_point=point, next_review_on=date(2024, 1, 1), reason="舆情反弹",
                             today=date(2024, 1, 5))
    services.risk_reopen(actor=None, risk_point=point, next_review_on=date(2024, 2, 1), reason="舆情反弹",
                         today=date(2024, 1, 5))
    point.refresh_from_db()
    assert point.status == RiskStatus.WATCHED and point.closed_on is None
    assert AuditEvent.objects.get(action="risk.reopen").reason == "舆情反弹"


def test_overdue_points_are_flagged_and_filtered(branch: Any) -> None:
    today = timezone.localdate()
    late = _point(branch, title="逾期", next_review_on=today + timedelta(days=1), today=today)
    RiskPoint.objects.filter(pk=late.pk).update(next_review_on=today - timedelta(days=1))  # time passes
    _point(branch, title="未到期", next_review_on=today + timedelta(days=30), today=today)
    points = selectors.risk_points_for_user(branch.users.secretary, branch=branch.branch)
    assert {p.title: p.is_overdue for p in points} == {"逾期": True, "未到期": False}
    assert [p.title for p in selectors.risk_points_for_user(branch.users.secretary, overdue=True)] == ["逾期"]


def test_updating_keeps_a_past_next_review_date_unless_it_is_changed(branch: Any) -> None:
    point = _point(branch)
    services.risk_update(actor=None, risk_point=point, measures="加强监测", today=date(2023, 5, 1))
    with pytest.raises(ValidationFailed, match="下次研判日期不能早于今天"):
        services.risk_update(actor=None, risk_point=point, next_review_on=date(2023, 4, 1), today=date(2023, 5, 1))
    point.refresh_from_db()
    assert point.measures == "加强监测" and point.next_review_on == date(2023, 3, 31)


def test_a_sensitive_period_cannot_end_before_it_starts(branch: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.sensitive_period_create(actor=None, branch=branch.branch, name="全国两会",
                                         starts_on=date(2023, 3, 4), ends_on=date(2023, 3, 3))
    assert caught.value.details == {"ends_on": ["结束日期不能早于开始日期"]}
    assert not SensitivePeriod.objects.exists()
    period = services.sensitive_period_create(actor=None, branch=branch.branch, name="全国两会",
                                              starts_on=date(2023, 3, 4), ends_on=date(2023, 3, 13))
    services.sensitive_period_update(actor=None, period=period, note="加强舆情监测")
    months = selectors.year_calendar([period], [], 2023)
    assert months[2].periods == [period] and not months[3].periods
    services.sensitive_period_delete(actor=None, period=period)
    assert not SensitivePeriod.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="sensitive.").count() == 3


def test_due_reports_reviews_for_the_owner_and_periods_for_the_committee(branch: Any) -> None:
    today = timezone.localdate()
    owned = _point(branch, owner=branch.full[6], next_review_on=today + timedelta(days=5), today=today)
    unowned = _point(branch, title="无人", owner=None, next_review_on=today + timedelta(days=7), today=today)
    _point(branch, title="远期", next_review_on=today + timedelta(days=60), today=today)
    period = services.sensitive_period_create(actor=None, branch=branch.branch, name="国庆",
                                              starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=9))
    items = {d.key: d for d in due.due(today, 14)}
    assert set(items) == {f"risk:{owned.pk}", f"risk:{unowned.pk}", f"sensitive:{period.pk}"}
    assert items[f"risk:{owned.pk}"].user_ids == frozenset({branch.users.member.pk})
    assert items[f"risk:{owned.pk}"].kind == ReminderKind.RISK_REVIEW
    assert items[f"risk:{unowned.pk}"].user_ids == frozenset({branch.users.secretary.pk})
    assert items[f"sensitive:{period.pk}"].due_on == period.starts_on
    late = {d.key: d for d in due.due(today + timedelta(days=20), 14)}
    assert "已逾期" in late[f"risk:{owned.pk}"].title
