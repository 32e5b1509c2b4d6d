"""Writes of branch activities: recording one with its attendance and resolutions, correcting it, planning and
cancelling, the attendance sheet alone, a resolution, photos and files.

Counts (应到, 实到, 请假, 有表决权) and the quorum are derived here from the attendance, never typed (domain.md §6.3).
Every service checks everything first and writes only when all is well: bad input leaves nothing behind.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.audit import audit, diff
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.ledger.files import check_evidence_file
from bianban.party.access import require_branch
from bianban.party.activities import rules
from bianban.party.activities.selectors import due_members
from bianban.party.choices import ActivityKind, ActivityStatus, AttendanceStatus
from bianban.party.models import Activity, ActivityFile, Attendance, Branch, Member, PartyGroup, Resolution

St = ActivityStatus
# Status changes an edit may make (条例: a meeting recorded as held is a fact; correct it, do not un-hold it).
TRANSITIONS = {(St.PLANNED, St.PLANNED), (St.PLANNED, St.HELD), (St.PLANNED, St.CANCELLED), (St.HELD, St.HELD),
               (St.CANCELLED, St.CANCELLED), (St.CANCELLED, St.PLANNED)}
# The fields a user edits on an activity (the counts are derived, never among them).
FIELDS = ["kind", "group", "status", "held_on", "start_time", "place", "topic", "host", "recorder", "speaker",
           "content", "decisions", "materials", "study_hours"]
_COUNTS = ["due_count", "present_count", "leave_count", "voting_due", "voting_present", "quorum_met"]


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of the attendance sheet as submitted."""

    member_id: int
    status: str
    reason: str = ""
    study_hours: Decimal | str | None = None  # as submitted; the service checks it is a number


@dataclass(frozen=True)
class ResolutionEntry:
    """One voted item as submitted; `id` names an existing resolution of the activity to keep or correct."""

    text: str
    votes_for: int
    votes_against: int = 0
    votes_abstain: int = 0
    id: int | None = None


@dataclass(frozen=True)
class Fields:
    kind: str
    status: str
    held_on: date
    topic: str
    group: PartyGroup | None = None
    start_time: time | None = None
    place: str = ""
    host: Member | None = None
    recorder: Member | None = None
    speaker: str = ""
    content: str = ""
    decisions: str = ""
    materials: str = ""
    study_hours: Decimal | None = None


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationFailed(next(iter(self.values()))[0], details=dict(self))


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


