"""民主评议党员 pages: the whole year's appraisal clicked through by the secretary and the members, the paper ballot
screen, the refusals shown on their forms (422), and who may open which page (404 outside the branch or without
维护党建工作)."""

import io
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianban.party.appraisals import services
from bianban.party.choices import AppraisalStatus
from bianban.party.models import Appraisal, AppraisalResult, AppraisalVoter, SelfEvaluation
from bianban.party.tests import appraisals_fixtures as fx
from bianban.party.tests.appraisals_fixtures import B, E, Q, U, ballot_of

appraisal, voting, voters, closed, determine, other_branch = (
    fx.appraisal, fx.voting, fx.voters, fx.closed, fx.determine, fx.other_branch)
S = AppraisalStatus


def _url(name: str, *args: Any) -> str:
    return reverse(f"party:appraisal_{name}", args=args)


def _ballot(grades: dict[int, str]) -> dict[str, str]:
    return {f"m{pk}": grade for pk, grade in grades.items()}


def _determination(branch: SimpleNamespace, **by_index: Any) -> dict[str, str]:
    data = {}
    for i, member in enumerate(branch.members):
        value = by_index.get(f"g{i}", Q)
        grade, note = value if isinstance(value, tuple) else (value, "")
        data.update({f"g{member.pk}": grade, f"n{member.pk}": note})
    return data


def _stage(client: Any, appraisal: Appraisal, from_status: str, to_status: str, **extra: Any) -> Any:
    return client.post(_url("transition", appraisal.pk),
                       {"from_status": from_status, "to_status": to_status, "on": timezone.localdate(), **extra})


def test_a_years_appraisal_from_start_to_published_results(branch: SimpleNamespace, client_for: Any,
                                                           voters: dict[int, Any]) -> None:
    secretary, member = client_for(branch.users.secretary), client_for(branch.users.member)
    today = timezone.localdate()
    started = secretary.post(_url("start", branch.branch.pk), {"year": today.year, "started_on": today})
    appraisal = Appraisal.objects.get()
    assert started.status_code == 302 and started["Location"] == _url("detail", appraisal.pk)
    # The member writes their own self-evaluation from the appraisal's page.
    page = member.get(_url("detail", appraisal.pk))
    assert "撰写个人自评" in page.content.decode()
    own = _url("self_evaluation", appraisal.pk, branch.full[6].pk)
    assert member.post(own, {"text": "按时参加组织生活", "grade": Q}).status_code == 302
    assert SelfEvaluation.objects.get().text == "按时参加组织生活"
    assert _stage(secretary, appraisal, S.SELF, S.VOTING).status_code == 302
    # The member votes on one screen: every other member, one grade each.
    ballot_page = member.get(_url("ballot", appraisal.pk))
    assert ballot_page.status_code == 200
    assert ballot_page.content.decode().count('type="radio"') == 8 * 4
    assert member.post(_url("ballot", appraisal.pk), _ballot(ballot_of(6, branch.members))).status_code == 302
    assert "已投票" in member.get(_url("detail", appraisal.pk)).content.decode()
    for i, m in enumerate(branch.full[:6]):
        services.ballot_cast(actor=voters[m.pk], appraisal=appraisal, grades=ballot_of(i, branch.members))
    assert _stage(secretary, appraisal, S.VOTING, S.CLOSED).status_code == 302
    tallies = secretary.get(_url("tallies", appraisal.pk)).content.decode()
    assert "应投票7人，收回选票7张" in tallies
    # Four 优秀 of nine is refused on the form; three is fine.
    over = secretary.post(_url("determination", appraisal.pk), _determination(branch, g0=E, g1=E, g2=E, g3=E))
    assert over.status_code == 422 and "优秀最多3名，现为4名" in over.content.decode()
    assert '<strong id="excellent-count">4</strong>' in over.content.decode()
    assert not AppraisalResult.objects.exists()
    saved = secretary.post(_url("determination", appraisal.pk),
                           _determination(branch, g1=E, g2=E, g8=B, g5=(U, "长期不参加组织生活")))
    assert saved.status_code == 302
    assert _stage(secretary, appraisal, S.CLOSED, S.PUBLISHED).status_code == 302
    results = member.get(_url("results", appraisal.pk)).content.decode()
    assert "优秀2人，合格5人，基本合格1人，不合格1人" in results and "长期不参加组织生活" in results


