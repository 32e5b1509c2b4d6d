"""/api/v1/activities and /api/v1/branches/{id}/study: branch activities with attendance, resolutions and files.
Reads are scoped by the branch's unit (404 outside scope); bad input is refused with Chinese messages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Int32, LocalTime, Pagination, Year
from bianban.party.access import branch_get_for_user
from bianban.party.activities import rules, selectors, services
from bianban.party.activities.services import AttendanceEntry, ResolutionEntry
from bianban.party.choices import ActivityKind, ActivityStatus, VolunteerField
from bianban.party.models import Activity, ActivityFile, Attendance, Branch, Member, PartyGroup, Resolution

router = Router(tags=["组织活动"])


def _hours(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class ActivityOut(Schema):
    id: int
    branch_id: Id
    kind: str
    kind_label: str
    group_id: Id | None
    status: str
    status_label: str
    held_on: date
    start_time: LocalTime | None
    place: str
    topic: str
    host_id: Id | None
    recorder_id: Id | None
    speaker: str
    study_hours: float | None
    service_field: str = Field(description="服务领域（志愿服务活动）")
    service_field_label: str
    due_count: int = Field(description="应到（由出席情况统计）")
    present_count: int = Field(description="实到")
    leave_count: int = Field(description="请假")
    absent_count: int = Field(description="缺席")
    voting_due: int = Field(description="应到有表决权（正式党员）")
    voting_present: int = Field(description="实到有表决权")
    quorum_met: bool | None = Field(description="是否达到法定人数；不适用时为null")
    quorum_text: str

    @staticmethod
    def resolve_kind_label(obj: Activity) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Activity) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_study_hours(obj: Activity) -> float | None:
        return _hours(obj.study_hours)

    @staticmethod
    def resolve_service_field_label(obj: Activity) -> str:
        return obj.get_service_field_display() if obj.service_field else ""

    @staticmethod
    def resolve_absent_count(obj: Activity) -> int:
        return obj.due_count - obj.present_count - obj.leave_count

    @staticmethod
    def resolve_quorum_text(obj: Activity) -> str:
        if obj.status != ActivityStatus.HELD:
            return ""
        return rules.quorum_explanation(obj.kind, due=obj.due_count, present=obj.present_count,
                                        voting_due=obj.voting_due, voting_present=obj.voting_present)


class AttendanceOut(Schema):
    member_id: Id
    name: str
    status: str
    reason: str
    voting: bool
    study_hours: float | None
    service_hours: float | None = Field(description="志愿服务时长（小时）")

    @staticmethod
    def resolve_name(obj: Attendance) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_study_hours(obj: Attendance) -> float | None:
        return _hours(obj.study_hours)

    @staticmethod
    def resolve_service_hours(obj: Attendance) -> float | None:
        return _hours(obj.service_hours)


class ResolutionOut(Schema):
    id: int
    text: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    passed: bool
    explanation: str

    @staticmethod
    def resolve_explanation(obj: Resolution) -> str:
        return rules.resolution_explanation(obj.activity.kind, obj.votes_for, obj.activity.voting_due)


class FileOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: ActivityFile) -> str:
        return reverse("party:activity_file", args=[obj.pk])


class ActivityDetailOut(ActivityOut):
    content: str
    decisions: str
    materials: str
    attendance: list[AttendanceOut]
    resolutions: list[ResolutionOut]
    files: list[FileOut]

    @staticmethod
    def resolve_attendance(obj: Activity) -> list[Attendance]:
        return list(selectors.attendance_of(obj))

    @staticmethod
    def resolve_resolutions(obj: Activity) -> list[Resolution]:
        return list(obj.resolutions.select_related("activity").order_by("pk"))

    @staticmethod
    def resolve_files(obj: Activity) -> list[ActivityFile]:
        return list(obj.files.order_by("pk"))


class AttendanceIn(Schema):
    member_id: Id
    status: str = Field(description="PRESENT 出席 / LEAVE 请假（须填事由）/ ABSENT 缺席")
    reason: str = ""
    study_hours: Decimal | None = Field(None, description="个人学时；不填按活动的每人学时")
    # Decimal or text: the service refuses "abc", 0 or 25 with a Chinese message.
    service_hours: Decimal | str | None = Field(None, description="志愿服务时长（出席者，0到24小时）")


class ResolutionIn(Schema):
    text: str
    votes_for: Int32
    votes_against: Int32 = 0
    votes_abstain: Int32 = 0


class ActivityIn(Schema):
    branch_id: Id
    kind: ActivityKind
    held_on: date
    topic: str
    status: ActivityStatus = Field(ActivityStatus.HELD, description="held 已召开（日期不晚于今天）或 planned 计划")
    group_id: Id | None = Field(None, description="党小组会须填")
    start_time: LocalTime | None = None
    place: str = ""
    host_id: Id | None = None
    recorder_id: Id | None = None
    speaker: str = ""
    content: str = ""
    decisions: str = ""
    materials: str = ""
    study_hours: Decimal | None = Field(None, description="学习类活动每人学时")
    service_field: str = Field("", description="服务领域，志愿服务活动必填：" + "、".join(
        f"{v} {label}" for v, label in VolunteerField.choices))
    service_hours: Decimal | str | None = Field(None, description="志愿服务活动出席者每人服务时长（个人未填时计入）")
    attendance: list[AttendanceIn] | None = Field(None, description="已召开的活动须列出每名应到党员")
    resolutions: list[ResolutionIn] | None = None


class ActivityPatch(Schema):
    kind: ActivityKind | None = None
    held_on: date | None = None
    topic: str | None = None
    status: ActivityStatus | None = None
    group_id: Id | None = None
    start_time: LocalTime | None = None
    place: str | None = None
    host_id: Id | None = None
    recorder_id: Id | None = None
    speaker: str | None = None
    content: str | None = None
    decisions: str | None = None
    materials: str | None = None
    study_hours: Decimal | None = None
    service_field: str | None = None
    service_hours: Decimal | str | None = Field(None, description="志愿服务：填补出席者未填的服务时长")
    attendance: list[AttendanceIn] | None = Field(None, description="给出则整体替换出席情况")
    resolutions: list[ResolutionIn] | None = Field(None, description="给出则整体替换表决事项")


class SheetIn(Schema):
    attendance: list[AttendanceIn]


class StudyRowOut(Schema):
    member_id: Id
    name: str
    group: str
    status: str
    due: int
    sessions: int
    leave: int
    absent: int
    hours: float


class StudySummaryOut(Schema):
    branch_id: Id
    year: int
    total_hours: float
    rows: list[StudyRowOut]


def _entries(items: list[AttendanceIn] | None) -> list[AttendanceEntry] | None:
    if items is None:
        return None
    return [AttendanceEntry(member_id=i.member_id, status=i.status, reason=i.reason, study_hours=i.study_hours,
                            service_hours=i.service_hours) for i in items]


def _resolutions(items: list[ResolutionIn] | None) -> list[ResolutionEntry] | None:
    if items is None:
        return None
    return [ResolutionEntry(text=i.text, votes_for=i.votes_for, votes_against=i.votes_against,
                            votes_abstain=i.votes_abstain) for i in items]


def _branch(request: HttpRequest, branch_id: Id | str) -> Branch:
    try:
        return branch_get_for_user(request.user, branch_id)
    except NotFound:
        raise NotFound("党支部不存在或无权访问", details={"branch_id": ["党支部不存在或无权访问"]}) from None


def _refs(branch: Branch, data: dict[str, Any]) -> dict[str, Any]:
    """Turn group_id / host_id / recorder_id into rows of this branch (others are refused by name)."""
    out: dict[str, Any] = {}
    for key, model, message in (("group_id", PartyGroup, "党小组不存在或不属于本党支部"),
                                ("host_id", Member, "主持人不是本党支部的党员"),
                                ("recorder_id", Member, "记录人不是本党支部的党员")):
        if key not in data:
            continue
        pk = data.pop(key)
        found = model.objects.filter(pk=pk, branch=branch).first() if pk is not None else None
        if pk is not None and found is None:
            raise ValidationFailed.on(key, message)
        out[key[:-3]] = found
    return out


@router.get("/activities", response=list[ActivityOut], summary="查询组织活动")
@paginate(Pagination)
def activity_list(request: HttpRequest, branch: Id | None = None, kind: ActivityKind | None = None,
                  year: Year | None = None, status: ActivityStatus | None = None) -> QuerySet[Activity]:
    return selectors.activities_for_user(request.user, branch=branch, kind=kind or "", year=year,
                                         status=status or "").order_by("-held_on", "-pk")


@router.post("/activities", response={201: ActivityDetailOut}, summary="记录组织活动（含出席情况、表决事项）")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status:
    data = payload.dict(exclude={"attendance", "resolutions"})
    branch = _branch(request, data.pop("branch_id"))
    data.update(_refs(branch, data))
    activity = services.activity_create(actor=request.user, branch=branch, attendance=_entries(payload.attendance),
                                        resolutions=_resolutions(payload.resolutions), **data)
    return Status(201, selectors.activity_get_for_user(request.user, activity.pk))


@router.get("/activities/{activity_id}", response=ActivityDetailOut, summary="活动详情")
def activity_detail(request: HttpRequest, activity_id: Id) -> Activity:
    return selectors.activity_get_for_user(request.user, activity_id)


@router.patch("/activities/{activity_id}", response=ActivityDetailOut,
              summary="修改活动；计划→已召开（须附出席情况）、计划→取消、取消→计划")
def activity_update(request: HttpRequest, activity_id: Id, payload: ActivityPatch) -> Activity:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    given = payload.dict(exclude_unset=True, exclude={"attendance", "resolutions"})
    values = {name: getattr(activity, name) for name in services.FIELDS}
    values.update(_refs(activity.branch, given))
    values.update(given)
    services.activity_update(actor=request.user, activity=activity, attendance=_entries(payload.attendance),
                             resolutions=_resolutions(payload.resolutions), **values)
    return selectors.activity_get_for_user(request.user, activity_id)


@router.put("/activities/{activity_id}/attendance", response=ActivityDetailOut, summary="登记出席情况（整体替换）")
def attendance_record(request: HttpRequest, activity_id: Id, payload: SheetIn) -> Activity:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    services.attendance_record(actor=request.user, activity=activity, attendance=_entries(payload.attendance) or [])
    return selectors.activity_get_for_user(request.user, activity_id)


@router.post("/activities/{activity_id}/resolutions", response={201: ResolutionOut}, summary="登记表决事项")
def resolution_add(request: HttpRequest, activity_id: Id, payload: ResolutionIn) -> Status:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    resolution = services.resolution_add(actor=request.user, activity=activity, **payload.dict())
    return Status(201, resolution)


@router.post("/activities/{activity_id}/files", response={201: FileOut}, summary="上传照片或材料")
def file_add(request: HttpRequest, activity_id: Id, file: File[UploadedFile]) -> Status:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    return Status(201, services.activity_file_add(actor=request.user, activity=activity, uploaded_file=file))


@router.get("/activities/{activity_id}/files/{file_id}", summary="下载照片或材料")
def file_download(request: HttpRequest, activity_id: Id, file_id: Id) -> FileResponse:
    record = selectors.activity_file_get_for_user(request.user, file_id)
    if record.activity_id != activity_id:
        raise NotFound("活动材料不存在或无权访问")
    try:
        handle = record.file.open("rb")
    except OSError:
        raise NotFound("文件不存在") from None
    response = FileResponse(handle, as_attachment=True, filename=record.original_name,
                            content_type=record.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/branches/{branch}/study", response=StudySummaryOut, summary="党员年度学习情况")
def study_summary(request: HttpRequest, branch: str, year: Year | None = None) -> dict[str, Any]:
    found = _branch(request, branch)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应在2000至2100之间")
    rows = selectors.study_summary(found, year)
    return {"branch_id": found.pk, "year": year, "total_hours": float(sum(r.hours for r in rows)),
            "rows": [{"member_id": r.member.pk, "name": r.member.person.name,
                      "group": r.member.group.name if r.member.group else "", "status": r.member.status,
                      "due": r.due, "sessions": r.sessions, "leave": r.leave, "absent": r.absent,
                      "hours": float(r.hours)} for r in rows]}
