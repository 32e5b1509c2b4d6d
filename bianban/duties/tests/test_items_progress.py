# ruff: noqa: F811  (pytest fixtures imported from items_fixtures are redefined as arguments)
"""Progress is counted from real records (activities and talks through the party services, visits as rows), set-based,
and a task is behind when fewer are done than its deployed months call for by then."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.duties.choices import DutyMeasure
from bianban.duties.items import services
from bianban.duties.items.progress import items_progress, rollups
from bianban.duties.tests.items_fixtures import (  # noqa: F401
    LAST_YEAR,
    divisions,
    hold,
    last_year,
    make_item,
    media,
    pdf,
    seminars,
    talk,
    visit,
)
from bianban.party.choices import ActivityKind, ActivityStatus, TalkKind
from bianban.party.models import Activity

pytestmark = pytest.mark.django_db


def test_held_seminars_of_the_year_count_and_nothing_else(seminars: Any, hold: Any, branch: SimpleNamespace) -> None:
    for month in (1, 2, 3):
        hold(ActivityKind.SEMINAR, last_year(month))
    hold(ActivityKind.STUDY, last_year(2))  # another kind
    hold(ActivityKind.SEMINAR, date(LAST_YEAR - 1, 12, 20))  # the year before
    Activity.objects.create(branch=branch.branch, kind=ActivityKind.SEMINAR, held_on=last_year(4), topic="计划",
                            status=ActivityStatus.CANCELLED)
    progress = items_progress([seminars])[seminars.pk]
    assert (progress.done, progress.target, progress.label) == (3, 12, "3/12")
    assert not progress.complete


def test_a_counted_task_is_behind_when_fewer_are_done_than_its_months_call_for(seminars: Any, hold: Any) -> None:
    for month in (1, 2, 3):
        hold(ActivityKind.SEMINAR, last_year(month))
    march = items_progress([seminars], month=3)[seminars.pk]
    assert (march.expected, march.done_by_month, march.behind) == (3, 3, False)
    june = items_progress([seminars], month=6)[seminars.pk]
    assert (june.expected, june.done_by_month, june.behind) == (6, 3, True)
    # A past year is judged at its end: 3 of 12.
    assert items_progress([seminars])[seminars.pk].behind


def test_expected_follows_the_deployed_months_rounding_up(make_item: Any, hold: Any) -> None:
    lectures = make_item("讲党课", months=[3, 6, 9, 12], measure=DutyMeasure.ACTIVITIES,
                         activity_kind=ActivityKind.PARTY_LECTURE, target_count=5)
    assert items_progress([lectures], month=2)[lectures.pk].expected == 0
    assert items_progress([lectures], month=3)[lectures.pk].expected == 2  # ceil(5 × 1/4)
    hold(ActivityKind.PARTY_LECTURE, last_year(1))
    hold(ActivityKind.PARTY_LECTURE, last_year(3))
    assert not items_progress([lectures], month=5)[lectures.pk].behind
    assert items_progress([lectures], month=6)[lectures.pk].behind  # ceil(5 × 2/4) = 3 > 2


def test_talks_count_person_times_of_the_kind_and_of_the_owner_as_talker(
        make_item: Any, talk: Any, branch: SimpleNamespace, divisions: SimpleNamespace) -> None:
    full = branch.full
    own = make_item("书记开展廉政谈话", measure=DutyMeasure.TALKS, talk_kind=TalkKind.INTEGRITY, target_count=6,
                    months=[6, 12], owner_member=full[0])
    any_kind = make_item("开展谈心谈话", measure=DutyMeasure.TALKS, target_count=20, months=[12],
                         owner_division=divisions.office)
    talk(full[0], full[3], full[4], on=last_year(5), kind=TalkKind.INTEGRITY)
    talk(full[1], full[5], on=last_year(5), kind=TalkKind.INTEGRITY)  # not the owner talking
    talk(full[0], full[6], on=last_year(7))  # 谈心谈话, not 廉政谈话
    progress = items_progress([own, any_kind])
    assert progress[own.pk].done == 2
    assert progress[any_kind.pk].done == 4


def test_visits_count_households_and_an_owner_counts_the_visits_they_went_on(
        make_item: Any, visit: Any, branch: SimpleNamespace, divisions: SimpleNamespace) -> None:
    full = branch.full
    branch_wide = make_item("集中走访", measure=DutyMeasure.VISITS, target_count=10, months=[4, 5, 6, 7],
                            owner_division=divisions.office)
    mine = make_item("书记走访", measure=DutyMeasure.VISITS, target_count=3, months=[4], owner_member=full[0])
    visit(last_year(4), 2, full[0], full[1])
    visit(last_year(5), 3, full[1])
    visit(date(LAST_YEAR - 1, 5, 1), 9, full[0])  # the year before
    progress = items_progress([branch_wide, mine])
    assert progress[branch_wide.pk].done == 5
    assert (progress[mine.pk].done, progress[mine.pk].complete) == (2, False)
    visit(last_year(6), 1, full[0])
    assert items_progress([mine])[mine.pk].complete


def test_a_hand_ticked_task_is_behind_once_its_deadline_passed_unticked(make_item: Any) -> None:
    plan = make_item(months=[3])
    assert not items_progress([plan], month=2)[plan.pk].behind
    assert not items_progress([plan], month=3, today=date(LAST_YEAR, 3, 20))[plan.pk].behind
    assert items_progress([plan], month=4)[plan.pk].behind
    services.item_complete(actor=None, item=plan, completed_on=timezone.localdate(), note="已印发",
                           uploaded_file=pdf())
    plan.refresh_from_db()
    done = items_progress([plan])[plan.pk]
    assert (done.complete, done.behind, done.label) == (True, False, "已完成")


def test_parents_roll_up_their_subtasks(make_item: Any, hold: Any, branch: SimpleNamespace) -> None:
    parent = make_item("抓实支部工作", months=[1, 2, 3])
    a = make_item("研讨", parent=parent, months=[1, 2], measure=DutyMeasure.ACTIVITIES,
                  activity_kind=ActivityKind.SEMINAR, target_count=2, owner_member=branch.full[1])
    b = make_item("计划", parent=parent, months=[3], owner_member=branch.full[2])
    hold(ActivityKind.SEMINAR, last_year(1))
    hold(ActivityKind.SEMINAR, last_year(2))
    items = [parent, a, b]
    rolled = rollups(items, items_progress(items))[parent.pk]
    assert (rolled.children, rolled.complete, rolled.behind, rolled.done, rolled.target) == (2, 1, 1, 2, 2)
    assert rolled.label == "子任务 1/2 完成"


def test_progress_takes_a_few_queries_whatever_the_number_of_tasks(
        make_item: Any, branch: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    items = []
    for i in range(8):
        items.append(make_item(f"研讨{i}", measure=DutyMeasure.ACTIVITIES, activity_kind=ActivityKind.SEMINAR,
                               target_count=2))
        items.append(make_item(f"谈话{i}", measure=DutyMeasure.TALKS, target_count=3,
                               owner_member=branch.full[i % 7]))
        items.append(make_item(f"走访{i}", measure=DutyMeasure.VISITS, target_count=3,
                               owner_member=branch.full[i % 7]))
        items.append(make_item(f"手动{i}"))
    with django_assert_max_num_queries(4):
        progress = items_progress(items)
    assert len(progress) == 32
