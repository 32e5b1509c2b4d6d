from datetime import date
from typing import Any

from bianban.duties.models import Visit
from bianban.duties.tests import visits_fixtures as fx
from bianban.duties.tests.visits_fixtures import ISSUES
from bianban.duties.visits import services
from bianban.duties.visits.stats import branch_year_stats, campaign_stats, stats_by_campaign
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemStatus

campaign, add_visit = fx.campaign, fx.add_visit  # fixtures


def _seed_campaign(branch: Any, add: Any) -> list[Visit]:
    """The seed's figures: the branch 10 households / 18 people; leadership and 第一书记 30 / 54."""
    leader = [(branch.secretary, "leadership")]
    first_secretary = [("李第一", "first_secretary")]
    return [
        add(households=4, people=7, group="hardship", street="海滨街道"),
        add(households=6, people=11, group="women_children", street="新港街道", visited_on=date(2023, 6, 2)),
        add(households=18, people=32, group="hardship", street="海滨街道", team_role="leadership",
                  visitors=leader, issues=ISSUES),
        add(households=12, people=22, group="elderly", street="新港街道", team_role="first_secretary",
                  visitors=first_secretary, issues=ISSUES[:1]),
    ]


def _close(admin: Any, problem: Any) -> None:
    """Answer and close a problem the way the ledger does: start, plan and complete a measure, ask, close."""
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.IN_PROGRESS)
    measure = ledger.measure_create(actor=admin, problem=problem, description="协调民政部门发放补贴")
    ledger.measure_complete(actor=admin, measure=measure)
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.AWAITING_REVIEW)
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.CLOSED)


def test_households_and_people_are_counted_by_role_as_the_seed_reports_them(branch: Any, campaign: Any,
                                                                            add_visit: Any) -> None:
    _seed_campaign(branch, add_visit)
    stats = campaign_stats(campaign)
    own = stats.by_role["branch_member"]
    assert (own.visits, own.households, own.people) == (2, 10, 18)
    combined = stats.leadership_and_first_secretary
    assert (combined.households, combined.people) == (30, 54)
    assert (stats.total.households, stats.total.people) == (40, 72)
    assert sum(t.households for t in stats.by_role.values()) == stats.total.households
    assert sum(t.people for t in stats.by_group.values()) == stats.total.people
    assert sum(t.visits for t in stats.by_street.values()) == stats.total.visits == 4
    assert stats.by_group["hardship"].households == 22 and list(stats.by_street) == ["新港街道", "海滨街道"]
    assert stats.summary().startswith("走访群众10户18人，领导班子成员和挂职第一书记走访群众30户54人")


def test_issues_are_counted_by_kind_and_topic_and_problems_by_their_ledger_status(branch: Any, campaign: Any,
                                                                                 add_visit: Any, admin: Any) -> None:
    visits = _seed_campaign(branch, add_visit)
    stats = campaign_stats(campaign)
    assert stats.issues == 3 and stats.issues_by_kind == {"problem": 2, "suggestion": 1}
    assert stats.issues_by_topic == {"assistance": 2, "infrastructure": 1}
    # Raised in 2023 with a deadline of 30 working days: all overdue while unsolved.
    assert (stats.problems, stats.solved, stats.unsolved, stats.overdue) == (3, 0, 3, 3)
    _close(admin, visits[2].issues.order_by("pk").first().problem)
    stats = campaign_stats(campaign)
    assert (stats.problems, stats.solved, stats.unsolved, stats.overdue) == (3, 1, 2, 2)
    assert stats.as_dict()["problems"] == {"raised": 3, "solved": 1, "unsolved": 2, "overdue": 2}


def test_statistics_of_several_campaigns_take_two_queries(branch: Any, campaign: Any, add_visit: Any,
                                                          django_assert_num_queries: Any) -> None:
    _seed_campaign(branch, add_visit)
    empty = services.campaign_create(actor=None, branch=branch.branch, title="2022年走访", starts_on=date(2022, 4, 1),
                                     ends_on=date(2022, 5, 1), scope="海滨街道")
    with django_assert_num_queries(2):
        found = stats_by_campaign([campaign, empty])
    assert found[campaign.pk].total.households == 40 and found[empty.pk].total.visits == 0
    assert found[empty.pk].by_role["leadership"].people == 0


def test_a_branchs_year_counts_the_visits_made_in_it(branch: Any, campaign: Any, add_visit: Any) -> None:
    _seed_campaign(branch, add_visit)
    assert branch_year_stats(branch.branch, 2023).total.people == 72
    assert branch_year_stats(branch.branch, 2024).total.visits == 0
