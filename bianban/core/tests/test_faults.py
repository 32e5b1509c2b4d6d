"""Faults (issue 9): a process killed with SIGKILL halfway through its work leaves nothing half done, and the work
runs to the end when started again.

The process-level tests start real `bianban` processes on scratch databases (subproc.py) and kill them at a point
they observe from outside — the import's progress bar on stderr, the progress columns of a check run or a roster
import — never through a hook in the code. Each takes a few seconds; they run on SQLite and on PostgreSQL alike
(the suite's engine). The in-process tests below them pin the recovery rules one case at a time.
"""

import json
import os
import re
import select
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from bianban.checks.choices import RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.services import check_run_execute, check_run_request, run_lock_name
from bianban.core import liveness
from bianban.core.exceptions import Conflict
from bianban.core.models import AuditEvent
from bianban.core.tasks_recovery import WORKER_PREFIX, tasks_requeue_orphaned, worker_lock_name
from bianban.core.tests.subproc import Scratch, Scratches, kill9, stop, wait_for
from bianban.ledger.models import Problem
from bianban.people.models import Person
from bianban.staffing.models import Placement, QuotaLine
from bianban.staffing.roster.models import RosterImport
from bianban.units.models import UnitEvent

# Every test here needs the suite's test database: the in-process ones work in it, and the scratch databases of the
# process-level ones start as copies of it (migrated, and empty between tests).
pytestmark = pytest.mark.django_db

ROWS = 10_000  # the import writes for ~0.4 s on SQLite and ~3 s on PostgreSQL: long enough to be caught halfway

PREPARE = """
import sys
from pathlib import Path
from bianban.staffing.roster.bench import prepare
print(prepare(int(sys.argv[1]), Path(sys.argv[2]), units=20))
"""

UPLOAD = """
import sys
from django.core.files.uploadedfile import SimpleUploadedFile
from bianban.staffing.roster.services import roster_import_request
from bianban.staffing.roster.tasks import run_roster_import
with open(sys.argv[1], "rb") as workbook:
    job = roster_import_request(actor=None, upload=SimpleUploadedFile("花名册.xlsx", workbook.read()), dry_run=False)
print(job.pk, run_roster_import.enqueue(job.pk).id)
"""


def table(model: Any) -> str:
    return model._meta.db_table


def stored_json(db: Scratch, value: Any) -> Any:
    """A JSON column as read by the plain driver: text on SQLite, decoded already by psycopg."""
    return json.loads(value) if db.vendor == "sqlite" and value is not None else value


def register(db: Scratch) -> dict[str, int]:
    """What a roster import writes, counted."""
    return {
        "persons": db.count(table(Person)), "placements": db.count(table(Placement)),
        "occupied": int(db.scalar(f"SELECT coalesce(sum(occupied), 0) FROM {table(QuotaLine)}")),
        "unit_events": db.count(table(UnitEvent)),
        "imports_audited": db.count(table(AuditEvent), "action = %s", ("roster.import",)),
    }


@pytest.fixture(scope="module")
def scratches(tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any) -> Any:
    box = Scratches(tmp_path_factory.mktemp("faults"))
    yield box
    box.drop_all()


@pytest.fixture(scope="module")
def roster_base(scratches: Scratches, django_db_blocker: Any) -> tuple[Scratch, Path]:
    """A scratch database with 20 units whose lines have room for ROWS people, and the workbook placing them."""
    with django_db_blocker.unblock():
        base = scratches.from_test_database("roster")
    workbook = base.python(PREPARE, str(ROWS), str(base.home)).strip().splitlines()[-1]
    return base, Path(workbook)


@pytest.fixture(scope="module")
def register_base(scratches: Scratches, roster_base: tuple[Scratch, Path]) -> Scratch:
    """The same with the workbook imported: ROWS people, about a quarter of them past their retirement month, so a
    check run finds a few thousand things and takes its time storing them and opening their problems."""
    base, workbook = roster_base
    db = scratches.copy(base, "register")
    db.run("roster", "import", "--no-progress", str(workbook))
    return db


def kill_while_writing(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, int]:
    """Read the import's progress bar (stderr, redrawn with \\r) and SIGKILL it as soon as it shows rows written
    but not all: inside the write transaction. Returns (written, total) as last shown."""
    fd = proc.stderr.fileno()
    deadline = time.monotonic() + timeout
    pending = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536).decode(errors="replace")
        if not chunk:
            raise AssertionError(f"the import ended (exit {proc.wait()}) before it could be caught writing")
        pending += chunk
        *shown, pending = re.split(r"[\r\n]", pending)
        for line in shown:
            match = re.search(r"写入 \[.*\] (\d+)/(\d+) 行", line)
            if match and 0 < int(match[1]) < int(match[2]):
                kill9(proc)
                return int(match[1]), int(match[2])
    kill9(proc)
    raise AssertionError("the import never showed its write phase")


