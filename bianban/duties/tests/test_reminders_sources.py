"""The reminders area's own sources: organisational life (the compliance calendar, the committee term) and the
ledger's deadlines."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.duties.reminders.sources import compliance_due, problems_due
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemSource
from bianban.party.choices import ActivityKind
from bianban.party.members.terms import add_months
from bianban.party.tests.activities_fixtures import *  # noqa: F403 (the fixture `record`)

pytestmark = pytest.mark.django_db


def _month_key(branch: Any, code: str, day: date, group: Any = None) -> str:
    suffix = f":g{group.pk}" if group is not None else ""
    return f"compliance:{branch.pk}:{code}:{day.year}-{day.month}{suffix}"


def _by_key(found: list) -> dict:
    return {d.key: d for d in found}


def test_a_branch_without_meetings_this_month_has_its_monthly_meetings_due(branch: Any) -> None:
    today = timezone.localdate()
    found = _by_key(compliance_due(today, 40))
    b = branch.branch
    committee = found[_month_key(b, "committee_meeting", today)]
    assert committee.kind == "compliance" and committee.user_ids == {branch.users.secretary.pk}
    assert committee.title == f"示例区教育局机关党支部：支委会每月至少召开1次：{today.month}月（已完成 0/1）"
    assert committee.url == f"/party/compliance/{b.pk}/?year={today.year}"
    for group in branch.groups:
        assert _month_key(b, "group_meeting", today, group) in found


def test_only_the_period_just_before_is_reported_overdue(branch: Any) -> None:
    today = timezone.localdate()
    found = _by_key(compliance_due(today, 40))
    last_month = today.replace(day=1) - timedelta(days=1)
    two_months_ago = last_month.replace(day=1) - timedelta(days=1)
    overdue = found[_month_key(branch.branch, "committee_meeting", last_month)]
    assert overdue.due_on == last_month
    assert _month_key(branch.branch, "committee_meeting", two_months_ago) not in found


def test_a_period_ending_beyond_the_horizon_is_not_yet_due(branch: Any) -> None:
    today = timezone.localdate()
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    found = _by_key(compliance_due(today, (month_end - today).days - 1))
    assert _month_key(branch.branch, "committee_meeting", today) not in found


def test_a_meeting_held_this_month_takes_it_off_the_list(branch: Any, record: Any) -> None:
    today = timezone.localdate()
    record(ActivityKind.COMMITTEE_MEETING, on=today)
    found = _by_key(compliance_due(today, 40))
    assert _month_key(branch.branch, "committee_meeting", today) not in found
    assert _month_key(branch.branch, "theme_day", today) in found


def test_the_coming_end_of_the_committee_term_is_reminded(branch: Any) -> None:
    term = branch.term
    found = _by_key(compliance_due(add_months(term.ends_on, -2), 14))
    reminder = found[f"term:{term.pk}:3"]
    assert reminder.kind == "term" and reminder.due_on == term.ends_on and "任期将于" in reminder.title
    assert f"term:{term.pk}:6" not in found
    assert not any(key.startswith("term:") for key in _by_key(compliance_due(timezone.localdate(), 14)))


# --- ledger deadlines --------------------------------------------------------------------------------------------

def _problem(unit: Any, deadline: date, **kwargs: Any) -> Any:
    values = {"source": ProblemSource.MANUAL, "title": "超编进人", "unit": unit,
              "raised_on": timezone.localdate() - timedelta(days=60), "deadline": deadline, **kwargs}
    return ledger.problem_create(actor=None, **values)


def _submit(problem: Any) -> Any:
    """Rectified and submitted for close-out (申请销号)."""
    problem = ledger.problem_transition(actor=None, problem=problem, to_status="in_progress")
    measure = ledger.measure_create(actor=None, problem=problem, description="整改到位", owner="张三")
    ledger.measure_complete(actor=None, measure=measure, done_on=timezone.localdate())
    return ledger.problem_transition(actor=None, problem=problem, to_status="awaiting_review")


def test_problems_falling_due_or_overdue_remind_the_unit_that_must_act(district: Any, liaison: Any, staff: Any,
                                                                       admin: Any) -> None:
    today = timezone.localdate()
    school = _problem(district.school, today + timedelta(days=5))
    hospital = _problem(district.hospital, today - timedelta(days=3), title="混编混岗")
    _problem(district.school, today + timedelta(days=30), title="时限未到")
    closed = _submit(_problem(district.school, today - timedelta(days=3), title="已销号"))
    ledger.problem_transition(actor=None, problem=closed, to_status="closed")
    found = _by_key(problems_due(today, 14))
    assert set(found) == {f"problem:{school.pk}", f"problem:{hospital.pk}"}
    # The liaison of 区教育局 covers the school; the office only units that have nobody of their own.
    assert found[f"problem:{school.pk}"].user_ids == {liaison.pk}
    assert found[f"problem:{hospital.pk}"].user_ids == {staff.pk, admin.pk}
    assert found[f"problem:{hospital.pk}"].due_on == today - timedelta(days=3)
    assert found[f"problem:{hospital.pk}"].title.startswith("问题整改：混编混岗（示例区人民医院，整改时限 ")
    assert found[f"problem:{school.pk}"].url == f"/ledger/{school.pk}/"


def test_a_problem_awaiting_close_out_reminds_the_reviewers(district: Any, liaison: Any, admin: Any) -> None:
    today = timezone.localdate()
    problem = _submit(_problem(district.school, today + timedelta(days=2)))
    assert _by_key(problems_due(today, 14))[f"problem:{problem.pk}"].user_ids == {admin.pk}


def test_an_unfinished_measure_with_a_deadline_is_reminded(district: Any, liaison: Any) -> None:
    today = timezone.localdate()
    problem = _problem(district.school, today + timedelta(days=60))
    measure = ledger.measure_create(actor=None, problem=problem, description="清退超编人员", owner="张三",
                                    deadline=today + timedelta(days=7))
    done = ledger.measure_create(actor=None, problem=problem, description="已完成的措施",
                                 deadline=today + timedelta(days=7))
    ledger.measure_complete(actor=None, measure=done, done_on=today)
    found = _by_key(problems_due(today, 14))
    assert set(found) == {f"measure:{measure.pk}"}
    assert found[f"measure:{measure.pk}"].user_ids == {liaison.pk}
    assert "清退超编人员" in found[f"measure:{measure.pk}"].title


def test_a_problem_a_talk_raised_also_reminds_the_branch_committee(branch: Any, district: Any,
                                                                   liaison: Any) -> None:
    today = timezone.localdate()
    problem = _problem(district.edu, today + timedelta(days=3), source=ProblemSource.TALK, title="谈话中反映的问题")
    assert _by_key(problems_due(today, 14))[f"problem:{problem.pk}"].user_ids == {liaison.pk,
                                                                                 branch.users.secretary.pk}


def test_problems_due_reads_the_whole_ledger_in_a_few_queries(district: Any, liaison: Any, branch: Any,
                                                              django_assert_max_num_queries: Any) -> None:
    today = timezone.localdate()
    for unit in (district.edu, district.school, district.health, district.hospital) * 5:
        problem = _problem(unit, today + timedelta(days=3), source=ProblemSource.TALK)
        ledger.measure_create(actor=None, problem=problem, description="措施", deadline=today + timedelta(days=3))
    account_services.user_create_with_grants(actor=None, username="h", password="Bianban!2026",
                                             grants=[(Role.UNIT_LIAISON, district.health)])
    with django_assert_max_num_queries(10):
        found = problems_due(today, 14)
    assert len(found) == 40
