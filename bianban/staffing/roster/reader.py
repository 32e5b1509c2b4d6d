"""Reading a roster workbook with python-calamine, and turning its cells into plain values per column.

calamine returns whole numbers as floats, date cells as `date` (date-times as `datetime`) and everything else as
`str`; an ID number typed as a number arrives as a float that has already lost its last digits.
"""

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

from bianban.core.exceptions import ValidationFailed
from bianban.core.text import CONTROL_CHARACTERS
from bianban.core.uploads import check_ooxml
from bianban.staffing.roster.columns import (
    COLUMNS,
    ERRORS_SHEET,
    NOTES_SHEET,
    OPTIONS_SHEET,
    SHEET,
    SUMMARY_SHEET,
    match_headers,
)

ZIP_MAGIC = b"PK\x03\x04"
_SPACES = re.compile(r"[\s\u3000]+")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EARLIEST = date(1900, 1, 1)


def max_bytes() -> int:
    return int(settings.BIANBAN.get("IMPORT_MAX_MB", 50)) * 1024 * 1024


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed.on("file", message)


@dataclass(frozen=True)
class RosterFile:
    """The uploaded bytes, checked to be a workbook of acceptable size, with the name and digest to record."""

    name: str
    content: bytes
    sha256: str


def load(path_or_file: str | os.PathLike | IO[bytes]) -> RosterFile:
    """The file's content, or ValidationFailed (field "file") when it is missing, too large or not .xlsx."""
    limit = max_bytes()
    limit_mb = limit // (1024 * 1024)
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        if not path.is_file():
            raise _refuse(f"找不到文件：{path}")
        name = path.name
        if path.stat().st_size > limit:
            raise _refuse(f"文件过大（{path.stat().st_size / 1048576:.1f} MB），不能超过 {limit_mb} MB")
        content = path.read_bytes()
    else:
        name = Path(getattr(path_or_file, "name", "") or "花名册.xlsx").name
        size = getattr(path_or_file, "size", None)
        if isinstance(size, int) and size > limit:
            raise _refuse(f"文件过大（{size / 1048576:.1f} MB），不能超过 {limit_mb} MB")
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
        content = path_or_file.read(limit + 1)
        if len(content) > limit:
            raise _refuse(f"文件过大，不能超过 {limit_mb} MB")
    if not name.lower().endswith(".xlsx") or not content.startswith(ZIP_MAGIC):
        raise _refuse("文件不是 Excel 工作簿（.xlsx）；请使用系统提供的模板填写，另存为 .xlsx 后再上传")
    check_ooxml(BytesIO(content))
    return RosterFile(name=name, content=content, sha256=hashlib.sha256(content).hexdigest())


@dataclass
class Sheet:
    """The roster sheet: its header cells, where each known column is, and its data rows (lazily)."""

    name: str
    headers: list[str]
    positions: dict[str, int]  # column key → index in the row
    total: int  # data rows, blank ones included
    rows: Iterator[tuple[int, list[Any]]]  # (Excel row number, cells)


def _pick_sheet(workbook: CalamineWorkbook) -> str:
    names = workbook.sheet_names
    if SHEET in names:
        return SHEET
    for name in names:
        if name not in (NOTES_SHEET, OPTIONS_SHEET, SUMMARY_SHEET, ERRORS_SHEET):
            return name
    raise _refuse(f"工作簿中没有“{SHEET}”工作表")


def open_sheet(content: bytes) -> Sheet:
    """Open the roster sheet; the first row is the header. A file calamine cannot open is refused."""
    try:
        workbook = CalamineWorkbook.from_filelike(BytesIO(content))
        name = _pick_sheet(workbook)
        sheet = workbook.get_sheet_by_name(name)
    except (CalamineError, ValueError, OSError) as exc:
        raise _refuse(f"文件无法读取，不是有效的 .xlsx 工作簿（{type(exc).__name__}）") from None
    start = sheet.start or (0, 0)
    pad = [""] * start[1]  # calamine's rows start at row 1 but at the first used column
    height = sheet.height + start[0] if sheet.start else 0

    def cells() -> Iterator[list[Any]]:
        for row in sheet.iter_rows():
            yield pad + row if pad else row

    iterator = cells()
    header_cells = next(iterator, [])
    headers = [str(cell).strip() if cell is not None else "" for cell in header_cells]

    return Sheet(name=name, headers=headers, positions=match_headers(headers), total=max(height - 1, 0),
                 rows=enumerate(iterator, start=2))


def missing_headers(sheet: Sheet) -> list[str]:
    return [column.header for column in COLUMNS if column.header_required and column.key not in sheet.positions]


# --- cell values, per column kind ------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is shown to the user."""


def text(value: Any) -> str:
    """Any cell as text: floats that are whole numbers without ".0", dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _SPACES.sub(" ", CONTROL_CHARACTERS.sub("", value)).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def compact(value: Any) -> str:
    """Text with every space removed (names, ID numbers, choice labels)."""
    return _SPACES.sub("", text(value))


def _valid_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"“{year:04d}-{month:02d}-{day:02d}”不是有效日期") from None


def to_date(value: Any) -> date | None:
    """A date cell, a date-time cell (its date), or text yyyy-mm-dd (also yyyy/mm/dd, yyyy.mm.dd, yyyymmdd)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, float) and value.is_integer() and _DATE_DIGITS.match(str(int(value))):
        match = _DATE_DIGITS.match(str(int(value)))
        day = _valid_date(*(int(part) for part in match.groups()))  # type: ignore[union-attr]
    elif isinstance(value, str):
        raw = compact(value)
        if not raw:
            return None
        match = _DATE_TEXT.match(raw) or _DATE_DIGITS.match(raw)
        if match is None:
            raise CellError(f"“{raw}”不是日期，请按 yyyy-mm-dd 填写，如 2020-03-01")
        day = _valid_date(*(int(part) for part in match.groups()))
    elif isinstance(value, timedelta | float | int):
        raise CellError(f"“{text(value)}”不是日期，请按 yyyy-mm-dd 填写，如 2020-03-01")
    else:
        raise CellError("不是日期，请按 yyyy-mm-dd 填写")
    if day < EARLIEST:
        raise CellError(f"日期{day.isoformat()}早于1900年，请核对")
    return day


def id_text(value: Any) -> str:
    """An ID number cell as text; a number is refused, since Excel keeps only 15 significant digits."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise CellError(
            "身份证号码被保存成了数字（Excel 只保留15位有效数字，末几位已丢失）；"
            "请把该列设置为文本格式后重新输入号码"
        )
    return compact(value).upper()


def cell(row: list[Any], positions: dict[str, int], key: str) -> Any:
    """The raw cell of column `key` in the row ("" when the file has no such column or the row is short)."""
    index = positions.get(key)
    if index is None or index >= len(row):
        return ""
    return row[index]


def is_blank(row: list[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)

