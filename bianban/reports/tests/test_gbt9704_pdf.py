"""The PDF through LibreOffice, when it is installed, and the fontconfig aliases for machines without the fonts."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from bianban.reports.gbt9704 import pdf
from bianban.reports.gbt9704.document import DocParagraph, OfficialDocument
from bianban.reports.gbt9704.writer import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

LONG = OfficialDocument(
    title="编办党支部书记抓基层党建工作述职报告",
    paragraphs=(DocParagraph(text="认真落实“村村到、户户进、人人访”集中走访工作要求，走访群众10户18人。" * 6),) * 12,
    signature="编办党支部",
    dated=date(2023, 12, 25),
)


def fake_soffice(tmp_path: Path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.skipif(pdf.soffice_path() is not None, reason="LibreOffice is installed here")
def test_without_libreoffice_there_is_no_pdf():
    assert pdf.docx_to_pdf(write_docx(LONG)) is None


def test_it_gives_no_pdf_when_soffice_is_not_on_the_path(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.docx_to_pdf(write_docx(LONG)) is None


@pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_makes_an_a4_pdf_of_several_pages():
    data = pdf.docx_to_pdf(write_docx(LONG))
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 3
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+\s*\]", data)
    if shutil.which("pdftotext"):  # poppler-utils: check the page numbers and the 28-character lines
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
        lines = [line.replace(" ", "") for line in text.decode().splitlines()]
        assert "—1—" in lines and "—2—" in lines
        assert max(len(line) for line in lines if "—" not in line) >= 28


def test_a_failing_libreoffice_is_an_error_not_an_empty_pdf(monkeypatch, tmp_path):
    soffice = fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 1")
    monkeypatch.setattr(pdf, "soffice_path", lambda: soffice)
    with pytest.raises(pdf.PdfConversionError, match="could not be loaded"):
        pdf.docx_to_pdf(write_docx(LONG))


def test_a_hung_libreoffice_is_stopped(monkeypatch, tmp_path):
    soffice = fake_soffice(tmp_path, "sleep 60")
    monkeypatch.setattr(pdf, "soffice_path", lambda: soffice)
    with pytest.raises(pdf.PdfConversionError, match="did not finish"):
        pdf.docx_to_pdf(write_docx(LONG), timeout=0.5)


def test_libreoffice_runs_with_a_private_profile_and_the_font_aliases(monkeypatch, tmp_path):
    # The fake soffice records its arguments and environment, then "converts" by copying.
    log = tmp_path / "log"
    soffice = fake_soffice(
        tmp_path,
        f'printf "%s\\n" "$@" > {log}; echo "FONTCONFIG_FILE=$FONTCONFIG_FILE" >> {log}; '
        'for last; do :; done; cp "$last" "$(dirname "$last")/document.pdf"',
    )
    monkeypatch.setattr(pdf, "soffice_path", lambda: soffice)
    assert pdf.docx_to_pdf(write_docx(LONG)).startswith(b"PK")
    arguments = log.read_text().splitlines()
    assert "--headless" in arguments and "pdf:writer_pdf_Export" in arguments
    assert any(a.startswith("-env:UserInstallation=file:///") for a in arguments)
    assert f"FONTCONFIG_FILE={pdf.FONTS_CONF}" in arguments


def test_for_libreoffice_the_character_grid_becomes_character_spacing():
    data = pdf._for_libreoffice(write_docx(LONG))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        grid = next(etree.fromstring(package.read("word/document.xml")).iter(f"{W}docGrid"))
        defaults = etree.fromstring(package.read("word/styles.xml")).find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert (grid.get(f"{W}type"), grid.get(f"{W}linePitch"), grid.get(f"{W}charSpace")) == ("lines", "579", None)
    assert defaults.find(f"{W}spacing").get(f"{W}val") == "-5"  # -842/4096 pt, rounded down to 1/20 pt
    assert [c.tag for c in defaults].index(f"{W}spacing") < [c.tag for c in defaults].index(f"{W}sz")


def test_for_libreoffice_other_files_pass_unchanged():
    assert pdf._for_libreoffice(b"not a docx") == b"not a docx"


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig tools are not installed")
@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("方正小标宋简体", "Noto Serif CJK SC"),
        ("仿宋_GB2312", "Noto Serif CJK SC"),
        ("楷体_GB2312", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
        ("宋体", "Noto Serif CJK SC"),
    ],
)
def test_the_font_aliases_map_the_official_names_to_noto(name, family):
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if family not in installed:
        pytest.skip(f"{family} is not installed (Debian: fonts-noto-cjk)")
    if name in installed:
        pytest.skip(f"{name} itself is installed here")
    env = {**os.environ, "FONTCONFIG_FILE": str(pdf.FONTS_CONF)}
    matched = subprocess.run(["fc-match", "-f", "%{family}", name], env=env, capture_output=True, text=True).stdout
    assert family in matched.split(",")
