"""Volunteer activities through the party activity service: the 服务领域 and per-member 服务时长 they carry, the bad
input refused in Chinese with nothing written, the audit trail, and the statistics computed from what was recorded."""

from decimal import Decimal

import pytest

from bianban.core.exceptions import ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.tests.volunteer_fixtures import *  # noqa: F403 (the fixtures `serve` and `health`)
from bianban.duties.tests.volunteer_fixtures import CITY_DAY, FOREST_DAY, YEAR, volunteer_sheet
from bianban.duties.volunteer.selectors import volunteer_stats
from bianban.party.activities import services
from bianban.party.activities.services import AttendanceEntry
from bianban.party.choices import ActivityKind, ActivityStatus, AttendanceStatus, VolunteerField
from bianban.party.models import Activity, Attendance

K = ActivityKind
F = VolunteerField


def _create(branch, **kwargs):
    values = {"kind": K.VOLUNTEER, "held_on": FOREST_DAY, "topic": "护林防火志愿服务",
              "service_field": F.FOREST_FIRE, "attendance": volunteer_sheet(branch.branch, FOREST_DAY)}
    values.update(kwargs)
    return services.activity_create(actor=None, branch=branch.branch, **values)


@pytest.fixture
def nothing_written(db):
    before = AuditEvent.objects.count()
    yield
    assert not Activity.objects.exists() and not Attendance.objects.exists()
    assert AuditEvent.objects.count() == before


# Recording

def test_each_member_present_is_credited_the_default_hours_unless_their_line_says_otherwise(branch, serve):
    first, second = branch.full[0], branch.full[1]
    activity = serve(hours={first: "4.5"}, default=Decimal("3"), absent=(branch.full[6],), leave=(branch.full[5],))
    hours = dict(activity.attendance.values_list("member_id", "service_hours"))
    assert hours[first.pk] == Decimal("4.5") and hours[second.pk] == Decimal("3.0")
    assert hours[branch.full[6].pk] is None and hours[branch.full[5].pk] is None
    assert activity.service_field == F.FOREST_FIRE
    assert activity.attendance.exclude(study_hours=None).count() == 0  # volunteer service earns no 学时


def test_service_hours_may_be_left_blank_and_the_member_still_counts_as_a_participant(branch, serve):
    activity = serve(default=None)
    assert activity.present_count == 7
    assert not activity.attendance.exclude(service_hours=None).exists()


def test_the_field_and_the_hours_are_audited(branch, serve):
    activity = serve(hours={branch.full[0]: "4"})
    event = AuditEvent.objects.get(action="activity.create", target_id=str(activity.pk))
    assert event.changes["service_field"] == [None, "forest_fire"]
    assert event.changes["attendance"][1][str(branch.full[0].pk)] == ["PRESENT", "", None, "4.0"]
    assert event.changes["attendance"][1][str(branch.full[1].pk)] == ["PRESENT", "", None, "3.0"]


def test_correcting_a_members_hours_leaves_an_audited_change(branch, serve):
    activity = serve()
    sheet = volunteer_sheet(branch.branch, FOREST_DAY, hours={branch.full[2]: "6"})
    services.attendance_record(actor=None, activity=activity, attendance=sheet)
    assert activity.attendance.get(member=branch.full[2]).service_hours == Decimal("6.0")
    assert activity.attendance.get(member=branch.full[3]).service_hours is None  # no default given this time
    event = AuditEvent.objects.filter(action="activity.attendance").latest("pk")
    assert event.changes["attendance"][0][str(branch.full[2].pk)][-1] == "3.0"
    assert event.changes["attendance"][1][str(branch.full[2].pk)][-1] == "6.0"


def test_the_field_of_a_recorded_activity_can_be_changed_and_is_audited(branch, serve):
    activity = serve()
    values = {name: getattr(activity, name) for name in services.FIELDS}
    values["service_field"] = F.CIVILISED_CITY
    services.activity_update(actor=None, activity=activity, **values)
    activity.refresh_from_db()
    assert activity.service_field == F.CIVILISED_CITY
    assert activity.attendance.get(member=branch.full[0]).service_hours == Decimal("3.0")  # the sheet is kept
    event = AuditEvent.objects.get(action="activity.update")
    assert event.changes == {"service_field": ["forest_fire", "civilised_city"]}


def test_a_planned_volunteer_activity_names_its_field_and_gets_hours_once_held(branch):
    planned = _create(branch, status=ActivityStatus.PLANNED, attendance=None)
    values = {name: getattr(planned, name) for name in services.FIELDS}
    values["status"] = ActivityStatus.HELD
    held = services.activity_update(actor=None, activity=planned, service_hours="2.5",
                                    attendance=volunteer_sheet(branch.branch, FOREST_DAY), **values)
    assert set(held.attendance.values_list("service_hours", flat=True)) == {Decimal("2.5")}


# Bad input: a Chinese message, nothing written

@pytest.mark.parametrize("bad", ["0", "-1", "25", "abc", Decimal("0"), "NaN"])
def test_service_hours_that_are_not_a_positive_number_up_to_24_are_refused(branch, nothing_written, bad):
    member = branch.full[3]
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, attendance=volunteer_sheet(branch.branch, FOREST_DAY, hours={member: bad}))
    assert exc.value.details[f"attendance.{member.pk}"] == [f"{member}的服务时长应为0到24之间的数字"]


