"""Writes of branch activities: recording one with its attendance and resolutions, correcting it, planning and
cancelling, the attendance sheet alone, a resolution, photos and files.

Counts (应到, 实到, 请假, 有表决权) and the quorum are derived from the attendance, never typed (domain.md §6.3).
A 志愿服务 activity carries its 服务领域 and, per member present, the hours served (seed 一(七)); it earns no 学时.
Every service checks everything first (checks.py) and writes only when all is well: bad input leaves nothing behind.
"""

from datetime import date, time
from decimal import Decimal
from typing import Any

from django.db import transaction

from bianban.accounts.choices import Perm
from bianban.core.audit import audit, diff
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.core.uploads import original_name, stored_name
from bianban.ledger.files import check_evidence_file
from bianban.party.access import require_branch
from bianban.party.activities import rules
from bianban.party.activities.checks import (
    AttendanceEntry,
    Errors,
    Fields,
    ResolutionEntry,
    check_attendance,
    check_fields,
    check_resolutions,
    derive_counts,
)
from bianban.party.choices import ActivityStatus
from bianban.party.models import Activity, ActivityFile, Attendance, Branch, Member, PartyGroup, Resolution

St = ActivityStatus
# Status changes an edit may make (条例: a meeting recorded as held is a fact; correct it, do not un-hold it).
TRANSITIONS = {(St.PLANNED, St.PLANNED), (St.PLANNED, St.HELD), (St.PLANNED, St.CANCELLED), (St.HELD, St.HELD),
               (St.CANCELLED, St.CANCELLED), (St.CANCELLED, St.PLANNED)}
# The fields a user edits on an activity (the counts are derived, never among them).
FIELDS = ["kind", "group", "status", "held_on", "start_time", "place", "topic", "host", "recorder", "speaker",
           "content", "decisions", "materials", "study_hours", "service_field"]
_COUNTS = ["due_count", "present_count", "leave_count", "voting_due", "voting_present", "quorum_met"]


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _state(activity: Activity) -> dict[str, Any]:
    return {name: _plain(getattr(activity, name)) for name in FIELDS + _COUNTS}


def _sheet(rows: Any) -> dict[str, list[Any]]:
    """The attendance sheet as the audit trail keeps it: member id → [status, reason, study hours], with the
    service hours appended where a member has some (志愿服务)."""
    return {str(r.member_id): [r.status, r.reason, _plain(r.study_hours)]
            + ([_plain(r.service_hours)] if r.service_hours is not None else []) for r in rows}


def _write_attendance(activity: Activity, rows: list[Attendance]) -> dict[str, list[Any]]:
    before = _sheet(activity.attendance.all()) if activity.pk else {}
    after = _sheet(rows)
    if before == after:
        return {}
    activity.attendance.all().delete()
    for row in rows:
        row.activity = activity
    Attendance.objects.bulk_create(rows)
    return {"attendance": [before or None, after or None]}


def _write_resolutions(activity: Activity, entries: list[ResolutionEntry], voting_due: int) -> dict[str, list[Any]]:
    """Replace the meeting's resolutions with `entries` (kept by id, new ones created, the rest removed); `passed`
    is always recomputed from the votes and the 应到有表决权 count."""
    current = {r.pk: r for r in activity.resolutions.all()}
    before = [[r.text, r.votes_for, r.votes_against, r.votes_abstain, r.passed] for r in current.values()]
    keep: set[int] = set()
    for entry in entries:
        values = {"text": entry.text.strip(), "votes_for": entry.votes_for, "votes_against": entry.votes_against,
                  "votes_abstain": entry.votes_abstain,
                  "passed": rules.resolution_passes(entry.votes_for, voting_due)}
        if entry.id is not None:
            keep.add(entry.id)
            Resolution.objects.filter(pk=entry.id, activity=activity).update(**values)
        else:
            keep.add(Resolution.objects.create(activity=activity, **values).pk)
    activity.resolutions.exclude(pk__in=keep).delete()
    after = [[r.text, r.votes_for, r.votes_against, r.votes_abstain, r.passed]
             for r in activity.resolutions.order_by("pk")]
    return {"resolutions": [before or None, after or None]} if before != after else {}


def _existing_attendance(activity: Activity) -> list[AttendanceEntry]:
    return [AttendanceEntry(member_id=a.member_id, status=a.status, reason=a.reason, study_hours=a.study_hours,
                            service_hours=a.service_hours) for a in activity.attendance.all()]


def _existing_resolutions(activity: Activity) -> list[ResolutionEntry]:
    return [ResolutionEntry(id=r.pk, text=r.text, votes_for=r.votes_for, votes_against=r.votes_against,
                            votes_abstain=r.votes_abstain) for r in activity.resolutions.order_by("pk")]


