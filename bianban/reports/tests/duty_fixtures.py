"""Drafts built by hand for the tests of the stored 述职报告 (test_duty_*.py), so storage, regeneration and editing
are tested against known blocks and figures, independently of what the composer makes of the records; and a
fixture that routes every composition in services, views, API and command to such a draft."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.reports.duty import selectors
from bianban.reports.duty.draft import Block, BlockOrigin, Draft, Figure, Section, Source

VISITS_LEAD = "（三）落实工作要求，扎实开展集中走访活动。"
TALKS_LEAD = "（六）强化廉政教育，引导党员干部知规明纪。"


def visits_figure(households: int) -> Figure:
    sources = tuple(Source("visit", 100 + i, f"2023-04-{i + 1:02d} 走访 第{i + 1}户", f"/duties/visits/{100 + i}/")
                    for i in range(min(households, 3)))
    return Figure("visits_households", households, "户", "支部走访群众户数", sources)


def make_draft(branch: Any, year: int = 2023, *, households: int = 10, talks: int = 4, integrity: int = 8,
               extra: bool = False, drop: tuple[str, ...] = (),
               problems_prompts: tuple[str, ...] = ("3项组织生活逾期",),
               plan: str = "重点抓好以下工作：一是深化理论学习；二是规范组织生活。") -> Draft:
    blocks = [
        Block(key="opening", section=Section.OPENING, origin=BlockOrigin.GENERATED,
              template=f"现就{year}年度党建工作述职如下："),
        Block(key="summary.heading", section=Section.SUMMARY, origin=BlockOrigin.HEADING, level=1,
              template="一、工作总结、成绩和经验"),
        Block(key="summary.visits", section=Section.SUMMARY, origin=BlockOrigin.GENERATED, level=2, lead=VISITS_LEAD,
              template="于4月至7月期间多次深入社区，走访群众{visits_households}。",
              figures=(visits_figure(households),)),
    ]
    if extra:
        blocks.append(Block(key="summary.project", section=Section.SUMMARY, origin=BlockOrigin.GENERATED, level=2,
                            lead="（四）坚持党建引领，全面推进党建“书记项目”。", template="核增编制{{共}}{q}。",
                            figures=(Figure("q", 5, "名", "核增编制"),)))
    blocks += [
        Block(key="summary.integrity", section=Section.SUMMARY, origin=BlockOrigin.GENERATED, level=2,
              lead=TALKS_LEAD, template="召集班子成员开展谈话{talks}，分管领导和科室负责人开展廉政谈话{integrity}。",
              figures=(Figure("talks", talks, "人次", "班子成员谈话", (Source("talk", 7, "2023-05-06 谈心谈话", ""),)),
                       Figure("integrity", integrity, "人次", "廉政谈话"))),
        Block(key="problems.heading", section=Section.PROBLEMS, origin=BlockOrigin.HEADING, level=1,
              template="二、抓基层党建方面存在的突出问题"),
        Block(key="problems.text", section=Section.PROBLEMS, origin=BlockOrigin.SECRETARY, prompts=problems_prompts),
        Block(key="plan.heading", section=Section.PLAN, origin=BlockOrigin.HEADING, level=1,
              template=f"三、{year + 1}年书记抓基层党建工作的思路、重点和措施"),
        Block(key="plan.text", section=Section.PLAN, origin=BlockOrigin.SECRETARY, template=plan,
              prompts=("2024年责任清单已有5项任务",)),
    ]
    blocks = [b for b in blocks if b.key not in drop]
    return Draft(branch_id=branch.pk, year=year, title=f"{branch.name}书记{year}年度抓基层党建工作述职报告",
                 blocks=tuple(blocks), signature="张伟", dated=date(year, 12, 25),
                 figures_total=sum(len(b.figures) for b in blocks))


@pytest.fixture
def drafts(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Every composition returns `make_draft(branch, year, **drafts.options)`; change `options` between calls to
    play records that changed."""
    state = SimpleNamespace(options={}, calls=0)

    def compose(branch: Any, year: int, *, today: date | None = None) -> Draft:
        state.calls += 1
        return make_draft(branch, year, **state.options)

    monkeypatch.setattr(selectors, "composed_draft", compose)
    return state


def block_of(report: Any, key: str) -> Any:
    return report.blocks.get(key=key)


def keys_of(report: Any) -> list[str]:
    return list(report.blocks.order_by("position", "pk").values_list("key", flat=True))
