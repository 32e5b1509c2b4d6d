"""The year's annual-report status list as an xlsx workbook (年度报告报送情况), with the counts per state on a second
sheet. Audited by the view through services.annual_report_export."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bianban.registration.annual.selectors import STATE_CHOICES, StatusRow

COLUMNS = ["序号", "事业单位", "统一社会信用代码", "举办单位", "设立登记日期", "状态", "是否逾期", "截止日期",
           "提交日期", "举办单位审查日期", "公示日期", "从业人员", "净资产年初数（万元）", "净资产年末数（万元）",
           "退回原因"]
WIDTHS = [6, 30, 22, 24, 14, 16, 10, 12, 12, 16, 12, 10, 18, 18, 30]
DATE_COLUMNS = (5, 8, 9, 10, 11)


def _header(ws: Worksheet, columns: list[str], widths: list[int]) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _late(row: StatusRow) -> str:
    if row.late:
        return "逾期未报"
    return "逾期报送" if row.submitted_late else ""


def _row(index: int, row: StatusRow) -> list:
    reg, report = row.registration, row.report
    return [index, reg.name, reg.uscc, reg.sponsor.name, reg.registered_on, row.state_label, _late(row), row.due_on,
            report.submitted_on if report else None, report.sponsor_reviewed_on if report else None,
            report.published_on if report else None, report.staff_count if report else None,
            report.net_assets_start if report else None, report.net_assets_end if report else None,
            report.returned_reason if report else ""]


def status_workbook(year: int, rows: Iterable[StatusRow], counts: dict[str, int]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年度报告报送情况"
    _header(ws, COLUMNS, WIDTHS)
    for index, row in enumerate(rows, 1):
        ws.append(_row(index, row))
        for column in DATE_COLUMNS:
            ws.cell(row=index + 1, column=column).number_format = "yyyy-mm-dd"
        for column in (13, 14):
            ws.cell(row=index + 1, column=column).number_format = "0.00"
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    summary = wb.create_sheet("统计")
    _header(summary, ["状态", "单位数"], [20, 10])
    for key, label in STATE_CHOICES:
        summary.append([label, counts.get(key, 0)])
    summary.append(["逾期未报", counts.get("late", 0)])
    summary.append(["合计", counts.get("total", 0)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
