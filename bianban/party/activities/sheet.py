"""The attendance sheet of the one-screen form: every member due on the chosen day preloaded, 出席 selected unless
something else was posted or recorded, with the service's complaints next to the member they concern."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bianban.party.activities import rules
from bianban.party.activities.selectors import due_members
from bianban.party.choices import ActivityKind, AttendanceStatus
from bianban.party.models import Activity, Branch, Member, PartyGroup


@dataclass
class SheetRow:
    member: Member
    votes: bool
    status: str
    reason: str = ""
    hours: str = ""
    service: str = ""  # 志愿服务时长
    error: str = ""


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    note: str = ""  # why no one is listed yet
    study: bool = False
    volunteer: bool = False
    errors: list[str] = field(default_factory=list)  # about the sheet as a whole (someone missing, no one due)
    statuses: list[tuple[str, str]] = field(default_factory=lambda: list(AttendanceStatus.choices))


def split_errors(details: dict[str, Any]) -> tuple[dict[str, Any], list[str], dict[int, str], list[str]]:
    """A ValidationFailed's details split into (the form's fields, the sheet's own, per member, resolutions')."""
    rest: dict[str, Any] = {}
    sheet: list[str] = []
    per_member: dict[int, str] = {}
    resolutions: list[str] = []
    for key, messages in details.items():
        messages = messages if isinstance(messages, list) else [messages]
        if key == "attendance":
            sheet += [str(m) for m in messages]
        elif key.startswith("attendance.") and key[11:].isdigit():
            per_member[int(key[11:])] = "；".join(str(m) for m in messages)
        elif key == "resolutions":
            resolutions += [str(m) for m in messages]
        else:
            rest[key] = messages
    return rest, sheet, per_member, resolutions


def build_sheet(*, branch: Branch | None, kind: str, held_on: date | None, group: PartyGroup | None,
                posted: Any = None, activity: Activity | None = None, per_member: dict[int, str] | None = None,
                errors: list[str] | None = None) -> Sheet:
    """The rows for the due members; a posted sheet wins over the recorded one, which wins over 出席."""
    sheet = Sheet(study=rules.is_study_kind(kind), volunteer=rules.is_volunteer_kind(kind), errors=errors or [])
    if branch is None or held_on is None or kind not in ActivityKind.values:
        sheet.note = "选择党支部、类型和日期后列出应到人员"
        return sheet
    if kind == ActivityKind.GROUP_MEETING and group is None:
        sheet.note = "党小组会请先选择党小组"
        return sheet
    recorded = {a.member_id: a for a in activity.attendance.all()} if activity is not None and activity.pk else {}
    per_member = per_member or {}
    for member in due_members(branch, kind, held_on, group):
        row = SheetRow(member=member, votes=member.votes, status=AttendanceStatus.PRESENT,
                       error=per_member.get(member.pk, ""))
        if posted is not None and f"att-{member.pk}" in posted:
            row.status = posted.get(f"att-{member.pk}")
            row.reason = posted.get(f"reason-{member.pk}", "")
            row.hours = posted.get(f"hours-{member.pk}", "")
            row.service = posted.get(f"service-{member.pk}", "")
        elif member.pk in recorded:
            done = recorded[member.pk]
            row.status, row.reason = done.status, done.reason
            row.hours = "" if done.study_hours is None else str(done.study_hours)
            row.service = "" if done.service_hours is None else str(done.service_hours)
        sheet.rows.append(row)
    if not sheet.rows:
        sheet.note = {ActivityKind.COMMITTEE_MEETING: "该日没有在任支委",
                      ActivityKind.GROUP_MEETING: "该党小组该日没有党员"}.get(kind, "该日本党支部没有党员")
    return sheet
