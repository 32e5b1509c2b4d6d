"""Reads of branches and members: scoping (outsiders and liaisons see nothing), filters, counts, a member's year."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import NotFound
from bianban.party.choices import (
    ActivityKind,
    ActivityStatus,
    AppraisalGrade,
    AppraisalStatus,
    AttendanceStatus,
    LeaveReason,
    MemberStatus,
    TalkKind,
    TalkRole,
)
from bianban.party.members import selectors, services
from bianban.party.models import (
    Activity,
    Appraisal,
    AppraisalResult,
    Attendance,
    Talk,
    TalkParticipant,
)

TODAY = timezone.localdate


@pytest.mark.parametrize("persona", ["outsider", "liaison"])
def test_users_without_party_grants_see_no_branch_and_no_member(branch: SimpleNamespace, persona: str,
                                                                 request: Any) -> None:
    user = request.getfixturevalue(persona)
    assert not selectors.branches_for_user(user).exists()
    assert not selectors.members_for_user(user).exists()
    with pytest.raises(NotFound):
        selectors.member_get_for_user(user, branch.full[0].pk)
    with pytest.raises(NotFound):
        selectors.branch_get_for_user(user, branch.branch.pk)


def test_a_secretary_of_another_unit_sees_nothing_of_this_branch(branch: SimpleNamespace, district: Any) -> None:
    from bianban.accounts import services as account_services
    from bianban.accounts.choices import Role

    health_secretary = account_services.user_create_with_grants(
        actor=None, username="hs", password="Bianban!2026", full_name="卫健书记",
        grants=[(Role.BRANCH_SECRETARY, district.health)])
    assert not selectors.member_search(health_secretary).exists()
    with pytest.raises(NotFound):
        selectors.group_get_for_user(health_secretary, branch.groups[0].pk)
    with pytest.raises(NotFound):
        selectors.term_get_for_user(health_secretary, branch.term.pk)


def test_a_view_only_member_sees_the_branch_but_not_for_changing(branch: SimpleNamespace) -> None:
    from bianban.accounts.choices import Perm

    user = branch.users.member
    assert selectors.member_get_for_user(user, branch.full[0].pk) == branch.full[0]
    with pytest.raises(NotFound):
        selectors.member_get_for_user(user, branch.full[0].pk, Perm.PARTY_CHANGE)


def test_member_search_filters_by_status_group_mobile_and_current(branch: SimpleNamespace) -> None:
    user = branch.users.secretary
    services.member_update(actor=None, member=branch.full[6], is_mobile=True)
    services.member_leave(actor=None, member=branch.full[5], on=TODAY(), reason=LeaveReason.DEATH)
    assert selectors.member_search(user).count() == 8
    assert selectors.member_search(user, status=MemberStatus.PROBATIONARY).count() == 2
    assert selectors.member_search(user, status="nonsense").count() == 0
    assert set(selectors.member_search(user, group=branch.groups[0].pk)) == {*branch.full[:4], branch.probationary[0]}
    assert list(selectors.member_search(user, mobile=True)) == [branch.full[6]]
    assert list(selectors.member_search(user, current=False)) == [branch.full[5]]
    assert selectors.member_search(user, current=None).count() == 9
    assert list(selectors.member_search(user, q="赵")) == [branch.full[6]]


def test_member_counts_and_members_on_a_day(branch: SimpleNamespace) -> None:
    services.member_leave(actor=None, member=branch.full[5], on=TODAY(), reason=LeaveReason.DEATH)
    assert selectors.member_counts(branch.branch) == {"total": 8, "full": 6, "probationary": 2, "mobile": 0,
                                                      "left": 1}
    assert selectors.branch_members_on(branch.branch, date(2016, 1, 3)).count() == 0
    assert selectors.branch_members_on(branch.branch, date(2016, 1, 4)).count() == 7


def test_the_current_committee_lists_seats_secretary_first(branch: SimpleNamespace) -> None:
    committee = selectors.committee_current(branch.branch)
    assert committee.term == branch.term and committee.reminder is None
    assert [s.role for s in committee.seats] == ["SECRETARY", "ORGANISATION", "PUBLICITY"]


def _activity(branch: SimpleNamespace, held_on: date, kind: str = ActivityKind.STUDY, hours: str | None = "2.0",
              status: str = ActivityStatus.HELD) -> Activity:
    return Activity.objects.create(branch=branch.branch, kind=kind, held_on=held_on, topic="学习",
                                   study_hours=Decimal(hours) if hours else None, status=status)


def test_a_members_year_counts_attendance_talks_study_hours_and_the_published_appraisal(
        branch: SimpleNamespace) -> None:
    member, other = branch.full[3], branch.full[0]
    year = 2025
    study = _activity(branch, date(year, 3, 1))
    lecture = _activity(branch, date(year, 5, 1), ActivityKind.PARTY_LECTURE, hours="1.5")
    meeting = _activity(branch, date(year, 6, 1), ActivityKind.GENERAL_MEETING, hours="3.0")
    missed = _activity(branch, date(year, 7, 1))
    planned = _activity(branch, date(year, 8, 1), status=ActivityStatus.PLANNED)
    last_year = _activity(branch, date(year - 1, 12, 1))
    Attendance.objects.create(activity=study, member=member, status=AttendanceStatus.PRESENT,
                              study_hours=Decimal("4.0"))  # the member's own hours win over the activity's
    Attendance.objects.create(activity=lecture, member=member, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(activity=meeting, member=member, status=AttendanceStatus.PRESENT)  # not a study kind
    Attendance.objects.create(activity=missed, member=member, status=AttendanceStatus.LEAVE, reason="出差")
    Attendance.objects.create(activity=planned, member=member, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(activity=last_year, member=member, status=AttendanceStatus.PRESENT)
    talk = Talk.objects.create(branch=branch.branch, kind=TalkKind.HEART_TO_HEART, held_on=date(year, 4, 1),
                               topic="谈心")
    TalkParticipant.objects.create(talk=talk, member=other, role=TalkRole.TALKER)
    TalkParticipant.objects.create(talk=talk, member=member, role=TalkRole.TALKED)
    appraisal = Appraisal.objects.create(branch=branch.branch, year=year, started_on=date(year, 12, 1),
                                         status=AppraisalStatus.CLOSED)
    AppraisalResult.objects.create(appraisal=appraisal, member=member, grade=AppraisalGrade.EXCELLENT)

    summary = selectors.member_year_summary(member, year)
    assert (summary["activities"], summary["present"], summary["leave"], summary["absent"]) == (4, 3, 1, 0)
    assert summary["attendance_rate"] == 75.0
    assert summary["talks"] == 1 and summary["talks_as_talker"] == 0
    assert summary["study_hours"] == Decimal("5.5")
    assert summary["appraisal_grade"] == ""  # determined but not yet published
    Appraisal.objects.filter(pk=appraisal.pk).update(status=AppraisalStatus.PUBLISHED)
    summary = selectors.member_year_summary(member, year)
    assert summary["appraisal_grade"] == "EXCELLENT" and summary["appraisal_grade_label"] == "优秀"
    assert selectors.member_year_summary(other, year)["talks_as_talker"] == 1


def test_a_year_without_records_has_no_rate(branch: SimpleNamespace) -> None:
    summary = selectors.member_year_summary(branch.full[0], 2020)
    assert summary["attendance_rate"] is None and summary["study_hours"] == 0 and summary["talks"] == 0
