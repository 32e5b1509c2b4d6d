# ruff: noqa: F811  (pytest fixtures imported from the party tests and duty_fixtures are redefined as arguments)
"""/api/v1/reports/duty: JSON sections with figures and their records, the .docx download, the stored draft's
creation, regeneration and paragraph edits; 404 outside the user's branches, 422 for a bad year, 409 on a stale
version."""

import io
import json
import shutil
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from docx import Document

from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty import services
from bianban.reports.models import DutyReport
from bianban.reports.tests.duty_fixtures import drafts  # noqa: F401

URL = "/api/v1/reports/duty"


@pytest.fixture
def report(branch: SimpleNamespace, drafts: SimpleNamespace) -> DutyReport:
    return services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023)


def send(client: Any, method: str, url: str, body: dict) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_without_a_stored_draft_it_composes_one_and_writes_nothing(
        api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    response = api_for(branch.users.member).get(f"{URL}?branch={branch.branch.code}&year=2023")
    body = response.json()
    assert response.status_code == 200 and body["stored"] is False and body["id"] is None
    assert body["branch"] == {"id": branch.branch.pk, "code": "edu", "name": branch.branch.name}
    assert body["year"] == 2023 and body["dated"] == "2023-12-25" and body["signature"] == "张伟"
    visits = next(s for s in body["sections"] if s["key"] == "summary.visits")
    assert visits["section"] == "summary" and visits["origin"] == "generated" and visits["level"] == 2
    assert visits["text"] == "于4月至7月期间多次深入社区，走访群众10户。"
    assert visits["figures"][0] == {
        "key": "visits_households", "value": 10, "unit": "户", "label": "支部走访群众户数",
        "sources": [{"kind": "visit", "id": 100 + i, "label": f"2023-04-0{i + 1} 走访 第{i + 1}户",
                     "url": f"/duties/visits/{100 + i}/"} for i in range(3)]}
    assert visits["edited"] is False and visits["stale"] is False and visits["version"] is None
    problems = next(s for s in body["sections"] if s["key"] == "problems.text")
    assert problems["origin"] == "secretary" and problems["prompts"] == ["3项组织生活逾期"]
    assert not DutyReport.objects.exists()


def test_with_a_stored_draft_it_gives_the_secretarys_text(
        api_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    block = report.blocks.get(key="problems.text")
    services.block_edit(actor=branch.users.secretary, block=block, text="一是学习不够深入。", version=1)
    body = api_for(branch.users.member).get(f"{URL}?branch={branch.branch.pk}&year=2023").json()
    assert body["stored"] is True and body["id"] == report.pk
    problems = next(s for s in body["sections"] if s["key"] == "problems.text")
    assert problems["text"] == "一是学习不够深入。" and problems["edited"] is True and problems["version"] == 2


def test_format_docx_downloads_the_word_file_with_a_chinese_name(
        api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    response = api_for(branch.users.member).get(f"{URL}?branch=edu&year=2023&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="duty-report.docx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "示例区教育局机关党支部2023年度述职报告.docx"
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert texts[0] == f"{branch.branch.name}书记2023年度抓基层党建工作述职报告"
    assert any("走访群众10户" in t for t in texts) and "一、工作总结、成绩和经验" in texts


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice（soffice）未安装")
def test_format_pdf_converts_through_libreoffice(api_for: Any, branch: SimpleNamespace,
                                                drafts: SimpleNamespace) -> None:
    response = api_for(branch.users.member).get(f"{URL}?branch=edu&year=2023&format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_without_libreoffice_a_pdf_is_refused_with_a_reason(
        api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    from bianban.reports.duty import document

    monkeypatch.setattr(document, "docx_to_pdf", lambda data: None)
    response = api_for(branch.users.member).get(f"{URL}?branch=edu&year=2023&format=pdf")
    assert response.status_code == 503 and response.json()["code"] == "pdf_unavailable"


@pytest.mark.parametrize("key", ["nosuch", "999999", "99999999999999999999999"])
def test_an_unknown_branch_is_404(api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace, key: str) -> None:
    response = api_for(branch.users.member).get(f"{URL}?branch={key}&year=2023")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_branch_the_user_cannot_see_is_404(api_for: Any, liaison: Any, outsider: Any,
                                              branch: SimpleNamespace, report: DutyReport) -> None:
    for user in (liaison, outsider):
        client = api_for(user)
        assert client.get(f"{URL}?branch=edu&year=2023").status_code == 404
        assert client.get(f"{URL}?branch=edu&year=2023&format=docx").status_code == 404
        assert client.get(f"{URL}/{report.pk}").status_code == 404


@pytest.mark.parametrize("year", ["1999", "2100", "abc", "20233", "²⁰²³"])
def test_a_bad_year_is_422_with_a_chinese_message(
        api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace, year: str) -> None:
    response = api_for(branch.users.member).get(f"{URL}?branch=edu&year={year}")
    body = response.json()
    assert response.status_code == 422 and body["code"] == "validation_error" and "年" in body["message"]
    assert "year" in body["details"] and drafts.calls == 0


@pytest.mark.parametrize("key", ["²", "99999999999999999999"])
def test_a_branch_key_naming_no_row_is_404_not_a_crash(
        api_for: Any, client_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace, key: str) -> None:
    response = api_for(branch.users.member).get(f"{URL}?branch={key}&year=2023")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client_for(branch.users.member).get(f"/reports/duty/file/?branch={key}&year=2023").status_code == 404


def test_a_missing_year_is_422(api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    assert api_for(branch.users.member).get(f"{URL}?branch=edu").status_code == 422


def test_the_secretary_creates_the_draft_and_a_second_is_409(
        api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    client = api_for(branch.users.secretary)
    created = send(client, "post", URL, {"branch": "edu", "year": 2023})
    assert created.status_code == 201 and created.json()["stored"] is True
    again = send(client, "post", URL, {"branch": "edu", "year": 2023})
    assert again.status_code == 409 and again.json()["details"] == {"report_id": created.json()["id"]}


def test_a_member_may_not_create(api_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    response = send(api_for(branch.users.member), "post", URL, {"branch": "edu", "year": 2023})
    assert response.status_code == 403 and not DutyReport.objects.exists()


def test_a_paragraph_is_patched_by_key_with_its_version(
        api_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = api_for(branch.users.secretary)
    url = f"{URL}/{report.pk}/blocks/summary.visits"
    response = send(client, "patch", url, {"text": "走访群众10户。", "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2 and response.json()["edited"] is True
    stale = send(client, "patch", url, {"text": "另一人的修改。", "version": 1})
    assert stale.status_code == 409 and stale.json()["message"] == "已被他人修改，请刷新后重试"
    empty = send(client, "patch", url, {"text": " ", "lead": "", "version": 2})
    assert empty.status_code == 422 and empty.json()["details"]["text"] == ["段落内容不能为空"]
    versions = client.get(f"{url}/versions").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[0]["author"] == "陈书记"
    restored = send(client, "post", f"{url}/restore", {"version": 2, "generated": True})
    assert restored.status_code == 200 and restored.json()["edited"] is False


def test_a_member_may_not_patch_a_paragraph(api_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    response = send(api_for(branch.users.member), "patch", f"{URL}/{report.pk}/blocks/opening",
                    {"text": "改。", "version": 1})
    assert response.status_code == 403


def test_an_unknown_paragraph_key_is_404(api_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    response = send(api_for(branch.users.secretary), "patch", f"{URL}/{report.pk}/blocks/nosuch",
                    {"text": "改。", "version": 1})
    assert response.status_code == 404


def test_regenerate_reports_what_changed(api_for: Any, branch: SimpleNamespace, report: DutyReport,
                                         drafts: SimpleNamespace) -> None:
    drafts.options = {"households": 15}
    response = api_for(branch.users.secretary).post(f"{URL}/{report.pk}/regenerate")
    body = response.json()
    assert response.status_code == 200 and body["replaced"] == ["summary.visits"]
    assert "更新1段" in body["message"] and body["report"]["stored"] is True


def test_the_title_and_date_are_patched(api_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = api_for(branch.users.secretary)
    ok = send(client, "patch", f"{URL}/{report.pk}", {"signature": "党支部书记 张伟", "dated": "2024-01-06"})
    assert ok.status_code == 200 and ok.json()["signature"] == "党支部书记 张伟" and ok.json()["dated"] == "2024-01-06"
    bad = send(client, "patch", f"{URL}/{report.pk}", {"dated": "2020-01-01"})
    assert bad.status_code == 422 and "dated" in bad.json()["details"]
    null = send(client, "patch", f"{URL}/{report.pk}", {"title": None})
    assert null.status_code == 422


def test_a_report_id_too_large_for_the_database_is_refused(api_for: Any, branch: SimpleNamespace) -> None:
    client = api_for(branch.users.secretary)
    assert client.get(f"{URL}/99999999999999999999999").status_code == 422
    assert send(client, "patch", f"{URL}/99999999999999999999999/blocks/opening",
                {"text": "改。", "version": 1}).status_code == 422
