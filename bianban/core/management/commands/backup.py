"""`bianban backup`: a consistent snapshot of the database and the uploaded files, safe while the app runs.

    bianban backup [PATH] [--no-media]

PATH: the snapshot file to write, or a directory to write it into; default
var/backups/bianban-<sqlite|postgresql>-<YYYYmmdd-HHMMSS>.<sqlite3|dump>. The uploaded files go to
<snapshot>.media.tar beside it (see bianban/core/backup.py and docs/operations.md). Exit status 0 when written,
1 when it failed (nothing left under the final names). Audited as system work (no actor).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bianban.core.backup import BackupError, backup_create, human_size


class Command(BaseCommand):
    help = "备份数据库（一致性快照，可在系统运行时进行）和上传文件"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", metavar="PATH",
                            help="快照文件路径或目录（默认 var/backups/bianban-<数据库类型>-<时间>.<sqlite3|dump>）")
        parser.add_argument("--no-media", action="store_true", help="不备份上传文件（MEDIA_ROOT）")

    def handle(self, *args: Any, path: str | None = None, no_media: bool = False, **options: Any) -> None:
        try:
            backup = backup_create(actor=None, path=path, media=not no_media)
        except BackupError as exc:
            self.stderr.write(f"备份失败：{exc.message}")
            raise SystemExit(exc.exit_code) from None
        self.stdout.write(f"已备份数据库（{backup.engine_label}）：{backup.path}（{human_size(backup.size)}）")
        if backup.media_path is not None:
            self.stdout.write(f"已备份上传文件：{backup.media_path}（{backup.media_files} 个文件，"
                              f"共 {human_size(backup.media_size)}）")
