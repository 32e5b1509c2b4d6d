"""`bianban report duty --branch CODE|ID --year YYYY --out FILE.docx [--pdf]`: the year's 述职报告 as a GB/T 9704
.docx (and its PDF beside it with --pdf): the stored draft, with the secretary's text, when there is one, else the
draft composed from the records now (nothing is stored). Bad arguments: a Chinese message on stderr, exit status 2,
and no file left behind — the files are written under temporary names and renamed only when all are complete."""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.core.exceptions import DomainError
from bianban.party.models import Branch
from bianban.reports.duty import document, selectors, services
from bianban.reports.inputs import branch_by_key


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--branch", required=True, help="党支部代码或编号")
    # A string, not type=int: the check (and its message) is the services' own, in Chinese.
    parser.add_argument("--year", required=True, help="年度，如2023")
    parser.add_argument("--out", required=True, help="输出文件（.docx）")
    parser.add_argument("--pdf", action="store_true", help="同时生成PDF（与 .docx 同名，需安装 LibreOffice）")


def _branch(key: str) -> Branch:
    key = key.strip()
    branch = branch_by_key(key)
    if branch is None:
        raise CommandError(f"党支部“{key}”不存在（--branch 应为党支部代码或编号）", returncode=2)
    return branch


def _targets(out: str, pdf: bool) -> list[Path]:
    path = Path(out).expanduser()
    if path.suffix.lower() != ".docx":
        raise CommandError(f"输出文件应以 .docx 结尾：{out}", returncode=2)
    if path.is_dir():
        raise CommandError(f"输出路径是目录，请给出文件名：{out}", returncode=2)
    if not path.parent.is_dir():
        raise CommandError(f"输出目录不存在：{path.parent}", returncode=2)
    return [path, path.with_suffix(".pdf")] if pdf else [path]


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file under a temporary name in its directory, then rename them all; on any failure remove
    whatever was written, so a failed run leaves nothing behind."""
    written: list[tuple[Path, Path]] = []
    renamed: list[Path] = []
    current = files[0][0]
    try:
        for path, data in files:
            current = path
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            written.append((Path(temp), path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        for temp, path in written:
            current = path
            os.replace(temp, path)
            renamed.append(path)
    except OSError as exc:
        for leftover in [temp for temp, _ in written] + renamed:
            leftover.unlink(missing_ok=True)
        raise CommandError(f"无法写入文件“{current}”：{exc.strerror or exc}", returncode=2) from None


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    branch = _branch(str(options["branch"]))
    try:
        year = services.check_year(options["year"])
    except DomainError as exc:
        raise CommandError(exc.message, returncode=2) from None
    targets = _targets(str(options["out"]), bool(options.get("pdf")))
    stored = selectors.stored_report(branch, year)
    source = stored or selectors.composed_draft(branch, year)
    docx = document.docx_bytes(source)
    files = [(targets[0], docx)]
    if len(targets) > 1:
        try:
            files.append((targets[1], document.pdf_bytes(docx)))
        except DomainError as exc:
            raise CommandError(f"{exc.message}（可去掉 --pdf 只生成 .docx）", returncode=2) from None
    _write_all(files)
    origin = "已保存的述职报告草稿（含书记修改）" if stored else "根据当前记录生成（未保存草稿）"
    for path, _ in files:
        command.stdout.write(f"已写入 {path}")
    command.stdout.write(f"{branch.name} {year}年度述职报告：{origin}")
