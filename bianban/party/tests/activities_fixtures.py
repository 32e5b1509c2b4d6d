"""Fixtures of the activities tests, on top of the shared `branch` (tests/conftest.py: 7 正式党员 full[0..6], 2 预备党员
admitted 60 days ago, 2 groups, a committee of full[0..2] elected a year ago): a second branch in 区卫健局 with a
secretary whose grant covers only 区卫健局 (for scoping), and helpers to fill an attendance sheet and record."""

from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.conftest import PASSWORD
from bianban.party.activities import services
from bianban.party.activities.selectors import due_members
from bianban.party.activities.services import AttendanceEntry
from bianban.party.choices import ActivityKind, AttendanceStatus, MemberStatus
from bianban.party.members import services as member_services
from bianban.party.models import Activity, Branch, Member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def sheet(branch: Branch, on: date, kind: str = ActivityKind.GENERAL_MEETING, group: Any = None,
          **by_member: Any) -> list[AttendanceEntry]:
    """A full attendance sheet for everyone due: 出席 unless `by_member` says otherwise, keyed "m<pk>" with a status
    or a (status, reason) pair."""
    entries = []
    for member in due_members(branch, kind, on, group):
        value = by_member.get(f"m{member.pk}", AttendanceStatus.PRESENT)
        status, reason = value if isinstance(value, tuple) else (value, "出差" if value == "LEAVE" else "")
        entries.append(AttendanceEntry(member_id=member.pk, status=status, reason=reason))
    return entries


def away(*members: Member, status: str = AttendanceStatus.ABSENT) -> dict[str, Any]:
    """`sheet(...)` overrides marking these members absent (or on leave)."""
    return {f"m{m.pk}": status for m in members}


@pytest.fixture
def record(branch: SimpleNamespace) -> Callable[..., Activity]:
    """Record a held activity of the shared branch through the service (everyone due present unless `absent`)."""

    def make(kind: str = ActivityKind.GENERAL_MEETING, on: date | None = None, *, absent: tuple = (),
             leave: tuple = (), group: Any = None, topic: str = "学习贯彻党的二十大精神", **kwargs: Any) -> Activity:
        on = on or days_ago(10)
        marks = {**away(*absent), **away(*leave, status=AttendanceStatus.LEAVE)}
        return services.activity_create(actor=None, branch=branch.branch, kind=kind, held_on=on, topic=topic,
                                        group=group, attendance=sheet(branch.branch, on, kind, group, **marks),
                                        **kwargs)

    return make


@pytest.fixture
def health(district: SimpleNamespace, make_person: Any) -> SimpleNamespace:
    """A branch of 区卫健局 with three full members, and a secretary whose grant covers only 区卫健局."""
    party_branch = member_services.branch_create(actor=None, name="示例区卫健局机关党支部", code="health-act",
                                                 unit=district.health, parent_committee="示例区直属机关工委",
                                                 founded_on=date(2012, 3, 1))
    members = [member_services.member_transfer_in(
        actor=None, branch=party_branch, person=make_person(name, unit=district.health), status=MemberStatus.FULL,
        admitted_on=date(2000, 7, 1), full_on=date(2001, 7, 1), joined_on=date(2012, 3, 1),
        joined_from="示例区委组织部") for name in ("吴卫", "郑康", "冯健")]
    user = account_services.user_create_with_grants(
        actor=None, username="ivan", password=PASSWORD, full_name="卫健书记",
        grants=[(Role.BRANCH_SECRETARY, district.health)])
    return SimpleNamespace(branch=party_branch, members=members, secretary_user=user)
