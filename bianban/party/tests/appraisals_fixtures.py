"""Fixtures of the appraisal tests, on top of the shared `branch` (tests/conftest.py: 7 正式党员 full[0..6], 2 预备党员;
the `secretary` persona is full[0], the `member` persona full[6]).

- `appraisal`: the shared branch's appraisal of this year, started today by the secretary (个人自评);
- `voting`: the same, with the mutual evaluation open (roster of 9 frozen);
- `voters`: a login for every 正式党员 (member → user), the personas kept for full[0] and full[6];
- `closed`: every 正式党员 has voted online (see `BALLOTS`), voting closed today;
- `other_branch`: a branch of 区卫健局 with three members, its own appraisal and a secretary who sees only it.
"""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.conftest import PASSWORD
from bianban.party.appraisals import services
from bianban.party.choices import AppraisalGrade, AppraisalStatus
from bianban.party.members import services as member_services
from bianban.party.models import Appraisal, Member
from bianban.party.tests.talks_fixtures import build_health_branch

E, Q, B, U = AppraisalGrade.EXCELLENT, AppraisalGrade.QUALIFIED, AppraisalGrade.BASIC, AppraisalGrade.UNQUALIFIED


def grades_for(members: list[Member], *, skip: Member | None = None, default: str = Q,
               **by_index: str) -> dict[int, str]:
    """A ballot: `default` for every member but `skip`; `g3="EXCELLENT"` gives members[3] that grade."""
    ballot = {m.pk: default for m in members if skip is None or m.pk != skip.pk}
    for key, grade in by_index.items():
        ballot[members[int(key[1:])].pk] = grade
    return ballot


def ballot_of(voter_index: int, members: list[Member]) -> dict[int, str]:
    """The ballot full[voter_index] casts in `closed` (everyone else 合格, no line for the voter): full[1] 优秀 and
    probationary[1] (members[8]) 基本合格 from everyone; full[2] 优秀 from voters 0–3; full[5] 不合格 from voter 6.
    Tallies: full[1] 6 优秀; full[2] 3 优秀 3 合格; full[5] 5 合格 1 不合格; members[8] 7 基本合格."""
    overrides = {"g1": E, "g8": B}
    if voter_index <= 3:
        overrides["g2"] = E
    if voter_index == 6:
        overrides["g5"] = U
    ballot = grades_for(members, **overrides)
    ballot.pop(members[voter_index].pk)
    return ballot


@pytest.fixture
def appraisal(branch: SimpleNamespace) -> Appraisal:
    today = timezone.localdate()
    return services.appraisal_start(actor=branch.users.secretary, branch=branch.branch, year=today.year,
                                    started_on=today)


@pytest.fixture
def voting(appraisal: Appraisal, branch: SimpleNamespace) -> Appraisal:
    return services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal,
                                         to_status=AppraisalStatus.VOTING)


@pytest.fixture
def voters(branch: SimpleNamespace, district: SimpleNamespace) -> dict[int, Any]:
    """Member pk → login, for every 正式党员 (a MEMBER grant over 区教育局 for the new ones)."""
    logins = {branch.full[0].pk: branch.users.secretary, branch.full[6].pk: branch.users.member}
    for i, member in enumerate(branch.full[1:6], 1):
        user = account_services.user_create_with_grants(
            actor=None, username=f"voter{i}", password=PASSWORD, full_name=member.person.name,
            grants=[(Role.MEMBER, district.edu)])
        member_services.member_update(actor=None, member=member, user=user)
        logins[member.pk] = user
    return logins


@pytest.fixture
def closed(voting: Appraisal, branch: SimpleNamespace, voters: dict[int, Any]) -> Appraisal:
    for i, member in enumerate(branch.full):
        services.ballot_cast(actor=voters[member.pk], appraisal=voting, grades=ballot_of(i, branch.members))
    return services.appraisal_transition(actor=branch.users.secretary, appraisal=voting,
                                         to_status=AppraisalStatus.CLOSED)


@pytest.fixture
def determine(branch: SimpleNamespace) -> Callable[..., Any]:
    """Record the determination as the secretary: 合格 for all but the overrides (index → grade or (grade, note))."""

    def run(appraisal: Appraisal, **by_index: Any) -> Any:
        entries = []
        for i, member in enumerate(branch.members):
            value = by_index.get(f"g{i}", Q)
            grade, note = value if isinstance(value, tuple) else (value, "")
            entries.append(services.ResultEntry(member.pk, grade, note))
        return services.result_determine(actor=branch.users.secretary, appraisal=appraisal, results=entries)

    return run


@pytest.fixture
def other_branch(district: SimpleNamespace, make_person: Any) -> SimpleNamespace:
    """The 区卫健局 branch of talks_fixtures, with this year's appraisal."""
    other = build_health_branch(district, make_person)
    today = timezone.localdate()
    other.appraisal = services.appraisal_start(actor=None, branch=other.branch, year=today.year, started_on=today)
    return other
