from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.choices import KeyDateSource, ReminderKind
from bianban.duties.integrity import due, selectors, services
from bianban.duties.models import KeyDate
from bianban.party.choices import TalkKind
from bianban.party.tests.talks_fixtures import add_talk, other_branch  # noqa: F401

# The services take `today`, so a year's reminders can be tested as of that year.
NEW_YEAR_2023 = date(2022, 12, 1)


def _custom(branch: Any, **overrides: Any) -> KeyDate:
    values = {"actor": None, "branch": branch.branch, "name": "七一", "on": date(2023, 7, 1), "lead_workdays": 3,
              "actions": "发送廉政提醒", "today": date(2023, 6, 1)}
    values.update(overrides)
    return services.keydate_create(**values)


def test_a_custom_key_date_is_reminded_lead_working_days_before(branch: Any) -> None:
    key_date = _custom(branch, assignees=[branch.full[2]])
    # Saturday 2023-07-01 less 3 working days: Fri 30, Thu 29, Wed 28 June.
    assert key_date.remind_on == date(2023, 6, 28)
    assert key_date.source == KeyDateSource.CUSTOM
    assert list(key_date.assignees.all()) == [branch.full[2]]
    event = AuditEvent.objects.get(action="keydate.create")
    assert event.changes["remind_on"] == [None, "2023-06-28"] and event.changes["assignees"] == [None, [
        branch.full[2].pk]]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"today": date(2023, 6, 29)}, "on",
     "提醒日期已过：七一（2023-07-01）提前3个工作日的提醒日期为2023-06-28，早于今天（2023-06-29），无法按时提醒；"
     "请调整节点日期或提前天数"),
    ({"lead_workdays": -1}, "lead_workdays", "提前天数应为不小于0的整数（工作日）"),
    ({"name": " "}, "name", "请填写节点名称"),
    ({"actions": ""}, "actions", "请填写提醒事项（如：发送节前廉政提醒、开展廉政谈话）"),
    ({"on": None}, "on", "请填写节点日期"),
])
def test_bad_key_dates_are_refused_in_chinese_and_nothing_is_written(branch: Any, overrides: dict[str, Any],
                                                                     field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _custom(branch, **overrides)
    assert caught.value.details[field] == [message]
    assert not KeyDate.objects.exists() and not AuditEvent.objects.filter(action__startswith="keydate").exists()


def test_assignees_must_be_current_members_of_the_branch(branch: Any, other_branch: Any) -> None:  # noqa: F811
    with pytest.raises(ValidationFailed) as caught:
        _custom(branch, assignees=[other_branch.members[0]])
    assert caught.value.details["assignees"] == ["吴卫不是本支部现有党员"]
    assert not KeyDate.objects.exists()


def test_the_same_key_date_twice_is_refused(branch: Any) -> None:
    _custom(branch)
    with pytest.raises(ValidationFailed, match="该节点已登记：七一（2023-07-01）"):
        _custom(branch)
    assert KeyDate.objects.count() == 1


def test_generating_a_year_creates_each_holiday_and_skips_what_exists(branch: Any) -> None:
    result = services.keydates_generate(actor=None, branch=branch.branch, year=2023, lead_workdays=5,
                                        talk_required=True, assignees=[branch.full[1]], today=NEW_YEAR_2023)
    assert [(k.name, k.on, k.remind_on) for k in result.created] == [
        ("元旦", date(2022, 12, 31), date(2022, 12, 26)),
        ("春节", date(2023, 1, 21), date(2023, 1, 16)),  # weekend of 14–15 Jan skipped
        ("清明", date(2023, 4, 5), date(2023, 3, 29)),
        ("五一", date(2023, 4, 29), date(2023, 4, 24)),  # Sunday 4/23 is a make-up working day
        ("端午", date(2023, 6, 22), date(2023, 6, 15)),
        ("中秋、国庆", date(2023, 9, 29), date(2023, 9, 22)),
    ]
    assert all(k.talk_required and k.source == KeyDateSource.HOLIDAY for k in result.created)
    assert "开展节前廉政谈话" in result.created[0].actions
    again = services.keydates_generate(actor=None, branch=branch.branch, year=2023, today=NEW_YEAR_2023)
    assert again.created == [] and len(again.existing) == 6 and again.existing[1] == "春节（2023-01-21）"
    assert KeyDate.objects.count() == 6
    assert AuditEvent.objects.filter(action="keydate.generate").count() == 6


def test_generating_skips_and_reports_holidays_whose_reminder_date_has_passed(branch: Any) -> None:
    result = services.keydates_generate(actor=None, branch=branch.branch, year=2023, today=date(2023, 3, 1))
    assert [k.name for k in result.created] == ["清明", "五一", "端午", "中秋、国庆"]
    assert result.past == ["元旦（2022-12-31，提醒日期2022-12-26）", "春节（2023-01-21，提醒日期2023-01-16）"]
    assert "提醒日期已过而跳过：元旦（2022-12-31，提醒日期2022-12-26）" in result.message


def test_generating_a_year_the_calendar_lacks_says_which_festivals_to_enter_by_hand(branch: Any) -> None:
    result = services.keydates_generate(actor=None, branch=branch.branch, year=2027, today=date(2026, 12, 1))
    assert [k.name for k in result.created] == ["元旦", "五一", "国庆"]
    assert result.not_computable == ["春节", "清明", "端午", "中秋"]
    assert "可作为自定义节点录入" in result.message


def test_generating_with_a_negative_lead_writes_nothing(branch: Any) -> None:
    with pytest.raises(ValidationFailed, match="提前天数应为不小于0的整数"):
        services.keydates_generate(actor=None, branch=branch.branch, year=2023, lead_workdays=-2,
                                   today=NEW_YEAR_2023)
    assert not KeyDate.objects.exists()


def test_a_member_without_change_rights_cannot_create_key_dates(branch: Any) -> None:
    with pytest.raises(PermissionDenied):
        _custom(branch, actor=branch.users.member)
    assert not KeyDate.objects.exists()


def test_updating_the_date_recomputes_the_reminder_and_checks_it_is_not_past(branch: Any) -> None:
    key_date = _custom(branch)
    updated = services.keydate_update(actor=None, key_date=key_date, on=date(2023, 7, 3), lead_workdays=1,
                                      today=date(2023, 6, 1))
    assert updated.remind_on == date(2023, 6, 30)
    with pytest.raises(ValidationFailed, match="提醒日期已过"):
        services.keydate_update(actor=None, key_date=key_date, lead_workdays=10, today=date(2023, 6, 29))
    key_date.refresh_from_db()
    assert key_date.lead_workdays == 1 and key_date.remind_on == date(2023, 6, 30)


def test_marking_done_once_and_not_in_the_future(branch: Any) -> None:
    key_date = _custom(branch)
    with pytest.raises(ValidationFailed, match="落实日期不能晚于今天"):
        services.keydate_mark_done(actor=None, key_date=key_date, done_on=date(2023, 6, 30), today=date(2023, 6, 29))
    done = services.keydate_mark_done(actor=None, key_date=key_date, done_on=date(2023, 6, 28), note="已发送",
                                      today=date(2023, 6, 29))
    assert done.done_on == date(2023, 6, 28) and done.done_note == "已发送"
    with pytest.raises(Conflict):
        services.keydate_mark_done(actor=None, key_date=key_date, done_on=date(2023, 6, 28), today=date(2023, 6, 29))


def test_integrity_talks_are_counted_in_person_times_by_kind(branch: Any, add_talk: Any) -> None:  # noqa: F811
    # The seed: 召集班子成员开展谈话4人次，分管领导和科室负责人开展廉政谈话8人次.
    add_talk(0, 1, 2, 3, 4, held_on=date(2023, 1, 18), kind=TalkKind.INTEGRITY)
    add_talk(1, 5, 6, 0, held_on=date(2023, 9, 25), kind=TalkKind.INTEGRITY)
    add_talk(0, 5, held_on=date(2023, 9, 26), kind=TalkKind.INTEGRITY)
    add_talk(0, 1, 2, held_on=date(2023, 5, 4), kind=TalkKind.REMINDER)
    add_talk(0, 3, held_on=date(2023, 5, 4))  # a 谈心谈话 does not count
    add_talk(0, 3, held_on=date(2024, 1, 4), kind=TalkKind.INTEGRITY)  # another year
    counts = selectors.integrity_talk_counts(branch.branch, 2023)
    assert counts == {"INTEGRITY": 8, "REMINDER": 2, "INTEGRITY_talks": 3, "REMINDER_talks": 1}


def test_a_key_date_shows_the_integrity_talks_of_its_window(branch: Any, add_talk: Any) -> None:  # noqa: F811
    services.keydates_generate(actor=None, branch=branch.branch, year=2023, talk_required=True, today=NEW_YEAR_2023)
    add_talk(0, 1, 2, held_on=date(2023, 1, 18), kind=TalkKind.INTEGRITY)  # in 春节's window 1/16–1/21
    add_talk(0, 3, held_on=date(2023, 1, 10), kind=TalkKind.INTEGRITY)  # before it
    add_talk(0, 4, held_on=date(2023, 1, 19), kind=TalkKind.REMINDER)  # not an integrity talk
    rows = {r.key_date.name: r for r in selectors.keydate_rows(list(KeyDate.objects.all()), date(2023, 2, 1))}
    assert (rows["春节"].talks, rows["春节"].talk_persons, rows["春节"].talk_missing) == (1, 2, False)
    assert rows["元旦"].talk_missing and rows["元旦"].overdue  # reminder passed, not marked done
    assert not rows["清明"].overdue


def test_key_dates_of_a_year_include_its_new_year_period_starting_in_december(branch: Any) -> None:
    services.keydates_generate(actor=None, branch=branch.branch, year=2023, today=NEW_YEAR_2023)
    services.keydates_generate(actor=None, branch=branch.branch, year=2024, today=NEW_YEAR_2023)
    names_2023 = [k.name for k in selectors.keydates_for_user(branch.users.secretary, year=2023)]
    assert names_2023 == ["元旦", "春节", "清明", "五一", "端午", "中秋、国庆"]
    first_2024 = selectors.keydates_for_user(branch.users.secretary, year=2024).first()
    assert (first_2024.name, first_2024.on) == ("元旦", date(2023, 12, 30))


def test_due_reports_undone_key_dates_for_their_assignees_or_the_committee(branch: Any) -> None:
    today = timezone.localdate()
    assigned = _custom(branch, name="节点甲", on=today + timedelta(days=10), lead_workdays=0,
                       assignees=[branch.full[6]], today=today)
    unassigned = _custom(branch, name="节点乙", on=today + timedelta(days=12), lead_workdays=0, today=today)
    far = _custom(branch, name="节点丙", on=today + timedelta(days=40), lead_workdays=0, today=today)
    done = _custom(branch, name="节点丁", on=today + timedelta(days=3), lead_workdays=0, today=today)
    services.keydate_mark_done(actor=None, key_date=done, done_on=today)
    items = {d.key: d for d in due.due(today, 14)}
    assert set(items) == {f"keydate:{assigned.pk}", f"keydate:{unassigned.pk}"}
    first = items[f"keydate:{assigned.pk}"]
    assert first.kind == ReminderKind.KEY_DATE and first.due_on == assigned.remind_on
    assert first.user_ids == frozenset({branch.users.member.pk})  # the assignee's own account
    assert first.title.startswith(f"节点甲（{assigned.on:%Y-%m-%d}）廉政提醒：发送廉政提醒")
    assert first.url.endswith(f"?branch={branch.branch.pk}&year={assigned.on.year}")
    assert items[f"keydate:{unassigned.pk}"].user_ids == frozenset({branch.users.secretary.pk})  # the committee
    assert f"keydate:{far.pk}" not in items
    # An overdue one stays until it is marked done.
    assert f"keydate:{assigned.pk}" in {d.key for d in due.due(today + timedelta(days=30), 14)}


def test_deleting_a_key_date_leaves_an_audit_event(branch: Any) -> None:
    key_date = _custom(branch)
    services.keydate_delete(actor=None, key_date=key_date)
    assert not KeyDate.objects.exists()
    assert AuditEvent.objects.get(action="keydate.delete").changes["name"] == ["七一", None]
