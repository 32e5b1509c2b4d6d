"""roster_import: a valid file writes persons, placements, counters, 沿革 and one audit event; any bad row writes
nothing and is reported with its row and column; quota room per line; dry runs; approvals; scope."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bianban.core.exceptions import ValidationFailed
from bianban.core.models import AuditEvent
from bianban.people.models import Person
from bianban.people.retirement import retirement_month
from bianban.people.tests.factories import PersonFactory
from bianban.staffing import services
from bianban.staffing.choices import ApprovalStatus, Enforcement
from bianban.staffing.history import recomputed_now
from bianban.staffing.models import Approval, Placement, QuotaLine
from bianban.staffing.roster.columns import ERRORS_HEADER, ERRORS_SHEET, HEADERS, SHEET
from bianban.staffing.roster.errorbook import BAD_FILL, error_workbook
from bianban.staffing.roster.importer import roster_import
from bianban.staffing.roster.tests.helpers import id_number, row, workbook
from bianban.staffing.tests.helpers import admin_line, institution_line
from bianban.units.models import UnitEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_line(district) -> QuotaLine:
    return institution_line(district.school, 5)


@pytest.fixture
def edu_line(district) -> QuotaLine:
    return admin_line(district.edu, 3)


def run(path, actor=None, **kwargs):
    return roster_import(actor=actor, path_or_file=path, **kwargs)


def cells(result) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in result.errors}


class TestAValidFile:
    def test_it_writes_persons_placements_counters_events_and_one_audit_event(self, district, school_line, edu_line,
                                                                             staff, tmp_path):
        known = PersonFactory(name="李四", unit=district.health)
        path = workbook(tmp_path / "ok.xlsx", [
            row(姓名="张三", birth=date(1980, 2, 29)),
            row(姓名="王芳", sex="F", birth=date(1990, 11, 3), 学历="硕士研究生", 政治面貌="群众"),
            row(district.edu, 姓名="李四", 身份证号=known.id_number, 性别="", 出生日期="", 编制类型="行政编制",
                经费形式="—", 职务="科员"),
            row(district.edu, 姓名="赵六", 人员状态="编外", 编制类型="", 经费形式="", 入编文号="聘用合同"),
        ])
        result = run(path, staff)

        assert result.errors == []
        assert (result.rows, result.on_quota, result.off_quota) == (4, 3, 1)
        assert (result.persons_created, result.persons_matched, result.units) == (3, 1, 2)
        zhang = Person.objects.get(name="张三")
        assert zhang.unit == district.school and zhang.sex == "M" and zhang.birth_date == date(1980, 2, 29)
        assert zhang.retirement_month == retirement_month(date(1980, 2, 29), "MALE_60")
        wang = Person.objects.get(name="王芳")
        assert (wang.education, wang.political_status, wang.retirement_category) == ("master", "masses", "FEMALE_55")
        known.refresh_from_db()
        assert known.unit == district.edu  # the matched person moved to the unit that now keeps them
        assert Person.objects.count() == 4

        placements = Placement.objects.filter(ended_on__isnull=True)
        assert placements.count() == 4
        off = placements.get(person__name="赵六")
        assert (off.on_quota, off.line, off.unit) == (False, None, district.edu)
        assert placements.get(person=known).title == "科员"
        for line in (school_line, edu_line):
            line.refresh_from_db()
            assert (line.approved, line.occupied, line.reserved) == tuple(
                getattr(recomputed_now(line), name) for name in ("approved", "occupied", "reserved"))
        assert (school_line.occupied, edu_line.occupied) == (2, 1)

        events = UnitEvent.objects.filter(summary__startswith="实名制花名册导入")
        assert {(e.unit_id, e.summary) for e in events} == {
            (district.school.pk, "实名制花名册导入 2 人（在编 2 人，编外 0 人）"),
            (district.edu.pk, "实名制花名册导入 2 人（在编 1 人，编外 1 人）"),
        }
        event = AuditEvent.objects.get(action="roster.import")
        assert event.pk == result.audit_id and event.actor == staff
        assert event.changes["sha256"] == [None, result.sha256]
        assert event.changes["rows"] == [None, 4] and event.changes["persons_created"] == [None, 3]

    def test_a_fifteen_digit_id_number_is_upgraded_and_dates_may_be_typed_as_text(self, district, school_line,
                                                                                 tmp_path):
        path = workbook(tmp_path / "old.xlsx", [
            row(身份证号="110105710923581", 性别="男", 出生日期="1971-09-23", 入编时间="2024/09/01",
                参加工作时间="19930701"),
        ])
        result = run(path)
        assert result.errors == []
        person = Person.objects.get()
        assert person.id_number == "110105197109235810" and person.birth_date == date(1971, 9, 23)
        assert person.work_started_on == date(1993, 7, 1)

    def test_a_unit_may_be_given_by_its_credit_code(self, district, school_line, tmp_path):
        result = run(workbook(tmp_path / "uscc.xlsx", [row(所在单位=district.school.uscc)]))
        assert result.errors == [] and Placement.objects.get().unit == district.school

    def test_a_dry_run_validates_and_writes_nothing(self, district, school_line, tmp_path):
        result = run(workbook(tmp_path / "dry.xlsx", [row(), row(姓名="李明")]), dry_run=True)
        assert result.ok and not result.written and result.rows == 2
        assert not Person.objects.exists() and not Placement.objects.exists()
        assert not AuditEvent.objects.filter(action="roster.import").exists()
        school_line.refresh_from_db()
        assert school_line.occupied == 0


class TestBadRows:
    def test_a_file_with_bad_rows_writes_nothing_and_reports_each_cell(self, district, tmp_path):
        institution_line(district.school, 20)
        dup = id_number()
        future = timezone.localdate() + timedelta(days=3)
        rows = [
            row(姓名="好人"),                                                # 2: fine
            row(身份证号="110105198001010012"),                              # 3: checksum
            row(性别="女"),                                                  # 4: sex disagrees with the ID
            row(所在单位="不存在的单位"),                                      # 5: unknown unit
            row(入编时间=future),                                            # 6: future date
            row(政治面貌="党外人士"),                                          # 7: not a label
            row(身份证号=dup),                                               # 8
            row(身份证号=dup),                                               # 9: duplicate of row 8
            row(人员状态="编外", 经费形式=""),                                  # 10: 编外 with a 编制类型
            row(身份证号=110105198001010011),                                # 11: typed as a number
            row(编制类型="行政编制", 经费形式="—"),                              # 12: 事业单位 holds no 行政编制
            row(姓名="张 三"),                                               # 13: space in the name
        ]
        path = workbook(tmp_path / "bad.xlsx", rows)
        result = run(path)

        assert not result.ok
        assert cells(result) == {
            (3, "身份证号"), (4, "性别"), (5, "所在单位"), (6, "入编时间"), (7, "政治面貌"), (9, "身份证号"),
            (10, "编制类型"), (11, "身份证号"), (12, "编制类型"), (13, "姓名"),
        }
        messages = {(e.row, e.column): e.message for e in result.errors}
        assert "校验码错误" in messages[(3, "身份证号")]
        assert messages[(4, "性别")] == "性别与身份证号码不一致：号码中为男"
        assert "没有名为“不存在的单位”的单位" in messages[(5, "所在单位")]
        assert "晚于今天" in messages[(6, "入编时间")]
        assert "与第8行重复" in messages[(9, "身份证号")]
        assert "保存成了数字" in messages[(11, "身份证号")]
        assert "混编混岗" in messages[(12, "编制类型")]
        assert not Person.objects.exists() and not Placement.objects.exists()
        assert not UnitEvent.objects.filter(summary__startswith="实名制").exists()
        assert not AuditEvent.objects.filter(action="roster.import").exists()

        content = error_workbook(path, result.errors)
        (tmp_path / "errors.xlsx").write_bytes(content)
        book = load_workbook(tmp_path / "errors.xlsx")
        assert book.sheetnames == [ERRORS_SHEET, SHEET]
        summary = [tuple(r) for r in book[ERRORS_SHEET].iter_rows(min_row=2, values_only=True)]
        assert {(r, c) for r, c, _ in summary} == cells(result)
        sheet = book[SHEET]
        red = {(cell.row, HEADERS[cell.column - 1])
               for line in sheet.iter_rows(min_row=2, max_col=len(HEADERS)) for cell in line
               if cell.fill.fgColor.rgb == "00" + BAD_FILL.fgColor.rgb[-6:]}
        assert red == cells(result)
        assert sheet.cell(row=4, column=HEADERS.index("性别") + 1).comment.text == "性别与身份证号码不一致：号码中为男"
        last = len(HEADERS) + 1
        assert sheet.cell(row=1, column=last).value == ERRORS_HEADER
        assert sheet.cell(row=2, column=last).value is None  # the good row carries no message
        assert "性别与身份证号码不一致" in sheet.cell(row=4, column=last).value
        assert sheet.cell(row=2, column=2).value == "好人"  # the rows are the file's own values

    def test_a_file_missing_a_required_column_is_refused_at_the_header(self, district, school_line, tmp_path):
        headers = [h for h in HEADERS if h != "入编文号"]
        result = run(workbook(tmp_path / "h.xlsx", [row()], headers=headers))
        assert [(e.row, e.message[:13]) for e in result.errors] == [(1, "第1行（表头）缺少必需的列")]
        assert "入编文号" in result.errors[0].message

    def test_an_empty_sheet_is_an_error(self, tmp_path, district):
        result = run(workbook(tmp_path / "e.xlsx", []))
        assert [e.message for e in result.errors] == ["文件中没有人员数据（第1行为表头，人员从第2行起逐行填写）"]

    def test_a_file_that_is_not_xlsx_is_refused_before_reading(self, tmp_path, district):
        path = tmp_path / "名单.csv"
        path.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
        with pytest.raises(ValidationFailed, match="不是 Excel 工作簿"):
            run(path)
        fake = tmp_path / "fake.xlsx"
        fake.write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(ValidationFailed, match="无法读取"):
            run(fake)
        with pytest.raises(ValidationFailed, match="找不到文件"):
            run(tmp_path / "missing.xlsx")

    def test_a_file_larger_than_the_limit_is_refused(self, settings, tmp_path, district, school_line):
        settings.BIANBAN = {**settings.BIANBAN, "IMPORT_MAX_MB": 0}
        with pytest.raises(ValidationFailed, match="文件过大"):
            run(workbook(tmp_path / "big.xlsx", [row()]))

    def test_a_person_already_placed_elsewhere_cannot_be_imported_again(self, district, school_line, edu_line,
                                                                         tmp_path):
        person = PersonFactory(name="钱七", unit=district.edu)
        services.placement_enrol(actor=None, person=person, unit=district.edu, kind=edu_line.kind,
                                 funding=edu_line.funding, on=date(2024, 3, 1), document_no="示人〔2024〕1号")
        result = run(workbook(tmp_path / "twice.xlsx", [row(姓名="钱七", 身份证号=person.id_number)]))
        assert [(e.row, e.column) for e in result.errors] == [(2, "身份证号")]
        assert "目前已在“示例区教育局”在编" in result.errors[0].message
        assert Placement.objects.count() == 1

    def test_a_registered_id_number_under_another_name_is_an_error(self, district, school_line, tmp_path):
        person = PersonFactory(name="孙八", unit=district.school)
        result = run(workbook(tmp_path / "name.xlsx", [row(姓名="孙捌", 身份证号=person.id_number)]))
        assert [e.message for e in result.errors] == ["该身份证号码已登记为“孙八”，与所填姓名不一致"]

    def test_an_unknown_division_and_a_date_before_the_quota_existed_are_errors(self, district, school_line,
                                                                                 tmp_path):
        result = run(workbook(tmp_path / "d.xlsx", [row(内设机构="外星办公室", 入编时间=date(2023, 6, 1))]))
        assert cells(result) == {(2, "内设机构"), (2, "入编时间")}
        assert "不能早于" in {e.column: e.message for e in result.errors}["入编时间"]


class TestQuotaRoom:
    def test_rows_beyond_a_block_lines_vacancies_are_refused_naming_the_line(self, district, tmp_path):
        line = institution_line(district.school, 2)
        result = run(workbook(tmp_path / "over.xlsx", [row(), row(), row(), row()]))
        assert cells(result) == {(4, "编制类型"), (5, "编制类型")}
        message = result.errors[0].message
        assert str(line) in message
        assert "核定 2 名，实有 0 名，已核准未入编 0 名" in message and "超出 2 名" in message
        assert not Placement.objects.exists()
        line.refresh_from_db()
        assert line.occupied == 0

    def test_reserved_slots_count_against_the_room(self, district, tmp_path):
        line = institution_line(district.school, 2)
        services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding, count=1,
                                 document_no="核〔2024〕1号", issued_on=date(2024, 2, 1), valid_until=date(2099, 1, 1))
        result = run(workbook(tmp_path / "r.xlsx", [row(), row()]))
        assert cells(result) == {(3, "编制类型")}
        assert "已核准未入编 1 名" in result.errors[0].message

    def test_a_warn_line_takes_extra_rows_only_with_a_reason_in_the_note(self, district, tmp_path):
        line = institution_line(district.school, 1)
        services.quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="历史遗留")
        refused = run(workbook(tmp_path / "w1.xlsx", [row(), row()]))
        assert cells(refused) == {(3, "备注")}
        accepted = run(workbook(tmp_path / "w2.xlsx", [row(), row(备注="安置退役军人")]))
        assert accepted.errors == []
        assert Placement.objects.filter(over_quota_reason="安置退役军人").count() == 1
        line.refresh_from_db()
        assert (line.occupied, line.over) == (2, 1)

    def test_an_approval_notice_consumes_its_reservation(self, district, tmp_path):
        line = institution_line(district.school, 3)
        approval = services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                            count=2, document_no="核〔2024〕7号", issued_on=date(2024, 2, 1),
                                            valid_until=date(2099, 1, 1))
        result = run(workbook(tmp_path / "a.xlsx", [row(用编核准通知单号="核〔2024〕7号"),
                                                    row(用编核准通知单号="核〔2024〕7号"), row()]))
        assert result.errors == []
        approval.refresh_from_db()
        line.refresh_from_db()
        assert (approval.used, approval.status, approval.closed_on) == (2, ApprovalStatus.USED, date(2024, 9, 1))
        assert (line.occupied, line.reserved) == (3, 0)
        state = recomputed_now(line)
        assert (state.occupied, state.reserved) == (3, 0)
        assert Placement.objects.filter(approval=approval).count() == 2

    def test_a_line_that_requires_approvals_refuses_rows_without_a_notice(self, district, tmp_path):
        line = institution_line(district.school, 3)
        services.quota_line_configure(actor=None, line=line, requires_approval=True)
        result = run(workbook(tmp_path / "n.xlsx", [row(), row(用编核准通知单号="无此单")]))
        assert cells(result) == {(2, "用编核准通知单号"), (3, "用编核准通知单号")}
        assert "先核编、后进人" in result.errors[0].message
        assert "没有通知单号为“无此单”的用编核准" in result.errors[1].message
        assert not Approval.objects.exists()


class TestScope:
    def test_a_user_without_staffing_rights_in_the_unit_gets_an_error_on_each_row(self, district, school_line,
                                                                                   liaison, tmp_path):
        result = run(workbook(tmp_path / "l.xlsx", [row()]), liaison)
        assert [e.message for e in result.errors] == ["您没有在“示例区第一中学”办理编制业务的权限"]

    def test_a_unit_outside_the_users_scope_reads_as_unknown(self, district, liaison, tmp_path):
        institution_line(district.hospital, 2)
        result = run(workbook(tmp_path / "h.xlsx", [row(district.hospital)]), liaison)
        assert [e.message for e in result.errors] == [
            "系统中没有名为“示例区人民医院”的单位（须填写机构全称或统一社会信用代码）"]


def test_the_number_of_queries_does_not_grow_with_the_rows(district, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    institution_line(district.school, 100)
    admin_line(district.edu, 100)

    def queries(n: int, name: str) -> int:
        rows = [row() if i % 2 else row(district.edu, 编制类型="行政编制", 经费形式="—") for i in range(n)]
        path = workbook(tmp_path / name, rows)
        with CaptureQueriesContext(connection) as captured:
            assert run(path).errors == []
        return len(captured)

    assert queries(4, "small.xlsx") == queries(40, "large.xlsx")
