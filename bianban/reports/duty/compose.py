"""The composer of the 述职报告 (issue 7, item 1): a branch's year of records read into a `Draft` in the standard
structure of domain.md §7, following the seed —

- the opening paragraph ("…现就2023年度党建工作述职如下：");
- 一、工作总结、成绩和经验 with the seven generated paragraphs （一）…（七） (compose_summary.py);
- 二、抓基层党建方面存在的突出问题: the secretary's text, empty, with prompts from the records (facts_prompts.py);
- 三、{year+1}年书记抓基层党建工作的思路、重点和措施: the secretary's text, prefilled from next year's 责任清单.

Pure reads, no writes. The caller has checked that the user may see the branch: the figures count every record of
the branch, as the duties app's own pages do. Each figure family is one set-based query (about twenty in all),
whatever the number of records.
"""

from datetime import date

from django.utils import timezone

from bianban.duties.items.selectors import year_items
from bianban.duties.models import DutyItem
from bianban.duties.volunteer.selectors import volunteer_stats
from bianban.party.choices import CommitteeRole
from bianban.party.compliance.report import compliance_for_year
from bianban.party.models import Branch, CommitteeMember
from bianban.reports.duty import compose_summary as summary
from bianban.reports.duty.draft import Block, BlockOrigin, Draft, Section
from bianban.reports.duty.facts_activities import activity_facts, appraisal_figure
from bianban.reports.duty.facts_duties import duty_facts, plan_lines
from bianban.reports.duty.facts_ideology import ideology_facts
from bianban.reports.duty.facts_integrity import keydate_facts
from bianban.reports.duty.facts_project import project_facts
from bianban.reports.duty.facts_prompts import plan_prompts, problem_prompts
from bianban.reports.duty.facts_talks import talk_facts
from bianban.reports.duty.facts_visits import visit_facts

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1–99 in Chinese numerals (一, 十, 十一, 二十三), for "一是…二是…"."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def congress(year: int) -> str:
    """The Party congress whose spirit the year studies (the 20th from 2023, the 19th before)."""
    return "党的二十大" if year >= 2023 else "党的十九大"


def report_title(branch: Branch, year: int) -> str:
    return f"{branch.name}书记{year}年度抓基层党建工作述职报告"


def secretary_name(branch: Branch, on: date) -> str:
    """The 署名: who held the 书记 seat on `on` (or last held it before), else the branch."""
    seat = (CommitteeMember.objects.filter(term__branch=branch, role=CommitteeRole.SECRETARY, since__lte=on)
            .select_related("member__person").order_by("-since", "-pk").first())
    return seat.member.person.name if seat else branch.name


def heading(key: str, section: Section, text: str) -> Block:
    return Block(key=key, section=section, origin=BlockOrigin.HEADING, level=1, template=_escape(text))


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def opening(branch: Branch, year: int) -> Block:
    leader = f"在{branch.parent_committee}的正确领导下，" if branch.parent_committee else ""
    text = (f"今年以来，{leader}{branch.name}认真学习贯彻习近平新时代中国特色社会主义思想和{congress(year)}精神，"
            "紧紧围绕中心工作，真正做到党建工作与业务工作同频共振、协同推进。作为支部书记，本人始终严格要求自己，"
            "切实履行党建工作“第一责任人”职责，以提高党员干部素质为根本，夯实工作基础，探索工作方法，努力提升党建工作水平，"
            f"现就{year}年度党建工作述职如下：")
    return Block(key="opening", section=Section.OPENING, origin=BlockOrigin.GENERATED, template=_escape(text))


def plan_blocks(branch: Branch, year: int, behind: list[DutyItem]) -> list[Block]:
    items = year_items(branch, year + 1)
    intro = (f"{year + 1}年，我将带头履行主体责任，"
             f"坚持以习近平新时代中国特色社会主义思想和{congress(year + 1)}精神为指导，以提升组织力为重点，"
             "着眼强功能、抓基本、补短板、重创新，推动党建工作再上新台阶。")
    lines = plan_lines([i for i in items if i.parent_id is None])
    tasks = "；".join(f"{cn_number(n)}是{line}" for n, line in enumerate(lines, start=1))
    prompts = plan_prompts(year, items, behind)
    return [
        heading("plan.heading", Section.PLAN, f"三、{year + 1}年书记抓基层党建工作的思路、重点和措施"),
        Block(key="plan.intro", section=Section.PLAN, origin=BlockOrigin.SECRETARY, template=_escape(intro)),
        Block(key="plan.text", section=Section.PLAN, origin=BlockOrigin.SECRETARY,
              template=_escape(f"重点抓好以下工作：{tasks}。" if tasks else ""), prompts=prompts),
    ]


def compose_draft(branch: Branch, year: int, *, today: date | None = None) -> Draft:
    """The 述职报告 of `branch` for `year`, as the records stand on `today` (default: the real today)."""
    today = today or timezone.localdate()
    acts = activity_facts(branch, year)
    talks = talk_facts(branch, year)
    duties = duty_facts(branch, year, today)
    visits = visit_facts(branch, year)
    keys = keydate_facts(branch, year)
    blocks: list[Block] = [
        opening(branch, year),
        heading("summary.heading", Section.SUMMARY, "一、工作总结、成绩和经验"),
        summary.duty_block(duties, acts, talks, appraisal_figure(branch, year), year),
        summary.activities_block(acts),
        summary.visits_block(visits),
        summary.project_block(project_facts(branch, year), year),
        summary.ideology_block(ideology_facts(branch, year), acts),
        summary.integrity_block(keys, acts, talks),
        summary.service_block(volunteer_stats(branch, year), acts),
    ]
    behind = duties.behind()
    compliance = compliance_for_year(branch, year, today=today)
    blocks += [
        heading("problems.heading", Section.PROBLEMS, "二、抓基层党建方面存在的突出问题"),
        Block(key="problems.text", section=Section.PROBLEMS, origin=BlockOrigin.SECRETARY,
              prompts=problem_prompts(branch, year, compliance, behind, keys, today)),
    ]
    blocks += plan_blocks(branch, year, behind)
    dated = today if today <= date(year, 12, 31) else date(year, 12, 31)
    return Draft(branch_id=branch.pk, year=year, title=report_title(branch, year), blocks=tuple(blocks),
                 signature=secretary_name(branch, dated), dated=dated,
                 figures_total=sum(len(b.figures) for b in blocks if b.origin == BlockOrigin.GENERATED))
