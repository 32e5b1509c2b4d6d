"""`bianban scheduler`: put the daily background tasks on the queue once a day (the worker runs them).

django-tasks has no clock of its own; this small loop is the clock. The tasks are named in
settings.BIANBAN["DAILY_TASKS"] so that each app registers its own without core knowing them.
"""

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string


def enqueue_daily_tasks() -> list[str]:
    names = []
    for path in settings.BIANBAN["DAILY_TASKS"]:
        import_string(path).enqueue()
        names.append(path)
    return names


def next_run(now: datetime, at: str) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


class Command(BaseCommand):
    help = "每天定时把日常任务（如用编核准到期处理）放入后台任务队列"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="立即放入一次后退出")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        # Catch up at start: a server restarted after the hour must not skip a day.
        for name in enqueue_daily_tasks():
            self.stdout.write(f"已放入队列：{name}")
        if once:
            return
        while True:
            wake = next_run(timezone.localtime(), settings.BIANBAN["DAILY_AT"])
            time.sleep(max((wake - timezone.localtime()).total_seconds(), 1))
            enqueue_daily_tasks()
