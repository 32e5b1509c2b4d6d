"""Fixtures of the volunteer tests, on top of the shared `branch` (party tests' conftest: 9 members, the secretary
persona is full[0], the member persona full[6]): volunteer activities recorded through the party activity service
as the app records them, dated in the previous year so that every one is in the past and in one year."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.party.activities import services
from bianban.party.activities.selectors import due_members
from bianban.party.activities.services import AttendanceEntry
from bianban.party.choices import ActivityKind, AttendanceStatus, VolunteerField
from bianban.party.models import Activity, Member
from bianban.party.tests.talks_fixtures import build_health_branch

YEAR = timezone.localdate().year - 1
FOREST_DAY = date(YEAR, 3, 31)  # 清明节前护林防火
CITY_DAY = date(YEAR, 9, 14)  # 文明城市创建


def volunteer_sheet(branch: Any, on: date, *, hours: dict[Member, Any] | None = None, absent: tuple = (),
                    leave: tuple = ()) -> list[AttendanceEntry]:
    """Everyone due on `on` present (unless absent or on leave), with the service hours given per member."""
    hours = hours or {}
    entries = []
    for member in due_members(branch, ActivityKind.VOLUNTEER, on):
        status = (AttendanceStatus.ABSENT if member in absent else
                  AttendanceStatus.LEAVE if member in leave else AttendanceStatus.PRESENT)
        entries.append(AttendanceEntry(member_id=member.pk, status=status,
                                       reason="出差" if status == AttendanceStatus.LEAVE else "",
                                       service_hours=hours.get(member)))
    return entries


@pytest.fixture
def serve(branch: SimpleNamespace) -> Callable[..., Activity]:
    """Record a held volunteer activity of the shared branch through activity_create."""

    def make(on: date = FOREST_DAY, service_field: str = VolunteerField.FOREST_FIRE, *, topic: str = "护林防火志愿服务",
             place: str = "北山林区入口", hours: dict[Member, Any] | None = None, default: Any = Decimal("3"),
             absent: tuple = (), leave: tuple = (), actor: Any = None) -> Activity:
        return services.activity_create(
            actor=actor, branch=branch.branch, kind=ActivityKind.VOLUNTEER, held_on=on, topic=topic, place=place,
            service_field=service_field, service_hours=default,
            attendance=volunteer_sheet(branch.branch, on, hours=hours, absent=absent, leave=leave))

    return make


@pytest.fixture
def health(district: SimpleNamespace, make_person: Any) -> SimpleNamespace:
    """A branch of 区卫健局 with three members and a secretary whose grant covers only 区卫健局."""
    return build_health_branch(district, make_person)
