"""The checks of an activity as submitted, before anything is written: its own fields (date, kind, group, hours,
the 服务领域 of a 志愿服务 activity), the attendance sheet against who was due that day, the counts derived from it
and the resolutions against the quorum (条例第十一条、第十三条; domain.md §6.3). They collect every complaint in
`Errors`, keyed by field, so the form and the API can say everything at once; the services raise them."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from bianban.core.exceptions import ValidationFailed
from bianban.party.activities import rules
from bianban.party.activities.selectors import due_members
from bianban.party.choices import ActivityKind, ActivityStatus, AttendanceStatus, VolunteerField
from bianban.party.models import Attendance, Branch, Member, PartyGroup

St = ActivityStatus


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of the attendance sheet as submitted."""

    member_id: int
    status: str
    reason: str = ""
    study_hours: Decimal | str | None = None  # as submitted; the service checks it is a number
    service_hours: Decimal | str | None = None  # 志愿服务时长, as submitted: volunteer activities, members present


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
    service_field: str = ""
    # Not stored on the activity: the hours each member present served when their sheet line gives none (志愿服务).
    service_hours: Decimal | str | None = None


class Errors(dict):
    """Complaints by field (`attendance.<member id>` for one line of the sheet), raised together."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationFailed(next(iter(self.values()))[0], details=dict(self))


def _hours(value: Any, label: str, errors: Errors, field: str) -> Decimal | None:
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


def check_fields(branch: Branch, f: Fields, errors: Errors) -> Fields:
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
    service_field, service_hours = _check_service(f, errors)
    return Fields(kind=f.kind, status=f.status, held_on=f.held_on, topic=topic, group=f.group,
                  start_time=f.start_time, place=(f.place or "").strip(), host=f.host, recorder=f.recorder,
                  speaker=(f.speaker or "").strip(), content=(f.content or "").strip(),
                  decisions=(f.decisions or "").strip(), materials=(f.materials or "").strip(), study_hours=hours,
                  service_field=service_field, service_hours=service_hours)


def _check_service(f: Fields, errors: Errors) -> tuple[str, Decimal | None]:
    """服务领域 is required of a 志愿服务 activity and refused on any other kind; the default service hours of its
    members present are a positive number of at most 24, for a held volunteer activity only."""
    volunteer = rules.is_volunteer_kind(f.kind)
    service_field = (f.service_field or "").strip()
    if volunteer and not service_field:
        errors.add("service_field", "请选择服务领域")
    elif service_field and service_field not in VolunteerField.values:
        errors.add("service_field", "服务领域不在允许范围内")
    elif service_field and not volunteer and f.kind in ActivityKind.values:
        errors.add("service_field", f"只有志愿服务活动填写服务领域，“{ActivityKind(f.kind).label}”不填")
    hours, why = rules.service_hours(f.service_hours)
    if why:
        errors.add("service_hours", why)
    elif hours is not None and not volunteer and f.kind in ActivityKind.values:
        errors.add("service_hours", f"“{ActivityKind(f.kind).label}”不计服务时长，只有志愿服务活动登记服务时长")
    elif hours is not None and f.status != St.HELD:
        errors.add("service_hours", "服务时长在活动开展后随出席情况登记")
    return service_field, hours


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


def check_attendance(branch: Branch, f: Fields, entries: list[AttendanceEntry], errors: Errors) -> list[Attendance]:
    """The attendance sheet must give a status for exactly the members due that day (应到), nobody else. Returns the
    unsaved rows, with each member's vote that day."""
    due = {m.pk: m for m in due_members(branch, f.kind, f.held_on, f.group)}
    if not due:
        errors.add("attendance", _no_one_due(f.kind, f.group))
        return []
    study = rules.is_study_kind(f.kind)
    volunteer = rules.is_volunteer_kind(f.kind)
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
        present = entry.status == AttendanceStatus.PRESENT
        served, why = rules.service_hours(entry.service_hours)
        if why:
            errors.add(key, f"{member}的{why}")
        elif served is not None and not volunteer:
            errors.add(key, "该类型活动不计服务时长")
        elif served is not None and not present:
            errors.add(key, f"{member}未出席，不计服务时长")
        if served is None and present and volunteer:
            served = f.service_hours  # the activity-wide hours, for those whose line gives none
        rows.append(Attendance(member=member, status=entry.status, voting=member.votes,
                               reason=reason if not present else "", study_hours=hours if present else None,
                               service_hours=served if present else None))
    missing = [str(m) for pk, m in due.items() if pk not in seen]
    if missing:
        errors.add("attendance", f"出席情况缺少：{'、'.join(missing)}（每名应到党员须选择出席、请假或缺席）")
    return rows


def derive_counts(kind: str, rows: list[Attendance]) -> dict[str, Any]:
    present = [r for r in rows if r.status == AttendanceStatus.PRESENT]
    counts = {"due_count": len(rows), "present_count": len(present),
              "leave_count": sum(r.status == AttendanceStatus.LEAVE for r in rows),
              "voting_due": sum(r.voting for r in rows), "voting_present": sum(r.voting for r in present)}
    counts["quorum_met"] = (rules.quorum(kind, due=counts["due_count"], present=counts["present_count"],
                                         voting_due=counts["voting_due"], voting_present=counts["voting_present"])
                            if rows else None)
    return counts


def check_resolutions(f: Fields, counts: dict[str, Any], entries: list[ResolutionEntry], existing: set[int],
                       errors: Errors) -> None:
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