def _save(*, activity: Activity, f: Fields, attendance: list[AttendanceEntry] | None,
          resolutions: list[ResolutionEntry] | None, creating: bool) -> dict[str, list[Any]]:
    """Check the fields, the attendance sheet and the resolutions together, then write them. The caller holds the
    activity (locked when it exists). Returns the audit `changes` of attendance and resolutions."""
    branch = activity.branch
    errors = Errors()
    f = check_fields(branch, f, errors)
    rows: list[Attendance] = []
    if f.status == St.HELD:
        moved = attendance is None and not creating
        if attendance is None:
            attendance = [] if creating else _existing_attendance(activity)
        if not errors.keys() & {"kind", "status", "held_on", "group"}:
            rows = check_attendance(branch, f, attendance, errors)
        if moved and attendance and any(key.startswith("attendance") for key in errors):
            # The recorded sheet no longer fits the new date, kind or group: say so before the details.
            errors = Errors({"attendance": ["活动日期、类型或党小组变更后应到人员不同，请重新登记出席情况。",
                                             *errors.get("attendance", [])],
                              **{k: v for k, v in errors.items() if k != "attendance"}})
    elif attendance:
        errors.add("attendance", "计划中或已取消的活动不登记出席情况，召开后再登记")
    counts = derive_counts(f.kind, rows)
    existing = set() if creating else set(activity.resolutions.values_list("pk", flat=True))
    entries = resolutions if resolutions is not None else ([] if creating else _existing_resolutions(activity))
    # Per-member slips (a reason left out) do not change the counts: check the votes too, so all is said at once.
    if not errors.keys() & {"kind", "status", "held_on", "group", "attendance"}:
        check_resolutions(f, counts, entries, existing, errors)
    errors.raise_any()
    for name in FIELDS:
        setattr(activity, name, getattr(f, name))
    for name, value in counts.items():
        setattr(activity, name, value)
    activity.save()
    changes = _write_attendance(activity, rows)
    changes.update(_write_resolutions(activity, entries, counts["voting_due"]))
    return changes


@transaction.atomic(durable=True)
def activity_create(
    *, actor: Any, branch: Branch, kind: str, held_on: date, topic: str, status: str = St.HELD,
    group: PartyGroup | None = None, start_time: time | None = None, place: str = "", host: Member | None = None,
    recorder: Member | None = None, speaker: str = "", content: str = "", decisions: str = "", materials: str = "",
    study_hours: Decimal | None = None, service_field: str = "", service_hours: Decimal | str | None = None,
    attendance: list[AttendanceEntry] | None = None, resolutions: list[ResolutionEntry] | None = None,
) -> Activity:
    """Record an activity. A held one (已召开) is dated today or earlier and comes with its whole attendance sheet —
    a status for every member due that day — and, for a 支部党员大会 or 支委会 with its quorum, its resolutions.
    A planned one may be dated in the future and has neither. A 志愿服务 activity names its `service_field`; each
    member present is credited the hours of their sheet line, else `service_hours` (none when both are blank)."""
    require_branch(actor, branch)
    if status not in (St.PLANNED, St.HELD):
        raise ValidationFailed.on("status", "新建活动的状态应为“计划”或“已召开”")
    activity = Activity(branch=branch, created_by=actor if getattr(actor, "pk", None) else None)
    f = Fields(kind=kind, status=status, held_on=held_on, topic=topic, group=group, start_time=start_time,
               place=place, host=host, recorder=recorder, speaker=speaker, content=content, decisions=decisions,
               materials=materials, study_hours=study_hours, service_field=service_field, service_hours=service_hours)
    changes = _save(activity=activity, f=f, attendance=attendance, resolutions=resolutions, creating=True)
    audit(actor=actor, action="activity.create", target=activity, unit_id=branch.unit_id,
          changes={**diff({}, _state(activity)), **changes})
    return activity


def _lock(activity: Activity) -> Activity:
    """The activity, locked, provided its status is still the one the caller saw (compare-and-swap)."""
    locked = Activity.objects.select_for_update(of=("self",)).select_related("branch").get(pk=activity.pk)
    if locked.status != activity.status:
        raise Conflict("活动状态已被他人修改，请刷新后重试")
    return locked


def _require_transition(old: str, new: str) -> None:
    if (old, new) not in TRANSITIONS:
        raise ValidationFailed.on("status", f"活动当前为“{St(old).label}”，不能改为“{St(new).label}”"
                                  if new in St.values else "活动状态不在允许范围内")


@transaction.atomic(durable=True)
def activity_update(
    *, actor: Any, activity: Activity, kind: str, held_on: date, topic: str, status: str,
    group: PartyGroup | None, start_time: time | None, place: str, host: Member | None, recorder: Member | None,
    speaker: str, content: str, decisions: str, materials: str, study_hours: Decimal | None,
    service_field: str = "", service_hours: Decimal | str | None = None,
    attendance: list[AttendanceEntry] | None = None, resolutions: list[ResolutionEntry] | None = None,
) -> Activity:
    """Correct an activity, or move it on: 计划 → 已召开 (with its attendance sheet), 计划 → 取消, 取消 → 计划. A held
    activity stays held. `attendance` / `resolutions` None keep the recorded ones, which must still fit the
    (possibly new) date, kind and attendance. The status the caller saw (`activity.status`) must still hold.
    `service_hours` fills the blank service hours of the members present (志愿服务), as on creation."""
    require_branch(actor, activity.branch)
    _require_transition(activity.status, status)
    locked = _lock(activity)
    before = _state(locked)
    f = Fields(kind=kind, status=status, held_on=held_on, topic=topic, group=group, start_time=start_time,
               place=place, host=host, recorder=recorder, speaker=speaker, content=content, decisions=decisions,
               materials=materials, study_hours=study_hours, service_field=service_field, service_hours=service_hours)
    changes = _save(activity=locked, f=f, attendance=attendance, resolutions=resolutions, creating=False)
    changes = {**diff(before, _state(locked)), **changes}
    if changes:
        action = "activity.update" if before["status"] == locked.status else f"activity.{locked.status}"
        audit(actor=actor, action=action, target=locked, unit_id=locked.branch.unit_id, changes=changes)
    return locked


