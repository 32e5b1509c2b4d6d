"""The appraisal as an xlsx workbook: the results (评定结果) and, for those who keep the records, the tallies
(互评计票). Neither sheet can link a voter to a grade: only counts per member exist."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bianban.party.appraisals.selectors import Progress, TallyRow, active_grades
from bianban.party.models import Appraisal, AppraisalResult, SelfEvaluation


def _sheet(ws: Worksheet, title: str, heading: str, columns: list[str], widths: list[int],
           rows: list[list]) -> None:
    ws.title = title
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(columns)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def appraisal_workbook(appraisal: Appraisal, results: list[AppraisalResult], self_evaluations: list[SelfEvaluation],
                       tallies: list[TallyRow] | None, progress: Progress | None) -> bytes:
    wb = Workbook()
    heading = f"{appraisal.branch.name}{appraisal.year}年度民主评议党员"
    self_grades = {e.member_id: e.get_grade_display() for e in self_evaluations}
    rows = [[i, r.member.person.name, r.member.group.name if r.member.group else "",
             r.member.get_status_display(), self_grades.get(r.member_id, ""), r.get_grade_display(), r.note]
            for i, r in enumerate(results, 1)]
    _sheet(wb.active, "评定结果", f"{heading}评定结果",
           ["序号", "姓名", "党小组", "党员身份", "自评等次", "评定等次", "说明"], [6, 12, 14, 10, 10, 10, 40], rows)
    if tallies is not None:
        grades = active_grades()
        tally_rows = [[i, t.member.person.name, *(t.count(g) for g in grades), t.total]
                      for i, t in enumerate(tallies, 1)]
        _sheet(wb.create_sheet(), "互评计票", f"{heading}互评计票",
               ["序号", "姓名", *(g.label for g in grades), "合计"], [6, 12, *([10] * len(grades)), 8], tally_rows)
        if progress is not None:
            ws = wb["互评计票"]
            ws.append([])
            ws.append(["", f"应投票{progress.voters_due}人，收回选票{progress.entered}张"
                           f"（{'纸质' if progress.mode == 'paper' else '在线'}）"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