# --- real processes, killed ---------------------------------------------------------------------------------------


def test_a_roster_import_killed_while_writing_leaves_nothing_and_imports_when_run_again(
        scratches: Scratches, roster_base: tuple[Scratch, Path]) -> None:
    base, workbook = roster_base
    db = scratches.copy(base, "roster_killed")
    before = register(db)

    proc = db.start("roster", "import", str(workbook), stderr=subprocess.PIPE)
    written, total = kill_while_writing(proc)
    assert proc.returncode == -9 and 0 < written < total == ROWS

    assert register(db) == before  # the rows it had inserted were never committed
    done = db.run("roster", "import", "--no-progress", str(workbook))
    assert f"导入完成：{ROWS} 人" in done.stdout
    after = register(db)
    assert after == {**before, "persons": before["persons"] + ROWS, "placements": before["placements"] + ROWS,
                     "occupied": before["occupied"] + ROWS, "unit_events": before["unit_events"] + 20,
                     "imports_audited": before["imports_audited"] + 1}


def _findings(db: Scratch, run_id: int) -> set[str]:
    return {key for (key,) in db.rows(f"SELECT key FROM {table(Finding)} WHERE run_id = %s", (run_id,))}


def test_a_check_run_killed_while_storing_leaves_no_findings_and_runs_again_to_the_same_result(
        scratches: Scratches, register_base: Scratch) -> None:
    uninterrupted = scratches.copy(register_base, "checks_whole")
    expected = json.loads(uninterrupted.run("checks", "run", "--json").stdout)
    expected_keys = _findings(uninterrupted, expected["run_id"])
    assert expected["status"] == "done" and len(expected_keys) > 1000

    db = scratches.copy(register_base, "checks_killed")
    proc = db.start("checks", "run", "--json")
    runs = table(CheckRun)

    def storing() -> bool:
        # Every rule has run: what is left is storing the findings, the ledger and the run's end, together.
        rows = db.rows(f"SELECT status, rules_done, rules_total FROM {runs}")
        if rows and rows[0][0] in (RunStatus.DONE, RunStatus.FAILED):
            raise AssertionError(f"the run ended ({rows[0][0]}) before it could be caught storing")
        return bool(rows) and rows[0][0] == RunStatus.RUNNING and rows[0][1] == rows[0][2]

    try:
        wait_for(storing, timeout=120, what="the run to reach its storing stage")
        kill9(proc)
    finally:
        stop(proc)
    ((killed_id, status),) = db.rows(f"SELECT id, status FROM {runs}")
    assert status == RunStatus.RUNNING
    assert db.count(table(Finding)) == 0 and db.count(table(Problem)) == 0
    assert db.count(table(AuditEvent), "action = %s", ("check_run.done",)) == 0

    # Run again at once: the killed run no longer blocks (its process is gone) and is recorded as abandoned.
    again = json.loads(db.run("checks", "run", "--json").stdout)
    assert again["status"] == "done" and again["run_id"] != killed_id
    assert db.scalar(f"SELECT status FROM {runs} WHERE id = %s", (killed_id,)) == RunStatus.FAILED
    assert db.count(table(AuditEvent), "action = %s AND target_id = %s", ("check_run.abandon", str(killed_id))) == 1
    assert _findings(db, again["run_id"]) == expected_keys
    for figure in ("findings", "new", "persisting", "resolved", "problems_opened", "problems_resolved"):
        assert again[figure] == expected[figure], figure
    assert db.count(table(Problem)) == uninterrupted.count(table(Problem))


def test_a_task_whose_worker_is_killed_runs_again_under_the_next_worker_exactly_once(
        scratches: Scratches, roster_base: tuple[Scratch, Path]) -> None:
    base, workbook = roster_base
    db = scratches.copy(base, "worker")
    before = register(db)
    job_id, task_id = db.python(UPLOAD, str(workbook)).split()
    imports, tasks = table(RosterImport), table(DBTaskResult)

    worker = db.start("worker", "--interval", "0.1", "--no-startup-delay")
    try:
        wait_for(lambda: db.scalar(f"SELECT phase FROM {imports} WHERE id = %s", (job_id,)) == "write", timeout=120,
                 what="the worker to start writing the import")
        kill9(worker)
    finally:
        stop(worker)
    task_row = f"SELECT status, worker_ids, return_value FROM {tasks} WHERE id = %s"
    task_id_value = task_id.replace("-", "") if db.vendor == "sqlite" else task_id  # SQLite keeps the UUID as hex
    status, worker_ids, _ = db.rows(task_row, (task_id_value,))[0]
    assert status == TaskResultStatus.RUNNING  # what django-tasks-db leaves behind a dead worker, for ever
    assert db.scalar(f"SELECT status FROM {imports} WHERE id = %s", (job_id,)) == "running"
    assert register(db) == before

    # The next worker finds the task's worker gone, puts the task back on the queue and runs it to the end.
    db.run("worker", "--batch", "--no-startup-delay", timeout=90)
    status, worker_ids, returned = db.rows(task_row, (task_id_value,))[0]
    worker_ids, returned = stored_json(db, worker_ids), stored_json(db, returned)
    assert status == TaskResultStatus.SUCCESSFUL and returned == "done"
    assert len(worker_ids) == 2 and all(w.startswith(WORKER_PREFIX) for w in worker_ids)
    assert db.count(table(AuditEvent), "action = %s", ("task.requeue",)) == 1
    status, counts = db.rows(f"SELECT status, counts FROM {imports} WHERE id = %s", (job_id,))[0]
    counts = stored_json(db, counts)
    assert status == "done" and counts["placements"] == ROWS
    after = register(db)
    assert after["persons"] == before["persons"] + ROWS and after["placements"] == before["placements"] + ROWS
    assert after["occupied"] == before["occupied"] + ROWS and after["imports_audited"] == 1


