"""The demo 编办 branch: its 2023 records match the seed report, its shape (members, committee, groups, terms, logins),
its compliance calendars, its 民主评议 — loaded through the services into a small district — and the plan behind it,
without the database."""

from collections import Counter
from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from bianban.demo import catalog as c
from bianban.demo.accounts import ACCOUNTS
from bianban.demo.loader import DemoPlan, DemoResult, demo_is_complete, plan_demo
from bianban.demo.party import BRANCH_CODE
from bianban.demo.people import AS_OF
from bianban.demo.tests.helpers import demo_loaded
from bianban.party.choices import (
    ActivityKind,
    AppraisalGrade,
    AppraisalStatus,
    CommitteeRole,
    MemberStatus,
    TalkKind,
    TalkRole,
)
from bianban.party.compliance.report import DONE, OVERDUE, compliance_for_year
from bianban.party.models import Activity, Appraisal, Branch, CommitteeMember, CommitteeTerm, Member, Talk
from bianban.party.talks.selectors import talk_counts
from bianban.people.models import Person

# The smallest district holding the whole of 区委编办 (nine of its staff are party members): 3 units, 50 persons.
SMALL = {"units_limit": 3, "people": 50}


@pytest.fixture(scope="module")
def full() -> DemoPlan:
    return plan_demo()


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[DemoResult, str]]:
    """One load for the whole module (the services commit: they are durable), read by every test, flushed after.
    Returns the load's result and its progress output."""
    progress = StringIO()
    with demo_loaded(django_db_blocker, stream=progress, **SMALL) as result:
        yield result, progress.getvalue()


def _branch() -> Branch:
    return Branch.objects.get(code=BRANCH_CODE)


def _activities_2023(kind: str) -> list[str]:
    return list(Activity.objects.filter(branch=_branch(), kind=kind, held_on__year=2023, status="held")
                .order_by("held_on").values_list("topic", flat=True))


# --- the plan, without the database -------------------------------------------------------------------------------


def test_the_same_seed_plans_the_same_branch_and_records() -> None:
    plan = plan_demo(**SMALL).party
    assert plan is not None
    assert plan_demo(**SMALL).party == plan
    other = plan_demo(seed=7, **SMALL).party
    assert other is None or other.records != plan.records


def test_the_full_demo_branch_has_about_15_members_some_of_them_retired(full: DemoPlan) -> None:
    plan = full.party
    assert plan is not None
    office = {p.id_number for p in full.people if p.unit_key in (c.OFFICE_KEY, "office.data")}
    current = [m for m in plan.members if m.left_on is None]
    assert 13 <= len(current) <= 16
    assert 1 <= len(plan.retirees) <= 4 and all(p.unit_key == "" for p in plan.retirees)
    assert {m.key for m in plan.members} - {p.id_number for p in plan.retirees} <= office
    holders = {a.username for a in ACCOUNTS if a.person_unit_key == c.OFFICE_KEY}
    assert holders <= {m.username for m in plan.members}
    assert ACCOUNTS[-1].person_unit_key != c.OFFICE_KEY  # the last login is written after the branch


def test_small_test_districts_without_the_whole_office_get_no_branch() -> None:
    assert plan_demo(units_limit=10, people=60).party is None


# --- loaded through the services ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_2023_records_match_the_seed_report(loaded: tuple[DemoResult, str]) -> None:
    K = ActivityKind

    assert len(_activities_2023(K.FOLLOW_UP_STUDY)) == 6  # 6次跟进学习最新重要讲话精神
    assert len(_activities_2023(K.SEMINAR)) == 12  # 结合职能职责开展12次专题研讨
    screenings = _activities_2023(K.SCREENING)
    assert len(screenings) == 3
    for title in ("《选择》", "《刀锋》", "《红岩家书》"):
        assert sum(title in topic for topic in screenings) == 1
    assert _activities_2023(K.EDUCATION_VISIT) == ["赴宿城抗日石刻红色教育基地重温入党誓词"]
    assert _activities_2023(K.BRIEFING) == ["党的二十大精神专题宣讲"]
    assert any("党的二十大" in topic for topic in _activities_2023(K.STUDY))
    themes = _activities_2023(K.THEME_DAY)
    assert any("读原著悟原理奋进新征程" in t for t in themes) and sum("学先锋建新功" in t for t in themes) >= 2
    volunteer = "".join(_activities_2023(K.VOLUNTEER))
    assert "护林防火" in volunteer and "文明城市创建" in volunteer
    assert len(_activities_2023(K.IDEOLOGY_REVIEW)) == 4
    integrity = "".join(_activities_2023(K.INTEGRITY_EDUCATION))
    assert "元旦春节" in integrity and "中秋国庆" in integrity

    # 召集班子成员开展谈话4人次，分管领导和科室负责人开展廉政谈话8人次.
    counts = talk_counts(_branch(), 2023)
    assert counts[TalkKind.HEART_TO_HEART] == 4 and counts[TalkKind.INTEGRITY] == 8
    secretary = Member.objects.get(user__username="shuji")
    committee = set(CommitteeMember.objects.filter(term__number=8).values_list("member_id", flat=True))
    for talk in Talk.objects.filter(kind=TalkKind.HEART_TO_HEART, held_on__year=2023):
        roles = {p.role: p.member_id for p in talk.participants.all()}
        assert roles[TalkRole.TALKER] == secretary.pk and roles[TalkRole.TALKED] in committee - {secretary.pk}


