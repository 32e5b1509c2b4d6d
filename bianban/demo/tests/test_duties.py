"""The demo branch's duties: the 2023 visit campaign with the seed's exact figures and its problems answered in the
ledger, the 书记项目 counted from register records, the responsibility lists of 2023 and 2024 counted from the
branch's records, the risk points reviewed at the 研判会, the key dates, volunteer hours and the reminders — loaded
through the services into a small district."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bianban.demo.loader import DemoResult
from bianban.demo.party import BRANCH_CODE
from bianban.demo.tests.helpers import demo_loaded
from bianban.duties.choices import TargetMeasure
from bianban.duties.integrity.selectors import integrity_talk_counts
from bianban.duties.items.progress import items_progress
from bianban.duties.models import DutyItem, KeyDate, Reminder, RiskPoint, SecretaryProject, VisitCampaign
from bianban.duties.projects.results import outcomes_by_kind, project_progress
from bianban.duties.visits.stats import campaign_stats
from bianban.duties.volunteer.selectors import volunteer_stats
from bianban.ledger.choices import ProblemSource, ProblemStatus
from bianban.ledger.models import Problem
from bianban.party.models import Branch

SMALL = {"units_limit": 3, "people": 50}


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoResult]:
    with demo_loaded(django_db_blocker, **SMALL) as result:
        yield result


def _branch() -> Branch:
    return Branch.objects.get(code=BRANCH_CODE)


@pytest.mark.django_db
def test_the_2023_visits_add_up_to_the_seed_and_their_problems_were_answered(loaded: DemoResult) -> None:
    campaign = VisitCampaign.objects.get(branch=_branch())
    assert (campaign.starts_on, campaign.ends_on) == (date(2023, 4, 1), date(2023, 7, 31))
    stats = campaign_stats(campaign)
    # 走访群众10户18人，领导班子成员和挂职第一书记走访群众30户54人
    assert stats.summary().startswith("走访群众10户18人，领导班子成员和挂职第一书记走访群众30户54人")
    problems = Problem.objects.filter(source=ProblemSource.VISIT)
    assert problems.count() == stats.problems == stats.issues > 0
    assert set(problems.values_list("status", flat=True)) == {ProblemStatus.CLOSED}
    # Closed in 2023 as the seed tells it, not on the day the demo was loaded.
    assert {timezone.localtime(p.closed_at).date() for p in problems} == {date(2023, 9, 15)}
    assert loaded.duties is not None and (loaded.duties.households, loaded.duties.people) == (40, 72)


@pytest.mark.django_db
def test_the_secretary_project_counts_its_results_from_the_register(loaded: DemoResult) -> None:
    project = SecretaryProject.objects.get(branch=_branch(), year=2023)
    assert project.title == "强化党建引领，提升机构编制服务保障水平"
    values = {p.target.measure: (p.value, p.target.target_value) for p in project_progress(project)}
    # The small district lacks the units of the 三定 and the 核增; the verification and its rectification are there.
    assert values[TargetMeasure.CHECK_RUNS] == (1, 1)
    assert values[TargetMeasure.PROBLEMS_CLOSED] == (2, 2)
    assert project.milestones.filter(status="done").count() == project.milestones.count() == 5
    # The secretary reads the register, so every result is named and linked for him.
    secretary = get_user_model().objects.get(username="shuji")
    linked = [o for _, _, group in outcomes_by_kind(project.outcomes.all(), secretary) for o in group]
    assert linked and all(o.url for o in linked)
    assert {o.on.year for o in linked} == {2023}


@pytest.mark.django_db
def test_the_responsibility_lists_are_counted_from_the_records(loaded: DemoResult) -> None:
    items = list(DutyItem.objects.filter(branch=_branch()))
    progress = items_progress(items)
    by_title = {i.title: progress[i.pk] for i in items if i.year == 2023}
    assert (by_title["结合职能职责开展专题研讨"].done, by_title["结合职能职责开展专题研讨"].target) == (12, 12)
    assert by_title["结合主题教育跟进学习习近平总书记最新重要讲话精神"].done == 6
    assert by_title["分管领导和科室负责人开展廉政谈话"].done == 8
    assert by_title["召集班子成员开展谈心谈话"].done == 4
    assert by_title["开展“村村到、户户进、人人访”集中走访"].done == 40
    assert {i.year for i in items} == {2023, 2024}
    assert all(p.complete for i, p in ((i, progress[i.pk]) for i in items) if i.year == 2024)


@pytest.mark.django_db
def test_ideology_integrity_and_volunteer_records_are_there(loaded: DemoResult) -> None:
    branch = _branch()
    points = RiskPoint.objects.filter(branch=branch)
    assert points.count() == 3 and all(p.reviews.exists() for p in points)
    assert all(r.activity is not None for p in points for r in p.reviews.all())
    key_dates = KeyDate.objects.filter(branch=branch)
    # 2023's holiday periods; 元旦's starts on 2022-12-31, 中秋 and 国庆 are one period.
    assert set(key_dates.values_list("name", flat=True)) == {"元旦", "春节", "清明", "五一", "端午", "中秋、国庆"}
    assert not key_dates.filter(done_on__isnull=True).exists()
    assert integrity_talk_counts(branch, 2023)["INTEGRITY"] == 8
    stats = volunteer_stats(branch, 2023)
    assert stats.activities == 2 and stats.hours > 0


@pytest.mark.django_db
def test_the_demo_ends_with_each_users_reminders(loaded: DemoResult) -> None:
    assert Reminder.objects.filter(user__username="shuji").exists()
