"""`bianban restore`: bring back a backup written by `bianban backup`, replacing the database and the uploaded files.

    bianban restore PATH [--yes] [--no-media]

Stop `bianban serve` (web, task worker, scheduler) first. Asks for confirmation unless --yes; without a terminal
and without --yes it refuses. Exit status 0 when restored, 1 when cancelled or failed (the database unchanged, except
the rare case the message says otherwise), 2 when the file cannot be used (missing, not a backup, the other
database engine's, no uploaded-files archive beside it): nothing was touched.
"""

import sys
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from bianban.core.backup import (
    BackupError,
    backup_inspect,
    backup_restore,
    human_size,
    other_connections,
    snapshot_taken_at,
)


def _unapplied_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "从 bianban backup 写出的备份恢复数据库和上传文件（会替换现有全部数据，请先停止服务）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="数据库快照文件（.sqlite3 或 .dump）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复（脚本中使用）")
        parser.add_argument("--no-media", action="store_true", help="只恢复数据库，不恢复上传文件")

    def _fail(self, message: str, code: int) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(code)

    def handle(self, *args: Any, path: str, yes: bool = False, no_media: bool = False, **options: Any) -> None:
        media = not no_media
        try:
            backup = backup_inspect(path, media=media)
        except BackupError as exc:
            self._fail(f"无法恢复：{exc.message}", exc.exit_code)
        try:
            others = other_connections()
        except DatabaseError as exc:
            self._fail(f"无法连接数据库 {connection.settings_dict['NAME']}：{exc}", 1)
        if others:
            self.stderr.write(f"注意：数据库还有 {len(others)} 个其他连接（{'、'.join(others[:5])}），"
                              "恢复会等到它们释放所用的表；请先停止 bianban serve（网站、后台任务进程）。")
        if not yes:
            if not sys.stdin.isatty():
                self._fail("恢复会替换当前的全部数据，需要确认；以非交互方式运行时请加 --yes", 1)
            self.stdout.write("即将从备份恢复：")
            self.stdout.write(f"  数据库快照：{backup.path}（{backup.engine_label}，{human_size(backup.size)}，"
                              f"备份于 {snapshot_taken_at(backup)}）")
            if backup.media_path is not None:
                self.stdout.write(f"  上传文件：{backup.media_path}（{backup.media_files} 个文件）")
            target = f"当前数据库 {connection.settings_dict['NAME']}"
            if media:
                target += f" 和上传文件目录 {settings.MEDIA_ROOT}"
            self.stdout.write(f"{target} 的现有内容将被全部替换。请先停止 bianban serve（网站、后台任务进程）。")
            self.stdout.write("确认恢复请输入 yes：", ending="")
            self.stdout.flush()
            answer = sys.stdin.readline().strip().lower()
            if answer != "yes":
                self._fail("已取消，未做任何更改。", 1)
        try:
            backup_restore(actor=None, path=backup.path, media=media)
        except BackupError as exc:
            self._fail(f"恢复失败：{exc.message}", exc.exit_code)
        self.stdout.write(f"已恢复数据库（{backup.engine_label}）：{backup.path}（{human_size(backup.size)}）")
        if backup.media_path is not None:
            self.stdout.write(f"已恢复上传文件：{backup.media_files} 个文件 → {settings.MEDIA_ROOT}")
        pending = _unapplied_migrations()
        if pending:
            self.stdout.write(f"备份时的数据库结构比当前版本旧（{pending} 个迁移未应用）：请运行 bianban migrate。")
