"""/api/v1/volunteer-activities and /api/v1/branches/{id}/volunteer-stats: volunteer service (志愿服务) read from the
party activities of kind VOLUNTEER. Recording one is POST /api/v1/activities with kind VOLUNTEER, service_field and
per-member service_hours. Scoped by the branch's unit: another branch or an outsider gets 404."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Pagination, Year
from bianban.duties.volunteer import selectors
from bianban.party.access import branch_get_for_user
from bianban.party.choices import VolunteerField
from bianban.party.models import Activity, Attendance, Branch

router = Router(tags=["志愿服务"])


class ParticipantOut(Schema):
    member_id: Id
    name: str
    service_hours: float | None

    @staticmethod
    def resolve_name(obj: Attendance) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_service_hours(obj: Attendance) -> float | None:
        return None if obj.service_hours is None else float(obj.service_hours)


class VolunteerActivityOut(Schema):
    id: int
    branch_id: Id
    held_on: date
    status: str
    status_label: str
    topic: str
    place: str
    service_field: str
    service_field_label: str
    participant_count: int = Field(description="参加人数（出席者）")
    hours: float = Field(description="服务时长合计（小时）")
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_status_label(obj: Activity) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_service_field_label(obj: Activity) -> str:
        return obj.get_service_field_display() if obj.service_field else ""

    @staticmethod
    def resolve_participant_count(obj: Activity) -> int:
        return obj.participants

    @staticmethod
    def resolve_hours(obj: Activity) -> float:
        return float(obj.hours)

    @staticmethod
    def resolve_participants(obj: Activity) -> list[Attendance]:
        return obj.present


class FieldStatOut(Schema):
    field: str
    label: str
    activities: int
    participations: int
    hours: float


class MemberStatOut(Schema):
    member_id: Id
    name: str
    participations: int
    hours: float


class VolunteerStatsOut(Schema):
    branch_id: Id
    year: int
    activities: int = Field(description="已开展的志愿服务活动（次）")
    participations: int = Field(description="参加人次")
    members: int = Field(description="参加党员（人）")
    hours: float = Field(description="服务时长合计（小时）")
    by_field: list[FieldStatOut]
    by_member: list[MemberStatOut] = Field(description="按服务时长从多到少")


def _branch(request: HttpRequest, key: int | str) -> Branch:
    try:
        return branch_get_for_user(request.user, key)
    except NotFound:
        raise NotFound("党支部不存在或无权访问", details={"branch": ["党支部不存在或无权访问"]}) from None


def _year(year: Year | None) -> int | None:
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应在2000至2100之间")
    return year


@router.get("/volunteer-activities", response=list[VolunteerActivityOut], summary="查询志愿服务活动")
@paginate(Pagination)
def volunteer_activity_list(request: HttpRequest, branch: Id | None = None, year: Year | None = None,
                            service_field: VolunteerField | None = None) -> QuerySet[Activity]:
    found = _branch(request, branch) if branch is not None else None
    return selectors.volunteer_activities_for_user(request.user, branch=found, year=_year(year),
                                                   service_field=service_field or "")


@router.get("/branches/{branch}/volunteer-stats", response=VolunteerStatsOut, summary="党支部年度志愿服务统计")
def volunteer_stats(request: HttpRequest, branch: str, year: Year | None = None) -> dict[str, Any]:
    found = _branch(request, branch)
    stats = selectors.volunteer_stats(found, _year(year) or timezone.localdate().year)
    return {"branch_id": found.pk, "year": stats.year, "activities": stats.activities,
            "participations": stats.participations, "members": stats.members, "hours": float(stats.hours),
            "by_field": [{"field": r.field, "label": r.label, "activities": r.activities,
                          "participations": r.participations, "hours": float(r.hours)} for r in stats.by_field],
            "by_member": [{"member_id": r.member.pk, "name": r.member.person.name,
                           "participations": r.participations, "hours": float(r.hours)} for r in stats.by_member]}
