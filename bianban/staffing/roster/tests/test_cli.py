"""`bianban roster`: template, import (exit 0 imported or valid, 1 rejected, 2 file unusable) and export."""

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from bianban.people.models import Person
from bianban.staffing.models import Placement
from bianban.staffing.roster.columns import ERRORS_SHEET, HEADERS, NOTES_SHEET, SHEET, SUMMARY_SHEET
from bianban.staffing.roster.tests.helpers import row, workbook
from bianban.staffing.tests.helpers import institution_line

pytestmark = pytest.mark.django_db


def roster(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("roster", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code)
    return code, out.getvalue(), err.getvalue()


def test_template_writes_the_blank_template(tmp_path):
    path = tmp_path / "模板.xlsx"
    code, out, _ = roster("template", str(path))
    assert code == 0 and "已写出模板" in out
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names[:2] == [SHEET, NOTES_SHEET]
    assert book.get_sheet_by_name(SHEET).to_python()[0] == HEADERS


def test_a_valid_file_imports_with_exit_0_and_a_progress_bar(district, tmp_path):
    institution_line(district.school, 5)
    path = workbook(tmp_path / "ok.xlsx", [row(), row(姓名="李明")])
    code, out, err = roster("import", str(path))
    assert code == 0
    assert "导入完成：2 人（在编 2，编外 0；新登记 2，已登记 0），涉及 1 个单位" in out
    assert "\r校验 [" in err and "\r写入 [" in err and "2/2 行" in err
    assert Placement.objects.count() == 2


def test_a_dry_run_exits_0_and_writes_nothing(district, tmp_path):
    institution_line(district.school, 5)
    code, out, _ = roster("import", str(workbook(tmp_path / "ok.xlsx", [row()])), "--dry-run", "--no-progress")
    assert code == 0 and "校验通过：1 行均无错误" in out
    assert not Person.objects.exists()


def test_a_rejected_file_exits_1_lists_the_errors_and_writes_the_error_workbook(district, tmp_path):
    institution_line(district.school, 5)
    path = workbook(tmp_path / "bad.xlsx", [row(), row(性别="女"), row(民族="汉")])
    errors = tmp_path / "错误.xlsx"
    code, out, err = roster("import", str(path), "--errors", str(errors), "--no-progress")
    assert code == 1 and out == ""
    assert "第3行【性别】性别与身份证号码不一致：号码中为男" in err
    assert "第4行【民族】民族“汉”不在可选范围内" in err
    assert "未通过校验：共 2 处错误，未写入任何数据（3 行）" in err
    assert CalamineWorkbook.from_path(str(errors)).sheet_names == [ERRORS_SHEET, SHEET]
    assert not Person.objects.exists()


def test_a_file_that_is_not_xlsx_exits_2(tmp_path, district):
    path = tmp_path / "名单.txt"
    path.write_text("张三", encoding="utf-8")
    code, _, err = roster("import", str(path))
    assert code == 2 and "错误：文件不是 Excel 工作簿（.xlsx）" in err
    code, _, err = roster("import", str(tmp_path / "无此文件.xlsx"))
    assert code == 2 and "找不到文件" in err


def test_the_console_script_really_exits_2_for_a_file_that_is_not_xlsx(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("姓名\n张三\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "manage.py", "roster", "import", str(path)], cwd=settings.BASE_DIR,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert "文件不是 Excel 工作簿（.xlsx）" in done.stderr


def test_an_import_as_a_user_is_limited_to_their_scope(district, liaison, tmp_path):
    institution_line(district.school, 5)
    code, _, err = roster("import", str(workbook(tmp_path / "ok.xlsx", [row()])), "--user", liaison.username,
                          "--no-progress")
    assert code == 1 and "您没有在“示例区第一中学”办理编制业务的权限" in err


def test_export_writes_the_roster_and_the_staffing_summary(district, tmp_path):
    institution_line(district.school, 5)
    roster("import", str(workbook(tmp_path / "ok.xlsx", [row(姓名="张三")])), "--no-progress")
    out_path = tmp_path / "导出.xlsx"
    code, out, _ = roster("export", "--unit", str(district.edu.pk), str(out_path))
    assert code == 0 and "已导出" in out
    book = CalamineWorkbook.from_path(str(out_path))
    rows = book.get_sheet_by_name(SHEET).to_python()
    assert rows[0] == HEADERS and rows[1][1] == "张三"
    assert book.get_sheet_by_name(SUMMARY_SHEET).to_python()[-1][:6] == ["合计", "", "", 5.0, 1.0, 0.0]
