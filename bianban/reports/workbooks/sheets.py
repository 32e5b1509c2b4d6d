"""Writing the statistics workbooks: openpyxl's write-only mode (rows streamed to the file, so 20,000 units cost
little memory), one `Sheet` per table with a title row, a note row, the column headers and the 合计 row first —
as Chinese statistical forms print their 总计 — all frozen, then the data rows; number formats per column."""

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bianban.core.text import without_control_characters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT = None
INT = "#,##0"
HOURS = "#,##0.0"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_NOTE = Font(size=9, color="666666")
_HEADER_FILL = PatternFill("solid", fgColor="E9EEF5")
_TOTAL_FILL = PatternFill("solid", fgColor="FFF6DA")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")

TOTAL_LABEL = "合计"
HEADER_ROWS = 3  # title, note, column headers; the 合计 row is the fourth


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    fmt: str | None = TEXT


class Sheet:
    """One write-only worksheet. Rows are written in order: `__init__` writes the title, note and headers, then
    `total` (optional, once) and `row` for the data. `frozen_columns` stay visible when scrolling right."""

    def __init__(self, book: Workbook, title: str, heading: str, note: str, columns: list[Column],
                 frozen_columns: int = 1) -> None:
        self.ws = book.create_sheet(title)
        self.columns = columns
        self.rows = 0
        for index, column in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        # Freeze below the 合计 row (the headers and the totals stay in view) and right of the name columns.
        self.ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{HEADER_ROWS + 2}"
        self.ws.append([self._cell(heading, font=_TITLE)])
        self.ws.append([self._cell(note, font=_NOTE)])
        self.ws.append([self._cell(c.header, font=_BOLD, fill=_HEADER_FILL, alignment=_WRAP) for c in columns])
        self._formats = [c.fmt for c in columns]

    def _cell(self, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
              alignment: Alignment | None = None, fmt: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        if fmt is not None:
            cell.number_format = fmt
        return cell

    def total(self, values: list[Any]) -> None:
        self.ws.append([self._cell(v, font=_BOLD, fill=_TOTAL_FILL, fmt=f if v is not None else None)
                        for v, f in zip(values, self._formats, strict=True)])

    def row(self, values: list[Any]) -> None:
        """A data row: text as is, numbers with their column's format (empty cells stay empty)."""
        cells: list[Any] = []
        for value, fmt in zip(values, self._formats, strict=True):
            if isinstance(value, str):
                value = without_control_characters(value)  # a record written before input was cleaned
            if fmt is None or value is None:
                cells.append(value)
            else:
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = fmt
                cells.append(cell)
        self.ws.append(cells)
        self.rows += 1

    def blank(self) -> None:
        self.ws.append([])

    def plain(self, values: list[Any], *, bold: bool = False) -> None:
        """A free row below a table (a second table's heading, a remark), not formatted by the columns."""
        self.ws.append([self._cell(v, font=_BOLD) if bold and v is not None else v for v in values])


def new_book() -> Workbook:
    return Workbook(write_only=True)


def book_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ratio(part: int | float, whole: int | float) -> float | None:
    """`part / whole` as a fraction for a percent cell; empty where there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    """A download with the Chinese file name in RFC 5987 form and an ASCII fallback for old clients."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"statistics.xlsx\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
