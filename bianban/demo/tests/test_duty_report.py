"""The demo branch's 2023 述职报告, composed from the records the demo loads, reproduces the seed's figures and
structure (issue 7, item 6): the seven leads of 一、, "6次跟进学习", "12次专题研讨", the visits "走访群众10户18人，
领导班子成员和挂职第一书记走访群众30户54人", "谈话4人次", "廉政谈话8人次", the 书记项目 and the activities it names.
The small district lacks the units of the 三定 and the 核增 (demo/duties.py skips them); the verification and its
rectifications are there."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bianban.demo.party import BRANCH_CODE
from bianban.demo.tests.helpers import demo_loaded
from bianban.party.models import Branch
from bianban.reports.duty.compose import compose_draft
from bianban.reports.duty.draft import Draft

pytestmark = pytest.mark.django_db
SMALL = {"units_limit": 3, "people": 50}
SEED_LEADS = ["（一）抓实支部工作，切实履行党建工作职责。", "（二）组织多种活动，不断丰富党建工作内涵。",
              "（三）落实工作要求，扎实开展集中走访活动。", "（四）坚持党建引领，全面推进党建“书记项目”。",
              "（五）加强组织领导，确保意识形态落实到位。", "（六）强化廉政教育，引导党员干部知规明纪。",
              "（七）提升履职能力，推进新型服务型机关建设。"]


@pytest.fixture(scope="module")
def draft(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Draft]:
    with demo_loaded(django_db_blocker, **SMALL):
        yield compose_draft(Branch.objects.get(code=BRANCH_CODE), 2023)


def _text(draft: Draft, key: str) -> str:
    return next(b.text for b in draft.blocks if b.key == key)


def test_it_has_the_seeds_structure(draft: Draft) -> None:
    assert draft.title == "中共示例区委编办党支部书记2023年度抓基层党建工作述职报告"
    assert draft.blocks[0].text.endswith("现就2023年度党建工作述职如下：")
    assert [b.lead for b in draft.blocks if b.level == 2] == SEED_LEADS
    headings = [b.text for b in draft.blocks if b.level == 1]
    assert headings == ["一、工作总结、成绩和经验", "二、抓基层党建方面存在的突出问题",
                        "三、2024年书记抓基层党建工作的思路、重点和措施"]


def test_it_reproduces_the_seeds_figures(draft: Draft) -> None:
    duty = _text(draft, "summary.duty")
    assert "结合今年主题教育，6次跟进学习习近平总书记最新重要讲话精神，结合职能职责开展12次专题研讨。" in duty
    assert "积极开展“学先锋建新功”“三促三带三个一”等主题党日活动" in duty
    visits = _text(draft, "summary.visits")
    assert "认真落实“村村到、户户进、人人访”集中走访工作要求" in visits
    assert "于4月至7月期间多次深入社区，走访群众10户18人，领导班子成员和挂职第一书记走访群众30户54人" in visits
    integrity = _text(draft, "summary.integrity")
    assert "召集班子成员开展谈话4人次，分管领导和科室负责人开展廉政谈话8人次。" in integrity
    assert "重点抓好元旦、春节、清明、五一等重要节点廉洁自律工作，开展廉政提醒6次" in integrity


def test_it_names_the_years_activities_from_their_records(draft: Draft) -> None:
    activities = _text(draft, "summary.activities")
    assert activities.startswith("开展“读原著悟原理奋进新征程”主题党日活动，全面学习习近平总书记在省部级主要领导干部"
                                 "专题研讨班上的重要讲话精神和《习近平谈治国理政》（第四卷），支部班子成员撰写领导笔谈文章；")
    assert "组织支部党员赴宿城抗日石刻红色教育基地重温入党誓词" in activities
    assert "观看《选择》《刀锋》《红岩家书》等专题纪录片3次" in activities
    assert "举办党的二十大精神专题宣讲活动" in activities
    service = _text(draft, "summary.service")
    assert "组织开展护林防火、文明城市创建等志愿服务2次" in service


def test_the_secretary_project_is_told_from_its_results(draft: Draft) -> None:
    project = _text(draft, "summary.project")
    assert project.startswith("把“强化党建引领，提升机构编制服务保障水平”列为2023年度“书记项目”。")
    assert ("对机关事业单位编制及实有人员开展核查1次，梳理机构编制问题台账2个，逐条制定整改销号计划，"
            "已完成整改销号2个。") in project
    assert "项目确定的5个推进节点已全部完成。" in project
    figures = {f.key.split("_", 1)[1]: f for b in draft.blocks if b.key == "summary.project" for f in b.figures}
    assert all(s.url for f in figures.values() for s in f.sources)


def test_no_zero_is_printed_and_the_secretary_has_prompts_and_next_years_plan(draft: Draft) -> None:
    assert not any(re.search(r"(?<![0-9.])0(次|人次|户|人|名|个|项|条|小时)", b.text) for b in draft.blocks)
    problems = next(b for b in draft.blocks if b.key == "problems.text")
    assert problems.text == "" and problems.prompts
    plan = _text(draft, "plan.text")
    assert plan.startswith("重点抓好以下工作：一是落实“党支部书记是第一责任人，党员干部都是责任人”的党建工作责任体系")
    assert draft.signature and draft.figures_total >= 30