# --- the recovery rules, in this process ---------------------------------------------------------------------------


def _running_task(worker_id: str, started_ago: timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING, args_kwargs={"args": [1], "kwargs": {}}, backend_name="default",
        task_path="bianban.checks.tasks.run_check", run_after=get_date_max(), worker_ids=[worker_id],
        started_at=timezone.now() - started_ago, exception_class_path="", traceback="",
    )


def test_a_task_of_a_dead_worker_is_put_back_on_the_queue_and_audited() -> None:
    dead = _running_task(f"{WORKER_PREFIX}gone", timedelta(seconds=5))
    assert tasks_requeue_orphaned() == [str(dead.pk)]
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    event = AuditEvent.objects.get(action="task.requeue")
    assert event.target_id == str(dead.pk) and event.reason == "任务进程已退出"
    assert tasks_requeue_orphaned() == []  # once


def test_a_task_of_a_live_worker_is_left_running_however_long_it_takes() -> None:
    alive = _running_task(f"{WORKER_PREFIX}here", timedelta(days=1))
    held = liveness.acquire(worker_lock_name(f"{WORKER_PREFIX}here"))
    try:
        assert tasks_requeue_orphaned() == []
    finally:
        held.release()
    alive.refresh_from_db()
    assert alive.status == TaskResultStatus.RUNNING


def test_a_task_of_a_worker_that_cannot_be_watched_is_put_back_only_after_the_lease() -> None:
    recent = _running_task("plain-db-worker", timedelta(minutes=5))
    old = _running_task("plain-db-worker", timedelta(hours=2))
    assert tasks_requeue_orphaned() == [str(old.pk)]
    recent.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING
    assert "60 分钟" in AuditEvent.objects.get(action="task.requeue").reason


def test_a_lock_is_held_until_released_and_by_one_holder_at_a_time() -> None:
    held = liveness.acquire("faults:demo")
    assert held is not None and liveness.is_held("faults:demo")
    assert liveness.acquire("faults:demo") is None
    held.release()
    assert not liveness.is_held("faults:demo")
    with liveness.hold("faults:demo") as mine:
        assert mine and liveness.is_held("faults:demo")
    assert not liveness.is_held("faults:demo")


def _started(run: CheckRun) -> CheckRun:
    CheckRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
    run.refresh_from_db()
    return run


def test_a_check_run_whose_process_is_gone_no_longer_blocks_a_new_one(district: Any, staff: Any) -> None:
    dead = _started(check_run_request(actor=staff))
    fresh = check_run_request(actor=staff)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "中断" in dead.message and fresh.status == RunStatus.QUEUED
    assert AuditEvent.objects.filter(action="check_run.abandon", target_id=str(dead.pk)).exists()


def test_a_check_run_whose_process_is_alive_still_blocks_a_new_one(district: Any, staff: Any) -> None:
    alive = _started(check_run_request(actor=staff))
    held = liveness.acquire(run_lock_name(alive.pk))
    try:
        with pytest.raises(Conflict):
            check_run_request(actor=staff)
    finally:
        held.release()
    alive.refresh_from_db()
    assert alive.status == RunStatus.RUNNING


def test_a_check_run_left_running_by_a_dead_process_is_taken_over_when_its_task_runs_again(
        district: Any, staff: Any) -> None:
    interrupted = _started(check_run_request(actor=staff))
    assert check_run_execute(run_id=interrupted.pk).status == RunStatus.DONE


def test_a_check_run_being_run_by_a_live_process_is_not_run_twice(district: Any, staff: Any) -> None:
    running = _started(check_run_request(actor=staff))
    held = liveness.acquire(run_lock_name(running.pk))
    try:
        assert check_run_execute(run_id=running.pk).status == RunStatus.RUNNING
    finally:
        held.release()
    assert not Finding.objects.filter(run=running).exists()
