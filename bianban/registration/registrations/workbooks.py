"""xlsx files of the register, written with openpyxl: the import template, the error workbook of a rejected
import (错误汇总 first, then the rows as read with each bad cell red and commented, and a 错误说明 column), and the
export of the register."""

import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bianban.registration.choices import FundingSource
from bianban.registration.models import Registration
from bianban.registration.registrations.importer import COLUMNS, SHEET, RowError, Table
from bianban.registration.registrations.selectors import expiry_state

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BAD_FILL = PatternFill("solid", fgColor="FF9999")
ROW_FILL = PatternFill("solid", fgColor="FFE5E5")
DATE_FORMAT = "yyyy-mm-dd"
AUTHOR = "编办工作平台"
EXPORT_COLUMNS = ["序号", "名称", "统一社会信用代码", "举办单位", "法定代表人", "宗旨和业务范围", "住所",
                  "开办资金（万元）", "经费来源", "登记管理机关", "设立登记日期", "证书号", "证书有效期至",
                  "证书状态", "状态"]
EXPORT_WIDTHS = [6, 30, 22, 24, 10, 40, 30, 12, 14, 20, 12, 20, 12, 10, 8]


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws: Worksheet, titles: list[str], widths: list[int]) -> None:
    ws.append(titles)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def template_workbook() -> bytes:
    """The blank import sheet with one example row, and a 填写说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _header(ws, [c.header for c in COLUMNS], [16 if c.kind == "date" else 22 for c in COLUMNS])
    for column in ws[1]:
        if any(c.header == column.value and c.required for c in COLUMNS):
            column.font = Font(bold=True, color="C00000")
    notes = wb.create_sheet("填写说明")
    for line in [
        "每行一个已登记的事业单位；红色表头为必填列。全部行校验通过才会导入，否则不写入任何数据并返回错误标注工作簿。",
        "单位名称或统一社会信用代码用于匹配机构库中的事业单位（先按代码，再按名称）；代码须以“12”开头。",
        "统一社会信用代码校验位不符的，须在“校验码不符说明”中写明理由。",
        f"经费来源填写：{'、'.join(FundingSource.labels)}。开办资金以万元为单位，最多2位小数。",
        "举办单位填写机构库中的单位全称或规范简称。日期按 yyyy-mm-dd 填写，不得晚于今天。",
        "证书号、发证日期、有效期起为现行法人证书信息，可不填；有效期起不填则与发证日期相同。",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    return _save(wb)


def error_workbook(table: Table, errors: list[RowError]) -> bytes:
    """Where each error is: the 错误汇总 sheet, then the uploaded rows with bad cells red and commented."""
    wb = Workbook()
    summary = wb.active
    summary.title = "错误汇总"
    _header(summary, ["行号", "列", "说明"], [8, 18, 100])
    for error in errors:
        where = error.column or ("表头" if error.row == 1 else "整行" if error.row else "整个文件")
        summary.append([error.row or "", where, error.message])
    ws = wb.create_sheet(SHEET)
    width = max(len(table.headers), 1)
    _header(ws, [*table.headers, "错误说明"], [18] * width + [80])
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    wrap = Alignment(wrap_text=True, vertical="top")
    for out_row, (number, row) in enumerate(table.rows, start=2):
        ws.append([value if value != "" else None for value in row])
        for cell in ws[out_row]:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
        problems = by_row.get(number, [])
        per_cell: dict[int, list[str]] = defaultdict(list)
        for error in problems:
            index = table.positions.get(error.key)
            if index is not None:
                per_cell[index].append(error.message)
        for index, messages in per_cell.items():
            cell = ws.cell(row=out_row, column=index + 1)
            cell.fill = BAD_FILL
            cell.comment = Comment("\n".join(messages), AUTHOR)
        if problems:
            note = ws.cell(row=out_row, column=width + 1,
                           value="；".join(f"第{number}行 {e.column}：{e.message}" if e.column else
                                          f"第{number}行：{e.message}" for e in problems))
            note.fill, note.alignment = ROW_FILL, wrap
    return _save(wb)


def _row(index: int, reg: Registration, cert: Any, today: date) -> list[Any]:
    state = ""
    if cert is not None:
        state = {"expired": "已过期", "expiring": "即将到期"}.get(expiry_state(cert.valid_until, today), "有效")
    return [index, reg.name, reg.uscc, reg.sponsor.name, reg.legal_representative, reg.purpose, reg.address,
            float(reg.capital), reg.get_funding_source_display(), reg.authority, reg.registered_on,
            cert.number if cert else "", cert.valid_until if cert else None, state, reg.get_status_display()]


def register_workbook(registrations: Iterable[Registration], today: date) -> bytes:
    """The register (事业单位登记台账) with the current certificate of each institution."""
    wb = Workbook()
    ws = wb.active
    ws.title = "事业单位登记台账"
    _header(ws, EXPORT_COLUMNS, EXPORT_WIDTHS)
    for index, reg in enumerate(registrations, 1):
        current = next((c for c in reg.certificates.all() if c.is_current), None)
        ws.append(_row(index, reg, current, today))
        for column in (11, 13):
            ws.cell(row=index + 1, column=column).number_format = DATE_FORMAT
        ws.cell(row=index + 1, column=8).number_format = "0.00"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)