@pytest.mark.parametrize("bad", ["0", "-2", "25", "abc"])
def test_a_default_that_is_not_a_positive_number_up_to_24_is_refused(branch, nothing_written, bad):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, service_hours=bad)
    assert exc.value.details["service_hours"] == ["服务时长应为0到24之间的数字"]


def test_more_than_one_decimal_is_refused(branch, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, service_hours="2.25")
    assert exc.value.message == "服务时长最多保留1位小数"


@pytest.mark.parametrize("status", [AttendanceStatus.ABSENT, AttendanceStatus.LEAVE])
def test_hours_for_a_member_who_was_not_there_are_refused(branch, nothing_written, status):
    member = branch.full[4]
    sheet = [AttendanceEntry(member_id=e.member_id, status=status, reason="出差", service_hours="3")
             if e.member_id == member.pk else e for e in volunteer_sheet(branch.branch, FOREST_DAY)]
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, attendance=sheet)
    assert exc.value.details[f"attendance.{member.pk}"] == [f"{member}未出席，不计服务时长"]


def test_a_volunteer_activity_without_a_field_is_refused(branch, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, service_field="")
    assert exc.value.details == {"service_field": ["请选择服务领域"]}


def test_a_field_outside_the_list_is_refused(branch, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, service_field="tree_planting")
    assert exc.value.message == "服务领域不在允许范围内"


def test_another_kind_of_activity_with_a_service_field_is_refused(branch, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, kind=K.THEME_DAY, attendance=volunteer_sheet(branch.branch, FOREST_DAY))
    assert exc.value.details == {"service_field": ["只有志愿服务活动填写服务领域，“主题党日”不填"]}


def test_another_kind_of_activity_with_service_hours_is_refused(branch, nothing_written):
    member = branch.full[0]
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, kind=K.THEME_DAY, service_field="",
                attendance=volunteer_sheet(branch.branch, FOREST_DAY, hours={member: "2"}))
    assert exc.value.details == {f"attendance.{member.pk}": ["该类型活动不计服务时长"]}
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, kind=K.STUDY, service_field="", service_hours="2")
    assert exc.value.message == "“集中学习”不计服务时长，只有志愿服务活动登记服务时长"


def test_study_hours_are_still_refused_on_a_volunteer_activity(branch, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, study_hours=Decimal("2"))
    assert exc.value.message == "“志愿服务”不计学时"


def test_a_planned_activity_takes_no_service_hours(branch, nothing_written):
    with pytest.raises(ValidationFailed) as exc:
        _create(branch, status=ActivityStatus.PLANNED, attendance=None, service_hours="3")
    assert exc.value.details == {"service_hours": ["服务时长在活动开展后随出席情况登记"]}


# Statistics, from activities recorded through the service

def test_the_years_statistics_count_activities_participations_members_and_hours(branch, serve):
    one, two, seven = branch.full[0], branch.full[1], branch.full[6]
    serve(hours={one: "5"}, absent=(seven,))  # 6 present: 5 + 5×3 = 20 hours
    serve(CITY_DAY, F.CIVILISED_CITY, topic="文明城市创建志愿服务", default=Decimal("2"),
          hours={two: "4"}, absent=branch.full[3:7])  # 3 present: 2 + 4 + 2 = 8 hours
    serve(CITY_DAY.replace(year=YEAR - 1), F.CIVILISED_CITY)  # another year
    _create(branch, held_on=CITY_DAY, status=ActivityStatus.PLANNED, attendance=None)  # not held

    stats = volunteer_stats(branch.branch, YEAR)
    assert (stats.activities, stats.participations, stats.members, stats.hours) == (2, 9, 6, Decimal("28"))
    fields = {row.field: (row.activities, row.participations, row.hours) for row in stats.by_field}
    assert fields[F.FOREST_FIRE] == (1, 6, Decimal("20")) and fields[F.CIVILISED_CITY] == (1, 3, Decimal("8"))
    assert fields[F.COMMUNITY] == (0, 0, 0)
    ranking = [(row.member, row.participations, row.hours) for row in stats.by_member]
    assert ranking[:2] == [(one, 2, Decimal("7")), (two, 2, Decimal("7"))]  # ties: the older member first
    assert ranking[2][1:] == (2, Decimal("5"))
    assert seven not in [row.member for row in stats.by_member]


def test_a_cancelled_or_other_kind_of_activity_is_not_counted(branch, serve):
    serve()
    services.activity_create(actor=None, branch=branch.branch, kind=K.THEME_DAY, held_on=FOREST_DAY, topic="主题党日",
                             attendance=volunteer_sheet(branch.branch, FOREST_DAY))
    planned = _create(branch, held_on=CITY_DAY, status=ActivityStatus.PLANNED, attendance=None)
    values = {name: getattr(planned, name) for name in services.FIELDS}
    services.activity_update(actor=None, activity=planned, **{**values, "status": ActivityStatus.CANCELLED})
    stats = volunteer_stats(branch.branch, YEAR)
    assert (stats.activities, stats.participations, stats.hours) == (1, 7, Decimal("21"))


def test_another_branchs_activities_are_not_counted(branch, serve, health):
    serve()
    services.activity_create(actor=None, branch=health.branch, kind=K.VOLUNTEER, held_on=FOREST_DAY, topic="护林",
                             service_field=F.FOREST_FIRE, service_hours="8",
                             attendance=volunteer_sheet(health.branch, FOREST_DAY))
    assert volunteer_stats(branch.branch, YEAR).hours == Decimal("21")
    assert volunteer_stats(health.branch, YEAR).hours == Decimal("24")
