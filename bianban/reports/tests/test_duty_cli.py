# ruff: noqa: F811  (pytest fixtures imported from the party tests and duty_fixtures are redefined as arguments)
"""`bianban report duty`: the .docx of the stored draft or of a freshly composed one; bad arguments exit with
status 2, a Chinese message and no file left behind."""

import io
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty import document, services
from bianban.reports.models import DutyReport
from bianban.reports.tests.duty_fixtures import drafts  # noqa: F401


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "duty", *args, stdout=out)
    return out.getvalue()


def texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_it_writes_the_composed_report_when_none_is_stored(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "述职报告.docx"
    printed = run("--branch", "edu", "--year", "2023", "--out", str(out))
    assert any("走访群众10户" in t for t in texts(out))
    assert "根据当前记录生成" in printed and str(out) in printed
    assert not DutyReport.objects.exists() and list(tmp_path.iterdir()) == [out]


def test_it_writes_the_stored_draft_with_the_secretarys_text(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path) -> None:
    report = services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023)
    block = report.blocks.get(key="problems.text")
    services.block_edit(actor=branch.users.secretary, block=block, text="一是调查研究不够深入。", version=1)
    out = tmp_path / "report.docx"
    printed = run("--branch", str(branch.branch.pk), "--year", "2023", "--out", str(out))
    assert "一是调查研究不够深入。" in texts(out) and "已保存的述职报告草稿" in printed


@pytest.mark.parametrize(("args", "message"), [
    (["--branch", "nosuch", "--year", "2023"], "党支部“nosuch”不存在"),
    (["--branch", "edu", "--year", "1999"], "年度应在2000年至"),
    (["--branch", "edu", "--year", "二〇二三"], "年度应为四位数字年份"),
])
def test_bad_arguments_exit_2_with_a_chinese_message_and_no_file(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run(*args, "--out", str(tmp_path / "x.docx"))
    assert caught.value.returncode == 2 and message in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "message"), [
    ("missing/x.docx", "输出目录不存在"), ("x.pdf", "输出文件应以 .docx 结尾"), ("file.txt/x.docx", "输出目录不存在"),
])
def test_an_unusable_output_path_exits_2(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "file.txt").write_text("")
    with pytest.raises(CommandError) as caught:
        run("--branch", "edu", "--year", "2023", "--out", str(tmp_path / name))
    assert caught.value.returncode == 2 and message in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_a_failed_write_leaves_nothing_behind(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied", target)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CommandError) as caught:
        run("--branch", "edu", "--year", "2023", "--out", str(tmp_path / "x.docx"))
    assert caught.value.returncode == 2 and "无法写入文件" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_pdf_without_libreoffice_exits_2_and_writes_neither_file(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "docx_to_pdf", lambda data: None)
    with pytest.raises(CommandError) as caught:
        run("--branch", "edu", "--year", "2023", "--out", str(tmp_path / "x.docx"), "--pdf")
    assert caught.value.returncode == 2 and "LibreOffice" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_pdf_is_written_beside_the_docx(
        branch: SimpleNamespace, drafts: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "docx_to_pdf", lambda data: b"%PDF-1.7 fake")
    run("--branch", "edu", "--year", "2023", "--out", str(tmp_path / "x.docx"), "--pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.docx", "x.pdf"]
    assert (tmp_path / "x.pdf").read_bytes() == b"%PDF-1.7 fake"

