import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianban.core.exceptions import NotFound
from bianban.core.models import AuditEvent
from bianban.ledger import services
from bianban.ledger.choices import ProblemSource, ProblemStatus
from bianban.ledger.exports import COLUMNS
from bianban.ledger.models import Evidence, Problem
from bianban.testing import ScopedAccessContract

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class TestProblemScoping(ScopedAccessContract):
    ui_list = "/ledger/"
    api_list = "/api/v1/problems"

    def make(self, district: Any, unit: Any) -> Problem:
        return services.problem_create(actor=None, source=ProblemSource.MANUAL, title=f"{unit.name}的问题", unit=unit)

    def ui_detail(self, obj: Problem) -> str:
        return reverse("ledger:detail", args=[obj.pk])

    def api_detail(self, obj: Problem) -> str:
        return f"/api/v1/problems/{obj.pk}"

    def test_the_ui_list_holds_only_the_callers_scope(self, district, liaison, client_for):
        self.make(district, district.school)
        self.make(district, district.hospital)
        body = client_for(liaison).get(self.ui_list).content.decode()
        assert "示例区第一中学的问题" in body
        assert "示例区人民医院的问题" not in body


def test_the_list_filters_by_status_and_counts_each_status(district, staff, client_for, make_problem):
    make_problem(title="甲问题")
    moved = make_problem(title="乙问题", unit=district.hospital)
    services.problem_transition(actor=None, problem=moved, to_status=ProblemStatus.IN_PROGRESS)
    client = client_for(staff)
    body = client.get("/ledger/").content.decode()
    assert "甲问题" in body and "乙问题" in body
    assert "合计 2" in body and "待整改 1" in body and "整改中 1" in body
    filtered = client.get("/ledger/", {"status": "in_progress"}, headers={"HX-Request": "true"}).content.decode()
    assert "乙问题" in filtered and "甲问题" not in filtered
    assert "<html" not in filtered
    assert "合计 1" in filtered


def test_the_list_filters_by_unit_subtree_and_overdue_and_marks_overdue_deadlines(
        district, staff, client_for, make_problem):
    make_problem(title="逾期问题", deadline=date(2025, 3, 10))
    make_problem(title="未到期问题", unit=district.hospital, deadline=timezone.localdate() + timedelta(days=30))
    client = client_for(staff)
    body = client.get("/ledger/", {"unit": district.edu.pk}).content.decode()
    assert "逾期问题" in body and "未到期问题" not in body
    assert "text-danger" in body
    body = client.get("/ledger/", {"overdue": "0"}).content.decode()
    assert "未到期问题" in body and "逾期问题</a>" not in body
    assert "逾期 0" in body


def test_staff_register_a_manual_problem_with_a_deadline_in_working_days(district, staff, client_for):
    response = client_for(staff).post(reverse("ledger:create"), {
        "title": "混编混岗", "description": "行政编制人员在事业岗位", "category": "establishment",
        "unit": district.school.pk, "responsible": "张校长", "deadline_workdays": 10})
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:detail", args=[problem.pk])
    assert (problem.source, problem.unit, problem.status) == ("manual", district.school, "open")
    assert problem.deadline > timezone.localdate()


def test_a_liaison_cannot_register_a_problem_for_another_units(district, liaison, client_for):
    response = client_for(liaison).post(reverse("ledger:create"), {
        "title": "越权", "category": "other", "unit": district.hospital.pk})
    assert response.status_code == 200
    assert not Problem.objects.exists()


def test_reviewers_only_see_no_change_buttons_and_admins_see_close_out(
        district, admin, liaison, reviewer, client_for, awaiting):
    url = reverse("ledger:detail", args=[awaiting.pk])
    assert "审核销号" in client_for(admin).get(url).content.decode()
    assert "退回整改" in client_for(admin).get(url).content.decode()
    liaison_page = client_for(liaison).get(url).content.decode()
    assert "审核销号</button>" not in liaison_page
    assert 'data-testid="transitions"' not in client_for(reviewer).get(url).content.decode()


def test_a_liaison_sees_start_rectification_on_an_open_problem(district, liaison, client_for, make_problem):
    problem = make_problem()
    body = client_for(liaison).get(reverse("ledger:detail", args=[problem.pk])).content.decode()
    assert "开始整改</button>" in body
    assert 'data-confirm="确定开始整改？"' in body


def test_a_transition_moves_the_problem_and_shows_on_the_timeline(district, admin, client_for, awaiting):
    client = client_for(admin)
    response = client.post(reverse("ledger:transition", args=[awaiting.pk]),
                           {"from_status": "awaiting_review", "to_status": "closed"}, follow=True)
    awaiting.refresh_from_db()
    assert awaiting.status == "closed"
    assert "问题已改为“已销号”" in response.content.decode()


