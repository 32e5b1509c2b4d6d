from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.ledger.models import Problem
from bianban.party.choices import TalkKind, TalkRole
from bianban.party.models import Talk, TalkParticipant
from bianban.party.talks import selectors, services
from bianban.party.talks.services import ProblemDraft
from bianban.party.tests.talks_fixtures import add_talk, other_branch  # noqa: F401


def _record(branch: Any, actor: Any = None, **overrides: Any) -> Talk:
    values = {"branch": branch.branch, "kind": TalkKind.HEART_TO_HEART, "held_on": timezone.localdate(),
              "topic": "谈工作思想", "talker": branch.full[0], "talked_to": [branch.full[3]]}
    values.update(overrides)
    return services.talk_create(actor=actor, **values)


def _refused(branch: Any, field: str, **overrides: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        _record(branch, **overrides)
    assert field in info.value.details, info.value.details
    assert not Talk.objects.exists() and not TalkParticipant.objects.exists()
    return info.value


def test_a_talk_is_recorded_with_one_talker_and_its_talked_to_and_audited(branch: Any) -> None:
    talk = _record(branch, actor=branch.users.secretary, talked_to=[branch.full[3], branch.full[4], branch.full[3]],
                   place="支部活动室", summary="交流思想", follow_up="下月回访")
    roles = set(talk.participants.values_list("member_id", "role"))
    assert roles == {(branch.full[0].pk, TalkRole.TALKER), (branch.full[3].pk, TalkRole.TALKED),
                     (branch.full[4].pk, TalkRole.TALKED)}
    event = AuditEvent.objects.get(action="talk.create")
    assert event.changes["talker"] == [None, branch.full[0].pk]
    assert event.changes["talked_to"] == [None, sorted([branch.full[3].pk, branch.full[4].pk])]
    assert talk.created_by == branch.users.secretary


def test_a_talk_with_no_participants_is_refused_in_chinese(branch: Any) -> None:
    error = _refused(branch, "participants", talker=None, talked_to=[])
    assert error.message == "谈话须有参与人：请选择一名谈话人和至少一名谈话对象"


def test_a_talk_without_a_talker_is_refused(branch: Any) -> None:
    assert _refused(branch, "talker", talker=None).message == "请选择谈话人"


def test_a_talk_without_anyone_talked_to_is_refused(branch: Any) -> None:
    assert _refused(branch, "talked_to", talked_to=[]).message == "请至少选择一名谈话对象"


def test_the_talker_cannot_also_be_talked_to(branch: Any) -> None:
    error = _refused(branch, "talked_to", talked_to=[branch.full[0], branch.full[1]])
    assert error.message == "谈话人张伟不能同时是谈话对象"


def test_a_member_of_another_branch_cannot_take_part(branch: Any, other_branch: Any) -> None:  # noqa: F811
    error = _refused(branch, "talked_to", talked_to=[other_branch.members[0]])
    assert error.message == "吴卫不是本支部党员"


def test_a_member_who_had_not_yet_joined_on_the_day_cannot_take_part(branch: Any) -> None:
    before_admission = branch.probationary[0].admitted_on - timedelta(days=1)
    error = _refused(branch, "talked_to", held_on=before_admission, talked_to=[branch.probationary[0]])
    assert error.message == "黄敏在谈话当日不是本支部党员"


def test_a_talk_dated_in_the_future_is_refused(branch: Any) -> None:
    error = _refused(branch, "held_on", held_on=timezone.localdate() + timedelta(days=1))
    assert error.message.startswith("谈话日期不能晚于今天")


def test_a_talk_needs_a_topic_and_a_known_kind(branch: Any) -> None:
    assert _refused(branch, "topic", topic="  ").message == "请填写谈话主题"
    assert _refused(branch, "kind", kind="GOSSIP").message == "谈话类型不在允许范围内"


def test_a_member_may_not_record_talks_and_a_stranger_does_not_see_the_branch(
        branch: Any, member: Any, other_branch: Any) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied):
        _record(branch, actor=member)
    with pytest.raises(NotFound):
        _record(branch, actor=other_branch.secretary_user)
    assert not Talk.objects.exists()


def test_correcting_a_talk_replaces_its_participants_and_audits_the_difference(branch: Any) -> None:
    talk = _record(branch)
    services.talk_update(actor=branch.users.secretary, talk=talk, talker=branch.full[1],
                         talked_to=[branch.full[5], branch.full[6]], summary="补充记录")
    talk.refresh_from_db()
    assert talk.summary == "补充记录" and talk.topic == "谈工作思想"
    assert selectors.talk_roles(Talk.objects.prefetch_related("participants__member").get()) == (
        branch.full[1], [branch.full[5], branch.full[6]])
    event = AuditEvent.objects.get(action="talk.update")
    assert set(event.changes) == {"summary", "talker", "talked_to"}


