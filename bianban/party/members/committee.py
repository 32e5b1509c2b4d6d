"""Writes of the branch committee: electing a new term (换届) and filling or ending its seats.

domain.md §6.1 (条例第二十一条): with at least 7 正式党员 a branch elects a 支部委员会 (书记, 组织委员, 宣传委员,
纪检委员 …, plus a 副书记 if needed); with fewer it has no committee, only a 书记 (and a 副书记 if needed). §6.2: the
term runs from the electing 党员大会; replacing members (补选) does not restart it. 预备党员 have no right to be
elected.
"""

from datetime import date
from typing import Any

from django.db import transaction

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.party.access import members_on, require_branch, voting_on_q
from bianban.party.choices import NO_COMMITTEE_ROLES, CommitteeRole
from bianban.party.members.checks import Errors, fail, fmt, lock_branch, not_future, party_settings
from bianban.party.members.terms import term_ends_on
from bianban.party.models import Branch, CommitteeMember, CommitteeTerm, Member

_TERM_FIELDS = ["number", "elected_on", "years", "ends_on", "appointed", "has_committee", "document_no"]
# Roles held by one person at a time; 委员 (MEMBER) may be held by several.
_SINGLE_ROLES = frozenset(CommitteeRole) - {CommitteeRole.MEMBER}


def full_members_on(branch: Branch, on: date) -> int:
    """正式党员 of the branch on `on`: who counts for setting up a committee (domain.md §6.1)."""
    return members_on(branch, on).filter(voting_on_q(on)).count()


def committee_allowed(branch: Branch, on: date) -> bool:
    return full_members_on(branch, on) >= party_settings()["COMMITTEE_MIN_FULL_MEMBERS"]


@transaction.atomic(durable=True)
def term_elect(*, actor: Any, branch: Branch, elected_on: date, number: int | None = None, years: int | None = None,
               appointed: bool = False, document_no: str = "") -> CommitteeTerm:
    """换届: the 党员大会 of `elected_on` elects a new term (or the higher level appoints one). Whether it is a
    committee or only a secretary follows from the 正式党员 on that day; the previous term closes that day with
    its seats."""
    require_branch(actor, branch)
    branch = lock_branch(branch)
    previous = CommitteeTerm.objects.select_for_update().filter(branch=branch, closed_on__isnull=True).first()
    last = CommitteeTerm.objects.filter(branch=branch).order_by("-number").first()
    years = branch.term_years if years is None else years
    number = (last.number + 1 if last else 1) if number is None else number
    errors: Errors = {}
    if elected_on is None:
        errors["elected_on"] = ["请填写选举日期"]
    else:
        not_future(errors, "elected_on", elected_on, "选举日期")
        if elected_on < branch.founded_on:
            errors["elected_on"] = [f"选举日期不能早于党支部成立日期（{fmt(branch.founded_on)}）"]
        elif previous is not None and elected_on <= previous.elected_on:
            errors["elected_on"] = [f"选举日期应晚于上一届的选举日期（{fmt(previous.elected_on)}）"]
    if not isinstance(number, int) or number < 1:
        errors["number"] = ["届次应为正整数"]
    elif last is not None and number <= last.number:
        errors["number"] = [f"届次应大于上一届（第{last.number}届）"]
    if not isinstance(years, int) or not 3 <= years <= 5:
        errors["years"] = ["支委会任期应为3至5年（党章第三十一条）"]
    fail(errors)
    if previous is not None:  # first: one current term per branch (term_one_current)
        ended = list(previous.seats.filter(until__isnull=True).values_list("pk", flat=True))
        CommitteeMember.objects.filter(pk__in=ended).update(until=elected_on)
        CommitteeTerm.objects.filter(pk=previous.pk).update(closed_on=elected_on)
        audit(actor=actor, action="committee_term.close", target=previous, unit_id=branch.unit_id,
              changes={"closed_on": [None, elected_on], **({"seats_ended": [ended, []]} if ended else {})})
    term = CommitteeTerm.objects.create(
        branch=branch, number=number, elected_on=elected_on, years=years, ends_on=term_ends_on(elected_on, years),
        appointed=bool(appointed), has_committee=committee_allowed(branch, elected_on),
        document_no=(document_no or "").strip())
    audit(actor=actor, action="committee_term.elect", target=term, unit_id=branch.unit_id,
          changes=diff({}, snapshot(term, _TERM_FIELDS)))
    return term