def _hours(value: Any, label: str, errors: _Errors, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        errors.add(field, f"{label}应为数字")
        return None
    if not hours.is_finite() or hours <= 0 or hours > rules.MAX_STUDY_HOURS:
        errors.add(field, f"{label}应大于0且不超过{rules.MAX_STUDY_HOURS}")
        return None
    if hours != hours.quantize(Decimal("0.1")):
        errors.add(field, f"{label}最多保留1位小数")
        return None
    return hours


def _check_fields(branch: Branch, f: Fields, errors: _Errors) -> Fields:
    """The activity's own fields; returns them cleaned (text stripped, hours as Decimal)."""
    today = timezone.localdate()
    if f.kind not in ActivityKind.values:
        errors.add("kind", "活动类型不在允许范围内")
    if f.status not in St.values:
        errors.add("status", "活动状态不在允许范围内")
    topic = (f.topic or "").strip()
    if not topic:
        errors.add("topic", "请填写活动主题")
    elif len(topic) > 200:
        errors.add("topic", "活动主题不能超过200字")
    if f.held_on is None:
        errors.add("held_on", "请填写活动日期")
        return f
    if f.held_on < branch.founded_on:
        errors.add("held_on", f"活动日期早于党支部成立日期（{branch.founded_on:%Y-%m-%d}）")
    elif branch.dissolved_on and f.held_on >= branch.dissolved_on:
        errors.add("held_on", f"党支部已于{branch.dissolved_on:%Y-%m-%d}撤销，不能在此后开展活动")
    if f.status == St.HELD and f.held_on > today:
        errors.add("held_on", f"活动日期（{f.held_on:%Y-%m-%d}）晚于今天，尚未召开的活动不能记为“已召开”，请记为“计划”")
    if f.kind == ActivityKind.GROUP_MEETING:
        if f.group is None:
            errors.add("group", "党小组会须选择党小组")
        elif f.group.branch_id != branch.pk:
            errors.add("group", "该党小组不属于本党支部")
        elif f.group.dissolved_on and f.held_on >= f.group.dissolved_on:
            errors.add("group", f"该党小组已于{f.group.dissolved_on:%Y-%m-%d}撤销")
    elif f.group is not None:
        errors.add("group", "只有党小组会需要选择党小组")
    for name, label in (("host", "主持人"), ("recorder", "记录人")):
        person = getattr(f, name)
        if person is not None and person.branch_id != branch.pk:
            errors.add(name, f"{label}不是本党支部的党员")
    hours = _hours(f.study_hours, "学时", errors, "study_hours")
    if hours is not None and f.kind in ActivityKind.values and not rules.is_study_kind(f.kind):
        errors.add("study_hours", f"“{ActivityKind(f.kind).label}”不计学时")
    for name, limit, label in (("place", 100, "地点"), ("speaker", 100, "主讲人")):
        if len(getattr(f, name) or "") > limit:
            errors.add(name, f"{label}不能超过{limit}字")
    return Fields(kind=f.kind, status=f.status, held_on=f.held_on, topic=topic, group=f.group,
                  start_time=f.start_time, place=(f.place or "").strip(), host=f.host, recorder=f.recorder,
                  speaker=(f.speaker or "").strip(), content=(f.content or "").strip(),
                  decisions=(f.decisions or "").strip(), materials=(f.materials or "").strip(), study_hours=hours)


def _not_due_reason(kind: str, group: PartyGroup | None) -> str:
    if kind == ActivityKind.COMMITTEE_MEETING:
        return "该日不是在任支委"
    if kind == ActivityKind.GROUP_MEETING and group is not None:
        return f"不是{group.name}成员或该日不是本支部党员"
    return "该日不是本支部党员"


def _no_one_due(kind: str, group: PartyGroup | None) -> str:
    if kind == ActivityKind.COMMITTEE_MEETING:
        return "该日没有在任支委，不能记录支委会"
    if kind == ActivityKind.GROUP_MEETING:
        return f"该日{group.name if group else '该党小组'}没有党员，不能记录党小组会"
    return "该日本党支部没有党员，不能记录活动"


def _check_attendance(branch: Branch, f: Fields, entries: list[AttendanceEntry], errors: _Errors) -> list[Attendance]:
    """The attendance sheet must give a status for exactly the members due that day (应到), nobody else. Returns the
    unsaved rows, with each member's vote that day."""
    due = {m.pk: m for m in due_members(branch, f.kind, f.held_on, f.group)}
    if not due:
        errors.add("attendance", _no_one_due(f.kind, f.group))
        return []
    study = rules.is_study_kind(f.kind)
    strangers = [e.member_id for e in entries if e.member_id not in due]
    known = {m.pk: m for m in Member.objects.filter(pk__in=strangers, branch=branch).select_related("person")}
    rows: list[Attendance] = []
    seen: set[int] = set()
    for entry in entries:
        key = f"attendance.{entry.member_id}"
        member = due.get(entry.member_id)
        if member is None:
            other = known.get(entry.member_id)
            if other is None:
                errors.add("attendance", f"出席名单中有不属于本党支部的人员（编号{entry.member_id}）")
            else:
                errors.add(key, f"{other}不在本次活动的应到人员之内（{_not_due_reason(f.kind, f.group)}）")
            continue
        if entry.member_id in seen:
            errors.add(key, f"{member}在出席名单中重复出现")
            continue
        seen.add(entry.member_id)
        if entry.status not in AttendanceStatus.values:
            errors.add(key, f"{member}的出席情况应为出席、请假或缺席")
            continue
        reason = (entry.reason or "").strip()
        if entry.status == AttendanceStatus.LEAVE and not reason:
            errors.add(key, f"{member}请假须注明事由")
        elif len(reason) > 200:
            errors.add(key, f"{member}的请假事由不能超过200字")
        hours = _hours(entry.study_hours, f"{member}的学时", errors, key)
        if hours is not None and not study:
            errors.add(key, "该类型活动不计学时")
        elif hours is not None and entry.status != AttendanceStatus.PRESENT:
            errors.add(key, f"{member}未出席，不计学时")
        rows.append(Attendance(member=member, status=entry.status, voting=member.votes,
                               reason=reason if entry.status != AttendanceStatus.PRESENT else "",
                               study_hours=hours if entry.status == AttendanceStatus.PRESENT else None))
    missing = [str(m) for pk, m in due.items() if pk not in seen]
    if missing:
        errors.add("attendance", f"出席情况缺少：{'、'.join(missing)}（每名应到党员须选择出席、请假或缺席）")
    return rows


def _counts(kind: str, rows: list[Attendance]) -> dict[str, Any]:
    present = [r for r in rows if r.status == AttendanceStatus.PRESENT]
    counts = {"due_count": len(rows), "present_count": len(present),
              "leave_count": sum(r.status == AttendanceStatus.LEAVE for r in rows),
              "voting_due": sum(r.voting for r in rows), "voting_present": sum(r.voting for r in present)}
    counts["quorum_met"] = (rules.quorum(kind, due=counts["due_count"], present=counts["present_count"],
                                         voting_due=counts["voting_due"], voting_present=counts["voting_present"])
                            if rows else None)
    return counts


def _check_resolutions(f: Fields, counts: dict[str, Any], entries: list[ResolutionEntry], existing: set[int],
                       errors: _Errors) -> None:
    """条例第十一条: only a meeting that had its quorum decides; votes cast cannot exceed those present with a vote."""
    if not entries:
        return
    if f.kind not in rules.VOTING_KINDS:
        errors.add("resolutions", "只有支部党员大会和支委会可以登记表决事项")
        return
    if f.status != St.HELD:
        errors.add("resolutions", "会议召开后才能登记表决事项")
        return
    if not counts["quorum_met"]:
        explanation = rules.quorum_explanation(f.kind, due=counts["due_count"], present=counts["present_count"],
                                               voting_due=counts["voting_due"],
                                               voting_present=counts["voting_present"])
        errors.add("resolutions", f"会议未达到法定人数，不能作出决议。{explanation}")
        return
    for number, entry in enumerate(entries, 1):
        text = (entry.text or "").strip()
        if entry.id is not None and entry.id not in existing:
            errors.add("resolutions", f"第{number}项表决事项不属于本次会议")
        if not text:
            errors.add("resolutions", f"第{number}项表决事项须填写内容")
        elif len(text) > 300:
            errors.add("resolutions", f"第{number}项表决事项不能超过300字")
        votes = (entry.votes_for, entry.votes_against, entry.votes_abstain)
        if any(not isinstance(v, int) or v < 0 for v in votes):
            errors.add("resolutions", f"第{number}项的票数应为不小于0的整数")
            continue
        if sum(votes) > counts["voting_present"]:
            errors.add("resolutions", f"第{number}项“{text}”赞成、反对、弃权合计{sum(votes)}票，"
                                      f"超过实到有表决权的{counts['voting_present']}人")


def _sheet(rows: Any) -> dict[str, list[Any]]:
    """The attendance sheet as the audit trail keeps it: member id → [status, reason, hours]."""
    return {str(r.member_id): [r.status, r.reason, _plain(r.study_hours)] for r in rows}


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
    return [AttendanceEntry(member_id=a.member_id, status=a.status, reason=a.reason, study_hours=a.study_hours)
            for a in activity.attendance.all()]


def _existing_resolutions(activity: Activity) -> list[ResolutionEntry]:
    return [ResolutionEntry(id=r.pk, text=r.text, votes_for=r.votes_for, votes_against=r.votes_against,
                            votes_abstain=r.votes_abstain) for r in activity.resolutions.order_by("pk")]


def _save(*, activity: Activity, f: Fields, attendance: list[AttendanceEntry] | None,
          resolutions: list[ResolutionEntry] | None, creating: bool) -> dict[str, list[Any]]:
    """Check the fields, the attendance sheet and the resolutions together, then write them. The caller holds the
    activity (locked when it exists). Returns the audit `changes` of attendance and resolutions."""
    branch = activity.branch
    errors = _Errors()
    f = _check_fields(branch, f, errors)
    rows: list[Attendance] = []
    if f.status == St.HELD:
        moved = attendance is None and not creating
        if attendance is None:
            attendance = [] if creating else _existing_attendance(activity)
        if not errors.keys() & {"kind", "status", "held_on", "group"}:
            rows = _check_attendance(branch, f, attendance, errors)
        if moved and attendance and any(key.startswith("attendance") for key in errors):
            # The recorded sheet no longer fits the new date, kind or group: say so before the details.
            errors = _Errors({"attendance": ["活动日期、类型或党小组变更后应到人员不同，请重新登记出席情况。",
                                             *errors.get("attendance", [])],
                              **{k: v for k, v in errors.items() if k != "attendance"}})
    elif attendance:
        errors.add("attendance", "计划中或已取消的活动不登记出席情况，召开后再登记")
    counts = _counts(f.kind, rows)
    existing = set() if creating else set(activity.resolutions.values_list("pk", flat=True))
    entries = resolutions if resolutions is not None else ([] if creating else _existing_resolutions(activity))
    # Per-member slips (a reason left out) do not change the counts: check the votes too, so all is said at once.
    if not errors.keys() & {"kind", "status", "held_on", "group", "attendance"}:
        _check_resolutions(f, counts, entries, existing, errors)
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
    study_hours: Decimal | None = None, attendance: list[AttendanceEntry] | None = None,
    resolutions: list[ResolutionEntry] | None = None,
) -> Activity:
    """Record an activity. A held one (已召开) is dated today or earlier and comes with its whole attendance sheet —
    a status for every member due that day — and, for a 支部党员大会 or 支委会 with its quorum, its resolutions.
    A planned one may be dated in the future and has neither."""
    require_branch(actor, branch)
    if status not in (St.PLANNED, St.HELD):
        raise ValidationFailed.on("status", "新建活动的状态应为“计划”或“已召开”")
    activity = Activity(branch=branch, created_by=actor if getattr(actor, "pk", None) else None)
    f = Fields(kind=kind, status=status, held_on=held_on, topic=topic, group=group, start_time=start_time,
               place=place, host=host, recorder=recorder, speaker=speaker, content=content, decisions=decisions,
               materials=materials, study_hours=study_hours)
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
    attendance: list[AttendanceEntry] | None = None, resolutions: list[ResolutionEntry] | None = None,
) -> Activity:
    """Correct an activity, or move it on: 计划 → 已召开 (with its attendance sheet), 计划 → 取消, 取消 → 计划. A held
    activity stays held. `attendance` / `resolutions` None keep the recorded ones, which must still fit the
    (possibly new) date, kind and attendance. The status the caller saw (`activity.status`) must still hold."""
    require_branch(actor, activity.branch)
    _require_transition(activity.status, status)
    locked = _lock(activity)
    before = _state(locked)
    f = Fields(kind=kind, status=status, held_on=held_on, topic=topic, group=group, start_time=start_time,
               place=place, host=host, recorder=recorder, speaker=speaker, content=content, decisions=decisions,
               materials=materials, study_hours=study_hours)
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
    errors = _Errors()
    entry = ResolutionEntry(text=text, votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
    counts = {name: getattr(locked, name) for name in _COUNTS}
    _check_resolutions(Fields(**_current_fields(locked)), counts, [entry], set(), errors)
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
    name = (getattr(uploaded_file, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:255]
    record = ActivityFile(activity=activity, original_name=name, content_type=content_type, size=uploaded_file.size,
                          uploaded_by=actor if getattr(actor, "pk", None) else None)
    record.file.save(name, uploaded_file, save=False)
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
