"""民主评议党员 services: starting the year's appraisal, the stages, 个人自评, online and paper ballots, the branch's
determination with its 优秀 limit, and the bad input each refuses (Chinese message, nothing written)."""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.party.appraisals import selectors, services
from bianban.party.choices import ActivityKind, AppraisalStatus
from bianban.party.models import (
    Activity,
    Appraisal,
    AppraisalResult,
    AppraisalTally,
    AppraisalVoter,
    SelfEvaluation,
)
from bianban.party.tests import appraisals_fixtures as fx
from bianban.party.tests.appraisals_fixtures import B, E, Q, U, ballot_of, grades_for

# The fixtures these tests use (pytest finds them among the module's names).
appraisal, voting, voters, closed, determine, other_branch = (
    fx.appraisal, fx.voting, fx.voters, fx.closed, fx.determine, fx.other_branch)

S = AppraisalStatus


def _tallies(appraisal: Appraisal) -> dict[int, tuple[int, int, int, int]]:
    return {t.member_id: (t.excellent, t.qualified, t.basic, t.unqualified)
            for t in AppraisalTally.objects.filter(appraisal=appraisal)}


# --- start ---------------------------------------------------------------------------------------------------------


def test_the_secretary_starts_the_years_appraisal_with_self_evaluation(branch: SimpleNamespace) -> None:
    today = timezone.localdate()
    started = services.appraisal_start(actor=branch.users.secretary, branch=branch.branch, year=today.year,
                                       started_on=today, note="结合组织生活会开展")
    assert started.status == S.SELF and started.note == "结合组织生活会开展"
    assert AuditEvent.objects.filter(action="appraisal.start", target_id=str(started.pk)).count() == 1
    assert [m.pk for m in selectors.roster(started)] != [] and len(selectors.roster(started)) == 9
    assert len(selectors.voters_due(started)) == 7  # 预备党员 have no vote


def test_a_second_appraisal_for_the_same_year_is_refused_and_nothing_is_written(appraisal: Appraisal,
                                                                               branch: SimpleNamespace) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as info:
        services.appraisal_start(actor=branch.users.secretary, branch=branch.branch, year=appraisal.year,
                                 started_on=appraisal.started_on)
    assert info.value.details["year"] == [f"示例区教育局机关党支部{appraisal.year}年度已开展民主评议，"
                                          "每年只开展一次（条例第二十条）"]
    assert Appraisal.objects.count() == 1 and AuditEvent.objects.count() == events


@pytest.mark.parametrize(("field", "shift_year", "shift_days", "message"), [
    ("year", 1, 0, "评议年度应在2015年"),
    ("started_on", 0, 1, "开始日期不能晚于今天"),
    ("started_on", -2, 0, "年度的评议应在"),
])
def test_a_start_with_a_bad_year_or_date_is_refused(branch: SimpleNamespace, field: str, shift_year: int,
                                                    shift_days: int, message: str) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as info:
        services.appraisal_start(actor=branch.users.secretary, branch=branch.branch, year=today.year + shift_year,
                                 started_on=today + timedelta(days=shift_days))
    assert message in info.value.details[field][0]
    assert not Appraisal.objects.exists()


def test_the_meeting_must_be_one_of_the_branchs_own(branch: SimpleNamespace, other_branch: SimpleNamespace) -> None:
    today = timezone.localdate()
    theirs = Activity.objects.create(branch=other_branch.branch, kind=ActivityKind.GENERAL_MEETING, held_on=today,
                                     topic="民主评议党员大会")
    with pytest.raises(ValidationFailed) as info:
        services.appraisal_start(actor=branch.users.secretary, branch=branch.branch, year=today.year,
                                 started_on=today, meeting=theirs)
    assert info.value.details["meeting"] == ["评议会议须是本支部的活动"]


def test_only_those_who_keep_the_branchs_records_start_an_appraisal(branch: SimpleNamespace, reviewer: Any,
                                                                     other_branch: SimpleNamespace) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.appraisal_start(actor=reviewer, branch=branch.branch, year=today.year, started_on=today)
    with pytest.raises(NotFound):
        services.appraisal_start(actor=other_branch.secretary_user, branch=branch.branch, year=today.year,
                                 started_on=today)
    assert not Appraisal.objects.filter(branch=branch.branch).exists()


