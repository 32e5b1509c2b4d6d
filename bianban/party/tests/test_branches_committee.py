"""The committee: 换届 (terms), seats and the no-committee rule of domain.md §6.1, and the term-end reminders."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.party.choices import CommitteeRole, LeaveReason, MemberStatus
from bianban.party.members import selectors, services
from bianban.party.members.terms import add_months, term_ends_on, term_reminder_due
from bianban.party.models import CommitteeMember, CommitteeTerm

TODAY = timezone.localdate


def _small_branch(district: Any, make_person: Any, full: int = 5) -> SimpleNamespace:
    """A branch with `full` 正式党员 and one 预备党员."""
    small = services.branch_create(actor=None, name="小支部", code="small", unit=district.school,
                                   parent_committee="教育工委", founded_on=date(2015, 1, 1))
    members = [services.member_transfer_in(
        actor=None, branch=small, person=make_person(unit=district.school), status=MemberStatus.FULL,
        admitted_on=date(2010, 1, 1), full_on=date(2011, 1, 1), joined_on=date(2016, 1, 1), joined_from="某党委")
        for _ in range(full)]
    probationary = services.member_admit(actor=None, branch=small, person=make_person(unit=district.school),
                                         admitted_on=TODAY() - timedelta(days=30))
    term = services.term_elect(actor=None, branch=small, elected_on=date(2024, 6, 1))
    return SimpleNamespace(branch=small, full=members, probationary=probationary, term=term)


def _refused(call: Any, field: str, text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert text in caught.value.details[field][0], caught.value.details


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 31), -6) == date(2023, 9, 30)
    assert term_ends_on(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_a_branch_with_seven_full_members_elects_a_committee_for_its_term_years(branch: SimpleNamespace) -> None:
    assert branch.term.has_committee
    assert branch.term.years == 3 and branch.term.ends_on == add_months(branch.term.elected_on, 36)


def test_a_branch_with_fewer_than_seven_full_members_has_no_committee(district: Any, make_person: Any) -> None:
    small = _small_branch(district, make_person)
    assert not small.term.has_committee  # 5 正式 + 1 预备: the 预备党员 does not count


def test_a_branch_without_a_committee_may_seat_only_a_secretary_and_a_deputy(district: Any,
                                                                             make_person: Any) -> None:
    small = _small_branch(district, make_person)
    audits = AuditEvent.objects.count()
    for role in (CommitteeRole.ORGANISATION, CommitteeRole.PUBLICITY, CommitteeRole.DISCIPLINE, CommitteeRole.MEMBER):
        _refused(lambda role=role: services.seat_assign(actor=None, term=small.term, member=small.full[1], role=role,
                                                        since=date(2024, 6, 1)), "role", "不设支部委员会，只设书记")
    assert not CommitteeMember.objects.filter(term=small.term).exists() and AuditEvent.objects.count() == audits
    services.seat_assign(actor=None, term=small.term, member=small.full[0], role=CommitteeRole.SECRETARY,
                         since=date(2024, 6, 1))
    services.seat_assign(actor=None, term=small.term, member=small.full[1], role=CommitteeRole.DEPUTY_SECRETARY,
                         since=date(2024, 6, 1))
    assert small.term.seats.count() == 2


def test_a_committee_seat_is_refused_once_the_branch_has_shrunk_below_seven(branch: SimpleNamespace) -> None:
    for member in branch.full[5:]:
        services.member_leave(actor=None, member=member, on=TODAY(), reason=LeaveReason.TRANSFER_OUT,
                              destination="别处")
    _refused(lambda: services.seat_assign(actor=None, term=branch.term, member=branch.full[3],
                                          role=CommitteeRole.DISCIPLINE, since=TODAY()), "role", "不足7人")


def test_each_role_has_one_holder_and_each_member_one_seat(branch: SimpleNamespace) -> None:
    _refused(lambda: services.seat_assign(actor=None, term=branch.term, member=branch.full[3],
                                          role=CommitteeRole.SECRETARY, since=TODAY()),
             "role", "书记已有在任人选（张伟）")
    _refused(lambda: services.seat_assign(actor=None, term=branch.term, member=branch.full[0],
                                          role=CommitteeRole.DISCIPLINE, since=TODAY()), "member", "已在本届支委会任职")
    services.seat_assign(actor=None, term=branch.term, member=branch.full[3], role=CommitteeRole.MEMBER, since=TODAY())
    services.seat_assign(actor=None, term=branch.term, member=branch.full[4], role=CommitteeRole.MEMBER, since=TODAY())
    assert branch.term.seats.filter(role=CommitteeRole.MEMBER).count() == 2  # 委员 may be several


def test_a_probationary_member_cannot_be_elected(branch: SimpleNamespace) -> None:
    _refused(lambda: services.seat_assign(actor=None, term=branch.term, member=branch.probationary[0],
                                          role=CommitteeRole.DISCIPLINE, since=TODAY()),
             "member", "预备党员没有被选举权")


def test_a_seat_cannot_start_before_the_election_or_in_the_future(branch: SimpleNamespace) -> None:
    before = branch.term.elected_on - timedelta(days=1)
    _refused(lambda: services.seat_assign(actor=None, term=branch.term, member=branch.full[3],
                                          role=CommitteeRole.DISCIPLINE, since=before), "since", "不能早于本届选举日期")
    _refused(lambda: services.seat_assign(actor=None, term=branch.term, member=branch.full[3],
                                          role=CommitteeRole.DISCIPLINE, since=TODAY() + timedelta(days=1)),
             "since", "不能晚于今天")


def test_ending_a_seat_frees_the_role_without_restarting_the_term(branch: SimpleNamespace) -> None:
    publicity = branch.seats[2]
    _refused(lambda: services.seat_end(actor=None, seat=publicity, on=publicity.since - timedelta(days=1)), "on",
             "不能早于任职日期")
    services.seat_end(actor=None, seat=publicity, on=TODAY(), reason="工作调整")
    with pytest.raises(Conflict):
        services.seat_end(actor=None, seat=publicity, on=TODAY())
    services.seat_assign(actor=None, term=branch.term, member=branch.full[3], role=CommitteeRole.PUBLICITY,
                         since=TODAY())
    term = CommitteeTerm.objects.get(pk=branch.term.pk)
    assert term.elected_on == branch.term.elected_on and term.closed_on is None


def test_a_new_term_closes_the_previous_one_with_its_seats(branch: SimpleNamespace) -> None:
    new = services.term_elect(actor=None, branch=branch.branch, elected_on=TODAY(), years=5,
                              document_no="工委〔2026〕1号")
    old = CommitteeTerm.objects.get(pk=branch.term.pk)
    assert new.number == 2 and new.ends_on == add_months(TODAY(), 60) and new.has_committee
    assert old.closed_on == TODAY()
    assert not CommitteeMember.objects.filter(term=old, until__isnull=True).exists()
    assert selectors.committee_current(branch.branch).term == new
    with pytest.raises(ValidationFailed, match="已于"):
        services.seat_assign(actor=None, term=old, member=branch.full[3], role=CommitteeRole.MEMBER, since=TODAY())


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"number": 1}, "number", "届次应大于上一届（第1届）"),
    ({"years": 2}, "years", "3至5年"),
    ({"elected_on": date(2010, 1, 1)}, "elected_on", "不能早于党支部成立日期"),
    ({"elected_on": date(2100, 1, 1)}, "elected_on", "不能晚于今天"),
])
def test_a_term_with_bad_details_is_refused_and_the_current_one_stays(branch: SimpleNamespace, changes: dict,
                                                                      field: str, text: str) -> None:
    values = {"elected_on": TODAY(), **changes}
    _refused(lambda: services.term_elect(actor=None, branch=branch.branch, **values), field, text)
    assert CommitteeTerm.objects.filter(branch=branch.branch).count() == 1
    assert CommitteeTerm.objects.get(pk=branch.term.pk).closed_on is None


def test_a_term_cannot_be_elected_before_the_current_one(branch: SimpleNamespace) -> None:
    _refused(lambda: services.term_elect(actor=None, branch=branch.branch, elected_on=branch.term.elected_on),
             "elected_on", "应晚于上一届的选举日期")


# --- reminders -----------------------------------------------------------------------------------------------------


def _term_ending_in(branch: SimpleNamespace, days: int) -> CommitteeTerm:
    """Move the fixture's term so that it ends `days` from today (a correction of the record, for the test)."""
    ends = TODAY() + timedelta(days=days)
    CommitteeTerm.objects.filter(pk=branch.term.pk).update(ends_on=ends, elected_on=add_months(ends, -36))
    return CommitteeTerm.objects.select_related("branch").get(pk=branch.term.pk)


