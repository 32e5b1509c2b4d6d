"""Fixtures of the talks and compliance tests, on top of the shared `branch` (tests/conftest.py): a second branch in
区卫健局 with its own secretary (for scoping), and helpers that record talks through the service and write held
activities with the ORM (the activities area's services are not what these tests are about)."""

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.conftest import PASSWORD
from bianban.party.choices import ActivityStatus, MemberStatus, TalkKind
from bianban.party.members import services as member_services
from bianban.party.models import Activity, Member, Talk
from bianban.party.talks import services


@pytest.fixture
def add_talk(branch: SimpleNamespace) -> Callable[..., Talk]:
    """Record a talk of the shared branch (as the system): `talker` and `talked` are members (or their indexes in
    branch.members)."""

    def add(talker: Any, *talked: Any, held_on: date | None = None, kind: str = TalkKind.HEART_TO_HEART,
            topic: str = "谈心谈话", on: Any = None) -> Talk:
        target = on or branch

        def member(m: Any) -> Member:
            return target.members[m] if isinstance(m, int) else m

        return services.talk_create(actor=None, branch=target.branch, kind=kind, topic=topic,
                                    held_on=held_on or timezone.localdate(), talker=member(talker),
                                    talked_to=[member(m) for m in talked])

    return add


@pytest.fixture
def add_activity(branch: SimpleNamespace) -> Callable[..., Activity]:
    """A held (by default) activity of the shared branch, written directly."""

    def add(kind: str, held_on: date, *, group: Any = None, status: str = ActivityStatus.HELD,
            target: Any = None) -> Activity:
        return Activity.objects.create(branch=(target or branch).branch, kind=kind, held_on=held_on, group=group,
                                       status=status, topic=f"{held_on:%m月}{kind}")

    return add


def build_health_branch(district: SimpleNamespace, make_person: Any) -> SimpleNamespace:
    """A branch of 区卫健局 with three members, and a secretary whose grant covers only 区卫健局."""
    party_branch = member_services.branch_create(actor=None, name="示例区卫健局机关党支部", code="health",
                                                 unit=district.health, parent_committee="示例区直属机关工委",
                                                 founded_on=date(2012, 3, 1))
    members = [member_services.member_transfer_in(
        actor=None, branch=party_branch, person=make_person(name, unit=district.health), status=MemberStatus.FULL,
        admitted_on=date(2000, 7, 1), full_on=date(2001, 7, 1), joined_on=date(2012, 3, 1),
        joined_from="示例区委组织部")
        for name in ("吴卫", "郑康", "冯健")]
    user = account_services.user_create_with_grants(
        actor=None, username="hannah", password=PASSWORD, full_name="卫健书记",
        grants=[(Role.BRANCH_SECRETARY, district.health)])
    return SimpleNamespace(branch=party_branch, members=members, secretary_user=user)


@pytest.fixture
def other_branch(district: SimpleNamespace, make_person: Any) -> SimpleNamespace:
    return build_health_branch(district, make_person)
