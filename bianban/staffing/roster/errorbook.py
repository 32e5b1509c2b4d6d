"""The error workbook of a rejected import: sheet 错误汇总 (行号, 列, 说明) first, then the uploaded rows as they
were read, each bad cell filled red with a comment giving the reason (the first 2,000 bad cells), and a last
column 错误说明 listing all of the row's problems. Rebuilt from the values (write-only) rather than by loading the
upload into openpyxl, which would take gigabytes for 100,000 rows; the values are the file's, the original cell
formatting is not kept."""

import os
from collections import defaultdict
from datetime import date, datetime
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bianban.staffing.roster import reader
from bianban.staffing.roster.columns import ERRORS_HEADER, ERRORS_SHEET
from bianban.staffing.roster.sheets import BOLD, DATE_FORMAT, HEADER_FILL
from bianban.staffing.roster.validate import RowError

BAD_FILL = PatternFill("solid", fgColor="FF9999")
ROW_FILL = PatternFill("solid", fgColor="FFE5E5")
AUTHOR = "编办工作平台"
MAX_ROWS = 1_048_576  # Excel's limit: the summary stops there
# Comments are costly in openpyxl (all kept in memory for the VML drawing: 100,000 took 48 s and 900 MB); past
# this many the bad cells are still red, and every message is in the row's 错误说明 and in 错误汇总.
MAX_COMMENTS = 2000


def _comment(messages: list[str]) -> Comment:
    comment = Comment("\n".join(messages), AUTHOR)
    comment.width, comment.height = 320, 40 + 30 * len(messages)
    return comment


def _summary(wb: Workbook, errors: list[RowError]) -> None:
    ws = wb.create_sheet(ERRORS_SHEET)
    for letter, width in zip("ABC", (8, 18, 100), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    header = []
    for title in ("行号", "列", "说明"):
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        header.append(cell)
    ws.append(header)
    for error in errors[: MAX_ROWS - 1]:
        ws.append([error.row or "", error.column or ("表头" if error.row == 1 else "整个文件"), error.message])


def _value(ws: Any, value: Any) -> Any:
    if value == "":
        return None  # calamine's empty cell: writing nothing keeps the file small
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def error_workbook(path_or_file: str | os.PathLike | IO[bytes] | bytes, errors: list[RowError]) -> bytes:
    """The workbook that shows the user where each error is. `path_or_file` is the rejected upload."""
    content = path_or_file if isinstance(path_or_file, bytes) else reader.load(path_or_file).content
    sheet = reader.open_sheet(content)
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)

    wb = Workbook(write_only=True)
    _summary(wb, errors)
    ws = wb.create_sheet(sheet.name)
    width = max(len(sheet.headers), max(sheet.positions.values(), default=0) + 1)
    for index in range(width):
        ws.column_dimensions[get_column_letter(index + 1)].width = 16
    ws.column_dimensions[get_column_letter(width + 1)].width = 80
    ws.freeze_panes = "A2"
    header = []
    for title in [*sheet.headers, *[""] * (width - len(sheet.headers))]:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        header.append(cell)
    last = WriteOnlyCell(ws, value=ERRORS_HEADER)
    last.font, last.fill = Font(bold=True, color="C00000"), HEADER_FILL
    header.append(last)
    if 1 in by_row:
        last.comment = _comment([e.message for e in by_row[1]])
    ws.append(header)

    wrap = Alignment(wrap_text=True, vertical="top")
    comments = 0
    for number, row in sheet.rows:
        problems = by_row.get(number)
        if not problems:
            ws.append([_value(ws, value) for value in row])
            continue
        cells: list[Any] = [_value(ws, value) for value in row]
        cells.extend([None] * (width - len(cells)))
        per_cell: dict[int, list[str]] = defaultdict(list)
        for error in problems:
            index = sheet.positions.get(error.key)
            if index is not None:
                per_cell[index].append(error.message)
        for index, messages in per_cell.items():
            value = cells[index]
            cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
            cell.fill = BAD_FILL
            if comments < MAX_COMMENTS:
                cell.comment = _comment(messages)
                comments += 1
            cells[index] = cell
        summary = WriteOnlyCell(ws, value="；".join(
            f"{e.column}：{e.message}" if e.column else e.message for e in problems))
        summary.fill, summary.alignment = ROW_FILL, wrap
        cells.append(summary)
        ws.append(cells)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
