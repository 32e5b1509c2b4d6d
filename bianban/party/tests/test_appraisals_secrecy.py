"""The secret ballot of 民主评议党员 and the races around it: nothing written anywhere links a voter to the grades
they gave, and real threads (SQLite WAL/IMMEDIATE, or PostgreSQL row locks) neither lose a ballot nor let a member
vote twice nor let two secretaries both move the appraisal on."""

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps

from bianban.core.models import AuditEvent
from bianban.party.appraisals import services
from bianban.party.choices import AppraisalGrade, AppraisalStatus
from bianban.party.models import Appraisal, AppraisalTally, AppraisalVoter
from bianban.party.tests import appraisals_fixtures as fx
from bianban.party.tests.appraisals_fixtures import E, U, ballot_of, grades_for
from bianban.testing import race

appraisal, voting, voters, closed = fx.appraisal, fx.voting, fx.voters, fx.closed

GRADE_WORDS = {*AppraisalGrade.values, *AppraisalGrade.labels}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def _mentions_a_grade(value: Any) -> bool:
    text = json.dumps(value, ensure_ascii=False)
    return any(word in text for word in GRADE_WORDS)


# --- secrecy -------------------------------------------------------------------------------------------------------


def test_a_ballot_writes_only_that_the_member_voted_and_its_audit_event(voting: Appraisal,
                                                                        branch: SimpleNamespace) -> None:
    before = _row_counts()
    services.ballot_cast(actor=branch.users.member, appraisal=voting,
                         grades=grades_for(branch.members, skip=branch.full[6], g1=E, g5=U))
    after = _row_counts()
    grown = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    assert grown == {"party.AppraisalVoter": 1, "core.AuditEvent": 1}
    event = AuditEvent.objects.get(action="appraisal.vote")
    assert event.changes == {"voter": [None, branch.full[6].pk]}
    assert not _mentions_a_grade([event.changes, event.reason, event.target_repr])


def test_the_voter_record_and_the_tallies_have_no_field_that_could_hold_a_ballot() -> None:
    voter_fields = {f.name for f in AppraisalVoter._meta.concrete_fields}
    tally_fields = {f.name for f in AppraisalTally._meta.concrete_fields}
    assert voter_fields == {"id", "appraisal", "member"}
    assert tally_fields == {"id", "appraisal", "member", "excellent", "qualified", "basic", "unqualified"}


def test_after_everyone_voted_no_audit_event_mentions_a_grade(closed: Appraisal) -> None:
    ballots = AuditEvent.objects.filter(action__startswith="appraisal.vote")
    assert ballots.count() == 7
    assert not any(_mentions_a_grade([e.changes, e.reason]) for e in ballots)


def test_a_paper_ballot_names_no_voter_and_no_grade(voting: Appraisal, branch: SimpleNamespace) -> None:
    before = _row_counts()
    services.ballot_enter_paper(actor=branch.users.secretary, appraisal=voting,
                                grades=grades_for(branch.members, skip=branch.full[2], g1=E))
    after = _row_counts()
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"core.AuditEvent": 1}
    event = AuditEvent.objects.get(action="appraisal.vote.paper")
    assert event.changes == {"paper_ballots": [0, 1]} and not _mentions_a_grade(event.changes)


# --- real threads --------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_closing_voting_at_once_one_wins_the_other_conflicts(
        voting: Appraisal, branch: SimpleNamespace, voters: dict[int, Any]) -> None:
    services.ballot_cast(actor=voters[branch.full[0].pk], appraisal=voting, grades=ballot_of(0, branch.members))
    copies = [Appraisal.objects.get(pk=voting.pk) for _ in range(2)]
    outcomes = race(*[lambda a=a: services.appraisal_transition(
        actor=branch.users.secretary, appraisal=a, to_status=AppraisalStatus.CLOSED) for a in copies])
    assert outcomes == ["conflict", "ok"]
    assert Appraisal.objects.get(pk=voting.pk).status == AppraisalStatus.CLOSED
    assert AuditEvent.objects.filter(action="appraisal.closed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_ballot_counts_once(voting: Appraisal, branch: SimpleNamespace) -> None:
    ballot = grades_for(branch.members, skip=branch.full[6])
    outcomes = race(*[lambda: services.ballot_cast(actor=branch.users.member, appraisal=voting, grades=ballot)] * 2)
    assert outcomes == ["ok", "您已提交互评票，不能重复投票"]
    assert AppraisalVoter.objects.count() == 1
    assert AppraisalTally.objects.get(appraisal=voting, member=branch.full[0]).qualified == 1


@pytest.mark.django_db(transaction=True)
def test_seven_members_voting_at_once_lose_no_ballot(voting: Appraisal, branch: SimpleNamespace,
                                                     voters: dict[int, Any]) -> None:
    calls = [lambda i=i, m=m: services.ballot_cast(actor=voters[m.pk], appraisal=voting,
                                                   grades=ballot_of(i, branch.members))
             for i, m in enumerate(branch.full)]
    assert race(*calls) == ["ok"] * 7
    tallies = {t.member_id: t for t in AppraisalTally.objects.filter(appraisal=voting)}
    assert tallies[branch.full[1].pk].excellent == 6
    assert (tallies[branch.full[2].pk].excellent, tallies[branch.full[2].pk].qualified) == (3, 3)
    assert tallies[branch.members[8].pk].basic == 7


@pytest.mark.django_db(transaction=True)
def test_a_ballot_racing_the_close_is_either_counted_or_refused_never_half_written(
        voting: Appraisal, branch: SimpleNamespace, voters: dict[int, Any]) -> None:
    services.ballot_cast(actor=voters[branch.full[0].pk], appraisal=voting, grades=ballot_of(0, branch.members))
    outcomes = race(*[
        lambda: services.appraisal_transition(actor=branch.users.secretary, appraisal=voting,
                                              to_status=AppraisalStatus.CLOSED),
        lambda: services.ballot_cast(actor=voters[branch.full[3].pk], appraisal=voting,
                                     grades=ballot_of(3, branch.members)),
    ])
    assert "ok" in outcomes and all(o == "ok" or "不能再投票" in o for o in outcomes), outcomes
    voted = set(AppraisalVoter.objects.filter(appraisal=voting).values_list("member_id", flat=True))
    for tally in AppraisalTally.objects.filter(appraisal=voting):
        total = tally.excellent + tally.qualified + tally.basic + tally.unqualified
        assert total == len(voted - {tally.member_id}), tally.member_id