@transaction.atomic(durable=True)
def seat_assign(*, actor: Any, term: CommitteeTerm, member: Member, role: str, since: date) -> CommitteeMember:
    """A member takes a seat of the current term from `since` (the election, or a later 补选/调整). A branch without
    a committee fills only 书记 and 副书记; each single role has one holder at a time."""
    branch = term.branch
    require_branch(actor, branch)
    lock_branch(branch)
    term = CommitteeTerm.objects.get(pk=term.pk)
    errors: Errors = {}
    if term.closed_on is not None:
        raise ValidationFailed.on("term", f"第{term.number}届已于{fmt(term.closed_on)}换届，不能再任职")
    if role not in CommitteeRole.values:
        errors["role"] = ["职务不在允许范围内"]
    elif role not in NO_COMMITTEE_ROLES and (
            not term.has_committee or (since is not None and not committee_allowed(branch, since))):
        minimum = party_settings()["COMMITTEE_MIN_FULL_MEMBERS"]
        errors["role"] = [f"正式党员不足{minimum}人的党支部不设支部委员会，只设书记（可设副书记）"]
    elif role in _SINGLE_ROLES:
        holder = term.seats.filter(role=role, until__isnull=True).select_related("member__person").first()
        if holder is not None:
            errors["role"] = [f"{CommitteeRole(role).label}已有在任人选（{holder.member.person.name}），请先办理离任"]
    if since is None:
        errors["since"] = ["请填写任职日期"]
    else:
        not_future(errors, "since", since, "任职日期")
        if since < term.elected_on:
            errors["since"] = [f"任职日期不能早于本届选举日期（{fmt(term.elected_on)}）"]
    if member.branch_id != branch.pk:
        errors["member"] = ["须是本支部的党员"]
    elif since is not None and not members_on(branch, since).filter(voting_on_q(since), pk=member.pk).exists():
        errors["member"] = [f"{member.person.name}在任职日期不是本支部正式党员（预备党员没有被选举权）"]
    elif term.seats.filter(member=member, until__isnull=True).exists():
        errors["member"] = [f"{member.person.name}已在本届支委会任职，请先办理离任"]
    fail(errors)
    seat = CommitteeMember.objects.create(term=term, member=member, role=role, since=since)
    audit(actor=actor, action="committee_seat.assign", target=seat, unit_id=branch.unit_id,
          changes={"term": [None, term.pk], "member": [None, member.pk], "role": [None, role], "since": [None, since]})
    return seat


@transaction.atomic(durable=True)
def seat_end(*, actor: Any, seat: CommitteeMember, on: date, reason: str = "") -> CommitteeMember:
    """The holder leaves the seat on `on` (调整, 辞去, 免职); the term goes on."""
    branch = seat.term.branch
    require_branch(actor, branch)
    errors: Errors = {}
    if on is None:
        errors["on"] = ["请填写离任日期"]
    else:
        not_future(errors, "on", on, "离任日期")
        if on < seat.since:
            errors["on"] = [f"离任日期不能早于任职日期（{fmt(seat.since)}）"]
    fail(errors)
    if CommitteeMember.objects.filter(pk=seat.pk, until__isnull=True).update(until=on) != 1:
        raise Conflict("该职务已离任，请刷新后重试")
    seat.until = on
    audit(actor=actor, action="committee_seat.end", target=seat, unit_id=branch.unit_id,
          changes={"until": [None, on]}, reason=reason or "")
    return seat