def test_a_stale_transition_shows_the_conflict_message_and_changes_nothing(district, admin, client_for, awaiting):
    services.problem_transition(actor=None, problem=awaiting, to_status=ProblemStatus.CLOSED)
    response = client_for(admin).post(reverse("ledger:transition", args=[awaiting.pk]),
                                      {"from_status": "awaiting_review", "to_status": "in_progress", "note": "补材料"},
                                      follow=True)
    awaiting.refresh_from_db()
    assert awaiting.status == "closed"
    assert "问题状态已被他人修改，请刷新后重试" in response.content.decode()


def test_returning_for_rework_without_a_note_is_refused_with_a_message(district, admin, client_for, awaiting):
    response = client_for(admin).post(reverse("ledger:transition", args=[awaiting.pk]),
                                      {"from_status": "awaiting_review", "to_status": "in_progress"}, follow=True)
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_review"
    assert "退回整改须填写说明" in response.content.decode()


def test_measures_are_added_and_completed_from_the_problem_page(district, liaison, client_for, make_problem):
    problem = make_problem()
    client = client_for(liaison)
    client.post(reverse("ledger:measure_create", args=[problem.pk]), {"description": "清退一名超编人员"})
    measure = problem.measures.get()
    client.post(reverse("ledger:measure_complete", args=[problem.pk, measure.pk]), {"done_on": "2025-04-01"})
    measure.refresh_from_db()
    assert (measure.status, measure.done_on) == ("done", date(2025, 4, 1))


def test_an_empty_measure_is_shown_back_with_the_error(district, liaison, client_for, make_problem):
    problem = make_problem()
    response = client_for(liaison).post(reverse("ledger:measure_create", args=[problem.pk]), {"description": ""})
    assert response.status_code == 422
    assert not problem.measures.exists()


def _measure(problem: Problem) -> Any:
    return services.measure_create(actor=None, problem=problem, description="整改")