def test_no_reminder_comes_before_six_months_from_the_end(branch: SimpleNamespace) -> None:
    assert term_reminder_due(branch.term, TODAY()) is None  # two years to go
    assert selectors.term_reminders(branch.users.secretary) == []


def test_the_six_month_reminder_then_the_three_month_one(branch: SimpleNamespace) -> None:
    term = _term_ending_in(branch, 150)
    due = term_reminder_due(term, TODAY())
    assert due["months"] == 6 and due["level"] == "info"
    assert "任期将于" in due["text"] and "提前6个月" in due["text"] and due["date"] == add_months(term.ends_on, -6)
    term = _term_ending_in(branch, 60)
    reminders = selectors.term_reminders(branch.users.secretary)
    assert [r["months"] for r in reminders] == [3]
    assert reminders[0]["term_id"] == term.pk and "请做好换届准备" in reminders[0]["text"]


def test_an_expired_term_says_it_is_overdue(branch: SimpleNamespace) -> None:
    _term_ending_in(branch, -1)
    due = selectors.committee_current(branch.branch).reminder
    assert due["months"] == 0 and due["level"] == "danger" and "已于" in due["text"] and "延期" in due["text"]


def test_upcoming_reminders_list_every_date_still_ahead(branch: SimpleNamespace) -> None:
    term = _term_ending_in(branch, 150)
    upcoming = selectors.term_reminders(branch.users.secretary, upcoming=True)
    assert [(r["months"], r["date"]) for r in upcoming] == [(3, add_months(term.ends_on, -3)), (0, term.ends_on)]


def test_an_appointed_term_has_no_reminders(branch: SimpleNamespace) -> None:
    appointed = services.term_elect(actor=None, branch=branch.branch, elected_on=TODAY(), appointed=True)
    assert term_reminder_due(appointed, appointed.ends_on + timedelta(days=1)) is None


def test_reminders_are_scoped_to_the_users_branches(branch: SimpleNamespace, outsider: Any, liaison: Any) -> None:
    _term_ending_in(branch, 60)
    assert selectors.term_reminders(outsider) == [] and selectors.term_reminders(liaison) == []
    assert len(selectors.term_reminders(branch.users.member)) == 1