def _current_fields(activity: Activity) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in FIELDS}


@transaction.atomic(durable=True)
def attendance_record(*, actor: Any, activity: Activity, attendance: list[AttendanceEntry]) -> Activity:
    """Replace the attendance sheet of a held activity. The recorded resolutions must still fit the new counts."""
    require_branch(actor, activity.branch)
    locked = _lock(activity)
    if locked.status != St.HELD:
        raise ValidationFailed.on("attendance", "活动尚未召开或已取消，不能登记出席情况；召开后请将状态改为“已召开”")
    before = _state(locked)
    changes = _save(activity=locked, f=Fields(**_current_fields(locked)), attendance=attendance, resolutions=None,
                    creating=False)
    changes = {**diff(before, _state(locked)), **changes}
    if changes:
        audit(actor=actor, action="activity.attendance", target=locked, unit_id=locked.branch.unit_id,
              changes=changes)
    return locked


@transaction.atomic(durable=True)
def resolution_add(*, actor: Any, activity: Activity, text: str, votes_for: int, votes_against: int = 0,
                   votes_abstain: int = 0) -> Resolution:
    """Record one item voted at a held 支部党员大会 or 支委会 that had its quorum. Passed when the votes for are more
    than half of those due with a vote (条例第十一条)."""
    require_branch(actor, activity.branch)
    locked = Activity.objects.select_for_update(of=("self",)).select_related("branch").get(pk=activity.pk)
    errors = Errors()
    entry = ResolutionEntry(text=text, votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
    counts = {name: getattr(locked, name) for name in _COUNTS}
    check_resolutions(Fields(**_current_fields(locked)), counts, [entry], set(), errors)
    errors.raise_any()
    resolution = Resolution.objects.create(activity=locked, text=text.strip(), votes_for=votes_for,
                                           votes_against=votes_against, votes_abstain=votes_abstain,
                                           passed=rules.resolution_passes(votes_for, locked.voting_due))
    audit(actor=actor, action="resolution.create", target=resolution, unit_id=locked.branch.unit_id,
          changes={"text": [None, resolution.text], "votes": [None, [votes_for, votes_against, votes_abstain]],
                   "passed": [None, resolution.passed]})
    return resolution


@transaction.atomic(durable=True)
def activity_file_add(*, actor: Any, activity: Activity, uploaded_file: Any) -> ActivityFile:
    """Attach a photo or document, its type checked by content (the ledger's evidence rules)."""
    require_branch(actor, activity.branch)
    if activity.status == St.CANCELLED:
        raise ValidationFailed.on("file", "活动已取消，不能上传材料")
    content_type = check_evidence_file(uploaded_file)
    name = original_name(uploaded_file)
    record = ActivityFile(activity=activity, original_name=name, content_type=content_type, size=uploaded_file.size,
                          uploaded_by=actor if getattr(actor, "pk", None) else None)
    record.file.save(stored_name(name), uploaded_file, save=False)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise
    audit(actor=actor, action="activity_file.add", target=record, unit_id=activity.branch.unit_id,
          changes={"activity": [None, activity.pk], "file": [None, name], "size": [None, record.size]})
    return record


@transaction.atomic(durable=True)
def activity_file_delete(*, actor: Any, record: ActivityFile) -> None:
    """Remove a photo or document (the stored file goes once the removal is committed)."""
    activity = record.activity
    require_branch(actor, activity.branch)
    deleted, _ = ActivityFile.objects.filter(pk=record.pk).delete()
    if not deleted:
        raise Conflict("该材料已被删除")
    storage, path = record.file.storage, record.file.name
    transaction.on_commit(lambda: storage.delete(path))
    audit(actor=actor, action="activity_file.delete", target=activity, unit_id=activity.branch.unit_id,
          changes={"file": [record.original_name, None]})


@transaction.atomic(durable=True)
def study_summary_export(*, actor: Any, branch: Branch, year: int, count: int) -> None:
    """Record that the actor exported a branch's study summary (personal records of its members)."""
    require_branch(actor, branch, perm=Perm.PARTY_VIEW)
    audit(actor=actor, action="study_summary.export", target=branch, unit_id=branch.unit_id,
          changes={"year": [None, year], "count": [None, count]})
