import io
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bianban.core.models import AuditEvent
from bianban.registration.models import Certificate, Registration
from bianban.registration.registrations.importer import COLUMNS, registration_import

HEADERS = [c.header for c in COLUMNS]


def _row(**values: Any) -> list[Any]:
    base = {"单位名称": "示例区第一中学", "统一社会信用代码": "12110105400123456L", "宗旨和业务范围": "教育",
            "住所": "学府路1号", "法定代表人": "张校长", "开办资金（万元）": 1200.5, "经费来源": "财政全额拨款",
            "举办单位": "示例区教育局", "设立登记日期": date(2016, 9, 1), "证书号": "事证第11号",
            "发证日期": date(2022, 1, 5)}
    base.update(values)
    return [base.get(h) for h in HEADERS]


def _upload(*rows: list[Any]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "事业单位登记"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("登记.xlsx", buffer.getvalue())


def _hospital(**values: Any) -> list[Any]:
    return _row(**{"单位名称": "示例区人民医院", "统一社会信用代码": "12110105400123457P", "举办单位": "区卫健局",
                   "证书号": "事证第12号", **values})


def test_a_clean_file_is_imported_whole(staff: Any, district: Any) -> None:
    result = registration_import(actor=staff, upload=_upload(_row(), _hospital(**{"经费来源": "财政差额拨款"})))
    assert result.ok and result.counts() == {"rows": 2, "registrations": 2, "certificates": 2, "errors": 0}
    hospital = Registration.objects.get(unit=district.hospital)
    assert hospital.sponsor == district.health and hospital.funding_source == "partial"
    assert Certificate.objects.get(number="事证第11号").valid_until == date(2027, 1, 4)
    assert AuditEvent.objects.filter(action="registration.import", actor=staff).exists()


def test_one_bad_row_writes_nothing_and_every_error_is_listed(staff: Any, district: Any) -> None:
    result = registration_import(actor=staff, upload=_upload(
        _row(), _hospital(**{"统一社会信用代码": "11330100000123457T", "开办资金（万元）": -1}),
        _row(**{"单位名称": "示例区教育局", "统一社会信用代码": "12110105400123458T"})))
    assert not result.ok
    assert not Registration.objects.exists() and not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="registration.").exists()
    where = {(e.row, e.column) for e in result.errors}
    assert (3, "统一社会信用代码") in where and (3, "开办资金（万元）") in where and (4, "单位名称") in where
    assert all(e.row != 2 for e in result.errors)


def test_the_upload_page_offers_an_error_workbook_marking_the_bad_rows(client_for: Any, staff: Any,
                                                                       district: Any) -> None:
    client = client_for(staff)
    page = client.post(reverse("registration:registration_import"),
                       {"file": _upload(_row(), _hospital(**{"设立登记日期": "2016-13-01"}))})
    assert page.status_code == 422 and "未导入任何数据" in page.content.decode()
    book = client.get(reverse("registration:registration_import_errors"))
    wb = load_workbook(io.BytesIO(b"".join(book.streaming_content)))
    summary = [row for row in wb["错误汇总"].iter_rows(min_row=2, values_only=True)]
    assert summary and summary[0][0] == 3 and summary[0][1] == "设立登记日期"
    sheet = wb["事业单位登记"]
    assert sheet.cell(row=3, column=len(HEADERS) + 1).value.startswith("第3行")
    assert sheet.cell(row=2, column=len(HEADERS) + 1).value is None
    assert not Registration.objects.exists()


def test_the_api_import_returns_counts_or_422_with_the_errors(api_for: Any, staff: Any, district: Any) -> None:
    api = api_for(staff)
    bad = api.post("/api/v1/registrations/import", {"file": _upload(_row(**{"举办单位": "不存在的局"}))})
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"][0] == {"row": 2, "column": "举办单位",
                                                  "message": "机构库中没有名为“不存在的局”的举办单位"}
    good = api.post("/api/v1/registrations/import", {"file": _upload(_row())})
    assert good.status_code == 200 and good.json()["registrations"] == 1


def test_a_file_that_is_not_a_workbook_is_refused(client_for: Any, staff: Any) -> None:
    page = client_for(staff).post(reverse("registration:registration_import"),
                                  {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert page.status_code == 422 and ".xlsx" in page.content.decode()


def test_the_template_and_the_export_are_workbooks(client_for: Any, staff: Any, registration: Any,
                                                   hospital_registration: Any) -> None:
    client = client_for(staff)
    template = client.get(reverse("registration:registration_import_template"))
    assert load_workbook(io.BytesIO(template.content))["事业单位登记"].cell(row=1, column=1).value == "单位名称"
    export = client.get(reverse("registration:registration_export"), {"q": "第一中学"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][1] == "示例区第一中学" and rows[0][11] == "事证第112345号"
    event = AuditEvent.objects.get(action="registration.export")
    assert event.actor == staff and event.changes["count"] == [None, 1]


def test_the_liaison_exports_only_its_subtree(client_for: Any, liaison: Any, registration: Any,
                                              hospital_registration: Any) -> None:
    export = client_for(liaison).get(reverse("registration:registration_export"))
    names = [r[1] for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["示例区第一中学"]