def test_the_meeting_and_note_can_be_recorded_later(appraisal: Appraisal, branch: SimpleNamespace) -> None:
    meeting = Activity.objects.create(branch=branch.branch, kind=ActivityKind.LIFE_MEETING,
                                      held_on=timezone.localdate(), topic="组织生活会暨民主评议党员")
    updated = services.appraisal_update(actor=branch.users.secretary, appraisal=appraisal, note="已召开",
                                        meeting=meeting)
    assert updated.meeting == meeting and Appraisal.objects.get(pk=appraisal.pk).note == "已召开"
    assert AuditEvent.objects.get(action="appraisal.update").changes["meeting"] == [None, meeting.pk]


# --- stages --------------------------------------------------------------------------------------------------------


def test_opening_voting_freezes_the_roster_in_the_tallies(voting: Appraisal, branch: SimpleNamespace) -> None:
    assert voting.status == S.VOTING
    assert set(_tallies(voting)) == {m.pk for m in branch.members}
    assert all(counts == (0, 0, 0, 0) for counts in _tallies(voting).values())


def test_a_stage_cannot_be_skipped(appraisal: Appraisal, branch: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal, to_status=S.PUBLISHED)
    assert info.value.message == "民主评议当前为“个人自评”阶段，不能改为“已公布”"
    assert Appraisal.objects.get(pk=appraisal.pk).status == S.SELF


def test_a_stage_change_from_a_stale_page_conflicts(voting: Appraisal, branch: SimpleNamespace,
                                                    voters: dict[int, Any]) -> None:
    services.ballot_cast(actor=voters[branch.full[0].pk], appraisal=voting, grades=ballot_of(0, branch.members))
    stale = Appraisal.objects.get(pk=voting.pk)
    services.appraisal_transition(actor=branch.users.secretary, appraisal=voting, to_status=S.CLOSED)
    with pytest.raises(Conflict, match="已被他人变更"):
        services.appraisal_transition(actor=branch.users.secretary, appraisal=stale, to_status=S.CLOSED)
    assert AuditEvent.objects.filter(action="appraisal.closed").count() == 1


def test_voting_cannot_close_before_any_ballot_or_before_it_started(voting: Appraisal,
                                                                    branch: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed, match="尚未收到任何互评票"):
        services.appraisal_transition(actor=branch.users.secretary, appraisal=voting, to_status=S.CLOSED)
    with pytest.raises(ValidationFailed) as info:
        services.appraisal_transition(actor=branch.users.secretary, appraisal=voting, to_status=S.CLOSED,
                                      on=timezone.localdate() + timedelta(days=1))
    assert info.value.details == {"on": ["日期不能晚于今天"]}
    assert Appraisal.objects.get(pk=voting.pk).status == S.VOTING


def test_publication_needs_a_grade_for_every_member(closed: Appraisal, branch: SimpleNamespace,
                                                    determine: Any) -> None:
    entries = [services.ResultEntry(m.pk, Q) for m in branch.members[:7]]
    services.result_determine(actor=branch.users.secretary, appraisal=closed, results=entries)
    with pytest.raises(ValidationFailed) as info:
        services.appraisal_transition(actor=branch.users.secretary, appraisal=closed, to_status=S.PUBLISHED)
    assert info.value.message.startswith("尚有2名党员未评定等次（")
    determine(closed)
    published = services.appraisal_transition(actor=branch.users.secretary, appraisal=closed,
                                              to_status=S.PUBLISHED)
    assert published.status == S.PUBLISHED and published.published_on == timezone.localdate()


# --- 个人自评 ------------------------------------------------------------------------------------------------------


def test_a_member_writes_and_corrects_their_own_self_evaluation(appraisal: Appraisal,
                                                               branch: SimpleNamespace) -> None:
    own = branch.full[6]
    services.self_evaluation_save(actor=branch.users.member, appraisal=appraisal, member=own, text="认真学习", grade=Q)
    services.self_evaluation_save(actor=branch.users.member, appraisal=appraisal, member=own,
                                  text="认真学习，按时交纳党费", grade=E)
    evaluation = SelfEvaluation.objects.get(appraisal=appraisal, member=own)
    assert (evaluation.text, evaluation.grade) == ("认真学习，按时交纳党费", E)
    last = AuditEvent.objects.filter(action="appraisal.self_evaluation").first()
    # The trail is read by auditors who may not read self-evaluations: digests only, enough to see a change.
    assert last.changes["grade"] == ["***", "***"]
    old_text, new_text = last.changes["text"]
    assert old_text.startswith("***（摘要") and new_text.startswith("***（摘要") and old_text != new_text


