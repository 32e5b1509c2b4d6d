"""The composed 述职报告's figures equal independent counts of randomised records: for a few seeds, a random number of
activities of every kind, talks, visits, volunteer hours, key dates and risk reviews are written through the
services over the party tests' branch (区教育局机关党支部: 书记 full[0], 组织委员 full[1], 宣传委员 full[2]), counted
here as they are made, and compared with what the draft prints and the records it links."""

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bianban.duties.choices import IssueKind, IssueTopic, VisitGroup, VisitorRole
from bianban.duties.ideology import services as ideology
from bianban.duties.integrity import services as integrity
from bianban.duties.tests import projects_fixtures as fx
from bianban.duties.visits.services import IssueIn, VisitorIn, campaign_create, visit_create
from bianban.party.activities import services as activities
from bianban.party.choices import ActivityKind, ActivityStatus, TalkKind, VolunteerField
from bianban.party.talks.services import talk_create
from bianban.party.tests.activities_fixtures import sheet
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty.compose import compose_draft
from bianban.reports.duty.draft import Draft, Figure

pytestmark = pytest.mark.django_db
K = ActivityKind

# Kinds a figure of its own counts, with that figure's key (三会一课 without 党小组会, which needs a group each).
KIND_KEYS = {K.GENERAL_MEETING: "general_meetings", K.COMMITTEE_MEETING: "committee_meetings",
             K.PARTY_LECTURE: "party_lectures", K.THEME_DAY: "theme_days", K.FOLLOW_UP_STUDY: "study_follow_up",
             K.SEMINAR: "study_seminar", K.SCREENING: "screenings", K.IDEOLOGY_REVIEW: "ideology_meetings",
             K.INTEGRITY_EDUCATION: "integrity_education", K.VOLUNTEER: "volunteer_activities",
             K.LIFE_MEETING: "life_meetings"}
ZERO = re.compile(r"(?<![0-9.])0(次|人次|户|人|名|个|项|条|小时|个月)")


@dataclass
class Made:
    """What the test wrote, counted as it was written (the independent count)."""

    year: int
    activities: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    talk_persons: Counter = field(default_factory=Counter)  # kind (and "secretary_committee") → 人次
    talks: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    households: Counter = field(default_factory=Counter)  # "branch" / "leadership" → 户
    people: Counter = field(default_factory=Counter)
    visits: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    problems: set[int] = field(default_factory=set)  # raised by the visits (ledger ids)
    solved: set[int] = field(default_factory=set)  # of those, closed
    volunteer_persons: int = 0
    volunteer_hours: Decimal = Decimal(0)
    reminders_done: set[int] = field(default_factory=set)
    reviews: int = 0


def _window(party: SimpleNamespace) -> tuple[int, date, date]:
    """A year with at least 40 past days, from the day the committee was elected (the seats that year) to
    yesterday."""
    today = timezone.localdate()
    year = (today - timedelta(days=40)).year
    start = max(date(year, 1, 1), party.term.elected_on)
    return year, start, min(date(year, 12, 31), today - timedelta(days=1))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _activities(rng: random.Random, party: SimpleNamespace, start: date, end: date, made: Made) -> None:
    for kind in [*KIND_KEYS, K.STUDY, K.BRIEFING, K.EDUCATION_VISIT]:
        for n in range(rng.randint(0, 3)):
            on = _day(rng, start, end)
            extra: dict[str, Any] = {}
            if kind == K.VOLUNTEER:
                hours = Decimal(rng.choice(["1.5", "2", "3", "4.5"]))
                extra = {"service_field": rng.choice(VolunteerField.values), "service_hours": hours}
            entries = sheet(party.branch, on, kind)
            activity = activities.activity_create(actor=None, branch=party.branch, kind=kind, held_on=on,
                                                  topic=f"测试活动{kind}{n}", attendance=entries, **extra)
            made.activities[kind].append(activity.pk)
            if kind == K.VOLUNTEER:
                made.volunteer_persons += len(entries)
                made.volunteer_hours += hours * len(entries)
    # Neither a planned activity nor one of another year is counted.
    activities.activity_create(actor=None, branch=party.branch, kind=K.SEMINAR, held_on=end, topic="计划中的研讨",
                               status=ActivityStatus.PLANNED)
    before = start - timedelta(days=400)
    activities.activity_create(actor=None, branch=party.branch, kind=K.SEMINAR, held_on=before, topic="往年研讨",
                               attendance=sheet(party.branch, before, K.SEMINAR))


