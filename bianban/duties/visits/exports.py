"""A campaign's visits as an xlsx workbook (走访台账), with the campaign's statistics on a second sheet. Family
circumstances are masked for readers who may not see them (selectors.sees_circumstances)."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bianban.duties.models import Visit, VisitCampaign
from bianban.duties.visits.selectors import circumstances_for
from bianban.duties.visits.stats import VisitStats

COLUMNS = ["序号", "走访日期", "走访力量", "走访人员", "街道", "社区", "走访对象群体", "户数", "人数", "家庭情况",
           "走访情况", "收集的问题和意见建议"]
WIDTHS = [6, 12, 14, 20, 14, 14, 14, 8, 8, 30, 40, 60]


def _issues(visit: Visit) -> str:
    lines = []
    for i, issue in enumerate(visit.issues.all(), 1):
        status = f"（{issue.problem.get_status_display()}）" if issue.problem_id else ""
        lines.append(f"{i}. 【{issue.get_topic_display()}】{issue.content} → {issue.department}{status}")
    return "\n".join(lines)


def _row(index: int, visit: Visit, sees: bool) -> list:
    visitors = "、".join(f"{v}（{v.get_role_display()}）" for v in visit.visitors.all())
    return [index, visit.visited_on, visit.get_team_role_display(), visitors, visit.street, visit.community,
            visit.get_group_display(), visit.households, visit.people, circumstances_for(sees, visit),
            visit.summary, _issues(visit)]


def _header(ws: Worksheet, columns: list[str], widths: list[int]) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width


def visits_workbook(campaign: VisitCampaign, visits: Iterable[Visit], stats: VisitStats, *, sees: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "走访记录"
    _header(ws, COLUMNS, WIDTHS)
    for index, visit in enumerate(visits, 1):
        ws.append(_row(index, visit, sees))
        ws.cell(row=index + 1, column=2).number_format = "yyyy-mm-dd"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    summary = wb.create_sheet("统计")
    _header(summary, ["走访力量", "走访次数", "户数", "人数"], [28, 10, 10, 10])
    for _, label, tally in stats.role_rows():
        summary.append([label, tally.visits, tally.households, tally.people])
    summary.append(["合计", stats.total.visits, stats.total.households, stats.total.people])
    summary.append([])
    summary.append(["收集问题和意见建议", stats.issues])
    summary.append(["已解决（已销号）", stats.solved])
    summary.append(["未解决", stats.unsolved])
    summary.append(["逾期未解决", stats.overdue])
    summary.append([])
    summary.append([f"{campaign.title}（{campaign.starts_on:%Y-%m-%d}至{campaign.ends_on:%Y-%m-%d}）"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