def test_evidence_refused_by_content_shows_the_error_and_writes_nothing(
        district, liaison, client_for, make_problem, media):
    problem = make_problem()
    measure = _measure(problem)
    fake = SimpleUploadedFile("证明.pdf", b"not really a pdf", content_type="application/pdf")
    response = client_for(liaison).post(reverse("ledger:evidence_upload", args=[problem.pk, measure.pk]),
                                        {"file": fake, "note": "x"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "invalid-feedback" in body and "不符或不是允许的类型" in body
    assert not Evidence.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_evidence_uploads_and_downloads_only_for_users_in_scope(
        district, liaison, staff, outsider, client_for, make_problem):
    problem = make_problem()
    measure = _measure(problem)
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    response = client_for(liaison).post(reverse("ledger:evidence_upload", args=[problem.pk, measure.pk]),
                                        {"file": upload})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    url = reverse("ledger:evidence", args=[evidence.pk])
    assert url in client_for(liaison).get(reverse("ledger:detail", args=[problem.pk])).content.decode()
    download = client_for(staff).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client_for(outsider).get(url).status_code == 404


def test_evidence_of_another_units_problem_is_404_for_the_liaison(district, liaison, client_for, make_problem):
    problem = make_problem(unit=district.hospital)
    measure = _measure(problem)
    evidence = services.evidence_add(actor=None, measure=measure,
                                     uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert client_for(liaison).get(reverse("ledger:evidence", args=[evidence.pk])).status_code == 404


def test_the_export_has_the_ledger_columns_and_the_filtered_rows_and_is_audited(
        district, staff, client_for, make_problem, awaiting):
    make_problem(title="医院问题", unit=district.hospital, responsible="李院长")
    response = client_for(staff).get(reverse("ledger:export"), {"unit": district.edu.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS == ["序号", "问题描述", "来源", "责任单位", "责任人", "整改措施", "整改时限",
                                        "进展情况", "是否销号"]
    assert len(rows) == 2
    assert rows[1][0] == 1 and rows[1][1].startswith("超编进人") and rows[1][3] == "示例区第一中学"
    assert "清退超编人员" in rows[1][5] and rows[1][8] == "否"
    event = AuditEvent.objects.get(action="problem.export")
    assert event.actor == staff and event.changes["count"] == [None, 1]


def test_the_api_completes_a_measure_and_takes_evidence(district, liaison, api_for, make_problem):
    problem = make_problem()
    measure = _measure(problem)
    api = api_for(liaison)
    base = f"/api/v1/problems/{problem.pk}/measures/{measure.pk}"
    response = api.post(f"{base}/complete", {"done_on": "2025-04-01"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    response = api.post(f"{base}/evidence", {"file": SimpleUploadedFile("a.pdf", PDF), "note": "会议纪要"})
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"
    bad = api.post(f"{base}/evidence", {"file": SimpleUploadedFile("a.png", PDF)})
    assert bad.status_code == 422 and bad.json()["details"]["file"]
    assert Evidence.objects.count() == 1


def test_the_api_measure_of_an_out_of_scope_problem_is_404(district, liaison, api_for, make_problem):
    problem = make_problem(unit=district.hospital)
    measure = _measure(problem)
    response = api_for(liaison).post(f"/api/v1/problems/{problem.pk}/measures/{measure.pk}/complete", {},
                                     content_type="application/json")
    assert response.status_code == 404


def test_a_problem_cannot_name_a_person_the_actor_cannot_see(district, liaison):
    from bianban.people.services import person_create
    from bianban.people.tests.factories import make_id_number

    hidden = person_create(actor=None, name="王医生", id_number=make_id_number(), unit=district.hospital)
    with pytest.raises(NotFound):
        services.problem_create(actor=liaison, source="manual", title="x", unit=district.school, person=hidden)
    assert not Problem.objects.exists()
    visible = person_create(actor=None, name="李老师", id_number=make_id_number(), unit=district.school)
    problem = services.problem_create(actor=liaison, source="manual", title="x", unit=district.school,
                                      person=visible)
    assert problem.person == visible


def test_problem_and_measure_can_be_corrected_while_open(district: Any, staff: Any, client_for: Any) -> None:
    from bianban.ledger.models import Measure, Problem, ProblemEvent
    from bianban.ledger.services import measure_create, problem_create

    problem = problem_create(actor=staff, source="manual", title="档案缺失", unit=district.school)
    measure = measure_create(actor=staff, problem=problem, description="补齐档案")
    client = client_for(staff)
    page = client.get(f"/ledger/{problem.pk}/")
    assert f"/ledger/{problem.pk}/edit/" in page.content.decode()
    assert f"/ledger/{problem.pk}/measures/{measure.pk}/edit/" in page.content.decode()
    response = client.post(f"/ledger/{problem.pk}/edit/", {
        "title": "人事档案缺失", "description": "3人", "category": "real_name", "unit": district.edu.pk,
        "responsible": "张三", "deadline": "2099-01-01"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.unit_id, problem.responsible) == ("人事档案缺失", district.edu.pk, "张三")
    assert ProblemEvent.objects.filter(problem=problem, kind="edited").exists()
    bad = client.post(f"/ledger/{problem.pk}/edit/", {"title": "", "category": "other", "unit": district.edu.pk})
    assert bad.status_code == 422 and "必填" in bad.content.decode()
    response = client.post(f"/ledger/{problem.pk}/measures/{measure.pk}/edit/",
                           {"description": "补齐人事档案", "owner": "李四", "deadline": "2099-02-01", "note": "已联系"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.description, measure.owner, measure.note) == ("补齐人事档案", "李四", "已联系")
    # Out of scope: another unit's problem cannot be edited.
    other = problem_create(actor=staff, source="manual", title="其他", unit=district.hospital)
    assert Problem.objects.filter(pk=other.pk).exists() and Measure.objects.count() == 1


def test_liaison_cannot_edit_outside_scope(district: Any, staff: Any, liaison: Any, client_for: Any) -> None:
    from bianban.ledger.services import problem_create

    problem = problem_create(actor=staff, source="manual", title="医院问题", unit=district.hospital)
    response = client_for(liaison).post(f"/ledger/{problem.pk}/edit/", {
        "title": "改", "category": "other", "unit": district.edu.pk})
    assert response.status_code == 404
    problem.refresh_from_db()
    assert problem.title == "医院问题"


def test_export_refuses_more_rows_than_the_cap(district: Any, staff: Any, client_for: Any, settings: Any) -> None:
    from bianban.ledger.services import problem_create

    for n in range(3):
        problem_create(actor=staff, source="manual", title=f"问题{n}", unit=district.edu)
    settings.BIANBAN = {**settings.BIANBAN, "EXPORT_MAX_ROWS": 2}
    response = client_for(staff).get("/ledger/export/", follow=True)
    assert "超过单次导出上限 2 条" in response.content.decode()
    settings.BIANBAN = {**settings.BIANBAN, "EXPORT_MAX_ROWS": 3}
    response = client_for(staff).get("/ledger/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
