"""`bianban reminders`: the reminder lists from the command line.

    bianban reminders refresh [--on YYYY-MM-DD]

`refresh` rebuilds every user's list in this process (not through the task worker), sends the e-mail digests when
enabled, and prints the counts. Exit status 0 when every source was read, 1 when one failed (the others were
applied, nothing was deleted), 2 for bad arguments.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.core.exceptions import DomainError
from bianban.duties.reminders.mail import email_enabled, reminder_digests_send
from bianban.duties.reminders.services import reminders_refresh


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}", returncode=2) from None


class Command(BaseCommand):
    help = "待办提醒：按各项工作的到期情况更新每个用户的提醒"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="更新全部用户的提醒（并在启用时发送提醒邮件）")
        refresh.add_argument("--on", help="基准日（YYYY-MM-DD，默认今天，不能早于今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["on"]) if options.get("on") else None
        try:
            result = reminders_refresh(on=on)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        self.stdout.write(f"提醒已更新：新增 {result.created}，更新 {result.updated}，删除 {result.deleted}")
        if email_enabled():
            self.stdout.write(f"已发送提醒邮件 {reminder_digests_send(on=on)} 封")
        if result.failed:
            for path in result.failed:
                self.stderr.write(f"提醒来源读取失败（其提醒保留未删）：{path}")
            raise SystemExit(1)