def test_a_member_cannot_write_someone_elses_but_the_secretary_records_a_paper_one(
        appraisal: Appraisal, branch: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        services.self_evaluation_save(actor=branch.users.member, appraisal=appraisal, member=branch.full[3], text="x")
    services.self_evaluation_save(actor=branch.users.secretary, appraisal=appraisal, member=branch.probationary[0],
                                  text="纸质自评录入")
    assert list(SelfEvaluation.objects.values_list("member_id", flat=True)) == [branch.probationary[0].pk]


@pytest.mark.parametrize(("text", "grade", "field", "message"), [
    ("  ", "", "text", "请填写个人自评"),
    ("认真学习", "GOOD", "grade", "自评等次应为优秀、合格、基本合格、不合格之一"),
])
def test_a_bad_self_evaluation_is_refused(appraisal: Appraisal, branch: SimpleNamespace, text: str, grade: str,
                                          field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.self_evaluation_save(actor=branch.users.member, appraisal=appraisal, member=branch.full[6],
                                      text=text, grade=grade)
    assert info.value.details[field] == [message]
    assert not SelfEvaluation.objects.exists()


def test_self_evaluations_close_with_the_vote_and_only_cover_the_roster(
        closed: Appraisal, branch: SimpleNamespace, other_branch: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed, match="个人自评不能再修改"):
        services.self_evaluation_save(actor=branch.users.member, appraisal=closed, member=branch.full[6], text="补")
    with pytest.raises(ValidationFailed, match="不在本次民主评议的党员名单中"):
        services.self_evaluation_save(actor=branch.users.secretary, appraisal=closed,
                                      member=other_branch.members[0], text="x")
    assert not SelfEvaluation.objects.exists()


# --- online ballots ------------------------------------------------------------------------------------------------


def test_a_ballot_adds_to_the_counts_and_records_only_that_the_member_voted(
        voting: Appraisal, branch: SimpleNamespace) -> None:
    ballot = grades_for(branch.members, skip=branch.full[6], g1=E, g8=B)
    services.ballot_cast(actor=branch.users.member, appraisal=voting, grades=ballot)
    assert list(AppraisalVoter.objects.values_list("member_id", flat=True)) == [branch.full[6].pk]
    tallies = _tallies(voting)
    assert tallies[branch.full[1].pk] == (1, 0, 0, 0) and tallies[branch.members[8].pk] == (0, 0, 1, 0)
    assert tallies[branch.full[0].pk] == (0, 1, 0, 0) and tallies[branch.full[6].pk] == (0, 0, 0, 0)
    assert selectors.position_of(branch.users.member, voting).has_voted


def test_a_member_cannot_vote_twice(voting: Appraisal, branch: SimpleNamespace) -> None:
    ballot = grades_for(branch.members, skip=branch.full[6])
    services.ballot_cast(actor=branch.users.member, appraisal=voting, grades=ballot)
    before = _tallies(voting)
    with pytest.raises(ValidationFailed) as info:
        services.ballot_cast(actor=branch.users.member, appraisal=voting, grades=ballot)
    assert info.value.message == "您已提交互评票，不能重复投票"
    assert _tallies(voting) == before and AppraisalVoter.objects.count() == 1


@pytest.mark.parametrize(("change", "message"), [
    ("self", "互评不评议本人，请勿为自己选择等次"),
    ("missing", "请为每位党员选择等次，尚未评议：王芳"),
    ("stranger", "选票中有不在本次评议名单中的党员"),
    ("grade", "王芳的等次应为优秀、合格、基本合格、不合格之一"),
])
def test_an_incomplete_or_bad_ballot_is_refused_and_nothing_counts(
        voting: Appraisal, branch: SimpleNamespace, other_branch: SimpleNamespace, change: str, message: str) -> None:
    ballot: dict[int, str] = grades_for(branch.members, skip=branch.full[6])
    if change == "self":
        ballot[branch.full[6].pk] = E
    elif change == "missing":
        del ballot[branch.full[1].pk]
    elif change == "stranger":
        ballot[other_branch.members[0].pk] = Q
    else:
        ballot[branch.full[1].pk] = "GOOD"
    with pytest.raises(ValidationFailed) as info:
        services.ballot_cast(actor=branch.users.member, appraisal=voting, grades=ballot)
    assert info.value.details == {"grades": [message]}
    assert not AppraisalVoter.objects.exists() and all(t == (0, 0, 0, 0) for t in _tallies(voting).values())


def test_ballots_are_refused_before_voting_opens_and_after_it_closed(
        appraisal: Appraisal, branch: SimpleNamespace, voters: dict[int, Any]) -> None:
    ballot = grades_for(branch.members, skip=branch.full[6])
    with pytest.raises(ValidationFailed, match="党员互评尚未开始"):
        services.ballot_cast(actor=branch.users.member, appraisal=appraisal, grades=ballot)
    services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal, to_status=S.VOTING)
    services.ballot_cast(actor=voters[branch.full[1].pk], appraisal=appraisal, grades=ballot_of(1, branch.members))
    services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal, to_status=S.CLOSED)
    before = _tallies(appraisal)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as info:
        services.ballot_cast(actor=branch.users.member, appraisal=appraisal, grades=ballot)
    assert info.value.message == f"党员互评已于{today.year}年{today.month}月{today.day}日结束，不能再投票"
    with pytest.raises(ValidationFailed, match="不能再投票"):
        services.ballot_enter_paper(actor=branch.users.secretary, appraisal=appraisal, grades=ballot)
    assert _tallies(appraisal) == before and AppraisalVoter.objects.count() == 1


