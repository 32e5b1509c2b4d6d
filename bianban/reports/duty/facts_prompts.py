"""What the records suggest the secretary write about in 二、存在的突出问题 and 三、下一年思路 (shown beside the
editor, never printed): organisational life overdue (the compliance calendar), pairs of members who have not talked
(条例第十九条 coverage), ledger problems from the branch's own work still open, tasks of the list behind, integrity
reminders not done. Each read with the owning app's own rules."""

from collections import defaultdict
from datetime import date

from django.db.models import Q

from bianban.duties.models import DutyItem, ProjectOutcome, VisitIssue
from bianban.ledger.choices import ProblemStatus
from bianban.ledger.models import Problem
from bianban.party.compliance.report import ComplianceReport
from bianban.party.models import Branch, Talk
from bianban.reports.duty.facts_integrity import KeyDateFacts
from bianban.reports.duty.sentences import listing

SHOWN = 5  # names listed in one prompt before "等"


def compliance_prompts(report: ComplianceReport) -> list[str]:
    periods: dict[str, list[str]] = defaultdict(list)
    for item in report.overdue:
        if item.rule.code == "talks":
            continue  # said below, with the coverage's own numbers
        group = f"（{item.group.name}）" if item.group is not None else ""
        periods[item.rule.title].append(f"{item.period.label}{group}")
    prompts = [f"组织生活逾期未完成：{title}（{listing(labels, limit=SHOWN)}）" for title, labels in periods.items()]
    coverage = report.coverage
    if coverage is not None and coverage.gaps:
        prompts.append(f"谈心谈话覆盖不全：应谈{coverage.required}对，已谈{coverage.covered}对（{coverage.percent}%），"
                       f"尚有{len(coverage.gaps)}对党员之间未开展谈心谈话")
    return prompts


def open_problems(branch: Branch, year: int) -> list[tuple[int, str]]:
    """Ledger problems raised by the branch's own work — its visits, its talks, its 书记项目 — up to the end of the
    year and not closed now."""
    ids = (set(VisitIssue.objects.filter(visit__campaign__branch=branch, problem__isnull=False)
               .values_list("problem_id", flat=True))
           | set(Talk.objects.filter(branch=branch, problem__isnull=False).values_list("problem_id", flat=True))
           | set(ProjectOutcome.objects.filter(project__branch=branch, problem__isnull=False)
                 .values_list("problem_id", flat=True)))
    return list(Problem.objects.filter(Q(pk__in=ids), raised_on__lte=date(year, 12, 31))
                .exclude(status=ProblemStatus.CLOSED).order_by("raised_on", "pk").values_list("pk", "title"))


def problem_prompts(branch: Branch, year: int, report: ComplianceReport, behind: list[DutyItem],
                    keys: KeyDateFacts, today: date) -> tuple[str, ...]:
    prompts = compliance_prompts(report)
    problems = open_problems(branch, year)
    if problems:
        prompts.append(f"问题台账尚未销号{len(problems)}个：{listing((t for _, t in problems), limit=SHOWN)}")
    if behind:
        prompts.append(f"责任清单任务滞后{len(behind)}项：{listing((i.title for i in behind), limit=SHOWN)}")
    undone = keys.undone(today)
    if undone:
        prompts.append(f"重要节点廉政提醒未落实{len(undone)}次：{listing((n for _, _, n, _ in undone), limit=SHOWN)}")
    if not prompts:
        prompts.append("记录中未发现逾期或滞后事项，可从党建工作创新、党员教育形式、廉政宣传氛围等方面查找不足")
    return tuple(prompts)


def plan_prompts(year: int, items: list[DutyItem], behind: list[DutyItem]) -> tuple[str, ...]:
    prompts = []
    if items:
        prompts.append(f"{year + 1}年党建责任清单已列任务{len(items)}项，已预填在下方，可增删改写")
    else:
        prompts.append(f"尚未制定{year + 1}年党建责任清单：制定后重新生成，即可预填下一年的重点任务")
    if behind:
        prompts.append(f"本年度滞后的任务可列入下一年措施：{listing((i.title for i in behind), limit=SHOWN)}")
    return tuple(prompts)