@pytest.mark.django_db
def test_the_branch_has_its_members_committee_groups_and_the_demo_logins(loaded: tuple[DemoResult, str]) -> None:
    result, progress = loaded
    branch = _branch()
    current = Member.objects.filter(branch=branch, left_on__isnull=True)

    assert result.complete and demo_is_complete() and "党建 " in progress
    assert result.party is not None and result.party.members == current.count()
    assert 12 <= current.count() <= 16
    assert branch.groups.count() == 2 and not current.filter(group__isnull=True).exists()
    assert all(g.leader_id for g in branch.groups.all())
    terms = list(CommitteeTerm.objects.filter(branch=branch).order_by("number"))
    assert [(t.number, t.elected_on.year, t.closed_on) for t in terms] == [(8, 2022, terms[1].elected_on),
                                                                           (9, 2025, None)]  # 换届 in 2025
    seats = {s.role: s.member for s in CommitteeMember.objects.filter(term=terms[1], until__isnull=True)}
    assert set(seats) == {CommitteeRole.SECRETARY, CommitteeRole.ORGANISATION, CommitteeRole.PUBLICITY,
                          CommitteeRole.DISCIPLINE, CommitteeRole.MEMBER}
    assert seats[CommitteeRole.SECRETARY].user.username == "shuji"
    assert "zhiwei" in {m.user.username for m in seats.values() if m.user}
    linked = set(current.filter(user__isnull=False).values_list("user__username", flat=True))
    assert linked == {"shuji", "zhiwei", "dangyuan", "bbadmin", "bbstaff"}
    # The dangyuan login's holder: accepted in 2023, 正式 since 2024; the register's 预备党员 accepted in 2026.
    admitted = current.get(user__username="dangyuan")
    assert (admitted.admitted_on.year, admitted.full_on.year) == (2023, 2024)
    probationary = current.filter(status=MemberStatus.PROBATIONARY)
    assert probationary.count() == 1 and probationary[0].admitted_on.year == 2026
    assert probationary[0].person.political_status == "cpc_probationary"
    assert Person.objects.filter(unit__isnull=True, party_memberships__branch=branch).exists()  # retired members


@pytest.mark.django_db
def test_the_calendars_show_held_and_missed_periods_and_the_appraisals_are_published(
        loaded: tuple[DemoResult, str]) -> None:
    branch = _branch()
    report_2023 = compliance_for_year(branch, 2023, today=AS_OF)
    assert report_2023.counts[DONE] > 30 and report_2023.counts[OVERDUE] >= 3
    overdue_rules = {item.rule.code for item in report_2023.overdue}
    assert {"committee_meeting", "group_meeting", "talks"} <= overdue_rules
    this_year = compliance_for_year(branch, AS_OF.year, today=AS_OF)
    assert this_year.counts[DONE] > 25 and 1 <= len(this_year.overdue) <= 3
    assert all(item.period.end >= date(AS_OF.year, 9, 1) for item in this_year.overdue)  # the recent gaps
    assert Activity.objects.filter(branch=branch, quorum_met=False).count() == 1  # the 2023 支委会 without quorum

    appraisals = {a.year: a for a in Appraisal.objects.filter(branch=branch)}
    assert {2023, 2024} <= set(appraisals)
    for appraisal in appraisals.values():
        grades = Counter(appraisal.results.values_list("grade", flat=True))
        assert appraisal.status == AppraisalStatus.PUBLISHED and appraisal.paper_ballots > 0
        assert 0 < grades[AppraisalGrade.EXCELLENT] <= sum(grades.values()) // 3
    # 预备党员 are appraised but do not vote: the 2023 ballots are one fewer than the members appraised.
    assert appraisals[2023].paper_ballots == appraisals[2023].results.count() - 1


@pytest.mark.django_db
def test_the_command_sums_up_the_branch(loaded: tuple[DemoResult, str]) -> None:
    out = StringIO()
    call_command("demo", units=3, people=50, stdout=out, stderr=StringIO())

    assert "已经载入" in out.getvalue()
    line = next(line for line in out.getvalue().splitlines() if line.startswith("党支部："))
    assert "中共示例区委编办党支部" in line and "支委 5 名" in line and "党小组 2 个" in line
    assert "民主评议党员 3 次" in line