def test_a_correction_is_validated_like_a_new_talk_and_writes_nothing_when_bad(branch: Any) -> None:
    talk = _record(branch)
    with pytest.raises(ValidationFailed) as info:
        services.talk_update(actor=None, talk=talk, talked_to=[branch.full[0]])
    assert info.value.details == {"talked_to": ["谈话人张伟不能同时是谈话对象"]}
    assert list(talk.participants.filter(role=TalkRole.TALKED).values_list("member_id", flat=True)) == [
        branch.full[3].pk]
    assert not AuditEvent.objects.filter(action="talk.update").exists()


def test_a_talk_can_open_a_problem_in_the_ledger_and_is_linked_to_it(branch: Any, admin: Any) -> None:
    talk = services.talk_create_with_problem(
        actor=admin, problem=ProblemDraft(title="个别党员学习不够深入", description="谈话中发现"),
        branch=branch.branch, kind=TalkKind.REMINDER, held_on=timezone.localdate() - timedelta(days=3), topic="提醒",
        talker=branch.full[0], talked_to=[branch.full[5]])
    talk.refresh_from_db()
    problem = Problem.objects.get()
    assert talk.problem == problem
    assert problem.source == "talk" and problem.unit == branch.branch.unit and problem.raised_on == talk.held_on
    assert problem.source_id == str(talk.pk)
    assert [e.action for e in AuditEvent.objects.order_by("pk")][-3:] == [
        "talk.create", "problem.create", "talk.link_problem"]


def test_a_problem_the_actor_may_not_register_leaves_no_talk_behind(branch: Any) -> None:
    # A plain member keeps no records of the branch: neither the talk nor its problem is written.
    with pytest.raises((PermissionDenied, NotFound)):
        services.talk_create_with_problem(
            actor=branch.users.member, problem=ProblemDraft(title="问题"), branch=branch.branch,
            kind=TalkKind.HEART_TO_HEART, held_on=timezone.localdate(), topic="谈心", talker=branch.full[0],
            talked_to=[branch.full[1]])
    assert not Talk.objects.exists() and not Problem.objects.exists()


def test_a_problem_without_a_title_is_refused_before_the_talk_is_written(branch: Any, admin: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.talk_create_with_problem(
            actor=admin, problem=ProblemDraft(title=" "), branch=branch.branch, kind=TalkKind.HEART_TO_HEART,
            held_on=timezone.localdate(), topic="谈心", talker=branch.full[0], talked_to=[branch.full[1]])
    assert info.value.details == {"problem_title": ["请填写要登记的问题"]}
    assert not Talk.objects.exists()


def test_a_talk_links_to_one_problem_only(branch: Any, admin: Any) -> None:
    talk = _record(branch)
    services.talk_raise_problem(actor=admin, talk=talk, draft=ProblemDraft(title="第一个问题"))
    stale = Talk.objects.get(pk=talk.pk)
    stale.problem_id = None  # read before the first link committed
    with pytest.raises(Conflict):
        services.talk_link_problem(actor=admin, talk=stale, problem=Problem.objects.get())
    with pytest.raises(Conflict):
        services.talk_raise_problem(actor=admin, talk=Talk.objects.get(pk=talk.pk),
                                    draft=ProblemDraft(title="第二个问题"))
    assert Problem.objects.count() == 1


def test_person_times_count_each_person_talked_to_by_kind(branch: Any, add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1, 2, 3)
    add_talk(1, 0)
    add_talk(0, 4, 5, kind=TalkKind.INTEGRITY)
    counts = selectors.talk_counts(branch.branch, timezone.localdate().year)
    assert counts == {"HEART_TO_HEART": 4, "INTEGRITY": 2, "REMINDER": 0, "total": 6, "talks": 3}
    assert selectors.talk_counts(branch.branch, timezone.localdate().year - 1)["total"] == 0


def test_talks_for_user_filters_by_kind_year_and_member_within_scope(
        branch: Any, add_talk: Any, other_branch: Any, staff: Any) -> None:  # noqa: F811
    first = add_talk(0, 3)
    second = add_talk(1, 4, kind=TalkKind.INTEGRITY)
    elsewhere = add_talk(0, 1, on=other_branch)
    secretary = branch.users.secretary
    assert set(selectors.talks_for_user(secretary)) == {first, second, elsewhere}
    assert list(selectors.talks_for_user(secretary, kind=TalkKind.INTEGRITY)) == [second]
    assert list(selectors.talks_for_user(secretary, member=branch.full[3])) == [first]
    assert list(selectors.talks_for_user(secretary, year=2001)) == []
    assert list(selectors.talks_for_user(other_branch.secretary_user)) == [elsewhere]
    assert list(selectors.talks_for_user(staff)) == []
