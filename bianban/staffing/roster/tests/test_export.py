"""roster_export: the template's columns, so that an export imports again; the staffing summary; masking and
audit of personal data; scope."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bianban.core.exceptions import NotFound
from bianban.core.models import AuditEvent
from bianban.core.validators import mask_id_number
from bianban.people.models import Person
from bianban.staffing import services
from bianban.staffing.choices import ReleaseReason
from bianban.staffing.models import Placement
from bianban.staffing.roster.columns import HEADERS, SHEET, SUMMARY_SHEET
from bianban.staffing.roster.exporter import roster_export
from bianban.staffing.roster.importer import roster_import
from bianban.staffing.roster.tests.helpers import row, workbook
from bianban.staffing.tests.helpers import institution_line
from bianban.units.choices import InstitutionClass, UnitKind
from bianban.units.services import unit_create

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes, name: str = SHEET) -> list[list]:
    return CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_name(name).to_python()


@pytest.fixture
def imported(district, staff, tmp_path):
    institution_line(district.school, 5)
    rows = [
        row(姓名="张三", 职务="教师"),
        row(姓名="王芳", sex="F", birth=date(1991, 4, 5), 学历="硕士研究生", 政治面貌="群众", 备注="骨干"),
        row(姓名="赵六", 人员状态="编外", 编制类型="", 经费形式="", 入编文号="聘用合同〔2024〕3号"),
    ]
    path = workbook(tmp_path / "in.xlsx", rows)
    assert roster_import(actor=staff, path_or_file=path).errors == []
    return path


def test_an_export_has_the_template_columns_and_the_imported_values(district, staff, imported):
    content = roster_export(actor=staff, unit=district.edu)
    exported = sheet_rows(content)
    original = CalamineWorkbook.from_path(str(imported)).get_sheet_by_name(SHEET).to_python()
    assert exported[0] == HEADERS
    assert sorted(exported[1:], key=lambda r: r[1]) == sorted(original[1:], key=lambda r: r[1])


def test_an_export_imports_again_on_a_fresh_unit(district, staff, imported, tmp_path):
    content = roster_export(actor=staff, unit=district.school, include_descendants=False)
    for placement in Placement.objects.all():
        services.placement_release(actor=None, placement=placement, reason=ReleaseReason.TRANSFER_OUT,
                                   on=date(2025, 1, 2), document_no="示人〔2025〕1号")
    fresh = unit_create(actor=None, name="示例区第二中学", kind=UnitKind.INSTITUTION, parent=district.edu,
                        institution_class=InstitutionClass.PUBLIC_1)
    institution_line(fresh, 3)
    book = load_workbook(BytesIO(content))
    for (cell,) in book[SHEET].iter_rows(min_row=2, max_col=1):
        cell.value = fresh.name
    book.save(tmp_path / "again.xlsx")

    result = roster_import(actor=staff, path_or_file=tmp_path / "again.xlsx")
    assert result.errors == []
    assert (result.rows, result.persons_matched, result.persons_created) == (3, 3, 0)
    assert set(Placement.objects.filter(unit=fresh, ended_on__isnull=True).values_list("person__name", flat=True)) \
        == {"张三", "王芳", "赵六"}
    assert set(Person.objects.values_list("unit__name", flat=True)) == {fresh.name}


def test_the_summary_sheet_gives_each_line_and_the_totals(district, staff, imported):
    summary = sheet_rows(roster_export(actor=staff, unit=district.edu), SUMMARY_SHEET)
    assert summary[0] == ["单位", "编制类型", "经费形式", "核定", "实有", "已核准未入编", "空编", "超编", "超编控制"]
    assert summary[1][:8] == ["示例区第一中学", "事业编制", "全额拨款", 5.0, 2.0, 0.0, 3.0, 0.0]
    assert summary[-1][:8] == ["合计", "", "", 5.0, 2.0, 0.0, 3.0, 0.0]


def test_id_numbers_are_masked_for_users_without_pii_rights_and_the_export_is_audited(district, reviewer, imported):
    content = roster_export(actor=reviewer, unit=district.edu)
    zhang = Person.objects.get(name="张三")
    exported = {r[1]: r for r in sheet_rows(content)[1:]}
    assert exported["张三"][2] == mask_id_number(zhang.id_number)
    assert exported["张三"][4] == zhang.birth_date.strftime("%Y-%m")
    event = AuditEvent.objects.get(action="roster.export", actor=reviewer)
    assert event.changes["rows"] == [None, 3] and event.changes["unmasked_id_numbers"] == [None, 0]


def test_a_unit_outside_the_users_scope_is_not_found(district, liaison):
    with pytest.raises(NotFound):
        roster_export(actor=liaison, unit=district.hospital)
