"""实名制花名册导出: a unit subtree's active placements in the template's columns (so the file imports again),
and its staffing summary. Exports of personal data are audited."""

from io import BytesIO
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.audit import audit
from bianban.core.exceptions import NotFound
from bianban.core.validators import mask_id_number
from bianban.people.selectors import pii_visible
from bianban.staffing import selectors
from bianban.staffing.models import Placement, QuotaLine
from bianban.staffing.roster.columns import BY_KEY, COLUMNS, OFF_QUOTA, ON_QUOTA, SUMMARY_SHEET, choice_label
from bianban.staffing.roster.sheets import BOLD, add_notes_sheet, add_options_sheet, formatted, start_roster_sheet
from bianban.units.models import Unit

SUMMARY_HEADERS = [("单位", 30), ("编制类型", 14), ("经费形式", 12), ("核定", 8), ("实有", 8), ("已核准未入编", 14),
                   ("空编", 8), ("超编", 8), ("超编控制", 12)]


def _scoped_placements(actor: Any, unit: Unit, include_descendants: bool) -> QuerySet[Placement]:
    qs = Placement.objects.all() if actor is None else selectors.placements_for_user(actor)
    qs = qs.filter(ended_on__isnull=True)
    qs = qs.filter(unit__path__startswith=unit.path) if include_descendants else qs.filter(unit=unit)
    return qs.select_related("person", "person__unit", "unit", "line", "division", "approval").order_by(
        "unit__path", "-on_quota", "line__kind", "line__funding", "person__name", "pk")


def _scoped_lines(actor: Any, unit: Unit, include_descendants: bool) -> QuerySet[QuotaLine]:
    qs = QuotaLine.objects.select_related("unit") if actor is None else selectors.quota_lines_for_user(actor)
    qs = qs.filter(unit__path__startswith=unit.path) if include_descendants else qs.filter(unit=unit)
    return qs.order_by("unit__path", "kind", "funding")


def _row(placement: Placement, full: bool) -> list[Any]:
    person = placement.person
    line = placement.line
    values = {
        "unit": placement.unit.name,
        "name": person.name,
        "id_number": person.id_number if full else mask_id_number(person.id_number),
        "sex": person.get_sex_display(),
        # Without people.view_pii the birth date shows as its month, as on the people pages.
        "birth_date": person.birth_date if full else person.birth_date.strftime("%Y-%m"),
        "ethnicity": person.ethnicity,
        "political_status": person.get_political_status_display(),
        "education": choice_label(BY_KEY["education"], person.education) if person.education else "",
        "work_started_on": person.work_started_on,
        "quota_status": ON_QUOTA if placement.on_quota else OFF_QUOTA,
        "kind": line.get_kind_display() if line else "",
        "funding": line.get_funding_display() if line else "",
        "division": placement.division.name if placement.division_id else "",
        "title": placement.title,
        "started_on": placement.started_on,
        "document_no": placement.start_document_no,
        "approval_no": placement.approval.document_no if placement.approval_id else "",
        "note": placement.over_quota_reason or person.note,
    }
    return [values[column.key] for column in COLUMNS]


def _summary(wb: Workbook, lines: QuerySet[QuotaLine]) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    for index, (_, width) in enumerate(SUMMARY_HEADERS):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title, _ in SUMMARY_HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = BOLD
        header.append(cell)
    ws.append(header)
    totals = [0, 0, 0, 0, 0]
    for line in lines:
        numbers = [line.approved, line.occupied, line.reserved, line.vacant, line.over]
        totals = [a + b for a, b in zip(totals, numbers, strict=True)]
        ws.append([line.unit.name, line.get_kind_display(), line.get_funding_display(), *numbers,
                   line.get_enforcement_display()])
    total_cells = []
    for value in ["合计", "", "", *totals, ""]:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = BOLD
        total_cells.append(cell)
    ws.append(total_cells)


@transaction.atomic(durable=True)
def roster_export(*, actor: Any, unit: Unit, include_descendants: bool = True) -> bytes:
    """The roster of `unit` (and, by default, of every unit under it) that the actor may see, as .xlsx: sheet
    实名制花名册 in the template's columns and sheet 编制情况 (per unit and line, with totals). ID numbers are masked
    where the actor lacks people.view_pii for the person's unit; the export is audited with how many left in full."""
    if actor is not None and not unit_allows(actor, Perm.UNITS_VIEW, unit):
        raise NotFound("机构不存在或无权访问")
    wb = Workbook(write_only=True)
    ws = start_roster_sheet(wb)
    rows = unmasked = 0
    for placement in _scoped_placements(actor, unit, include_descendants).iterator(chunk_size=2000):
        full = actor is None or pii_visible(actor, placement.person)
        unmasked += full
        rows += 1
        ws.append([formatted(ws, column, value)
                   for column, value in zip(COLUMNS, _row(placement, full), strict=True)])
    _summary(wb, _scoped_lines(actor, unit, include_descendants))
    add_notes_sheet(wb)
    add_options_sheet(wb)
    buffer = BytesIO()
    wb.save(buffer)
    audit(actor=actor, action="roster.export", target=unit, unit_id=unit.pk,
          reason=f"导出{unit.name}{'及下属单位' if include_descendants else ''}的实名制花名册",
          changes={"rows": [None, rows], "unmasked_id_numbers": [None, unmasked],
                   "include_descendants": [None, include_descendants]})
    return buffer.getvalue()


@transaction.atomic(durable=True)
def roster_file_download(*, actor: Any, job: Any, error_file: bool = False) -> None:
    """Record that the actor downloaded an uploaded roster again (or its error workbook, which repeats the rows):
    the file holds every row's full ID number, so taking it is an export of personal data like roster_export."""
    audit(actor=actor, action="roster.download", target=job,
          reason="下载错误标注工作簿" if error_file else "下载上传的花名册原件",
          changes={"file": [None, job.original_name]})
