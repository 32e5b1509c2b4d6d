"""实名制花名册导入: the service. All or nothing: every row is validated first and every error collected; only a
file without a single error is written, in one transaction that locks the quota lines it fills (in primary-key
order), checks their room again under the lock, and writes persons, placements and counters in bulk
(executemany: see bulk.py for why not bulk_create).

Policy on 预警 (warn-mode) lines: rows beyond the vacancies are accepted only when their 备注 gives the reason,
which is recorded as the placement's 超编说明 (the same rule placement_enrol applies); without one the row is an
error. Persons already registered (matched by ID number, with the same name) are placed and their 所在单位
moved; their other details are left as registered (they are changed on the people pages).
"""

import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bianban.core.audit import audit
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.people.models import Person
from bianban.people.retirement import default_category, retirement_month
from bianban.staffing.choices import ApprovalStatus, Enforcement
from bianban.staffing.models import Approval, Placement, QuotaLine
from bianban.staffing.roster import reader
from bianban.staffing.roster.bulk import db_date, insert_many
from bianban.staffing.roster.validate import CHUNK, Plan, Record, RowError, chunked, validate
from bianban.staffing.rules import QuotaExceeded, lock_lines
from bianban.units.choices import UnitEventKind
from bianban.units.models import UnitEvent

logger = logging.getLogger(__name__)

BATCH = 2000
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """What an import did, or why it wrote nothing (`errors`, each with its Excel row and column)."""

    file_name: str
    sha256: str
    dry_run: bool
    rows: int = 0
    persons_created: int = 0
    persons_matched: int = 0
    on_quota: int = 0
    off_quota: int = 0
    units: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0
    audit_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def placements(self) -> int:
        return self.on_quota + self.off_quota

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "persons_created": self.persons_created, "persons_matched": self.persons_matched,
                "placements": self.placements, "on_quota": self.on_quota, "off_quota": self.off_quota,
                "units": self.units, "errors": len(self.errors)}


def roster_import(*, actor: Any, path_or_file: str | os.PathLike | IO[bytes], dry_run: bool = False,
                  progress: Progress | None = None) -> ImportResult:
    """Import a 实名制 roster workbook. Raises ValidationFailed (field "file") when the file cannot be used at all
    (missing, too large, not .xlsx); otherwise returns the result, whose `errors` say row by row why nothing
    was written. With `dry_run` the file is only validated. Must not run inside a transaction (it opens its own,
    durable one for the writes, and holds no lock while it validates)."""
    started = time.perf_counter()
    source = reader.load(path_or_file)
    result = ImportResult(file_name=source.name, sha256=source.sha256, dry_run=dry_run)
    if progress is not None:
        progress("read", 0, 0)
    sheet = reader.open_sheet(source.content)
    plan = validate(sheet, actor=actor, progress=progress)
    _count(result, plan)
    if plan.errors:
        result.errors = plan.sorted_errors()
    elif not dry_run:
        if progress is not None:
            progress("write", 0, len(plan.records))
        try:
            result.audit_id = _write(plan, actor=actor, result=result, progress=progress)
        except (Conflict, ValidationFailed) as exc:
            message = f"{exc.message}（校验之后编制或人员情况发生了变化，本次未写入任何数据，请重新导入）"
            result.errors = [RowError(0, "", message)]
        except IntegrityError:
            logger.exception("roster import hit a constraint after validation")
            result.errors = [RowError(0, "", "写入时与他人同时办理的业务冲突，本次未写入任何数据，请重新导入")]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _count(result: ImportResult, plan: Plan) -> None:
    result.rows = len(plan.records)
    result.on_quota = sum(1 for rec in plan.records if rec.on_quota)
    result.off_quota = result.rows - result.on_quota
    result.persons_matched = sum(1 for rec in plan.records if rec.person_id is not None)
    result.persons_created = result.rows - result.persons_matched
    result.units = len({rec.unit_id for rec in plan.records if rec.unit_id})


# --- the write ----------------------------------------------------------------------------------------------------


def _recheck(plan: Plan) -> dict[int, QuotaLine]:
    """Under the locks: the lines' room, the approvals and the persons are still as validated."""
    takers: dict[int, list[Record]] = defaultdict(list)
    for rec in plan.records:
        if rec.line_id and not rec.approval_id:
            takers[rec.line_id].append(rec)
    line_ids = {rec.line_id for rec in plan.records if rec.line_id}
    lines = lock_lines(*line_ids) if line_ids else {}
    for line_id, records in takers.items():
        line = lines[line_id]
        room = max(line.approved - line.occupied - line.reserved, 0)
        extra = records[room:]
        if extra and line.enforcement == Enforcement.BLOCK:
            raise QuotaExceeded.for_line(line, len(records))
        for rec in extra:
            if not rec.note:
                raise ValidationFailed.on("note", f"{line}已无空编（预警模式），第{rec.row}行须在备注中说明超编理由")
            rec.over_reason = rec.note

    uses = Counter(rec.approval_id for rec in plan.records if rec.approval_id)
    if uses:
        fresh = {a.pk: a for a in Approval.objects.select_for_update().filter(pk__in=list(uses)).order_by("pk")}
        for approval_id, used in uses.items():
            approval = fresh[approval_id]
            if approval.status != ApprovalStatus.OPEN or approval.remaining < used:
                raise Conflict(
                    f"用编核准{approval.document_no}尚余 {approval.remaining} 名，不足本文件使用的 {used} 名")
            plan.approvals[approval_id] = approval

    new_ids = [rec.id_number for rec in plan.records if rec.person_id is None]
    for batch in chunked(new_ids):
        taken = list(Person.objects.filter(id_number__in=batch).values_list("id_number", flat=True)[:1])
        if taken:
            raise Conflict("文件中的人员已由他人先行登记")
    matched = [rec.person_id for rec in plan.records if rec.person_id is not None]
    for batch in chunked(matched):
        if Placement.objects.filter(person_id__in=batch, ended_on__isnull=True).exists():
            raise Conflict("文件中的人员已由他人先行办理入编")
    return lines


