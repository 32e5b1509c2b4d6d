"""Writing roster workbooks with openpyxl (write-only, so that 100,000 rows stay cheap): the header row, the
hidden sheet of allowed values with its drop-down lists, the notes sheet, and the blank template."""

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bianban.staffing.roster.columns import (
    CHOICE,
    COLUMNS,
    DATE,
    ID,
    NOTES_SHEET,
    OPTIONS_SHEET,
    SHEET,
    Column,
)

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", fgColor="FDE9E7")
REQUIRED_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)
TEMPLATE_ROWS = 1000  # rows pre-formatted in the blank template (ID numbers as text)
VALIDATED_ROWS = 200_000  # rows the drop-down lists cover


def is_required(column: Column) -> bool:
    return column.required or column.key == "kind"


def choice_columns() -> list[tuple[int, Column]]:
    return [(index, column) for index, column in enumerate(COLUMNS) if column.kind == CHOICE]


def add_options_sheet(wb: Workbook) -> None:
    """A hidden sheet with each choice column's labels in one column, which the drop-down lists refer to
    (an inline list is limited to 255 characters, too short for the 民族)."""
    ws = wb.create_sheet(OPTIONS_SHEET)
    lists = [list(column.choices) for _, column in choice_columns()]
    for row in range(max(len(values) for values in lists)):
        ws.append([values[row] if row < len(values) else None for values in lists])
    ws.sheet_state = "hidden"


def add_validations(ws: Any, *, last_row: int = VALIDATED_ROWS) -> None:
    for option_index, (index, column) in enumerate(choice_columns()):
        letter = get_column_letter(index + 1)
        option_letter = get_column_letter(option_index + 1)
        validation = DataValidation(
            type="list", formula1=f"'{OPTIONS_SHEET}'!${option_letter}$1:${option_letter}${len(column.choices)}",
            allow_blank=True, showErrorMessage=True, errorTitle="不在可选范围内",
            error=f"{column.header}须从下拉列表中选择",
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.data_validations.append(validation)


def header_cells(ws: Any, extra: tuple[str, ...] = ()) -> list[WriteOnlyCell]:
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = REQUIRED_FONT if is_required(column) else BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    for title in extra:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = REQUIRED_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def start_roster_sheet(wb: Workbook, *, extra: tuple[str, ...] = (), extra_widths: tuple[int, ...] = (),
                       title: str = SHEET) -> Any:
    """The roster sheet with its column widths, frozen header row and drop-down lists; rows are appended after."""
    ws = wb.create_sheet(title)
    for index, column in enumerate(COLUMNS):
        ws.column_dimensions[get_column_letter(index + 1)].width = column.width
    for offset, width in enumerate(extra_widths):
        ws.column_dimensions[get_column_letter(len(COLUMNS) + offset + 1)].width = width
    ws.freeze_panes = "A2"
    add_validations(ws)
    ws.append(header_cells(ws, extra))
    return ws


def formatted(ws: Any, column: Column, value: Any) -> Any:
    """A data cell: ID numbers as text (never a number, which would lose digits), dates as yyyy-mm-dd."""
    if column.kind not in (ID, DATE):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = TEXT_FORMAT if column.kind == ID else DATE_FORMAT
    return cell


def notes_rows() -> list[list[str]]:
    """The 填写说明 sheet: one row per column (required, format, what to fill in, allowed values), then the rules."""
    rows = [["列", "必填", "格式", "填写要求", "可选值"]]
    for column in COLUMNS:
        fmt = {ID: "文本", DATE: "日期 yyyy-mm-dd", CHOICE: "下拉选择"}.get(column.kind, "文本")
        required = "是" if column.required else ("在编必填" if column.key == "kind" else "否")
        values = "、".join(column.choices) if column.kind == CHOICE else ""
        if column.key == "ethnicity":
            values = "56个民族全称及“其他”“外国血统”，见下拉列表"
        rows.append([column.header, required, fmt, column.note, values])
    rows.append([])
    rows.extend([line] for line in (
        "填写说明：",
        "1. 第1行为表头，请勿修改、删除或调换；人员从第2行起每人一行。",
        "2. 红色表头为必填列（编制类型在编人员必填）；下拉选择的列请从列表中选择，不要自行输入。",
        "3. 日期一律按 yyyy-mm-dd 填写（如 2020-03-01）；身份证号码列为文本格式，请勿改为数字。",
        "4. 整个文件逐行校验，全部通过才会导入；有任何错误都不写入，并生成标注了错误单元格的工作簿供修改。",
        "5. 在编人员占用所填单位已核定的编制：拦截模式的编制不能超编；预警模式的编制超编时须在备注中说明理由。",
        "6. 已登记的人员（身份证号码相同）不重复登记，只办理入编并调整所在单位；目前已在编或编外在册的须先出编。",
        "7. 导出的花名册与本模板列相同，可修改后再导入；身份证号码被遮挡（如 110105********002X）的行不能导入。",
    ))
    return rows


def add_notes_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCDE", (18, 10, 16, 70, 50), strict=True):
        ws.column_dimensions[letter].width = width
    for values in notes_rows():
        ws.append(values)


def template_workbook() -> bytes:
    """The blank 实名制 template: the roster sheet (header, formats, drop-downs), 填写说明, and the hidden options."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for index, column in enumerate(COLUMNS):
        letter = get_column_letter(index + 1)
        ws.column_dimensions[letter].width = column.width
        header = ws.cell(row=1, column=index + 1, value=column.header)
        header.font = REQUIRED_FONT if is_required(column) else BOLD
        header.fill = HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center")
        if column.kind in (ID, DATE):
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index + 1).number_format = TEXT_FORMAT if column.kind == ID else DATE_FORMAT
    ws.freeze_panes = "A2"
    add_validations(ws)
    add_notes_sheet(wb)
    for cell in wb[NOTES_SHEET][1]:
        cell.font = BOLD
    add_options_sheet(wb)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
