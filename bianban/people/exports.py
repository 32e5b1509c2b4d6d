"""The people list as an .xlsx workbook (openpyxl, write-only so that 30,000 rows stay cheap).

Only person_export (services.py) calls this: every export of personal data is audited.
"""

from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bianban.core.validators import mask_id_number
from bianban.people.models import Person
from bianban.people.retirement import format_age, retirement_age
from bianban.people.selectors import pii_visible

HEADERS = [
    ("姓名", 10), ("性别", 6), ("出生年月", 10), ("公民身份号码", 22), ("所在单位", 30), ("民族", 8), ("籍贯", 12),
    ("学历", 12), ("政治面貌", 14), ("参加工作时间", 14), ("原法定退休年龄类别", 20), ("法定退休年龄", 14),
    ("法定退休时间", 12),
]


def people_workbook(user: Any, people: QuerySet[Person]) -> tuple[bytes, int, int]:
    """(content, rows, rows with the full ID number). ID numbers are masked where the user lacks
    people.view_pii on the person's unit, exactly as on screen."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员名单")
    for index, (_, width) in enumerate(HEADERS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title, _ in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    rows = unmasked = 0
    for person in people.select_related("unit").iterator(chunk_size=2000):
        full = pii_visible(user, person)
        unmasked += full
        rows += 1
        ws.append([
            person.name,
            person.get_sex_display(),
            person.birth_date.strftime("%Y-%m"),
            person.id_number if full else mask_id_number(person.id_number),  # text, never a number: keeps the X
            person.unit.name if person.unit_id else "",
            person.ethnicity,
            person.native_place,
            person.get_education_display(),
            person.get_political_status_display(),
            person.work_started_on.isoformat() if person.work_started_on else "",
            person.get_retirement_category_display(),
            format_age(*retirement_age(person.birth_date, person.retirement_category)),
            person.retirement_month.strftime("%Y-%m"),
        ])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), rows, unmasked
