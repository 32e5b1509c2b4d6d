# ruff: noqa: F811  (pytest fixtures imported from the party tests and duty_fixtures are redefined as arguments)
"""The 述职报告 pages: the secretary generates, edits a paragraph in place (htmx), sees the history, restores and
regenerates; a member or reviewer reads and downloads; a liaison or stranger gets 404."""

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from bianban.core.models import AuditEvent
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty import document, services
from bianban.reports.models import DutyReport
from bianban.reports.tests.duty_fixtures import block_of, drafts  # noqa: F401

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def report(branch: SimpleNamespace, drafts: SimpleNamespace) -> DutyReport:
    return services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023)


def edit_url(report: DutyReport, key: str, name: str = "reports:duty_block_edit") -> str:
    return reverse(name, args=[report.pk, block_of(report, key).pk])


def test_the_index_lists_branches_by_year_and_offers_to_generate(
        client_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    response = client_for(branch.users.secretary).get(reverse("reports:duty_index"))
    html = response.content.decode()
    assert response.status_code == 200 and branch.branch.name in html
    assert 'data-testid="generate-form"' in html and 'data-testid="generate"' in html


def test_the_secretary_generates_a_draft_and_lands_on_it(
        client_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    response = client_for(branch.users.secretary).post(reverse("reports:duty_create"),
                                                       {"branch": branch.branch.pk, "year": 2023})
    report = DutyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:duty_detail", args=[report.pk])


def test_generating_an_existing_year_opens_the_existing_draft(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    response = client_for(branch.users.secretary).post(reverse("reports:duty_create"),
                                                       {"branch": branch.branch.pk, "year": 2023})
    assert response["Location"] == reverse("reports:duty_detail", args=[report.pk])
    assert DutyReport.objects.count() == 1


@pytest.mark.parametrize("year", ["1999", "abc", ""])
def test_generating_with_a_bad_year_shows_the_reason_and_writes_nothing(
        client_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace, year: str) -> None:
    response = client_for(branch.users.secretary).post(reverse("reports:duty_create"),
                                                       {"branch": branch.branch.pk, "year": year})
    assert response.status_code == 422 and "年" in response.content.decode()
    assert not DutyReport.objects.exists()


def test_a_member_cannot_generate(client_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    client = client_for(branch.users.member)
    assert 'data-testid="generate"' not in client.get(reverse("reports:duty_index")).content.decode()
    response = client.post(reverse("reports:duty_create"), {"branch": branch.branch.pk, "year": 2023})
    assert response.status_code == 422 and not DutyReport.objects.exists()


def test_the_draft_marks_generated_figures_and_links_their_records(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    html = client_for(branch.users.secretary).get(reverse("reports:duty_detail", args=[report.pk])).content.decode()
    assert "<mark>10户</mark>" in html and 'href="/duties/visits/100/"' in html
    assert "支部走访群众户数：10户（3条记录）" in html
    assert "3项组织生活逾期" in html  # the prompt beside the secretary's section
    assert 'data-testid="edit-block"' in html and 'data-testid="regenerate"' in html


def test_a_member_and_a_reviewer_read_it_without_edit_controls(
        client_for: Any, branch: SimpleNamespace, report: DutyReport, reviewer: Any) -> None:
    for user in (branch.users.member, reviewer):
        response = client_for(user).get(reverse("reports:duty_detail", args=[report.pk]))
        html = response.content.decode()
        assert response.status_code == 200 and "<mark>10户</mark>" in html
        assert 'data-testid="edit-block"' not in html and 'data-testid="regenerate"' not in html


def test_a_member_may_not_edit_or_regenerate(client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.member)
    assert client.get(edit_url(report, "opening")).status_code == 403
    assert client.post(edit_url(report, "opening"), {"text": "改", "version": 1}).status_code == 403
    assert client.post(reverse("reports:duty_regenerate", args=[report.pk])).status_code == 403
    assert block_of(report, "opening").version == 1


def test_a_liaison_and_a_stranger_get_404(client_for: Any, report: DutyReport, liaison: Any, outsider: Any,
                                          branch: SimpleNamespace) -> None:
    for user in (liaison, outsider):
        client = client_for(user)
        assert client.get(reverse("reports:duty_index")).status_code == 404
        assert client.get(reverse("reports:duty_detail", args=[report.pk])).status_code == 404
        assert client.get(edit_url(report, "opening")).status_code == 404
        file_url = f"{reverse('reports:duty_file')}?branch={branch.branch.pk}&year=2023"
        assert client.get(file_url).status_code == 404


def test_the_secretary_edits_a_paragraph_in_place(client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    form = client.get(edit_url(report, "summary.visits"), **HX)
    assert form.status_code == 200 and "<textarea" in form.content.decode() and "Ctrl+Enter" in form.content.decode()
    saved = client.post(edit_url(report, "summary.visits"),
                        {"lead": "（三）集中走访。", "text": "走访群众10户，解决问题5件。", "version": 1}, **HX)
    html = saved.content.decode()
    assert saved.status_code == 200 and "走访群众10户，解决问题5件。" in html and 'data-testid="edited"' in html
    assert "<html" not in html  # a fragment, swapped in place
    block = block_of(report, "summary.visits")
    assert block.text == "走访群众10户，解决问题5件。" and block.version == 2


def test_without_htmx_saving_returns_to_the_page_at_the_paragraph(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    assert "<html" in client.get(edit_url(report, "opening")).content.decode()
    response = client.post(edit_url(report, "opening"), {"text": "新的开头。", "version": 1})
    block = block_of(report, "opening")
    assert response.status_code == 302 and response["Location"].endswith(f"#block-{block.pk}")


def test_an_empty_paragraph_is_refused_in_the_form(client_for: Any, branch: SimpleNamespace,
                                                   report: DutyReport) -> None:
    response = client_for(branch.users.secretary).post(edit_url(report, "problems.text"),
                                                       {"text": "  ", "version": 1}, **HX)
    assert response.status_code == 422 and "段落内容不能为空" in response.content.decode()
    assert block_of(report, "problems.text").version == 1


def test_a_conflicting_save_keeps_the_typed_text_and_shows_the_saved_one(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    client.post(edit_url(report, "opening"), {"text": "先保存的。", "version": 1}, **HX)
    response = client.post(edit_url(report, "opening"), {"text": "后保存的。", "version": 1}, **HX)
    html = response.content.decode()
    assert response.status_code == 422 and "已被他人修改，请刷新后重试" in html
    assert "后保存的。" in html and 'data-testid="conflict-text"' in html and "先保存的。" in html
    assert 'name="version" value="2"' in html
    assert block_of(report, "opening").text == "先保存的。"


def test_the_history_lists_versions_and_restores_one(client_for: Any, branch: SimpleNamespace,
                                                     report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    original = block_of(report, "summary.visits").text
    client.post(edit_url(report, "summary.visits"), {"lead": "（三）走访。", "text": "改写。", "version": 1}, **HX)
    history = client.get(edit_url(report, "summary.visits", "reports:duty_block_history"), **HX).content.decode()
    assert "第2版" in history and "第1版" in history and "恢复此版本" in history and "恢复为生成内容" in history
    response = client.post(edit_url(report, "summary.visits", "reports:duty_block_restore"),
                           {"to": 1, "version": 2}, **HX)
    assert response.status_code == 200
    block = block_of(report, "summary.visits")
    assert block.text == original and block.version == 3 and not block.edited


def test_regenerating_keeps_the_edit_and_shows_data_updated(
        client_for: Any, branch: SimpleNamespace, report: DutyReport, drafts: SimpleNamespace) -> None:
    client = client_for(branch.users.secretary)
    client.post(edit_url(report, "summary.visits"), {"lead": "（三）走访。", "text": "我写的走访段落。", "version": 1})
    drafts.options = {"households": 14}
    response = client.post(reverse("reports:duty_regenerate", args=[report.pk]), follow=True)
    html = response.content.decode()
    assert "我写的走访段落。" in html and 'data-testid="stale"' in html and "走访群众14户" in html
    assert "1段您修改过的内容保持不变" in html
    keep = client.post(edit_url(report, "summary.visits", "reports:duty_block_keep"), **HX)
    assert keep.status_code == 200 and 'data-testid="stale"' not in keep.content.decode()


def test_a_failed_restore_shows_the_reason_on_the_paragraph(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    response = client_for(branch.users.secretary).post(
        edit_url(report, "opening", "reports:duty_block_restore"), {"to": 9, "version": 1}, **HX)
    assert response.status_code == 200 and "要恢复的版本不存在" in response.content.decode()


def test_the_title_form_saves_signature_and_date(client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    url = reverse("reports:duty_update", args=[report.pk])
    bad = client.post(url, {"title": report.title, "signature": "张伟", "dated": "2021-01-01"})
    assert bad.status_code == 422 and "成文日期应在2023年或2024年内" in bad.content.decode()
    assert client.post(url, {"title": "新标题", "signature": "张伟", "dated": "2024-01-05"}).status_code == 302
    report.refresh_from_db()
    assert report.title == "新标题" and AuditEvent.objects.filter(action="duty_report.update").exists()


def test_the_word_download_opens_with_the_secretarys_text(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    client.post(edit_url(report, "problems.text"), {"text": "一是学习不够深入。\n二是创新不足。", "version": 1})
    response = client_for(branch.users.member).get(
        f"{reverse('reports:duty_file')}?branch={branch.branch.code}&year=2023&format=docx")
    assert response.status_code == 200 and response["Content-Type"] == document.DOCX_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "一是学习不够深入。" in texts and "二是创新不足。" in texts
    assert any("走访群众10户" in t for t in texts)


def test_the_pdf_button_shows_only_where_libreoffice_is(
        client_for: Any, branch: SimpleNamespace, report: DutyReport, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(branch.users.member)
    url = reverse("reports:duty_detail", args=[report.pk])
    monkeypatch.setattr(document, "soffice_path", lambda: None)
    monkeypatch.setattr(document, "docx_to_pdf", lambda data: None)
    assert 'data-testid="download-pdf"' not in client.get(url).content.decode()
    pdf = client.get(f"{reverse('reports:duty_file')}?branch={branch.branch.pk}&year=2023&format=pdf")
    assert pdf.status_code == 302 and pdf["Location"] == url
    monkeypatch.setattr(document, "soffice_path", lambda: "/usr/bin/soffice")
    assert 'data-testid="download-pdf"' in client.get(url).content.decode()


def test_the_preview_shows_a_composed_draft_and_writes_nothing(
        client_for: Any, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    response = client_for(branch.users.member).get(
        f"{reverse('reports:duty_preview')}?branch={branch.branch.pk}&year=2023")
    html = response.content.decode()
    assert response.status_code == 200 and "<mark>10户</mark>" in html and "尚未保存" in html
    assert not DutyReport.objects.exists() and drafts.calls == 1


def test_numbers_too_large_for_the_database_are_404_not_500(
        client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    client = client_for(branch.users.secretary)
    huge = "99999999999999999999999"
    assert client.get(f"/reports/duty/{huge}/").status_code == 404
    assert client.get(f"/reports/duty/{report.pk}/blocks/{huge}/edit/").status_code == 404
    assert client.get(f"{reverse('reports:duty_file')}?branch={huge}&year=2023").status_code == 404


def test_a_save_without_its_version_says_so(client_for: Any, branch: SimpleNamespace, report: DutyReport) -> None:
    response = client_for(branch.users.secretary).post(edit_url(report, "opening"), {"text": "新。"}, **HX)
    assert response.status_code == 422 and "缺少段落版本号，请刷新后重试" in response.content.decode()
