"""The branch dashboard (党建看板): over the party tests' branch (区教育局机关党支部, 7 正式党员 in two groups),
a random year of activities with random absences and a random household-visit campaign are written through the
services and counted here as they are written; the dashboard's figures equal those counts, whatever another branch
or another year holds. Strangers get 404, a bad year 422; the page is a shell of chart containers loading the JSON."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.conftest import PASSWORD
from bianban.duties.choices import VisitorRole
from bianban.duties.tests.visits_fixtures import ISSUES
from bianban.duties.visits.services import VisitorIn, campaign_create, visit_create
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemStatus
from bianban.party.activities import services as activities
from bianban.party.choices import ActivityKind, ActivityStatus, AttendanceStatus
from bianban.party.compliance.report import compliance_for_year, period_count
from bianban.party.models import ComplianceRule
from bianban.party.tests import activities_fixtures
from bianban.party.tests import conftest as party_fixtures
from bianban.party.tests.activities_fixtures import sheet

pytestmark = pytest.mark.django_db
branch, make_person, health = party_fixtures.branch, party_fixtures.make_person, activities_fixtures.health  # fixtures
K = ActivityKind
# Kinds recorded at random. 支委会 is left out: the fixture's committee was elected only a year ago, so last year's
# months before it have nobody due at a committee meeting.
KINDS = [K.GENERAL_MEETING, K.GROUP_MEETING, K.PARTY_LECTURE, K.THEME_DAY, K.SEMINAR, K.FOLLOW_UP_STUDY, K.SCREENING]


def api(branch_id: int, year: Any = None) -> str:
    url = f"/api/v1/dashboards/branches/{branch_id}"
    return url if year is None else f"{url}?year={year}"


@dataclass
class Made:
    """What the test wrote in the dashboard's year, counted as it was written."""

    year: int
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind → held per month
    due: Counter = field(default_factory=Counter)  # month → 应到
    present: Counter = field(default_factory=Counter)  # month → 实到
    households: Counter = field(default_factory=Counter)  # role → 户
    people: Counter = field(default_factory=Counter)  # role → 人
    visits: Counter = field(default_factory=Counter)  # role → visits
    raised: int = 0
    solved: int = 0


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _record(rng: random.Random, party: SimpleNamespace, kind: str, on: date, made: Made | None) -> None:
    """A held activity with up to two members away (so a 党员大会 keeps its quorum), counted into `made`."""
    group = rng.choice(party.groups) if kind == K.GROUP_MEETING else None
    entries = sheet(party.branch, on, kind, group)
    away = set(rng.sample(range(len(entries)), k=min(len(entries), rng.randint(0, 2))))
    entries = [replace(e, status=rng.choice([AttendanceStatus.ABSENT, AttendanceStatus.LEAVE])) if i in away else e
               for i, e in enumerate(entries)]
    entries = [replace(e, reason="出差" if e.status == AttendanceStatus.LEAVE else "") for e in entries]
    activities.activity_create(actor=None, branch=party.branch, kind=kind, held_on=on, topic="学习贯彻党的二十大精神",
                               group=group, attendance=entries)
    if made is not None:
        made.kinds.setdefault(kind, [0] * 12)[on.month - 1] += 1
        made.due[on.month] += len(entries)
        made.present[on.month] += sum(1 for e in entries if e.status == AttendanceStatus.PRESENT)


def _close(problem: Any, admin: Any) -> None:
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.IN_PROGRESS)
    measure = ledger.measure_create(actor=admin, problem=problem, description="协调承办部门答复")
    ledger.measure_complete(actor=admin, measure=measure)
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.AWAITING_REVIEW)
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.CLOSED)


def _visits(rng: random.Random, party: SimpleNamespace, campaign: Any, made: Made | None, admin: Any) -> None:
    for _ in range(rng.randint(1, 6)):
        role = rng.choice(list(VisitorRole))
        visitor = (VisitorIn(role=role, name="李第一") if role == VisitorRole.FIRST_SECRETARY
                   else VisitorIn(role=role, member=rng.choice(party.full)))
        households = rng.randint(1, 6)
        people = households + rng.randint(0, 6)
        issues = rng.sample(ISSUES, k=rng.randint(0, len(ISSUES)))
        visit = visit_create(actor=None, campaign=campaign, visited_on=_day(rng, campaign.starts_on, campaign.ends_on),
                             team_role=role, street="海滨街道", community="望海社区", group="hardship",
                             households=households, people=people, visitors=[visitor], issues=issues)
        closed = 0
        for row in visit.issues.select_related("problem"):
            if rng.random() < 0.5:
                _close(row.problem, admin)
                closed += 1
        if made is not None:
            made.households[role] += households
            made.people[role] += people
            made.visits[role] += 1
            made.raised += len(issues)
            made.solved += closed


