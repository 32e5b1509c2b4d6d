"""Background tasks whose worker died while running them go back on the queue.

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever looks at it again: a worker killed
mid-task (kill -9, the OOM killer, a reboot) leaves it RUNNING for good, and the work it stood for (a roster
import, a check run) is never done. `bianban worker` (management/commands/worker.py) therefore:

- runs under a worker id starting with WORKER_PREFIX and holds the liveness lock of that id for its whole life
  (core/liveness.py), so any process can tell whether the worker of a RUNNING task is still there;
- calls `tasks_requeue_orphaned` when it starts and every RECOVERY_EVERY seconds after.

A RUNNING task whose worker is one of ours and holds no lock any more is put back to READY at once. One claimed by
another kind of worker (a plain `bianban db_worker`, whose liveness cannot be seen) is put back only once it has
been running longer than BIANBAN["TASK_LEASE_MINUTES"] (default 60: far beyond any legitimate run).

Running a task again is safe because every task of bianban is idempotent: the roster import and the check run
take over their row only when its previous runner is gone and write everything in one transaction; the daily
tasks (approvals_expire_due, reminders_refresh, registration_overdue) bring state in line and can run twice. The
reminder digest may send one message twice: the one whose send finished just before the kill.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bianban.core import liveness
from bianban.core.audit import audit

logger = logging.getLogger(__name__)

WORKER_PREFIX = "bb-"
RECOVERY_EVERY = 60  # seconds between two looks by a running worker


def worker_lock_name(worker_id: str) -> str:
    return f"task-worker:{worker_id}"


def lease() -> timedelta:
    return timedelta(minutes=settings.BIANBAN["TASK_LEASE_MINUTES"])


def _orphaned(worker_id: str, started_at: datetime | None, now: datetime) -> str:
    """Why the task's run is taken to be dead, or "" if it may still be running."""
    if worker_id.startswith(WORKER_PREFIX):
        return "" if liveness.is_held(worker_lock_name(worker_id)) else "任务进程已退出"
    if started_at is None or started_at <= now - lease():
        return f"运行超过 {int(lease().total_seconds() // 60)} 分钟，其任务进程状态无法确认"
    return ""


def tasks_requeue_orphaned(*, now: datetime | None = None) -> list[str]:
    """Put every RUNNING task whose worker is gone back on the queue (READY), each with an AuditEvent and a log
    line; returns their ids. Reads without a lock and writes only what it requeues, so a worker calling it beside
    a long import waits for nothing."""
    now = now or timezone.now()
    requeued = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
    for task_id, worker_ids, started_at, path in running.values_list("id", "worker_ids", "started_at", "task_path"):
        worker_id = worker_ids[-1] if worker_ids else ""
        why = _orphaned(worker_id, started_at, now)
        if why and _requeue(task_id, started_at, path=path, worker_id=worker_id, why=why):
            requeued.append(str(task_id))
    return requeued


@transaction.atomic(durable=True)
def _requeue(task_id: Any, started_at: datetime | None, *, path: str, worker_id: str, why: str) -> bool:
    # Compare-and-swap on the claim time: a task claimed again meanwhile (by another worker's recovery and then a
    # worker) has a new started_at and is left alone.
    claim = {"started_at": started_at} if started_at is not None else {"started_at__isnull": True}
    updated = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING, **claim).update(
        status=TaskResultStatus.READY)
    if not updated:
        return False
    task = DBTaskResult.objects.get(pk=task_id)
    audit(actor=None, action="task.requeue", target=task, reason=why,
          changes={"status": [TaskResultStatus.RUNNING, TaskResultStatus.READY], "task": [None, path],
                   "worker": [worker_id, None]})
    logger.warning("task %s (%s) put back on the queue, its worker %s being gone: %s", task_id, path,
                   worker_id or "?", why)
    return True