def _talks(rng: random.Random, party: SimpleNamespace, start: date, end: date, made: Made) -> None:
    full, committee = party.full, {m.pk for m in party.full[:3]}
    for kind in TalkKind.values:
        for _ in range(rng.randint(0, 4)):
            talker = party.secretary if rng.random() < 0.5 else rng.choice(full[1:])
            talked = rng.sample([m for m in full if m.pk != talker.pk], rng.randint(1, 3))
            talk = talk_create(actor=None, branch=party.branch, kind=kind, held_on=_day(rng, start, end),
                               topic="谈话", talker=talker, talked_to=talked)
            made.talk_persons[kind] += len(talked)
            made.talks[kind].add(talk.pk)
            if kind == TalkKind.HEART_TO_HEART and talker.pk == party.secretary.pk:
                made.talk_persons["secretary_committee"] += sum(m.pk in committee for m in talked)


def _visits(rng: random.Random, party: SimpleNamespace, start: date, end: date, made: Made) -> None:
    campaign = campaign_create(actor=None, branch=party.branch, title="集中走访", starts_on=start, ends_on=end,
                               scope="城东街道", requirement="村村到、户户进、人人访；分类建立台账")
    for _ in range(rng.randint(0, 5)):
        role = rng.choice(VisitorRole.values)
        visitors = ([VisitorIn(role=role, name="挂职第一书记")] if role == VisitorRole.FIRST_SECRETARY
                    else [VisitorIn(role=role, member=rng.choice(party.full))])
        households = rng.randint(1, 5)
        people = households + rng.randint(0, 4)
        issues = [IssueIn(kind=IssueKind.PROBLEM, topic=rng.choice(IssueTopic.values), content=f"问题{n}",
                          department="区民政局") for n in range(rng.randint(0, 2))]
        visit = visit_create(actor=None, campaign=campaign, visited_on=_day(rng, start, end), team_role=role,
                             street="城东街道", community="和平社区", group=VisitGroup.HARDSHIP, households=households,
                             people=people, visitors=visitors, issues=issues)
        for issue in visit.issues.all():
            made.problems.add(issue.problem_id)
            if rng.random() < 0.5:
                fx.close(issue.problem, end)
                made.solved.add(issue.problem_id)
        side = "branch" if role == VisitorRole.BRANCH_MEMBER else "leadership"
        made.households[side] += households
        made.people[side] += people
        made.visits[side].add(visit.pk)


def _integrity_and_ideology(rng: random.Random, party: SimpleNamespace, start: date, end: date,
                            made: Made) -> None:
    for n in range(rng.randint(0, 3)):
        on = _day(rng, start + timedelta(days=14), end)
        key_date = integrity.keydate_create(actor=None, branch=party.branch, name=f"节点{n}", on=on,
                                            lead_workdays=2, actions="发送廉政提醒", today=start)
        if rng.random() < 0.6:
            integrity.keydate_mark_done(actor=None, key_date=key_date, done_on=on)
            made.reminders_done.add(key_date.pk)
    point = ideology.risk_create(actor=None, branch=party.branch, title="网络舆情风险", description="不实传播",
                                 level="medium", measures="加强监测", next_review_on=start, today=start)
    days = sorted({_day(rng, start, end) for _ in range(rng.randint(0, 3))})
    for on in days:
        ideology.risk_review(actor=None, risk_point=point, reviewed_on=on, conclusion="平稳", level="medium",
                             next_review_on=on + timedelta(days=90))
    made.reviews = len(days)


@pytest.fixture(params=[3, 11, 29, 101])
def world(request: Any, branch: SimpleNamespace) -> tuple[SimpleNamespace, Made, Draft]:  # noqa: F811
    rng = random.Random(request.param)
    year, start, end = _window(branch)
    made = Made(year)
    _activities(rng, branch, start, end, made)
    _talks(rng, branch, start, end, made)
    _visits(rng, branch, start, end, made)
    _integrity_and_ideology(rng, branch, start, end, made)
    return branch, made, compose_draft(branch.branch, year)