def _build(seed: int, party: SimpleNamespace, other: SimpleNamespace, admin: Any) -> Made:
    rng = random.Random(seed)
    made = Made(year=timezone.localdate().year - 1)
    for _ in range(rng.randint(6, 16)):
        _record(rng, party, rng.choice(KINDS), _day(rng, date(made.year, 1, 1), date(made.year, 12, 31)), made)
    # Not counted: planned meetings, the year before, and another branch's meetings.
    activities.activity_create(actor=None, branch=party.branch, kind=K.THEME_DAY, held_on=date(made.year, 5, 5),
                               topic="计划中的主题党日", status=ActivityStatus.PLANNED)
    _record(rng, party, K.PARTY_LECTURE, date(made.year - 1, 6, 1), None)
    _record(rng, other, K.GENERAL_MEETING, date(made.year, 6, 1), None)
    campaign = campaign_create(actor=None, branch=party.branch, title=f"{made.year}年集中走访",
                               starts_on=date(made.year, 4, 1), ends_on=date(made.year, 7, 31), scope="海滨街道")
    _visits(rng, party, campaign, made, admin)
    earlier = campaign_create(actor=None, branch=party.branch, title=f"{made.year - 1}年集中走访",
                              starts_on=date(made.year - 1, 4, 1), ends_on=date(made.year - 1, 7, 31), scope="海滨街道")
    _visits(rng, party, earlier, None, admin)
    return made


@pytest.fixture
def other(health: SimpleNamespace) -> SimpleNamespace:
    """The 区卫健局 branch, shaped as the sheet helper wants it."""
    return SimpleNamespace(branch=health.branch, groups=[], full=health.members, user=health.secretary_user)


@pytest.mark.parametrize("seed", [2, 9])
def test_its_figures_equal_independent_counts(seed: int, branch: SimpleNamespace, other: SimpleNamespace,
                                              admin: Any, api_for: Any) -> None:
    made = _build(seed, branch, other, admin)
    response = api_for(branch.users.secretary).get(api(branch.branch.pk, made.year))
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == made.year and body["branch"]["id"] == branch.branch.pk

    assert {s["kind"]: s["counts"] for s in body["activities"]["series"]} == made.kinds
    assert [s["kind"] for s in body["activities"]["series"]] == [k.value for k in K if k.value in made.kinds]
    assert body["activities"]["total"] == sum(sum(c) for c in made.kinds.values())

    months = body["attendance"]["months"]
    assert [(m["due"], m["present"]) for m in months] == [(made.due[m], made.present[m]) for m in range(1, 13)]
    for m in months:
        due, present = made.due[m["month"]], made.present[m["month"]]
        assert m["rate"] == (round(100 * present / due, 1) if due else None)
    assert body["attendance"]["due"] == sum(made.due.values())

    visits = body["visits"]
    assert {r["role"]: (r["visits"], r["households"], r["people"]) for r in visits["by_role"]} == {
        role.value: (made.visits[role], made.households[role], made.people[role]) for role in VisitorRole}
    assert (visits["households"], visits["people"]) == (sum(made.households.values()), sum(made.people.values()))
    assert visits["problems"]["raised"] == visits["issues"] == made.raised
    assert visits["problems"]["solved"] == made.solved
    assert visits["problems"]["unsolved"] == made.raised - made.solved
    assert [c["title"] for c in visits["campaigns"]] == [f"{made.year}年集中走访"]


def test_compliance_is_the_calendars_periods_counted_by_state(branch: SimpleNamespace, other: SimpleNamespace,
                                                              admin: Any, api_for: Any) -> None:
    made = _build(4, branch, other, admin)
    body = api_for(admin).get(api(branch.branch.pk, made.year)).json()["compliance"]
    report = compliance_for_year(branch.branch, made.year)
    assert {s["state"]: s["count"] for s in body["states"]} == {
        "done": report.counts["done"], "due": report.counts["due"], "overdue": report.counts["overdue"]}
    # Every period of every enabled rule is counted once, in one state.
    periods = sum(period_count(r.period) for r in ComplianceRule.objects.filter(branch=branch.branch, enabled=True))
    assert periods > 0
    assert sum(body[s] for s in ("done", "due", "overdue", "future", "exempt")) == periods
    # A past year has nothing still due or in the future.
    assert body["due"] == body["future"] == 0
    assert body["url"] == reverse("party:compliance_year", args=[branch.branch.pk]) + f"?year={made.year}"


def test_an_empty_year_has_no_figures_but_answers(branch: SimpleNamespace, api_for: Any) -> None:
    body = api_for(branch.users.member).get(api(branch.branch.pk, 2001)).json()
    assert body["activities"]["series"] == [] and body["activities"]["total"] == 0
    assert body["attendance"]["rate"] is None and all(m["rate"] is None for m in body["attendance"]["months"])
    assert body["visits"]["campaigns"] == [] and body["visits"]["visits"] == 0 and body["visits"]["summary"] == ""


def test_without_a_year_it_shows_this_year(branch: SimpleNamespace, api_for: Any) -> None:
    assert api_for(branch.users.member).get(api(branch.branch.pk)).json()["year"] == timezone.localdate().year


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "2023.5"])
def test_a_bad_year_is_refused_with_422(year: str, branch: SimpleNamespace, api_for: Any) -> None:
    response = api_for(branch.users.secretary).get(api(branch.branch.pk, year))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error" and "year" in response.json()["details"]


