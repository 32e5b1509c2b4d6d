"""The report agrees with the apps that keep the records: over randomised records, every figure equals what the
responsibility list (items/progress.py), the integrity page (integrity_talk_counts), the talks page (talk_counts),
the visit statistics (branch_year_stats) and the volunteer page (volunteer_stats) show for the same year — and the
secretary's talks are split between the committee and the other members by the seats held on the day."""

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from bianban.duties.choices import DutyMeasure
from bianban.duties.integrity.selectors import integrity_talk_counts
from bianban.duties.items import services as items
from bianban.duties.items.progress import items_progress
from bianban.duties.visits.stats import branch_year_stats
from bianban.duties.volunteer.selectors import volunteer_stats
from bianban.party.choices import ActivityKind, TalkKind
from bianban.party.members import services as members
from bianban.party.talks.selectors import talk_counts
from bianban.party.talks.services import talk_create
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty.compose import compose_draft
from bianban.reports.duty.draft import Draft, Figure
from bianban.reports.duty.facts_talks import talk_facts
from bianban.reports.tests.test_compose_figures import Made, _activities, _talks, _visits, _window

pytestmark = pytest.mark.django_db
K = ActivityKind


def _printed(draft: Draft) -> dict[str, int]:
    return {f.key: f.value for b in draft.blocks for f in b.figures}


@pytest.mark.parametrize("seed", [5, 17, 42])
def test_every_figure_agrees_with_the_owning_apps_count(branch: SimpleNamespace, seed: int) -> None:  # noqa: F811
    rng = random.Random(seed)
    year, start, end = _window(branch)
    made = Made(year)
    _activities(rng, branch, start, end, made)
    _talks(rng, branch, start, end, made)
    _visits(rng, branch, start, end, made)
    tasks = {
        "study_seminar": items.item_create(actor=None, branch=branch.branch, year=year, title="专题研讨", months=[12],
                                           measure=DutyMeasure.ACTIVITIES, activity_kind=K.SEMINAR, target_count=12,
                                           owner_member=branch.secretary),
        "study_follow_up": items.item_create(actor=None, branch=branch.branch, year=year, title="跟进学习",
                                             months=[12], measure=DutyMeasure.ACTIVITIES,
                                             activity_kind=K.FOLLOW_UP_STUDY, target_count=6,
                                             owner_member=branch.full[2]),
        "talks_integrity": items.item_create(actor=None, branch=branch.branch, year=year, title="廉政谈话", months=[12],
                                             measure=DutyMeasure.TALKS, talk_kind=TalkKind.INTEGRITY, target_count=8,
                                             owner_division=None, owner_member=branch.full[1]),
        "talks_heart": items.item_create(actor=None, branch=branch.branch, year=year, title="谈心谈话", months=[12],
                                         measure=DutyMeasure.TALKS, talk_kind=TalkKind.HEART_TO_HEART,
                                         target_count=4, owner_member=branch.full[1]),
        "visits": items.item_create(actor=None, branch=branch.branch, year=year, title="集中走访", months=[12],
                                    measure=DutyMeasure.VISITS, target_count=40, owner_member=branch.full[1]),
    }
    printed = _printed(compose_draft(branch.branch, year))
    progress = items_progress(tasks.values())
    # A task owned by a member counts only what that member did: these owners are not the talkers or visitors
    # of everything, so compare with tasks whose count is branch-wide where the list has such a rule.
    assert printed.get("study_seminar", 0) == progress[tasks["study_seminar"].pk].done
    assert printed.get("study_follow_up", 0) == progress[tasks["study_follow_up"].pk].done
    assert printed.get("talks_integrity", 0) == integrity_talk_counts(branch.branch, year)["INTEGRITY"]
    assert printed.get("talks_reminder", 0) == integrity_talk_counts(branch.branch, year)["REMINDER"]
    assert printed.get("talks_heart", 0) == talk_counts(branch.branch, year)[TalkKind.HEART_TO_HEART]
    stats = branch_year_stats(branch.branch, year)
    assert printed.get("visits_branch_households", 0) + printed.get("visits_leadership_households", 0) \
        == stats.total.households
    assert printed.get("visits_branch_people", 0) + printed.get("visits_leadership_people", 0) == stats.total.people
    volunteer = volunteer_stats(branch.branch, year)
    assert printed.get("volunteer_activities", 0) == volunteer.activities
    assert printed.get("volunteer_participations", 0) == volunteer.participations


def test_the_secretarys_talks_count_as_the_list_counts_them(branch: SimpleNamespace) -> None:  # noqa: F811
    """召集班子成员开展谈话: the 书记's 谈心谈话 with committee members; with plain members apart; together they are
    what a 谈心谈话 task owned by the secretary counts."""
    year, start, _end = _window(branch)
    secretary, organiser, plain = branch.secretary, branch.full[1], branch.full[5]
    talk_create(actor=None, branch=branch.branch, kind=TalkKind.HEART_TO_HEART, held_on=start, topic="谈心",
                talker=secretary, talked_to=[organiser, branch.full[2], plain])
    talk_create(actor=None, branch=branch.branch, kind=TalkKind.HEART_TO_HEART, held_on=start, topic="谈心",
                talker=organiser, talked_to=[plain])
    task = items.item_create(actor=None, branch=branch.branch, year=year, title="召集班子成员开展谈心谈话",
                             months=[12], measure=DutyMeasure.TALKS, talk_kind=TalkKind.HEART_TO_HEART,
                             target_count=4, owner_member=secretary)
    assert tuple(f.value for f in talk_facts(branch.branch, year).heart_split()) == (2, 1, 1)
    printed = _printed(compose_draft(branch.branch, year))
    assert printed["talks_heart"] == 4
    assert printed["talks_secretary_committee"] + printed["talks_secretary_members"] \
        == items_progress([task])[task.pk].done
    integrity = next(b for b in compose_draft(branch.branch, year).blocks if b.key == "summary.integrity")
    assert "召集班子成员开展谈话2人次，书记与党员开展谈心谈话1人次" in integrity.text


def test_a_seat_counts_only_while_it_is_held(branch: SimpleNamespace) -> None:  # noqa: F811
    """The 组织委员 leaves the committee: the secretary's later talk with her is with a plain member."""
    year, start, end = _window(branch)
    seat = next(s for s in branch.seats if s.member_id == branch.full[1].pk)
    left = start + timedelta(days=10)
    members.seat_end(actor=None, seat=seat, on=left)
    for day in (start, left + timedelta(days=1)):
        talk_create(actor=None, branch=branch.branch, kind=TalkKind.HEART_TO_HEART, held_on=min(day, end),
                    topic="谈心", talker=branch.secretary, talked_to=[branch.full[1]])
    figures: dict[str, Figure] = {f.key: f for b in compose_draft(branch.branch, year).blocks for f in b.figures}
    assert (figures["talks_secretary_committee"].value, figures["talks_secretary_members"].value) == (1, 1)
    assert figures["talks_secretary_committee"].sources[0].label.startswith(f"{start:%Y-%m-%d} 谈心谈话（1人次）")
    assert date(year, 1, 1) <= start
