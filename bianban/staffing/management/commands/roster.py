"""`bianban roster`: the 实名制 roster from the command line.

    bianban roster template OUT.xlsx
    bianban roster import FILE.xlsx [--dry-run] [--errors OUT.xlsx] [--user USERNAME]
    bianban roster export --unit ID OUT.xlsx [--no-descendants] [--user USERNAME]

Exit status of `import`: 0 imported (with --dry-run: valid), 1 rejected (nothing written; the errors on stderr,
and in the --errors workbook), 2 the file cannot be used at all (missing, not .xlsx, larger than
BIANBAN["IMPORT_MAX_MB"]), as argparse does for bad arguments. Without --user the work is system work (no scope
check) and is audited without an actor.
"""

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.core.exceptions import DomainError, ValidationFailed
from bianban.staffing.roster.errorbook import error_workbook
from bianban.staffing.roster.exporter import roster_export
from bianban.staffing.roster.importer import roster_import
from bianban.staffing.roster.sheets import template_workbook
from bianban.units.models import Unit

SHOWN_ERRORS = 100
PHASES = {"read": "读取", "validate": "校验", "write": "写入"}


class ProgressBar:
    """A one-line \\r progress bar on stderr: the phase, a bar, rows done / total; redrawn at most 10 times a second."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.last = 0.0
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / total) if total else 0
        bar = "█" * filled + "·" * (self.width - filled)
        count = f"{done}/{total} 行" if total else ""
        self.stream.write(f"\r{PHASES.get(phase, phase)} [{bar}] {count}   ", ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")
            self.drawn = False


class Command(BaseCommand):
    help = "实名制花名册：下载模板、导入（逐行校验，全部通过才写入）、导出"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        template = sub.add_parser("template", help="写出空白模板")
        template.add_argument("out", metavar="OUT.xlsx")

        imp = sub.add_parser("import", help="导入花名册；退出码 0 已导入（或校验通过），1 未通过校验，2 文件不可用")
        imp.add_argument("file", metavar="FILE.xlsx")
        imp.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        imp.add_argument("--errors", metavar="OUT.xlsx", help="未通过时写出错误标注工作簿")
        imp.add_argument("--user", metavar="USERNAME", help="以该用户的身份和权限导入（默认：系统）")
        imp.add_argument("--no-progress", action="store_true", help="不显示进度条")

        exp = sub.add_parser("export", help="导出单位（及下属单位）的花名册和编制情况")
        exp.add_argument("--unit", required=True, type=int, metavar="ID", help="单位 id")
        exp.add_argument("out", metavar="OUT.xlsx")
        exp.add_argument("--no-descendants", action="store_true", help="不含下属单位")
        exp.add_argument("--user", metavar="USERNAME", help="以该用户的身份和权限导出（默认：系统）")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _fail(self, message: str, code: int) -> None:
        self.stderr.write(message)
        raise SystemExit(code)

    def _actor(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            self._fail(f"错误：没有名为“{username}”的有效用户", 2)
        return user

    def _template(self, *, out: str, **options: Any) -> None:
        Path(out).write_bytes(template_workbook())
        self.stdout.write(f"已写出模板：{out}")

    def _import(self, *, file: str, dry_run: bool, errors: str | None, user: str | None, no_progress: bool,
                **options: Any) -> None:
        actor = self._actor(user)
        bar = None if no_progress else ProgressBar(self.stderr)
        try:
            result = roster_import(actor=actor, path_or_file=file, dry_run=dry_run, progress=bar)
        except ValidationFailed as exc:
            if bar:
                bar.close()
            self._fail(f"错误：{exc.message}", 2)
            return
        if bar:
            bar.close()
        if result.errors:
            for error in result.errors[:SHOWN_ERRORS]:
                where = f"第{error.row}行" if error.row else "文件"
                column = f"【{error.column}】" if error.column else ""
                self.stderr.write(f"{where}{column}{error.message}")
            if len(result.errors) > SHOWN_ERRORS:
                self.stderr.write(f"……另有 {len(result.errors) - SHOWN_ERRORS} 处错误未列出")
            if errors:
                Path(errors).write_bytes(error_workbook(file, result.errors))
                self.stderr.write(f"错误标注工作簿：{errors}")
            self._fail(f"未通过校验：共 {len(result.errors)} 处错误，未写入任何数据（{result.rows} 行）", 1)
        if dry_run:
            self.stdout.write(f"校验通过：{result.rows} 行均无错误（仅校验，未写入），用时 {result.seconds:.1f} 秒")
            return
        self.stdout.write(
            f"导入完成：{result.rows} 人（在编 {result.on_quota}，编外 {result.off_quota}；"
            f"新登记 {result.persons_created}，"
            f"已登记 {result.persons_matched}），涉及 {result.units} 个单位，用时 {result.seconds:.1f} 秒"
        )

    def _export(self, *, unit: int, out: str, no_descendants: bool, user: str | None, **options: Any) -> None:
        actor = self._actor(user)
        target = Unit.objects.filter(pk=unit).first()
        if target is None:
            raise CommandError(f"没有 id 为 {unit} 的单位", returncode=2)
        try:
            content = roster_export(actor=actor, unit=target, include_descendants=not no_descendants)
        except DomainError as exc:
            self._fail(f"错误：{exc.message}", 1)
            return
        Path(out).write_bytes(content)
        self.stdout.write(f"已导出：{out}")
