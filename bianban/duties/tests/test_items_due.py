# ruff: noqa: F811  (pytest fixtures imported from items_fixtures are redefined as arguments)
"""The 责任清单's reminder source: unfinished tasks due soon or overdue, and counted tasks behind this month, for the
owner (their account) or else the branch's committee."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.duties.choices import DutyMeasure
from bianban.duties.items import services
from bianban.duties.items.due import due
from bianban.duties.items.progress import month_end
from bianban.duties.tests.items_fixtures import LAST_YEAR, make_item, media, pdf  # noqa: F401
from bianban.party.choices import ActivityKind, LeaveReason
from bianban.party.members.services import member_leave

pytestmark = pytest.mark.django_db


def test_it_reminds_the_owner_or_else_the_committee(make_item: Any, branch: SimpleNamespace, secretary: Any,
                                                    member: Any) -> None:
    today = timezone.localdate()
    year = today.year
    near = make_item("报送半年总结", year=year, months=[today.month], due_on=today)
    mine = make_item("撰写心得", year=year, months=[today.month], due_on=today, owner_member=branch.full[6])
    overdue = make_item("年终述职", year=LAST_YEAR, months=[12], owner_member=branch.full[3])  # no account
    make_item("明年计划", year=year + 1, months=[12])  # far off
    done = make_item("已办结", year=year, months=[today.month], due_on=today)
    services.item_complete(actor=None, item=done, completed_on=today, note="已办结", uploaded_file=pdf())
    found = {d.key: d for d in due(today, 14)}
    assert set(found) == {f"duty:{near.pk}", f"duty:{mine.pk}", f"duty:{overdue.pk}"}
    assert found[f"duty:{near.pk}"].user_ids == {secretary.pk}
    assert found[f"duty:{mine.pk}"].user_ids == {member.pk}
    assert found[f"duty:{overdue.pk}"].user_ids == {secretary.pk}  # the committee members with an account
    assert "已逾期" in found[f"duty:{overdue.pk}"].title and found[f"duty:{overdue.pk}"].kind == "duty"
    assert found[f"duty:{near.pk}"].url == f"/duties/items/{near.pk}/"


def test_a_counted_task_behind_this_month_is_due_by_the_months_end(make_item: Any, secretary: Any) -> None:
    today = timezone.localdate()
    seminars = make_item("专题研讨", year=today.year, months=[today.month], due_on=date(today.year, 12, 31),
                         measure=DutyMeasure.ACTIVITIES, activity_kind=ActivityKind.SEMINAR, target_count=1)
    [reminder] = due(today, 0)
    assert reminder.key == f"duty:{seminars.pk}" and reminder.user_ids == {secretary.pk}
    assert "已完成 0/1" in reminder.title
    assert reminder.due_on == month_end(today.year, today.month)


def test_a_task_of_a_member_who_has_left_goes_to_the_committee(make_item: Any, branch: SimpleNamespace,
                                                               secretary: Any, member: Any) -> None:
    today = timezone.localdate()
    task = make_item("撰写心得", year=today.year, months=[today.month], due_on=today, owner_member=branch.full[6])
    member_leave(actor=None, member=branch.full[6], on=today, reason=LeaveReason.TRANSFER_OUT, destination="市委")
    [reminder] = due(today, 14)
    assert reminder.key == f"duty:{task.pk}" and reminder.user_ids == {secretary.pk}
