"""The year's 责任清单 as an xlsx workbook, subtasks numbered under their task (1, 1.1, 1.2 …)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bianban.duties.items.selectors import STATES, Row
from bianban.party.models import Branch

COLUMNS = ["序号", "任务", "具体要求", "责任人/责任科室", "部署月份", "完成情况计算", "量化目标", "已完成",
           "完成时限", "状态", "完成情况说明"]
WIDTHS = [7, 36, 40, 16, 22, 18, 10, 10, 12, 8, 30]


def _line(number: str, row: Row) -> list:
    item, p = row.item, row.progress
    kind = item.get_activity_kind_display() or item.get_talk_kind_display()
    measure = item.get_measure_display() + (f"（{kind}）" if kind else "")
    return [number, item.title, item.description, row.owner, "、".join(f"{m}月" for m in row.months), measure,
            p.target, p.label if p.target is None else p.done, item.due_on, STATES[p.state], item.completion_note]


def items_workbook(branch: Branch, year: int, rows: list[Row]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年党建责任清单"
    ws.append([f"{branch.name}{year}年度党建责任清单"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows, 1):
        ws.append(_line(str(i), row))
        for j, child in enumerate(row.children, 1):
            ws.append(_line(f"{i}.{j}", child))
    for r in ws.iter_rows(min_row=3):
        r[8].number_format = "yyyy-mm-dd"
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
