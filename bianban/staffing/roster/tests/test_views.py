"""The roster pages: template download, upload (the run is a task; the immediate backend runs it at once), the
status page and its htmx polling fragment, the error workbook, the list of runs, the export, and who may use them."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bianban.core.models import AuditEvent
from bianban.staffing.models import Placement
from bianban.staffing.roster.columns import ERRORS_SHEET, HEADERS, SHEET
from bianban.staffing.roster.models import ImportStatus, RosterImport
from bianban.staffing.roster.tests.helpers import row, workbook
from bianban.staffing.tests.helpers import institution_line

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def upload(client, path, mode="import"):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), "mode": mode}
    return client.post(reverse("roster:upload"), data)


@pytest.fixture
def school_line(district):
    return institution_line(district.school, 5)


def test_staff_upload_a_roster_that_is_imported_by_the_task_and_see_the_result(school_line, staff, client_for,
                                                                               tmp_path):
    client = client_for(staff)
    assert client.get(reverse("roster:upload")).status_code == 200
    response = upload(client, workbook(tmp_path / "花名册.xlsx", [row(), row(姓名="李明")]))
    job = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("roster:import_detail", args=[job.pk])
    assert (job.status, job.actor, job.original_name, job.dry_run) == (ImportStatus.DONE, staff, "花名册.xlsx", False)
    assert job.counts["placements"] == 2 and job.percent == 100
    assert Placement.objects.filter(unit=school_line.unit).count() == 2
    assert AuditEvent.objects.filter(action="roster.upload", actor=staff).exists()

    html = client.get(response.url).content.decode()
    assert "导入完成：2 人" in html and "hx-trigger" not in html
    fragment = client.get(response.url, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="import-status"') and "<html" not in fragment
    assert "progress-bar" in fragment
    assert "花名册.xlsx" in client.get(reverse("roster:imports")).content.decode()


def test_a_rejected_upload_shows_the_first_errors_and_offers_the_error_workbook(school_line, staff, client_for,
                                                                             tmp_path):
    client = client_for(staff)
    upload(client, workbook(tmp_path / "bad.xlsx", [row(性别="女"), row(民族="汉")]), mode="validate")
    job = RosterImport.objects.get()
    assert job.status == ImportStatus.REJECTED and job.error_count == 2
    html = client.get(reverse("roster:import_detail", args=[job.pk])).content.decode()
    assert "性别与身份证号码不一致" in html and 'data-testid="import-errors"' in html
    response = client.get(reverse("roster:import_errors", args=[job.pk]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == [ERRORS_SHEET, SHEET]
    assert not Placement.objects.exists()


def test_a_valid_dry_run_says_so_and_writes_nothing(school_line, staff, client_for, tmp_path):
    upload(client_for(staff), workbook(tmp_path / "ok.xlsx", [row()]), mode="validate")
    job = RosterImport.objects.get()
    assert job.status == ImportStatus.DONE and "校验通过" in job.message
    assert not Placement.objects.exists()


def test_a_file_that_is_not_xlsx_is_refused_by_the_form(staff, client_for, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("姓名\n", encoding="utf-8")
    response = upload(client_for(staff), path)
    assert response.status_code == 200 and "请上传 .xlsx 格式的 Excel 工作簿" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_status_page_still_running_polls_every_second(staff, client_for, tmp_path, school_line):
    upload(client_for(staff), workbook(tmp_path / "ok.xlsx", [row()]))
    job = RosterImport.objects.get()
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, phase="validate", rows_done=50,
                                                  rows_total=100)
    fragment = client_for(staff).get(reverse("roster:import_detail", args=[job.pk]), **HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "逐行校验：50 / 100 行" in fragment and "42%" in fragment


def test_a_liaison_gets_404_on_the_upload_page_and_the_runs(liaison, staff, client_for, tmp_path, school_line):
    upload(client_for(staff), workbook(tmp_path / "ok.xlsx", [row()]))
    job = RosterImport.objects.get()
    client = client_for(liaison)
    assert client.get(reverse("roster:upload")).status_code == 404
    assert client.get(reverse("roster:imports")).status_code == 404
    assert client.get(reverse("roster:import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("roster:import_file", args=[job.pk])).status_code == 404


def test_anyone_who_sees_units_may_download_the_template(liaison, client_for):
    response = client_for(liaison).get(reverse("roster:template"))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(BytesIO(b"".join(response.streaming_content)))
    assert book.get_sheet_by_name(SHEET).to_python()[0] == HEADERS


def test_the_export_downloads_a_units_roster_and_hides_other_units(district, liaison, client_for):
    client = client_for(liaison)
    response = client.get(reverse("roster:export"), {"unit": district.edu.pk, "descendants": "1"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="roster.export", actor=liaison).exists()
    assert client.get(reverse("roster:export"), {"unit": district.hospital.pk}).status_code == 404
    assert client.get(reverse("roster:export"), {"unit": "abc"}).status_code == 404