def test_a_probationary_member_and_an_unlinked_login_do_not_vote(voting: Appraisal, branch: SimpleNamespace,
                                                                  district: Any, reviewer: Any) -> None:
    from bianban.party.members import services as member_services

    member_services.member_update(actor=None, member=branch.probationary[0], user=reviewer)
    with pytest.raises(PermissionDenied, match="预备党员没有表决权"):
        services.ballot_cast(actor=reviewer, appraisal=voting,
                             grades=grades_for(branch.members, skip=branch.probationary[0]))
    assert not selectors.position_of(reviewer, voting).may_vote
    member_services.member_update(actor=None, member=branch.probationary[0], user=None)
    with pytest.raises(PermissionDenied, match="登录账号未关联党员"):
        services.ballot_cast(actor=reviewer, appraisal=voting, grades=grades_for(branch.members))
    assert not AppraisalVoter.objects.exists()


def test_with_three_grades_configured_basic_is_refused(voting: Appraisal, branch: SimpleNamespace,
                                                       settings: Any) -> None:
    settings.BIANBAN = {**settings.BIANBAN, "PARTY": {**settings.BIANBAN["PARTY"],
                                                      "APPRAISAL_GRADES": [E, Q, U]}}
    with pytest.raises(ValidationFailed, match="等次应为优秀、合格、不合格之一"):
        services.ballot_cast(actor=branch.users.member, appraisal=voting,
                             grades=grades_for(branch.members, skip=branch.full[6], g8=B))
    assert not AppraisalVoter.objects.exists()


# --- paper ballots -------------------------------------------------------------------------------------------------


