"""Writes of the roster import runs: recording an upload, and running it (the task body) with its progress.

The import itself is `importer.roster_import`; these only keep the RosterImport row that the UI shows. Progress
updates are single-row UPDATEs outside any transaction, so the status page sees them while the run validates;
while it writes (one transaction) the page shows the write phase until the commit.
"""

import logging
import time
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from bianban.core import liveness
from bianban.core.audit import audit
from bianban.core.exceptions import ValidationFailed
from bianban.staffing.roster import reader
from bianban.staffing.roster.errorbook import error_workbook
from bianban.staffing.roster.importer import ImportResult, roster_import
from bianban.staffing.roster.models import ImportPhase, ImportStatus, RosterImport

logger = logging.getLogger(__name__)
ERRORS_KEPT = 50  # errors stored on the row for the status page; the workbook has them all


@transaction.atomic(durable=True)
def roster_import_request(*, actor: Any, upload: UploadedFile, dry_run: bool) -> RosterImport:
    """Store an uploaded roster for a background run. The file is checked (size, .xlsx) before anything is
    stored; the rows are checked by the run."""
    source = reader.load(upload)
    job = RosterImport(actor=actor if getattr(actor, "pk", None) else None, original_name=source.name[:255],
                       sha256=source.sha256, size=len(source.content), dry_run=dry_run)
    job.file.save(f"{source.sha256[:16]}.xlsx", ContentFile(source.content), save=False)
    job.save()
    audit(actor=actor, action="roster.upload", target=job, reason="仅校验" if dry_run else "导入",
          changes={"file": [None, source.name], "sha256": [None, source.sha256], "size": [None, job.size]})
    return job


def _update(job_id: int, **fields: Any) -> None:
    RosterImport.objects.filter(pk=job_id).update(**fields)


class _Reporter:
    """The progress callback of a run: at most one UPDATE every half second, none inside the write transaction
    (the row would be locked with the import, and invisible until it commits anyway)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if connection.in_atomic_block:
            return
        if phase == ImportPhase.VALIDATE and done < total and now - self.last < 0.5:
            return
        self.last = now
        _update(self.job_id, phase=phase, rows_done=done, rows_total=total)


def _finish(job: RosterImport, result: ImportResult) -> None:
    errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors[:ERRORS_KEPT]]
    fields: dict[str, Any] = {
        "counts": result.counts(), "error_count": len(result.errors), "errors": errors,
        "seconds": result.seconds, "finished_at": timezone.now(), "rows_done": result.rows, "rows_total": result.rows,
    }
    if result.errors:
        fields["status"] = ImportStatus.REJECTED
        fields["message"] = f"共发现 {len(result.errors)} 处错误，未写入任何数据；请下载错误标注工作簿，修改后重新上传"
        content = error_workbook(job.file.path, result.errors)
        name = job.error_file.storage.save(f"imports/errors/{job.sha256[:16]}-{job.pk}.xlsx", ContentFile(content))
        fields["error_file"] = name
    elif result.dry_run:
        fields["status"] = ImportStatus.DONE
        fields["message"] = f"校验通过：{result.rows} 行均无错误（仅校验，未写入）；可以正式导入"
    else:
        fields["status"] = ImportStatus.DONE
        fields["message"] = (f"导入完成：{result.rows} 人，其中在编 {result.on_quota} 人、编外 {result.off_quota} 人；"
                             f"新登记 {result.persons_created} 人")
    _update(job.pk, **fields)


def import_lock_name(import_id: int) -> str:
    """The liveness lock a process holds while it runs the import."""
    return f"roster-import:{import_id}"


def roster_import_run(*, import_id: int) -> str:
    """Run one queued import (the task's body); returns the final status. Holds the import's liveness lock while
    it runs, so two workers never run the same upload, and an import left "running" by a worker that died (its
    task put back on the queue, core/tasks_recovery.py) is run again from the start: it wrote nothing, since the
    import writes in one transaction."""
    with liveness.hold(import_lock_name(import_id)) as mine:
        if not mine:
            return RosterImport.objects.filter(pk=import_id).values_list("status", flat=True).first() or ""
        if RosterImport.objects.filter(pk=import_id, status=ImportStatus.RUNNING).exists():
            logger.warning("roster import %s: taking over from a worker that died while running it", import_id)
        claimed = RosterImport.objects.filter(
            pk=import_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
        ).update(status=ImportStatus.RUNNING, phase=ImportPhase.READ, started_at=timezone.now(), rows_done=0,
                 rows_total=0)
        if claimed != 1:
            return RosterImport.objects.filter(pk=import_id).values_list("status", flat=True).first() or ""
        job = RosterImport.objects.select_related("actor").get(pk=import_id)
        try:
            result = roster_import(actor=job.actor, path_or_file=job.file.path, dry_run=job.dry_run,
                                   progress=_Reporter(job.pk))
            _finish(job, result)
        except ValidationFailed as exc:
            _update(job.pk, status=ImportStatus.REJECTED, message=exc.message, error_count=1,
                    errors=[{"row": 0, "column": "", "message": exc.message}], finished_at=timezone.now())
        except Exception:
            logger.exception("roster import %s failed", import_id)
            _update(job.pk, status=ImportStatus.FAILED, message="处理时发生内部错误，未写入任何数据；请联系系统管理员",
                    finished_at=timezone.now())
    return RosterImport.objects.values_list("status", flat=True).get(pk=import_id)