def test_strangers_get_404(branch: SimpleNamespace, other: SimpleNamespace, outsider: Any, staff: Any,
                           api_for: Any, client_for: Any) -> None:
    page = reverse("reports:dashboard_branch", args=[branch.branch.pk])
    for user in (other.user, outsider, staff):
        response = api_for(user).get(api(branch.branch.pk, 2024))
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert client_for(user).get(page).status_code == 404
    # Their own branch they see.
    assert api_for(other.user).get(api(other.branch.pk)).status_code == 200
    assert api_for(branch.users.member).get(api(10_000_000)).status_code == 404


def test_it_takes_the_same_few_queries_however_full_the_year(branch: SimpleNamespace, other: SimpleNamespace,
                                                             admin: Any, api_for: Any,
                                                             django_assert_max_num_queries: Any) -> None:
    client, year = api_for(branch.users.secretary), timezone.localdate().year - 1
    _build(7, branch, other, admin)
    with CaptureQueriesContext(connection) as first:
        assert client.get(api(branch.branch.pk, year)).status_code == 200
    _build(8, branch, other, admin)  # as many activities and visits again, and a second campaign
    with django_assert_max_num_queries(min(len(first.captured_queries), 20)):
        assert client.get(api(branch.branch.pk, year)).status_code == 200


def test_the_page_is_a_shell_of_chart_containers_loading_the_json(branch: SimpleNamespace, client_for: Any) -> None:
    client = client_for(branch.users.member)
    response = client.get(reverse("reports:dashboard_branch", args=[branch.branch.pk]) + "?year=2023")
    assert response.status_code == 200
    html = response.content.decode()
    data_url = reverse("api:dashboard_branch_data", args=[branch.branch.pk]) + "?year=2023"
    assert data_url == api(branch.branch.pk, 2023)
    for chart in ("activities-by-month", "compliance-status", "attendance-by-month", "campaign-by-role",
                  "campaign-list"):
        assert f'data-chart="{chart}" data-chart-url="{data_url}"' in html
    assert 'src="/static/vendor/echarts/echarts.min.js"' in html and 'src="/static/reports/dashboards.js"' in html
    assert html.count("<script") == html.count("<script src=")
    assert "2023年党建看板" in html
    # A year the pages do not accept falls back to this year.
    fallback = client.get(reverse("reports:dashboard_branch", args=[branch.branch.pk]) + "?year=abc")
    assert fallback.status_code == 200 and f"?year={timezone.localdate().year}" in fallback.content.decode()


def test_the_index_lists_the_branches_or_goes_straight_to_the_only_one(
        district: SimpleNamespace, branch: SimpleNamespace, other: SimpleNamespace, client_for: Any,
        outsider: Any) -> None:
    index = reverse("reports:dashboard_branch_index")
    html = client_for(branch.users.secretary).get(index).content.decode()
    for party in (branch.branch, other.branch):
        assert reverse("reports:dashboard_branch", args=[party.pk]) in html and party.name in html
    response = client_for(other.user).get(index)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard_branch", args=[other.branch.pk])
    nobody = account_services.user_create_with_grants(actor=None, username="school", password=PASSWORD,
                                                      full_name="学校党员", grants=[(Role.MEMBER, district.school)])
    assert "没有可以查看的党支部" in client_for(nobody).get(index).content.decode()
    assert client_for(outsider).get(index).status_code == 404


def test_campaign_progress_sums_the_campaigns_under_way_in_the_year(branch: SimpleNamespace, admin: Any,
                                                                    api_for: Any) -> None:
    year = timezone.localdate().year - 1
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for n, (starts, ends) in enumerate(((date(year, 3, 1), date(year, 4, 30)), (date(year, 9, 1), date(year, 10, 31)))):
        campaign = campaign_create(actor=None, branch=branch.branch, title=f"第{n + 1}次走访", starts_on=starts,
                                   ends_on=ends, scope="海滨街道")
        visit_create(actor=None, campaign=campaign, visited_on=starts, team_role=VisitorRole.LEADERSHIP,
                     street="海滨街道", community="望海社区", group="hardship", households=n + 2, people=n + 3,
                     visitors=[VisitorIn(role=VisitorRole.LEADERSHIP, member=branch.secretary)])
        tallies[VisitorRole.LEADERSHIP][0] += n + 2
        tallies[VisitorRole.LEADERSHIP][1] += n + 3
    visits = api_for(admin).get(api(branch.branch.pk, year)).json()["visits"]
    assert [c["title"] for c in visits["campaigns"]] == ["第2次走访", "第1次走访"]
    leadership = next(r for r in visits["by_role"] if r["role"] == VisitorRole.LEADERSHIP)
    assert [leadership["households"], leadership["people"]] == tallies[VisitorRole.LEADERSHIP] == [5, 7]
    assert visits["summary"].startswith("走访群众0户0人，领导班子成员和挂职第一书记走访群众5户7人")