def figures(draft: Draft) -> dict[str, Figure]:
    found: dict[str, Figure] = {}
    for block in draft.blocks:
        for f in block.figures:
            assert f.key not in found, f"figure {f.key} printed twice"
            found[f.key] = f
    return found


def test_it_counts_each_kind_of_activity_held_that_year(world: tuple[SimpleNamespace, Made, Draft]) -> None:
    _, made, draft = world
    printed = figures(draft)
    for kind, key in KIND_KEYS.items():
        ids = made.activities.get(kind, [])
        if ids:
            assert printed[key].value == len(ids), kind
            assert {s.record_id for s in printed[key].sources} == set(ids)
            assert {s.url for s in printed[key].sources} == {reverse("party:activity_detail", args=[pk])
                                                              for pk in ids}
            assert all(s.kind == "activity" for s in printed[key].sources)
        else:
            assert key not in printed, kind


def test_it_counts_talks_in_person_times(world: tuple[SimpleNamespace, Made, Draft]) -> None:
    _, made, draft = world
    printed = figures(draft)
    for kind, key in ((TalkKind.INTEGRITY, "talks_integrity"), (TalkKind.REMINDER, "talks_reminder"),
                      (TalkKind.HEART_TO_HEART, "talks_heart"), ("secretary_committee", "talks_secretary_committee")):
        if made.talk_persons[kind]:
            assert printed[key].value == made.talk_persons[kind], kind
        else:
            assert key not in printed, kind
    for kind, key in ((TalkKind.INTEGRITY, "talks_integrity"), (TalkKind.REMINDER, "talks_reminder")):
        if key in printed:
            assert {s.record_id for s in printed[key].sources} == made.talks[kind]
            assert sum(int(re.search(r"（(\d+)人次）", s.label).group(1)) for s in printed[key].sources) \
                == printed[key].value


def test_it_counts_visits_by_team_and_volunteer_service(world: tuple[SimpleNamespace, Made, Draft]) -> None:
    _, made, draft = world
    printed = figures(draft)
    for side in ("branch", "leadership"):
        if made.households[side]:
            assert printed[f"visits_{side}_households"].value == made.households[side]
            assert printed[f"visits_{side}_people"].value == made.people[side]
            assert {s.record_id for s in printed[f"visits_{side}_people"].sources} == made.visits[side]
        else:
            assert f"visits_{side}_households" not in printed
    for key, ids in (("visits_issues", made.problems), ("visits_solved", made.solved)):
        if ids:
            assert printed[key].value == len(ids)
            assert {s.record_id for s in printed[key].sources} == ids
            assert {s.kind for s in printed[key].sources} == {"problem"}
        else:
            assert key not in printed
    if made.volunteer_persons:
        assert printed["volunteer_participations"].value == made.volunteer_persons
        hours = int(made.volunteer_hours.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))
        assert printed["volunteer_hours"].value == hours


def test_it_counts_reminders_done_and_risk_reviews(world: tuple[SimpleNamespace, Made, Draft]) -> None:
    _, made, draft = world
    printed = figures(draft)
    if made.reminders_done:
        assert {s.record_id for s in printed["integrity_reminders"].sources} == made.reminders_done
        assert printed["integrity_reminders"].value == len(made.reminders_done)
    else:
        assert "integrity_reminders" not in printed
    assert printed.get("ideology_reviews", Figure("", 0, "", "")).value == made.reviews
    assert printed["ideology_points"].value == 1


def test_no_zero_is_ever_printed_and_every_figure_is_in_its_text(world: tuple[SimpleNamespace, Made, Draft]) -> None:
    _, _, draft = world
    for block in draft.blocks:
        assert not ZERO.search(block.text), block.text
        for f in block.figures:
            assert f.value > 0 and f.text in block.text
            assert "{" + f.key + "}" in block.template
    assert draft.figures_total == len(figures(draft))
