"""`bianban worker`: the background-task worker — django-tasks-db's `db_worker`, same options — that also puts
back on the queue the tasks of workers that died mid-task (core/tasks_recovery.py), when it starts and every
minute after. `bianban serve` starts this one; run it rather than `db_worker` wherever a worker runs on its own.
"""

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from bianban.core import liveness
from bianban.core.tasks_recovery import RECOVERY_EVERY, WORKER_PREFIX, tasks_requeue_orphaned, worker_lock_name

logger = logging.getLogger(__name__)


def _recover() -> None:
    try:
        tasks_requeue_orphaned()
    except Exception:  # the next look tries again; a failed look must not stop the worker
        logger.exception("looking for tasks of dead workers failed")


def _keep_recovering(stop: threading.Event) -> None:
    while not stop.wait(RECOVERY_EVERY):
        _recover()
        connections.close_all()  # this thread's own connections


class Command(db_worker.Command):
    help = "运行后台任务进程；启动时及此后每分钟把已退出的任务进程遗留的任务重新放入队列"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)  # generated in handle, with the prefix recovery recognises

    def handle(self, *args: Any, worker_id: str | None = None, reload: bool = False, **options: Any) -> None:
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only restarts the child that runs the worker (and does all the below).
            return super().handle(*args, worker_id=worker_id or "reloader", reload=reload, **options)
        worker_id = worker_id or get_random_string(32)
        if not worker_id.startswith(WORKER_PREFIX):
            worker_id = WORKER_PREFIX + worker_id
        # Held for the life of the process: its disappearance is what tells others this worker is gone.
        held = liveness.acquire(worker_lock_name(worker_id))
        if held is None:
            raise CommandError(f"任务进程编号 {worker_id} 已有进程在使用")
        stop = threading.Event()
        try:
            _recover()
            threading.Thread(target=_keep_recovering, args=(stop,), name="task-recovery", daemon=True).start()
            super().handle(*args, worker_id=worker_id, reload=reload, **options)
        finally:
            stop.set()
            held.release()