PERSON_COLUMNS = ("name", "id_number", "sex", "birth_date", "ethnicity", "education", "political_status",
                  "work_started_on", "retirement_category", "retirement_month", "unit_id", "note")
PLACEMENT_COLUMNS = ("person_id", "unit_id", "line_id", "on_quota", "division_id", "title", "approval_id",
                     "started_on", "start_document_no", "over_quota_reason")


def _person_row(rec: Record) -> tuple[Any, ...]:
    """A new person as person_create would register them: birth date and sex from the ID number, the retirement
    category by default from the sex, and the statutory retirement month from both."""
    category = default_category(rec.sex)
    return (rec.name, rec.id_number, rec.sex, db_date(rec.birth_date), rec.ethnicity, rec.education,
            rec.political_status, db_date(rec.work_started_on), category,
            db_date(retirement_month(rec.birth_date, category)), rec.unit_id, rec.note)


def _placement_row(rec: Record) -> tuple[Any, ...]:
    return (rec.person_id, rec.unit_id, rec.line_id, rec.on_quota, rec.division_id, rec.title, rec.approval_id,
            db_date(rec.started_on), rec.document_no, rec.over_reason)


@transaction.atomic(durable=True)
def _write(plan: Plan, *, actor: Any, result: ImportResult, progress: Progress | None) -> int:
    """The one transaction: lock, re-check, then persons, placements, counters, 沿革 and the audit event."""
    _recheck(plan)
    records = plan.records
    total = len(records)
    for start in range(0, total, BATCH):
        batch = records[start:start + BATCH]
        new = [rec for rec in batch if rec.person_id is None]
        if new:
            insert_many(Person, PERSON_COLUMNS, (_person_row(rec) for rec in new))
            pks: dict[str, int] = {}
            for numbers in chunked([rec.id_number for rec in new], CHUNK):
                pks.update(Person.objects.filter(id_number__in=numbers).values_list("id_number", "pk"))
            for rec in new:
                rec.person_id = pks[rec.id_number]
        insert_many(Placement, PLACEMENT_COLUMNS, (_placement_row(rec) for rec in batch))
        if progress is not None:
            progress("write", start + len(batch), total)

    # Matched persons now belong to the unit that keeps them (as placement_enrol does), one UPDATE per unit.
    moved: dict[int, list[int]] = defaultdict(list)
    for rec in records:
        known = plan.existing.get(rec.id_number)
        if known is not None and known["unit_id"] != rec.unit_id:
            moved[rec.unit_id].append(known["pk"])
    now = timezone.now()
    for unit_id, person_ids in moved.items():
        for batch in chunked(person_ids, CHUNK):
            Person.objects.filter(pk__in=batch).update(unit_id=unit_id, updated_at=now)

    occupied = Counter(rec.line_id for rec in records if rec.line_id)
    consumed = Counter(rec.line_id for rec in records if rec.approval_id)
    for line_id, count in occupied.items():
        QuotaLine.objects.filter(pk=line_id).update(occupied=F("occupied") + count,
                                                    reserved=F("reserved") - consumed.get(line_id, 0))
    last_use: dict[int, Any] = {}
    for rec in records:
        if rec.approval_id:
            last_use[rec.approval_id] = max(last_use.get(rec.approval_id, rec.started_on), rec.started_on)
    for approval_id, used in Counter(rec.approval_id for rec in records if rec.approval_id).items():
        approval = plan.approvals[approval_id]
        done = approval.used + used == approval.count
        Approval.objects.filter(pk=approval_id).update(
            used=F("used") + used, status=ApprovalStatus.USED if done else ApprovalStatus.OPEN,
            closed_on=last_use[approval_id] if done else None,
        )

    today = timezone.localdate()
    by_unit: dict[int, list[Record]] = defaultdict(list)
    for rec in records:
        by_unit[rec.unit_id].append(rec)
    events = []
    for unit_id, unit_records in by_unit.items():
        documents = {rec.document_no for rec in unit_records}
        on_quota = sum(1 for rec in unit_records if rec.on_quota)
        events.append(UnitEvent(
            unit_id=unit_id, kind=UnitEventKind.ENROL, occurred_on=today,
            document_no=documents.pop() if len(documents) == 1 else "",
            summary=(f"实名制花名册导入 {len(unit_records)} 人"
                     f"（在编 {on_quota} 人，编外 {len(unit_records) - on_quota} 人）"),
            changes={"placements": [None, len(unit_records)], "file": [None, result.file_name]},
            actor=actor if getattr(actor, "pk", None) else None,
        ))
    UnitEvent.objects.bulk_create(events)
    event = audit(
        actor=actor, action="roster.import", unit_id=next(iter(by_unit)) if len(by_unit) == 1 else None,
        reason=f"导入实名制花名册“{result.file_name}”",
        changes={
            "file": [None, result.file_name], "sha256": [None, result.sha256], "rows": [None, total],
            "persons_created": [None, result.persons_created], "persons_matched": [None, result.persons_matched],
            "on_quota": [None, result.on_quota], "off_quota": [None, result.off_quota],
            "units": [None, len(by_unit)], "lines": [None, {str(k): v for k, v in sorted(occupied.items())}],
        },
    )
    return event.pk
