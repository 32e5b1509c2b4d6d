"""Activities: derived counts, the quorum of 条例第十一条 and 第十三条, resolutions, who is due on a day, bad input
(nothing written), status changes, held counts and the study summary."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.party.activities import services
from bianban.party.activities.selectors import held_count, study_summary
from bianban.party.activities.services import AttendanceEntry, ResolutionEntry
from bianban.party.choices import ActivityKind, ActivityStatus, AttendanceStatus, MemberStatus
from bianban.party.members import services as member_services
from bianban.party.models import Activity, ActivityFile, Attendance, Resolution
from bianban.party.tests.activities_fixtures import *  # noqa: F403 (the fixtures `health` and `record`)
from bianban.party.tests.activities_fixtures import PDF, away, days_ago, sheet

K = ActivityKind
P, L, A = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fields(**kwargs):
    values = {"kind": K.GENERAL_MEETING, "held_on": days_ago(10), "topic": "支部党员大会", "status": "held"}
    values.update(kwargs)
    return values


def _nothing_written(before_audit):
    assert Activity.objects.count() == 0
    assert Attendance.objects.count() == 0
    assert Resolution.objects.count() == 0
    assert AuditEvent.objects.count() == before_audit


# Derived counts and votes

def test_counts_are_derived_from_the_sheet_and_preparatory_members_are_due_without_a_vote(branch, record):
    meeting = record(absent=[branch.full[6]], leave=[branch.full[5], branch.probationary[1]])
    assert (meeting.due_count, meeting.present_count, meeting.leave_count) == (9, 6, 2)
    assert (meeting.voting_due, meeting.voting_present) == (7, 5)
    votes = dict(meeting.attendance.values_list("member_id", "voting"))
    assert votes[branch.probationary[0].pk] is False and votes[branch.full[0].pk] is True
    assert meeting.quorum_met is True


def test_a_general_meeting_with_a_majority_of_those_present_but_not_of_voting_members_is_flagged(branch, record):
    # 5 of 9 present is a majority of heads, but only 3 of the 7 with a vote came: 预备党员 do not count.
    meeting = record(absent=branch.full[3:7])
    assert (meeting.present_count, meeting.voting_present, meeting.voting_due) == (5, 3, 7)
    assert meeting.quorum_met is False
    assert meeting.status == ActivityStatus.HELD


def test_exactly_half_of_the_voting_members_is_not_a_quorum(branch, record, make_person):
    member_services.member_transfer_in(
        actor=None, branch=branch.branch, person=make_person("孙强"), status=MemberStatus.FULL,
        admitted_on=date(2010, 1, 1), full_on=date(2011, 1, 1), joined_on=date(2016, 1, 4), joined_from="外区")
    half = record(absent=branch.full[:4])
    assert (half.voting_due, half.voting_present, half.quorum_met) == (8, 4, False)
    more = record(absent=branch.full[:3])
    assert (more.voting_present, more.quorum_met) == (5, True)


def test_whether_a_member_votes_is_decided_on_the_day_of_the_meeting(branch, make_person):
    late = member_services.member_transfer_in(
        actor=None, branch=branch.branch, person=make_person("钱进"), status=MemberStatus.FULL,
        admitted_on=days_ago(400), full_on=days_ago(5), joined_on=days_ago(400), joined_from="外区")
    before = services.activity_create(actor=None, branch=branch.branch, kind=K.GENERAL_MEETING, held_on=days_ago(10),
                                      topic="大会", attendance=sheet(branch.branch, days_ago(10)))
    after = services.activity_create(actor=None, branch=branch.branch, kind=K.GENERAL_MEETING, held_on=days_ago(2),
                                     topic="大会", attendance=sheet(branch.branch, days_ago(2)))
    assert before.attendance.get(member=late).voting is False
    assert after.attendance.get(member=late).voting is True
    assert after.voting_due == before.voting_due + 1


# Who is due

def test_a_committee_meeting_is_due_for_the_seats_in_force_that_day(branch, record):
    meeting = record(K.COMMITTEE_MEETING)
    assert set(meeting.attendance.values_list("member_id", flat=True)) == {m.pk for m in branch.full[:3]}
    member_services.seat_end(actor=None, seat=branch.seats[2], on=days_ago(5))
    later = record(K.COMMITTEE_MEETING, days_ago(2))
    assert later.due_count == 2


def test_a_committee_meeting_needs_more_than_half_of_its_members(branch, record):
    assert record(K.COMMITTEE_MEETING, absent=[branch.full[2]]).quorum_met is True
    flagged = record(K.COMMITTEE_MEETING, absent=branch.full[1:3])
    assert (flagged.due_count, flagged.present_count, flagged.quorum_met) == (3, 1, False)


def test_a_committee_meeting_before_the_committee_was_elected_is_refused(branch):
    on = date(2020, 5, 6)
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, kind=K.COMMITTEE_MEETING, held_on=on,
                                 topic="支委会", attendance=[])
    assert exc.value.message == "该日没有在任支委，不能记录支委会"


def test_a_group_meeting_is_due_for_the_groups_members(branch, record):
    meeting = record(K.GROUP_MEETING, group=branch.groups[1])
    expected = {*(m.pk for m in branch.full[4:7]), branch.probationary[1].pk}
    assert set(meeting.attendance.values_list("member_id", flat=True)) == expected
    assert meeting.quorum_met is None


def test_a_member_who_left_is_due_before_leaving_and_not_after(branch, record):
    leaver = branch.full[6]
    member_services.member_leave(actor=None, member=leaver, on=days_ago(20), reason="transfer_out",
                                 destination="市委组织部")
    assert record(on=days_ago(30)).attendance.filter(member=leaver).exists()
    entries = [*sheet(branch.branch, days_ago(10)), AttendanceEntry(member_id=leaver.pk, status=P)]
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, kind=K.GENERAL_MEETING, held_on=days_ago(10),
                                 topic="大会", attendance=entries)
    assert exc.value.details[f"attendance.{leaver.pk}"] == [f"{leaver}不在本次活动的应到人员之内（该日不是本支部党员）"]


# Bad input: a clear Chinese message, nothing written

def test_attendance_for_someone_not_in_the_branch_is_refused(branch, health):
    before = AuditEvent.objects.count()
    entries = [*sheet(branch.branch, days_ago(10)), AttendanceEntry(member_id=health.members[0].pk, status=P)]
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=entries, **_fields())
    assert exc.value.message == f"出席名单中有不属于本党支部的人员（编号{health.members[0].pk}）"
    _nothing_written(before)


def test_an_activity_dated_in_the_future_cannot_be_recorded_as_held(branch):
    before = AuditEvent.objects.count()
    tomorrow = days_ago(-1)
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=sheet(branch.branch, days_ago(1)),
                                 **_fields(held_on=tomorrow))
    assert "晚于今天" in exc.value.details["held_on"][0]
    _nothing_written(before)


def test_every_member_due_needs_a_status(branch):
    before = AuditEvent.objects.count()
    entries = sheet(branch.branch, days_ago(10))[1:]
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=entries, **_fields())
    assert exc.value.details["attendance"] == [
        f"出席情况缺少：{branch.full[0]}（每名应到党员须选择出席、请假或缺席）"]
    _nothing_written(before)


def test_leave_needs_a_reason_and_a_member_appears_once(branch):
    entries = sheet(branch.branch, days_ago(10), **{f"m{branch.full[1].pk}": (L, "  ")})
    entries.append(entries[0])
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=entries, **_fields())
    assert exc.value.details[f"attendance.{branch.full[1].pk}"] == [f"{branch.full[1]}请假须注明事由"]
    assert exc.value.details[f"attendance.{branch.full[0].pk}"] == [f"{branch.full[0]}在出席名单中重复出现"]
    assert Activity.objects.count() == 0


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"kind": K.GROUP_MEETING}, "group", "党小组会须选择党小组"),
    ({"held_on": date(2015, 6, 30)}, "held_on", "活动日期早于党支部成立日期（2015-07-01）"),
    ({"topic": "  "}, "topic", "请填写活动主题"),
    ({"study_hours": Decimal("2")}, "study_hours", "“支部党员大会”不计学时"),
    ({"kind": K.STUDY, "study_hours": Decimal("30")}, "study_hours", "学时应大于0且不超过24"),
    ({"status": "cancelled"}, "status", "新建活动的状态应为“计划”或“已召开”"),
])
def test_bad_fields_are_refused_with_the_field_named(branch, fields, field, message):
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=sheet(branch.branch, days_ago(10)),
                                 **_fields(**fields))
    assert exc.value.details[field] == [message]
    assert Activity.objects.count() == 0


def test_a_host_from_another_branch_is_refused(branch, health):
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, host=health.members[0],
                                 attendance=sheet(branch.branch, days_ago(10)), **_fields())
    assert exc.value.details["host"] == ["主持人不是本党支部的党员"]


def test_personal_hours_only_for_those_present_at_a_study_activity(branch):
    entries = sheet(branch.branch, days_ago(10), K.STUDY, **away(branch.full[1]))
    entries[1] = AttendanceEntry(member_id=branch.full[1].pk, status=A, study_hours=Decimal("2"))
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=entries, **_fields(kind=K.STUDY))
    assert exc.value.details[f"attendance.{branch.full[1].pk}"] == [f"{branch.full[1]}未出席，不计学时"]


# Resolutions (条例第十一条)

def test_a_resolution_passes_only_with_more_than_half_of_the_voting_members_due(branch, record):
    meeting = record(absent=branch.full[5:7])  # 7 with a vote due, 5 of them present
    passed = services.resolution_add(actor=None, activity=meeting, text="同意接收张某为预备党员", votes_for=4,
                                     votes_against=1)
    # 3 of the 5 present is a majority of those present, but not of the 7 due.
    failed = services.resolution_add(actor=None, activity=meeting, text="同意调整党小组", votes_for=3, votes_abstain=2)
    assert passed.passed is True and failed.passed is False


def test_votes_cannot_outnumber_the_voting_members_present(branch, record):
    meeting = record(absent=branch.full[5:7])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.resolution_add(actor=None, activity=meeting, text="表决", votes_for=4, votes_against=2)
    assert exc.value.message == "第1项“表决”赞成、反对、弃权合计6票，超过实到有表决权的5人"
    assert Resolution.objects.count() == 0 and AuditEvent.objects.count() == before


def test_a_meeting_without_its_quorum_cannot_resolve(branch, record):
    meeting = record(absent=branch.full[2:7])
    with pytest.raises(ValidationFailed) as exc:
        services.resolution_add(actor=None, activity=meeting, text="表决", votes_for=2)
    assert exc.value.message.startswith("会议未达到法定人数，不能作出决议。应到有表决权党员7人，实到2人")
    assert "至少须4人到会" in exc.value.message


def test_only_general_and_committee_meetings_vote(branch, record):
    lecture = record(K.PARTY_LECTURE)
    with pytest.raises(ValidationFailed) as exc:
        services.resolution_add(actor=None, activity=lecture, text="表决", votes_for=5)
    assert exc.value.message == "只有支部党员大会和支委会可以登记表决事项"


def test_resolutions_recorded_with_the_meeting_are_checked_against_its_own_sheet(branch):
    entries = sheet(branch.branch, days_ago(10), **away(*branch.full[2:7]))
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, attendance=entries, **_fields(),
                                 resolutions=[ResolutionEntry(text="表决", votes_for=2)])
    assert "会议未达到法定人数" in exc.value.details["resolutions"][0]
    assert Activity.objects.count() == 0


# Planning, holding, correcting

def _update(activity, **changes):
    values = {name: getattr(activity, name) for name in services.FIELDS}
    values.update(changes)
    return services.activity_update(actor=None, activity=activity, **values)


def test_a_planned_activity_may_be_dated_ahead_and_is_held_with_its_sheet(branch):
    ahead = days_ago(-14)
    planned = services.activity_create(actor=None, branch=branch.branch, kind=K.THEME_DAY, held_on=ahead,
                                       topic="主题党日", status=ActivityStatus.PLANNED)
    assert (planned.status, planned.due_count, planned.quorum_met) == ("planned", 0, None)
    with pytest.raises(ValidationFailed) as exc:
        _update(planned, status=ActivityStatus.HELD, attendance=sheet(branch.branch, days_ago(1), K.THEME_DAY))
    assert "晚于今天" in exc.value.details["held_on"][0]
    planned.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        _update(planned, status=ActivityStatus.HELD, held_on=days_ago(1))
    assert exc.value.details["attendance"][0].startswith("出席情况缺少：")
    held = _update(planned, status=ActivityStatus.HELD, held_on=days_ago(1),
                   attendance=sheet(branch.branch, days_ago(1), K.THEME_DAY))
    assert (held.status, held.due_count, held.present_count) == ("held", 9, 9)
    assert AuditEvent.objects.filter(action="activity.held", target_id=str(held.pk)).count() == 1


def test_a_planned_activity_has_no_sheet_and_a_held_one_is_not_unheld(branch, record):
    with pytest.raises(ValidationFailed) as exc:
        services.activity_create(actor=None, branch=branch.branch, kind=K.THEME_DAY, held_on=days_ago(-3),
                                 topic="主题党日", status=ActivityStatus.PLANNED,
                                 attendance=sheet(branch.branch, days_ago(1)))
    assert exc.value.details["attendance"] == ["计划中或已取消的活动不登记出席情况，召开后再登记"]
    held = record()
    with pytest.raises(ValidationFailed) as exc:
        _update(held, status=ActivityStatus.CANCELLED)
    assert exc.value.message == "活动当前为“已召开”，不能改为“取消”"


def test_moving_a_meeting_to_a_day_with_other_members_due_asks_for_a_new_sheet(branch, record):
    meeting = record(on=days_ago(10))  # the 预备党员 joined 60 days ago
    with pytest.raises(ValidationFailed) as exc:
        _update(meeting, held_on=days_ago(90))
    assert "活动日期、类型或党小组变更后应到人员不同" in exc.value.message
    moved = _update(meeting, held_on=days_ago(90), attendance=sheet(branch.branch, days_ago(90)))
    assert moved.due_count == 7


def test_recording_the_sheet_again_recounts_and_keeps_resolutions_consistent(branch, record):
    meeting = record()
    services.resolution_add(actor=None, activity=meeting, text="表决", votes_for=6)
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_record(actor=None, activity=meeting,
                                   attendance=sheet(branch.branch, meeting.held_on, **away(*branch.full[2:7])))
    assert "会议未达到法定人数" in exc.value.message
    changed = services.attendance_record(actor=None, activity=meeting,
                                         attendance=sheet(branch.branch, meeting.held_on, **away(branch.full[6])))
    assert (changed.present_count, changed.voting_present) == (8, 6)
    assert Resolution.objects.get().passed is True


def test_a_status_changed_meanwhile_is_a_conflict(branch):
    planned = services.activity_create(actor=None, branch=branch.branch, kind=K.THEME_DAY, held_on=days_ago(-3),
                                       topic="主题党日", status=ActivityStatus.PLANNED)
    stale = Activity.objects.get(pk=planned.pk)
    _update(planned, status=ActivityStatus.CANCELLED)
    with pytest.raises(Conflict):
        _update(stale, topic="改名")


# Permissions and audit

def test_a_member_may_not_record_and_an_outsider_does_not_see_the_branch(branch, member, outsider):
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=member, branch=branch.branch, attendance=sheet(branch.branch, days_ago(10)),
                                 **_fields())
    with pytest.raises(NotFound):
        services.activity_create(actor=outsider, branch=branch.branch,
                                 attendance=sheet(branch.branch, days_ago(10)), **_fields())


def test_recording_leaves_one_audit_event_with_the_sheet(branch, secretary):
    before = AuditEvent.objects.count()
    meeting = services.activity_create(actor=secretary, branch=branch.branch, attendance=sheet(
        branch.branch, days_ago(10), **away(branch.full[6], status=L)), **_fields())
    event = AuditEvent.objects.get(action="activity.create")
    assert AuditEvent.objects.count() == before + 1
    assert event.actor == secretary and event.target_id == str(meeting.pk)
    assert event.changes["attendance"][1][str(branch.full[6].pk)] == ["LEAVE", "出差", None]
    assert event.changes["present_count"] == [None, 8]


# Files

def test_a_file_is_checked_by_content(branch, record):
    meeting = record()
    with pytest.raises(ValidationFailed) as exc:
        services.activity_file_add(actor=None, activity=meeting,
                                   uploaded_file=SimpleUploadedFile("会议记录.pdf", b"not a pdf at all"))
    assert "文件内容与扩展名" in exc.value.message
    saved = services.activity_file_add(actor=None, activity=meeting,
                                       uploaded_file=SimpleUploadedFile("会议记录.pdf", PDF))
    assert (saved.content_type, saved.original_name) == ("application/pdf", "会议记录.pdf")
    services.activity_file_delete(actor=None, record=saved)
    assert ActivityFile.objects.count() == 0


# Selectors others rely on

def test_held_count_counts_held_activities_in_the_range(branch, record):
    record(K.GROUP_MEETING, days_ago(40), group=branch.groups[0])
    record(K.GROUP_MEETING, days_ago(10), group=branch.groups[1])
    record(absent=branch.full[2:7])  # held without its quorum
    services.activity_create(actor=None, branch=branch.branch, kind=K.GROUP_MEETING, group=branch.groups[0],
                             held_on=days_ago(-5), topic="计划", status=ActivityStatus.PLANNED)
    assert held_count(branch.branch, K.GROUP_MEETING, days_ago(60), days_ago(0)) == 2
    assert held_count(branch.branch, K.GROUP_MEETING, days_ago(60), days_ago(0), group=branch.groups[0]) == 1
    assert held_count(branch.branch, K.GROUP_MEETING, days_ago(20), days_ago(-30)) == 1
    assert held_count(branch.branch, K.GENERAL_MEETING, days_ago(60), days_ago(0)) == 1
    assert held_count(branch.branch, K.GENERAL_MEETING, days_ago(60), days_ago(0), quorate_only=True) == 0


def test_the_study_summary_credits_hours_to_those_present(branch):
    on = days_ago(10)
    year = on.year
    entries = sheet(branch.branch, on, K.STUDY, **away(branch.full[6], status=L), **away(branch.full[5]))
    entries[0] = AttendanceEntry(member_id=branch.full[0].pk, status=P, study_hours=Decimal("1.5"))
    services.activity_create(actor=None, branch=branch.branch, kind=K.STUDY, held_on=on, topic="集中学习",
                             study_hours=Decimal("3"), materials="《党章》", attendance=entries)
    services.activity_create(actor=None, branch=branch.branch, kind=K.GENERAL_MEETING, held_on=on, topic="大会",
                             attendance=sheet(branch.branch, on))
    rows = {r.member.pk: r for r in study_summary(branch.branch, year)}
    assert len(rows) == 9
    assert (rows[branch.full[0].pk].hours, rows[branch.full[0].pk].sessions) == (Decimal("1.5"), 1)
    assert rows[branch.full[1].pk].hours == Decimal("3.0")
    assert (rows[branch.full[6].pk].hours, rows[branch.full[6].pk].leave, rows[branch.full[6].pk].due) == (0, 1, 1)
    assert rows[branch.full[5].pk].absent == 1
    assert study_summary(branch.branch, year - 1)[0].hours == 0
