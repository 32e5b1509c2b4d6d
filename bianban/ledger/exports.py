"""The ledger as an xlsx workbook in the usual 台账 columns."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bianban.ledger.choices import MeasureStatus, ProblemStatus
from bianban.ledger.models import Problem

COLUMNS = ["序号", "问题描述", "来源", "责任单位", "责任人", "整改措施", "整改时限", "进展情况", "是否销号"]
WIDTHS = [6, 40, 10, 24, 10, 40, 12, 30, 10]


def _row(index: int, problem: Problem) -> list:
    measures = list(problem.measures.all())
    plan = "\n".join(f"{i}. {m.description}" for i, m in enumerate(measures, 1))
    progress = [problem.get_status_display()]
    progress += [f"{i}. {m.get_status_display()}{'（' + m.note + '）' if m.note else ''}"
                 for i, m in enumerate(measures, 1) if m.status == MeasureStatus.DONE or m.note]
    description = problem.title + (f"：{problem.description}" if problem.description else "")
    return [index, description, problem.get_source_display(), problem.unit.name if problem.unit else "",
            problem.responsible, plan, problem.deadline, "\n".join(progress),
            "是" if problem.status == ProblemStatus.CLOSED else "否"]


def ledger_workbook(problems: Iterable[Problem]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "问题台账"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, problem in enumerate(problems, 1):
        ws.append(_row(index, problem))
        ws.cell(row=index + 1, column=7).number_format = "yyyy-mm-dd"
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
