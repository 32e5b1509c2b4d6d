"""The draft's structure (domain.md §7, the seed's order): the opening, 一、 with its seven generated paragraphs
under the seed's leads, 二、 and 三、 for the secretary with the prompts the records suggest, and next year's list
prefilled; the block keys stay the same whatever the records."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bianban.duties.choices import DutyMeasure, IssueKind, IssueTopic, VisitGroup, VisitorRole
from bianban.duties.items import services as items
from bianban.duties.visits.services import IssueIn, VisitorIn, campaign_create, visit_create
from bianban.party.activities import services as activities
from bianban.party.choices import ActivityKind
from bianban.party.tests.activities_fixtures import sheet
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty.compose import compose_draft, report_title
from bianban.reports.duty.draft import Block, BlockOrigin, Draft, Section

pytestmark = pytest.mark.django_db

KEYS = ["opening", "summary.heading", "summary.duty", "summary.activities", "summary.visits", "summary.project",
        "summary.ideology", "summary.integrity", "summary.service", "problems.heading", "problems.text",
        "plan.heading", "plan.intro", "plan.text"]
LEADS = ["（一）抓实支部工作，切实履行党建工作职责。", "（二）组织多种活动，不断丰富党建工作内涵。",
         "（三）落实工作要求，扎实开展集中走访活动。", "（四）坚持党建引领，全面推进党建“书记项目”。",
         "（五）加强组织领导，确保意识形态落实到位。", "（六）强化廉政教育，引导党员干部知规明纪。",
         "（七）提升履职能力，推进新型服务型机关建设。"]


def _year() -> int:
    return (timezone.localdate() - timedelta(days=40)).year


def _block(draft: Draft, key: str) -> Block:
    return next(b for b in draft.blocks if b.key == key)


def _records(party: SimpleNamespace, year: int) -> None:
    """A 研讨, a visit raising a problem left open, and this year's and next year's lists."""
    on = max(date(year, 1, 1), party.term.elected_on)
    activities.activity_create(actor=None, branch=party.branch, kind=ActivityKind.SEMINAR, held_on=on,
                               topic="专题研讨", attendance=sheet(party.branch, on, ActivityKind.SEMINAR))
    campaign = campaign_create(actor=None, branch=party.branch, title="集中走访", starts_on=on, ends_on=on,
                               scope="城东街道")
    visit_create(actor=None, campaign=campaign, visited_on=on, team_role=VisitorRole.BRANCH_MEMBER, street="城东街道",
                 community="和平社区", group=VisitGroup.ELDERLY, households=2, people=3,
                 visitors=[VisitorIn(role=VisitorRole.BRANCH_MEMBER, member=party.full[3])],
                 issues=[IssueIn(IssueKind.PROBLEM, IssueTopic.HOUSING, "老旧小区加装电梯", "区住建局")])
    items.item_create(actor=None, branch=party.branch, year=year, title="结合职能职责开展专题研讨", months=[1],
                      measure=DutyMeasure.ACTIVITIES, activity_kind=ActivityKind.SEMINAR, target_count=12,
                      owner_member=party.secretary)
    items.item_create(actor=None, branch=party.branch, year=year + 1, title="每月开展主题党日活动",
                      months=list(range(1, 13)), measure=DutyMeasure.ACTIVITIES, activity_kind=ActivityKind.THEME_DAY,
                      target_count=12, owner_member=party.full[1])
    items.item_create(actor=None, branch=party.branch, year=year + 1, title="细化量化党建责任清单", months=[1, 2],
                      measure=DutyMeasure.MANUAL, owner_member=party.secretary)


def test_it_follows_the_seeds_structure_with_stable_keys(branch: SimpleNamespace) -> None:  # noqa: F811
    year = _year()
    empty = compose_draft(branch.branch, year)
    _records(branch, year)
    full = compose_draft(branch.branch, year)
    for draft in (empty, full):
        assert [b.key for b in draft.blocks] == KEYS
        assert [b.lead for b in draft.blocks if b.level == 2] == LEADS
        assert [b.section for b in draft.blocks] == [Section.OPENING, *[Section.SUMMARY] * 8,
                                                     *[Section.PROBLEMS] * 2, *[Section.PLAN] * 3]
        assert {b.key for b in draft.blocks if b.origin == BlockOrigin.SECRETARY} == {
            "problems.text", "plan.intro", "plan.text"}
        assert [b.text for b in draft.blocks if b.origin == BlockOrigin.HEADING] == [
            "一、工作总结、成绩和经验", "二、抓基层党建方面存在的突出问题",
            f"三、{year + 1}年书记抓基层党建工作的思路、重点和措施"]
        assert draft.blocks[0].text.endswith(f"现就{year}年度党建工作述职如下：")
        assert draft.title == report_title(branch.branch, year)
        assert draft.title == f"示例区教育局机关党支部书记{year}年度抓基层党建工作述职报告"
        assert draft.signature == branch.secretary.person.name
        assert _block(draft, "problems.text").template == ""
    assert empty.figures_total == 0 and full.figures_total > 0


def test_an_empty_year_says_no_number_and_asks_for_next_years_list(branch: SimpleNamespace) -> None:  # noqa: F811
    draft = compose_draft(branch.branch, _year())
    assert all(not b.figures for b in draft.blocks)
    assert not any(ch.isdigit() for b in draft.blocks if b.level == 2 for ch in b.text)
    plan = _block(draft, "plan.text")
    assert plan.template == "" and plan.prompts[0].startswith(f"尚未制定{_year() + 1}年党建责任清单")


def test_the_problems_prompts_come_from_the_records(branch: SimpleNamespace) -> None:  # noqa: F811
    year = _year()
    _records(branch, year)
    prompts = _block(compose_draft(branch.branch, year), "problems.text").prompts
    # Organisational life missed in ended months, the pairs that have not talked, the visit's problem still open,
    # and the 研讨 task behind (one of twelve held, all due in January).
    assert any(p.startswith("组织生活逾期未完成：支委会") for p in prompts), prompts
    assert any(p.startswith("谈心谈话覆盖不全：应谈") for p in prompts), prompts
    assert "问题台账尚未销号1个：【住房保障】老旧小区加装电梯" in prompts
    assert "责任清单任务滞后1项：结合职能职责开展专题研讨" in prompts


def test_the_plan_is_prefilled_from_next_years_list(branch: SimpleNamespace) -> None:  # noqa: F811
    year = _year()
    _records(branch, year)
    plan = _block(compose_draft(branch.branch, year), "plan.text")
    assert plan.text == (
        f"重点抓好以下工作：一是每月开展主题党日活动（责任人：{branch.full[1]}；部署：全年，目标12次）；"
        f"二是细化量化党建责任清单（责任人：{branch.secretary}；部署：1月、2月）。")
    assert plan.prompts[0] == f"{year + 1}年党建责任清单已列任务2项，已预填在下方，可增删改写"
    assert plan.prompts[1] == "本年度滞后的任务可列入下一年措施：结合职能职责开展专题研讨"