def test_paper_ballots_count_up_to_the_voters_due_without_naming_a_voter(voting: Appraisal,
                                                                         branch: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    assert services.ballot_enter_paper(actor=secretary, appraisal=voting, grades=grades_for(branch.members)) == 1
    # The voter's own line left blank, as on their paper.
    assert services.ballot_enter_paper(actor=secretary, appraisal=voting,
                                       grades=grades_for(branch.members, skip=branch.full[3], g1=E)) == 2
    for _ in range(5):
        services.ballot_enter_paper(actor=secretary, appraisal=voting, grades=grades_for(branch.members))
    with pytest.raises(ValidationFailed) as info:
        services.ballot_enter_paper(actor=secretary, appraisal=voting, grades=grades_for(branch.members))
    assert info.value.message == "已录入7张选票，已达应投票人数（7人），不能再录入"
    assert not AppraisalVoter.objects.exists()
    assert _tallies(voting)[branch.full[1].pk] == (1, 6, 0, 0)
    assert _tallies(voting)[branch.full[3].pk] == (0, 6, 0, 0)
    progress = selectors.ballot_progress(voting)
    assert (progress.paper, progress.entered, progress.voters_due, progress.mode) == (7, 7, 7, "paper")


def test_a_paper_ballot_leaves_blank_at_most_the_voters_own_line(voting: Appraisal, branch: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    with pytest.raises(ValidationFailed, match="只有投票人本人一栏可以空白"):
        services.ballot_enter_paper(actor=secretary, appraisal=voting,
                                    grades={m.pk: Q for m in branch.members[2:]})
    with pytest.raises(ValidationFailed, match="周杰没有表决权，其一栏不应空白"):
        services.ballot_enter_paper(actor=secretary, appraisal=voting,
                                    grades=grades_for(branch.members, skip=branch.probationary[1]))
    assert selectors.paper_ballot_count(voting) == 0 and all(t == (0, 0, 0, 0) for t in _tallies(voting).values())


def test_paper_and_online_ballots_are_not_mixed(voting: Appraisal, branch: SimpleNamespace, reviewer: Any) -> None:
    services.ballot_enter_paper(actor=branch.users.secretary, appraisal=voting, grades=grades_for(branch.members))
    with pytest.raises(ValidationFailed, match="本次互评采用纸质选票"):
        services.ballot_cast(actor=branch.users.member, appraisal=voting,
                             grades=grades_for(branch.members, skip=branch.full[6]))
    with pytest.raises(PermissionDenied):
        services.ballot_enter_paper(actor=reviewer, appraisal=voting, grades=grades_for(branch.members))
    assert selectors.paper_ballot_count(voting) == 1


def test_once_someone_voted_online_paper_ballots_are_refused(voting: Appraisal, branch: SimpleNamespace) -> None:
    services.ballot_cast(actor=branch.users.member, appraisal=voting,
                         grades=grades_for(branch.members, skip=branch.full[6]))
    with pytest.raises(ValidationFailed, match="已有党员在线投票"):
        services.ballot_enter_paper(actor=branch.users.secretary, appraisal=voting, grades=grades_for(branch.members))


# --- 评定 ----------------------------------------------------------------------------------------------------------


def test_the_determination_waits_for_the_vote_to_close(voting: Appraisal, branch: SimpleNamespace,
                                                       determine: Any) -> None:
    with pytest.raises(ValidationFailed, match="党员互评结束后才能评定等次"):
        determine(voting)
    assert not AppraisalResult.objects.exists()


def test_excellent_is_limited_to_one_third_of_the_members(closed: Appraisal, branch: SimpleNamespace,
                                                          determine: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        determine(closed, g0=E, g1=E, g2=E, g3=E)
    assert info.value.message == ("评为优秀的党员一般不超过参加评议党员总数的三分之一：本次评议9名党员，"
                                  "优秀最多3名，现为4名")
    assert not AppraisalResult.objects.exists()
    determine(closed, g1=E, g2=E, g3=E)
    assert AppraisalResult.objects.filter(grade=E).count() == 3


def test_the_share_is_a_setting(closed: Appraisal, branch: SimpleNamespace, determine: Any, settings: Any) -> None:
    settings.BIANBAN = {**settings.BIANBAN, "PARTY": {**settings.BIANBAN["PARTY"], "EXCELLENT_MAX_SHARE": [1, 5]}}
    with pytest.raises(ValidationFailed, match="五分之一：本次评议9名党员，优秀最多1名，现为2名"):
        determine(closed, g1=E, g2=E)


def test_unqualified_needs_a_reason(closed: Appraisal, branch: SimpleNamespace, determine: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        determine(closed, g5=U)
    assert info.value.details == {"results": ["杨帆评定为不合格，须说明理由"]}
    determine(closed, g5=(U, "长期不参加组织生活"))
    assert AppraisalResult.objects.get(member=branch.full[5]).note == "长期不参加组织生活"


def test_the_determination_replaces_the_previous_one_and_is_audited(closed: Appraisal, branch: SimpleNamespace,
                                                                     determine: Any) -> None:
    determine(closed, g1=E)
    services.result_determine(actor=branch.users.secretary, appraisal=closed,
                              results=[services.ResultEntry(branch.full[1].pk, Q)])
    assert list(AppraisalResult.objects.values_list("member_id", "grade")) == [(branch.full[1].pk, Q)]
    last = AuditEvent.objects.filter(action="appraisal.determine").first()
    assert last.changes[f"member_{branch.full[1].pk}"] == [[E, ""], [Q, ""]]
    assert last.changes[f"member_{branch.full[0].pk}"] == [[Q, ""], None]


def test_a_determination_naming_a_stranger_or_a_member_twice_is_refused(
        closed: Appraisal, branch: SimpleNamespace, other_branch: SimpleNamespace) -> None:
    twice = [services.ResultEntry(branch.full[0].pk, Q), services.ResultEntry(branch.full[0].pk, E)]
    with pytest.raises(ValidationFailed, match="张伟重复评定"):
        services.result_determine(actor=branch.users.secretary, appraisal=closed, results=twice)
    with pytest.raises(ValidationFailed, match="不在本次评议名单中"):
        services.result_determine(actor=branch.users.secretary, appraisal=closed,
                                  results=[services.ResultEntry(other_branch.members[0].pk, Q)])
    assert not AppraisalResult.objects.exists()


def test_published_results_are_final(closed: Appraisal, branch: SimpleNamespace, determine: Any) -> None:
    determine(closed)
    services.appraisal_transition(actor=branch.users.secretary, appraisal=closed, to_status=S.PUBLISHED)
    with pytest.raises(ValidationFailed, match="评议结果已公布，不能修改"):
        determine(closed, g1=E)
    assert not AppraisalResult.objects.filter(grade=E).exists()
