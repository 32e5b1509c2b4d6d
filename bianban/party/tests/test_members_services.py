"""The members-area services: branch, groups and members, with every rule and bad input (Chinese message, nothing
written)."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.party.choices import CommitteeRole, LeaveReason, MemberStatus
from bianban.party.members import services
from bianban.party.members.terms import add_months
from bianban.party.models import Branch, CommitteeMember, ComplianceRule, Member, PartyGroup

TODAY = timezone.localdate


def _nothing_written(before_audit: int, **counts: int) -> None:
    assert AuditEvent.objects.count() == before_audit
    for model_name, expected in counts.items():
        assert {"members": Member, "groups": PartyGroup, "branches": Branch}[model_name].objects.count() == expected


def _refused(call: Any, field: str, text: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.details, caught.value.details
    assert text in caught.value.details[field][0], caught.value.details
    return caught.value


# --- branch --------------------------------------------------------------------------------------------------------


def test_creating_a_branch_installs_the_default_rules_and_leaves_an_audit(district: SimpleNamespace,
                                                                         secretary: Any) -> None:
    branch = services.branch_create(actor=secretary, name="示例区卫健局机关党支部", code="health", unit=district.health,
                                    parent_committee="区直机关工委", founded_on=date(2018, 3, 1))
    assert branch.term_years == 3
    assert ComplianceRule.objects.filter(branch=branch, code="talks").exists()
    assert AuditEvent.objects.filter(action="branch.create", target_id=str(branch.pk), actor=secretary).exists()


@pytest.mark.parametrize(("field", "value", "text"), [
    ("code", "Edu Branch", "代码只能包含"),
    ("term_years", 2, "3至5年"),
    ("term_years", 6, "3至5年"),
    ("name", " ", "请填写党支部名称"),
    ("parent_committee", "", "请填写上级党组织"),
])
def test_a_branch_with_bad_details_is_refused_and_nothing_is_written(district: SimpleNamespace, field: str,
                                                                     value: Any, text: str) -> None:
    values = {"name": "新支部", "code": "new", "unit": district.edu, "parent_committee": "区直机关工委",
              "founded_on": date(2020, 1, 1), field: value}
    audits = AuditEvent.objects.count()
    _refused(lambda: services.branch_create(actor=None, **values), field, text)
    _nothing_written(audits, branches=0)
    assert not ComplianceRule.objects.exists()


def test_a_branch_cannot_take_a_name_or_code_already_used(branch: SimpleNamespace, district: SimpleNamespace) -> None:
    _refused(lambda: services.branch_create(actor=None, name=branch.branch.name, code="other", unit=district.edu,
                                            parent_committee="工委", founded_on=date(2020, 1, 1)), "name", "同名")
    _refused(lambda: services.branch_create(actor=None, name="另一个支部", code="edu", unit=district.edu,
                                            parent_committee="工委", founded_on=date(2020, 1, 1)), "code", "已被")


def test_a_member_persona_may_not_create_a_branch_and_an_outsider_is_told_nothing_exists(
        district: SimpleNamespace, member: Any, outsider: Any) -> None:
    values = {"name": "新支部", "code": "new", "unit": district.edu, "parent_committee": "工委",
              "founded_on": date(2020, 1, 1)}
    with pytest.raises(PermissionDenied):
        services.branch_create(actor=member, **values)
    with pytest.raises(NotFound):
        services.branch_create(actor=outsider, **values)
    assert not Branch.objects.exists()


def test_updating_a_branch_records_what_changed(branch: SimpleNamespace, secretary: Any) -> None:
    updated = services.branch_update(actor=secretary, branch=branch.branch, term_years=5, parent_committee="区委")
    assert updated.term_years == 5
    event = AuditEvent.objects.filter(action="branch.update").get()
    assert event.changes == {"term_years": [3, 5], "parent_committee": ["示例区直属机关工委", "区委"]}
    assert branch.term.ends_on == add_months(branch.term.elected_on, 36)  # the current term keeps its end


def test_a_branch_cannot_be_founded_after_its_first_member_joined(branch: SimpleNamespace) -> None:
    _refused(lambda: services.branch_update(actor=None, branch=branch.branch, founded_on=date(2017, 1, 1)),
             "founded_on", "不能晚于最早转入党员的日期")


# --- groups --------------------------------------------------------------------------------------------------------


def test_a_group_name_is_unique_among_the_branchs_live_groups(branch: SimpleNamespace) -> None:
    _refused(lambda: services.group_create(actor=None, branch=branch.branch, name="第一党小组"), "name", "同名党小组")


def test_a_group_leader_must_be_a_current_member_of_the_branch(branch: SimpleNamespace, district: Any,
                                                                make_person: Any) -> None:
    other = services.branch_create(actor=None, name="医院党支部", code="hospital", unit=district.hospital,
                                   parent_committee="卫健工委", founded_on=date(2015, 1, 1))
    stranger = services.member_transfer_in(
        actor=None, branch=other, person=make_person("外人", unit=district.hospital), status=MemberStatus.FULL,
        admitted_on=date(2010, 1, 1), full_on=date(2011, 1, 1), joined_on=date(2016, 1, 1), joined_from="某党委")
    _refused(lambda: services.group_update(actor=None, group=branch.groups[0], leader=stranger), "leader", "在册党员")


def test_dissolving_a_group_leaves_its_members_without_a_group(branch: SimpleNamespace) -> None:
    group = branch.groups[1]
    services.group_dissolve(actor=None, group=group, on=TODAY())
    assert not Member.objects.filter(group=group).exists()
    with pytest.raises(Conflict):
        services.group_dissolve(actor=None, group=group, on=TODAY())
    # its name is free again
    assert services.group_create(actor=None, branch=branch.branch, name="第二党小组").pk != group.pk


# --- members -------------------------------------------------------------------------------------------------------


def test_admitting_a_member_starts_a_one_year_probation(branch: SimpleNamespace, make_person: Any) -> None:
    admitted = TODAY() - timedelta(days=10)
    member = services.member_admit(actor=None, branch=branch.branch, person=make_person("新同志"), admitted_on=admitted,
                                   group=branch.groups[0])
    assert member.status == MemberStatus.PROBATIONARY and member.full_on is None
    assert member.probation_ends_on == add_months(admitted, 12)
    assert member.joined_on == admitted and member.party_years(TODAY()) == 0
    assert AuditEvent.objects.filter(action="member.admit", target_id=str(member.pk)).exists()


def test_a_person_already_member_of_another_branch_is_refused(branch: SimpleNamespace, district: Any) -> None:
    other = services.branch_create(actor=None, name="医院党支部", code="hospital", unit=district.hospital,
                                   parent_committee="卫健工委", founded_on=date(2015, 1, 1))
    person = branch.full[3].person
    members, audits = Member.objects.count(), AuditEvent.objects.count()
    error = _refused(lambda: services.member_admit(actor=None, branch=other, person=person,
                                                   admitted_on=date(2020, 1, 1)),
                     "person", "已是示例区教育局机关党支部的党员")
    assert "转出" in error.message
    _nothing_written(audits, members=members)


def test_a_person_who_left_may_join_another_branch(branch: SimpleNamespace, district: Any) -> None:
    gone = services.member_leave(actor=None, member=branch.full[5], on=TODAY(), reason=LeaveReason.TRANSFER_OUT,
                                 destination="医院党支部")
    other = services.branch_create(actor=None, name="医院党支部", code="hospital", unit=district.hospital,
                                   parent_committee="卫健工委", founded_on=date(2015, 1, 1))
    joined = services.member_transfer_in(actor=None, branch=other, person=gone.person, status=MemberStatus.FULL,
                                         admitted_on=gone.admitted_on, full_on=gone.full_on, joined_on=TODAY(),
                                         joined_from="示例区教育局机关党支部")
    assert joined.party_years(TODAY()) == branch.full[5].party_years(TODAY())


def test_a_group_of_another_branch_is_refused(branch: SimpleNamespace, district: Any, make_person: Any) -> None:
    other = services.branch_create(actor=None, name="医院党支部", code="hospital", unit=district.hospital,
                                   parent_committee="卫健工委", founded_on=date(2015, 1, 1))
    _refused(lambda: services.member_admit(actor=None, branch=other, person=make_person(), admitted_on=TODAY(),
                                           group=branch.groups[0]), "group", "本支部")


def test_no_admission_is_dated_in_the_future_or_before_the_branch(branch: SimpleNamespace, make_person: Any) -> None:
    person = make_person()
    _refused(lambda: services.member_admit(actor=None, branch=branch.branch, person=person,
                                           admitted_on=TODAY() + timedelta(days=1)), "admitted_on", "不能晚于今天")
    _refused(lambda: services.member_admit(actor=None, branch=branch.branch, person=person,
                                           admitted_on=date(2010, 1, 1)), "admitted_on", "不能早于党支部成立日期")


def test_a_transferred_in_probationary_keeps_an_extended_probation_within_a_year(branch: SimpleNamespace,
                                                                                 make_person: Any) -> None:
    admitted = TODAY() - timedelta(days=400)
    member = services.member_transfer_in(
        actor=None, branch=branch.branch, person=make_person(), status=MemberStatus.PROBATIONARY,
        admitted_on=admitted, probation_ends_on=add_months(admitted, 18), joined_on=TODAY(), joined_from="某党委")
    assert member.probation_extended and member.full_on is None
    _refused(lambda: services.member_transfer_in(
        actor=None, branch=branch.branch, person=make_person(), status=MemberStatus.PROBATIONARY,
        admitted_on=admitted, probation_ends_on=add_months(admitted, 25), joined_on=TODAY(), joined_from="某党委"),
        "probation_ends_on", "延长不超过1年")


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"joined_from": ""}, "joined_from", "原所在党组织"),
    ({"full_on": None}, "full_on", "转正日期"),
    ({"full_on": date(2012, 6, 1)}, "full_on", "不能早于预备期满"),
    ({"joined_on": date(2011, 1, 1)}, "joined_on", "不能早于入党日期"),
    ({"joined_on": date(2015, 1, 1), "admitted_on": date(2010, 1, 1)}, "joined_on", "不能早于党支部成立日期"),
])
def test_a_transfer_in_with_bad_dates_is_refused(branch: SimpleNamespace, make_person: Any, changes: dict,
                                                 field: str, text: str) -> None:
    values = {"status": MemberStatus.FULL, "admitted_on": date(2012, 1, 1), "full_on": date(2013, 1, 1),
              "joined_on": date(2020, 1, 1), "joined_from": "某党委", **changes}
    person = make_person()
    members, audits = Member.objects.count(), AuditEvent.objects.count()
    _refused(lambda: services.member_transfer_in(actor=None, branch=branch.branch, person=person, **values),
             field, text)
    _nothing_written(audits, members=members)


def test_making_a_member_full_before_the_probation_ends_is_refused(branch: SimpleNamespace) -> None:
    member = branch.probationary[0]
    audits = AuditEvent.objects.count()
    _refused(lambda: services.member_make_full(actor=None, member=member, on=TODAY()), "on", "预备期至")
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY and member.full_on is None
    assert AuditEvent.objects.count() == audits


def _due_probationary(branch: SimpleNamespace, make_person: Any) -> Member:
    return services.member_admit(actor=None, branch=branch.branch, person=make_person(),
                                 admitted_on=add_months(TODAY(), -13))


def test_a_member_becomes_full_on_or_after_the_end_of_probation_and_counts_party_years_from_then(
        branch: SimpleNamespace, make_person: Any) -> None:
    member = _due_probationary(branch, make_person)
    services.member_make_full(actor=None, member=member, on=member.probation_ends_on)
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL and member.full_on == member.probation_ends_on
    assert member.party_years(add_months(member.full_on, 12)) == 1
    _refused(lambda: services.member_make_full(actor=None, member=member, on=TODAY()), "on", "已是正式党员")


@pytest.mark.parametrize("months", [5, 13, 0])
def test_a_probation_extension_outside_six_to_twelve_months_is_refused(branch: SimpleNamespace,
                                                                       months: int) -> None:
    member = branch.probationary[0]
    old_end = member.probation_ends_on
    _refused(lambda: services.member_extend_probation(actor=None, member=member, months=months), "months",
             "6至12个月")
    member.refresh_from_db()
    assert member.probation_ends_on == old_end and not member.probation_extended


def test_a_probation_is_extended_once(branch: SimpleNamespace) -> None:
    member = branch.probationary[1]
    old_end = member.probation_ends_on
    services.member_extend_probation(actor=None, member=member, months=6, reason="支部大会决定")
    member.refresh_from_db()
    assert member.probation_ends_on == add_months(old_end, 6) and member.probation_extended
    _refused(lambda: services.member_extend_probation(actor=None, member=member, months=6), "months", "只能延长一次")
    _refused(lambda: services.member_extend_probation(actor=None, member=branch.full[0], months=6), "months",
             "已是正式党员")


def test_updating_a_member_changes_group_category_and_mobile_flag(branch: SimpleNamespace) -> None:
    member = branch.full[3]
    services.member_update(actor=None, member=member, group=branch.groups[1], is_mobile=True, category="retired")
    member.refresh_from_db()
    assert (member.group, member.is_mobile, member.category) == (branch.groups[1], True, "retired")
    assert member.note == ""  # not given: unchanged
    event = AuditEvent.objects.filter(action="member.update").get()
    assert set(event.changes) == {"group", "is_mobile", "category"}


def test_an_account_links_to_one_current_member_only(branch: SimpleNamespace) -> None:
    _refused(lambda: services.member_update(actor=None, member=branch.full[2], user=branch.users.secretary),
             "user", "已关联其他党员")


def test_leaving_before_joining_is_refused_and_nothing_is_written(branch: SimpleNamespace) -> None:
    member = branch.full[4]
    audits = AuditEvent.objects.count()
    _refused(lambda: services.member_leave(actor=None, member=member, on=date(2015, 12, 31),
                                           reason=LeaveReason.DEATH), "on", "不能早于转入本支部日期")
    _refused(lambda: services.member_leave(actor=None, member=member, on=TODAY(), reason=LeaveReason.TRANSFER_OUT),
             "destination", "转往的党组织")
    _refused(lambda: services.member_leave(actor=None, member=member, on=TODAY(),
                                           reason=LeaveReason.PROBATION_CANCELLED), "reason", "只有预备党员")
    member.refresh_from_db()
    assert member.left_on is None and AuditEvent.objects.count() == audits


def test_leaving_ends_the_members_seat_and_group_leadership(branch: SimpleNamespace) -> None:
    organiser = branch.full[1]
    services.member_leave(actor=None, member=organiser, on=TODAY(), reason=LeaveReason.TRANSFER_OUT,
                          destination="区委组织部机关党支部")
    assert CommitteeMember.objects.get(member=organiser, role=CommitteeRole.ORGANISATION).until == TODAY()
    assert PartyGroup.objects.get(pk=branch.groups[0].pk).leader is None
    with pytest.raises(ValidationFailed, match="已于"):
        services.member_update(actor=None, member=organiser, note="x")


def test_a_view_only_member_cannot_change_members(branch: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        services.member_update(actor=branch.users.member, member=branch.full[3], note="改")


def test_persons_outside_the_actors_scope_cannot_be_enrolled(branch: SimpleNamespace,
                                                              make_person: Any, district: Any) -> None:
    from bianban.accounts import services as account_services
    from bianban.accounts.choices import Role

    edu_secretary = account_services.user_create_with_grants(
        actor=None, username="edu_sec", password="Bianban!2026", full_name="教育书记",
        grants=[(Role.BRANCH_SECRETARY, district.edu)])
    outside = make_person("医生", unit=district.hospital)
    with pytest.raises(NotFound) as caught:
        services.member_admit(actor=edu_secretary, branch=branch.branch, person=outside, admitted_on=TODAY())
    assert "person" in caught.value.details


def test_a_concurrent_enrolment_that_slips_past_the_check_is_refused_by_the_constraint(
        branch: SimpleNamespace, district: Any, monkeypatch: Any) -> None:
    other = services.branch_create(actor=None, name="医院党支部", code="hospital", unit=district.hospital,
                                   parent_committee="卫健工委", founded_on=date(2015, 1, 1))
    # The other request's enrolment committed after this one checked (the lock covers one branch only).
    monkeypatch.setattr(services, "_check_person", lambda errors, actor, person: None)
    with pytest.raises(ValidationFailed, match="已是其他"):
        services.member_admit(actor=None, branch=other, person=branch.full[0].person, admitted_on=TODAY())
    assert Member.objects.filter(branch=other).count() == 0