def test_the_exports_hold_the_results_and_only_the_keepers_get_the_tallies(
        closed: Appraisal, branch: SimpleNamespace, determine: Any, client_for: Any) -> None:
    determine(closed, g1=E)
    services.appraisal_transition(actor=branch.users.secretary, appraisal=closed, to_status=S.PUBLISHED)
    mine = load_workbook(io.BytesIO(client_for(branch.users.member).get(_url("export", closed.pk)).content))
    assert mine.sheetnames == ["评定结果"]
    rows = list(mine["评定结果"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == 9 and ("王芳", "优秀") in {(r[1], r[5]) for r in rows}
    theirs = load_workbook(io.BytesIO(client_for(branch.users.secretary).get(_url("export", closed.pk)).content))
    assert theirs.sheetnames == ["评定结果", "互评计票"]
    tally = {r[1]: r[2:7] for r in theirs["互评计票"].iter_rows(min_row=3, max_row=11, values_only=True)}
    assert tally["王芳"] == (6, 0, 0, 0, 6) and tally["周杰"] == (0, 0, 7, 0, 7)


def test_paper_ballots_are_entered_one_screen_at_a_time_with_a_running_count(
        voting: Appraisal, branch: SimpleNamespace, client_for: Any) -> None:
    secretary = client_for(branch.users.secretary)
    page = secretary.get(_url("paper_ballot", voting.pk)).content.decode()
    assert "已录入 <strong>0</strong> 张 / 应投票 <strong>7</strong> 人" in page
    assert page.count('type="radio"') == 9 * 4
    paper = _ballot({m.pk: Q for m in branch.members if m != branch.full[2]})
    entered = secretary.post(_url("paper_ballot", voting.pk), paper, follow=True).content.decode()
    assert "已录入第1张选票（应投票7人）" in entered and "已录入 <strong>1</strong> 张" in entered
    two_blank = _ballot({m.pk: Q for m in branch.members[2:]})
    refused = secretary.post(_url("paper_ballot", voting.pk), two_blank)
    assert refused.status_code == 422 and "只有投票人本人一栏可以空白" in refused.content.decode()
    assert not AppraisalVoter.objects.exists()


def test_a_member_who_may_not_vote_is_sent_back_with_the_reason(voting: Appraisal, branch: SimpleNamespace,
                                                                client_for: Any, reviewer: Any) -> None:
    response = client_for(reviewer).get(_url("ballot", voting.pk), follow=True)
    assert "您不是本次党员互评的投票人" in response.content.decode()
    member = client_for(branch.users.member)
    member.post(_url("ballot", voting.pk), _ballot({m.pk: Q for m in branch.members if m != branch.full[6]}))
    again = member.get(_url("ballot", voting.pk), follow=True).content.decode()
    assert "您已提交互评票" in again


def test_an_incomplete_online_ballot_is_shown_again_with_the_missing_rows(voting: Appraisal,
                                                                         branch: SimpleNamespace,
                                                                         client_for: Any) -> None:
    partial = _ballot({m.pk: Q for m in branch.members[:3]})
    response = client_for(branch.users.member).post(_url("ballot", voting.pk), partial)
    assert response.status_code == 422 and "请选择等次" in response.content.decode()
    assert not AppraisalVoter.objects.exists()


def test_a_second_appraisal_for_the_year_is_refused_on_the_form(appraisal: Appraisal, branch: SimpleNamespace,
                                                                client_for: Any) -> None:
    response = client_for(branch.users.secretary).post(
        _url("start", branch.branch.pk), {"year": appraisal.year, "started_on": appraisal.started_on})
    assert response.status_code == 422
    assert f"{appraisal.year}年度已开展民主评议，每年只开展一次" in response.content.decode()
    assert Appraisal.objects.count() == 1


def test_a_stage_change_from_a_stale_page_shows_the_conflict(voting: Appraisal, branch: SimpleNamespace,
                                                             client_for: Any) -> None:
    response = _stage(client_for(branch.users.secretary), voting, S.SELF, S.VOTING)
    assert response.status_code == 422 and "民主评议阶段已被他人变更，请刷新后重试" in response.content.decode()


def test_results_wait_for_publication_for_those_who_only_view(closed: Appraisal, branch: SimpleNamespace,
                                                              determine: Any, client_for: Any) -> None:
    determine(closed)
    member = client_for(branch.users.member)
    early = member.get(_url("results", closed.pk), follow=True)
    assert "评议结果公布后才能查看" in early.content.decode()
    assert member.get(_url("export", closed.pk)).status_code == 404
    assert client_for(branch.users.secretary).get(_url("results", closed.pk)).status_code == 200
    services.appraisal_transition(actor=branch.users.secretary, appraisal=closed, to_status=S.PUBLISHED)
    assert member.get(_url("results", closed.pk)).status_code == 200


def test_a_member_sees_only_their_own_self_evaluation(appraisal: Appraisal, branch: SimpleNamespace,
                                                      client_for: Any) -> None:
    services.self_evaluation_save(actor=None, appraisal=appraisal, member=branch.full[3], text="他人的自评")
    member = client_for(branch.users.member)
    assert member.get(_url("self_evaluation", appraisal.pk, branch.full[3].pk)).status_code == 404
    assert member.get(_url("self_evaluation", appraisal.pk, branch.full[6].pk)).status_code == 200
    assert "他人的自评" not in member.get(_url("detail", appraisal.pk)).content.decode()


def test_the_pages_are_scoped_to_the_branch(closed: Appraisal, branch: SimpleNamespace, other_branch: SimpleNamespace,
                                            client_for: Any, reviewer: Any, liaison: Any, outsider: Any) -> None:
    stranger = client_for(other_branch.secretary_user)
    for name in ("detail", "tallies", "determination", "results", "export", "paper_ballot", "transition", "ballot"):
        assert stranger.get(_url(name, closed.pk)).status_code == 404, name
    assert stranger.get(_url("list", branch.branch.pk)).status_code == 404
    assert stranger.get(_url("detail", other_branch.appraisal.pk)).status_code == 200
    viewer = client_for(reviewer)
    assert viewer.get(_url("detail", closed.pk)).status_code == 200
    for name in ("tallies", "determination", "paper_ballot", "transition", "edit"):
        assert viewer.get(_url(name, closed.pk)).status_code == 404, name
    assert viewer.get(_url("start", branch.branch.pk)).status_code == 404
    for user in (liaison, outsider):
        assert client_for(user).get(_url("detail", closed.pk)).status_code == 404


def test_the_index_lists_each_branchs_appraisals(closed: Appraisal, branch: SimpleNamespace,
                                                 other_branch: SimpleNamespace, client_for: Any) -> None:
    page = client_for(branch.users.secretary).get(_url("index")).content.decode()
    assert branch.branch.name in page and other_branch.branch.name in page
    only = client_for(other_branch.secretary_user).get(_url("index"))
    assert only.status_code == 302 and only["Location"] == _url("list", other_branch.branch.pk)
    listed = client_for(branch.users.secretary).get(_url("list", branch.branch.pk)).content.decode()
    assert f"{closed.year}年度" in listed and "开展民主评议" in listed


def test_every_page_opens_for_the_secretary_at_every_stage(appraisal: Appraisal, branch: SimpleNamespace,
                                                           voters: dict[int, Any], determine: Any,
                                                           client_for: Any) -> None:
    secretary = client_for(branch.users.secretary)
    pages = ("detail", "edit", "transition", "paper_ballot", "tallies", "determination", "results", "ballot")

    def opened() -> dict[str, int]:
        codes = {name: secretary.get(_url(name, appraisal.pk)).status_code for name in pages}
        codes["self_evaluation"] = secretary.get(_url("self_evaluation", appraisal.pk, branch.full[3].pk)).status_code
        return codes

    assert opened() == {"detail": 200, "edit": 200, "transition": 200, "paper_ballot": 200, "tallies": 302,
                        "determination": 302, "results": 302, "ballot": 302, "self_evaluation": 200}
    assert secretary.get(_url("start", branch.branch.pk)).status_code == 200
    services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal, to_status=S.VOTING)
    detail = secretary.get(_url("detail", appraisal.pk)).content.decode()
    assert "尚未投票（7人）" in detail and "录入纸质选票" in detail
    assert opened()["ballot"] == 200  # the secretary is full[0] and votes too
    for i, m in enumerate(branch.full):
        services.ballot_cast(actor=voters[m.pk], appraisal=appraisal, grades=ballot_of(i, branch.members))
    services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal, to_status=S.CLOSED)
    assert opened() == {"detail": 200, "edit": 200, "transition": 200, "paper_ballot": 200, "tallies": 200,
                        "determination": 200, "results": 200, "ballot": 302, "self_evaluation": 200}
    page = secretary.get(_url("determination", appraisal.pk)).content.decode()
    assert 'data-max="3"' in page and page.count('data-grade="1"') == 9
    determine(appraisal, g1=E)
    services.appraisal_transition(actor=branch.users.secretary, appraisal=appraisal, to_status=S.PUBLISHED)
    codes = opened()
    assert codes["results"] == 200 and codes["determination"] == 302 and codes["transition"] == 302
