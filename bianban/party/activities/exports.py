"""The yearly study summary as an xlsx workbook: one row per member, the usual 党员学习台账 columns."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bianban.party.activities.selectors import StudyRow
from bianban.party.models import Branch

COLUMNS = ["序号", "姓名", "党小组", "党员身份", "应参加（次）", "参加（次）", "请假（次）", "缺席（次）", "学时"]
WIDTHS = [6, 12, 14, 10, 12, 10, 10, 10, 8]


def study_workbook(branch: Branch, year: int, rows: Iterable[StudyRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年度学习情况"
    ws.append([f"{branch.name}{year}年度党员学习情况统计"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.append(COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    total_sessions, total_hours = 0, 0.0
    for index, row in enumerate(rows, 1):
        member = row.member
        ws.append([index, member.person.name, member.group.name if member.group else "",
                   member.get_status_display(), row.due, row.sessions, row.leave, row.absent, float(row.hours)])
        total_sessions += row.sessions
        total_hours += float(row.hours)
    ws.append(["合计", "", "", "", "", total_sessions, "", "", round(total_hours, 1)])
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
