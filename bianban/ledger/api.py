"""/api/v1/problems: the problem ledger. Reads are scoped by the responsible unit (404 outside scope)."""

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound
from bianban.core.params import Id, Int32, Pagination, Year
from bianban.ledger import selectors, services
from bianban.ledger.choices import ProblemCategory, ProblemSource, ProblemStatus
from bianban.ledger.models import Measure, Problem
from bianban.units.selectors import unit_get_for_user

router = Router(tags=["问题台账"])


class MeasureOut(Schema):
    id: int
    description: str
    owner: str
    deadline: date | None
    status: str
    done_on: date | None
    note: str
    is_overdue: bool


class ProblemOut(Schema):
    id: int
    source: str
    source_key: str
    category: str
    title: str
    description: str
    unit_id: Id | None
    responsible: str
    person_id: Id | None
    raised_on: date
    deadline: date | None
    status: str
    status_label: str
    data_resolved_on: date | None
    closed_at: datetime | None
    is_overdue: bool

    @staticmethod
    def resolve_status_label(obj: Problem) -> str:
        return obj.get_status_display()


class ProblemDetailOut(ProblemOut):
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(obj: Problem) -> list[Measure]:
        return list(selectors.measures_of(obj))


class ProblemIn(Schema):
    title: str = Field(description="问题（简述）")
    source: ProblemSource = ProblemSource.MANUAL
    category: ProblemCategory = ProblemCategory.OTHER
    description: str = ""
    unit_id: Id | None = Field(None, description="责任单位id；不填须全区范围授权")
    responsible: str = ""
    raised_on: date | None = None
    deadline: date | None = None
    deadline_workdays: Int32 | None = Field(None, description="整改时限（自发现之日起的工作日数）")


class TransitionIn(Schema):
    to_status: ProblemStatus
    note: str = ""


class MeasureIn(Schema):
    description: str
    owner: str = ""
    deadline: date | None = None
    note: str = ""


@router.get("", response=list[ProblemOut], summary="查询问题台账")
@paginate(Pagination)
def problem_list(
    request: HttpRequest, status: ProblemStatus | None = None, overdue: bool | None = None,
    source: ProblemSource | None = None, unit: Id | None = None, category: ProblemCategory | None = None,
    year: Year | None = None, q: str = "",
) -> QuerySet[Problem]:
    return selectors.problem_search(request.user, status=status or "", overdue=overdue, source=source or "",
                                    unit=unit, category=category or "", year=year, q=q).order_by("-raised_on", "-pk")


@router.post("", response={201: ProblemDetailOut}, summary="登记问题")
def problem_create(request: HttpRequest, payload: ProblemIn) -> Status:
    data: dict[str, Any] = payload.dict()
    unit_id = data.pop("unit_id")
    try:
        unit = unit_get_for_user(request.user, unit_id) if unit_id is not None else None
    except NotFound:
        raise NotFound("责任单位不存在或无权访问", details={"unit_id": ["责任单位不存在或无权访问"]}) from None
    problem = services.problem_create(actor=request.user, unit=unit, **data)
    return Status(201, selectors.problem_get_for_user(request.user, problem.pk))


@router.get("/{problem_id}", response=ProblemDetailOut, summary="问题详情")
def problem_detail(request: HttpRequest, problem_id: Id) -> Problem:
    return selectors.problem_get_for_user(request.user, problem_id)


@router.post("/{problem_id}/transitions", response=ProblemDetailOut, summary="变更问题状态")
def problem_transition(request: HttpRequest, problem_id: Id, payload: TransitionIn) -> Problem:
    problem = selectors.problem_get_for_user(request.user, problem_id)
    services.problem_transition(actor=request.user, problem=problem, to_status=payload.to_status, note=payload.note)
    return selectors.problem_get_for_user(request.user, problem_id)


@router.post("/{problem_id}/measures", response={201: MeasureOut}, summary="制定整改措施")
def measure_create(request: HttpRequest, problem_id: Id, payload: MeasureIn) -> Status:
    problem = selectors.problem_get_for_user(request.user, problem_id)
    measure = services.measure_create(actor=request.user, problem=problem, **payload.dict())
    return Status(201, measure)


class MeasureCompleteIn(Schema):
    done_on: date | None = None
    note: str = ""


class EvidenceOut(Schema):
    id: int
    measure_id: Id
    original_name: str
    content_type: str
    size: int
    note: str
    uploaded_at: datetime


def _measure_of(request: HttpRequest, problem_id: Id, measure_id: Id) -> Measure:
    problem = selectors.problem_get_for_user(request.user, problem_id)
    measure = selectors.measure_get_for_user(request.user, measure_id)
    if measure.problem_id != problem.pk:
        raise NotFound("整改措施不存在或无权访问")
    return measure


@router.post("/{problem_id}/measures/{measure_id}/complete", response=MeasureOut, summary="完成整改措施")
def measure_complete(request: HttpRequest, problem_id: Id, measure_id: Id, payload: MeasureCompleteIn) -> Measure:
    measure = _measure_of(request, problem_id, measure_id)
    return services.measure_complete(actor=request.user, measure=measure, **payload.dict())


@router.post("/{problem_id}/measures/{measure_id}/evidence", response={201: EvidenceOut}, summary="上传佐证材料")
def evidence_add(request: HttpRequest, problem_id: Id, measure_id: Id, file: File[UploadedFile],
                 note: Form[str] = "") -> Status:
    measure = _measure_of(request, problem_id, measure_id)
    evidence = services.evidence_add(actor=request.user, measure=measure, uploaded_file=file, note=note)
    return Status(201, evidence)


class ProblemPatch(Schema):
    title: str | None = None
    description: str | None = None
    category: ProblemCategory | None = None
    unit_id: Id | None = Field(None, description="责任单位id（不改则不填）")
    responsible: str | None = None
    deadline: date | None = None


@router.patch("/{problem_id}", response=ProblemDetailOut, summary="修改问题（待整改、整改中）")
def problem_update(request: HttpRequest, problem_id: Id, payload: ProblemPatch) -> Problem:
    problem = selectors.problem_get_for_user(request.user, problem_id)
    given = payload.dict(exclude_unset=True)
    unit = problem.unit
    if "unit_id" in given:
        unit_id = given.pop("unit_id")
        try:
            unit = unit_get_for_user(request.user, unit_id) if unit_id is not None else None
        except NotFound:
            raise NotFound("责任单位不存在或无权访问", details={"unit_id": ["责任单位不存在或无权访问"]}) from None
    values = {"title": problem.title, "description": problem.description, "category": problem.category,
              "responsible": problem.responsible, "deadline": problem.deadline, **given}
    services.problem_update(actor=request.user, problem=problem, unit=unit, **values)
    return selectors.problem_get_for_user(request.user, problem_id)


class MeasurePatch(Schema):
    description: str | None = None
    owner: str | None = None
    deadline: date | None = None
    note: str | None = None


@router.patch("/{problem_id}/measures/{measure_id}", response=MeasureOut, summary="修改整改措施")
def measure_update(request: HttpRequest, problem_id: Id, measure_id: Id, payload: MeasurePatch) -> Measure:
    measure = _measure_of(request, problem_id, measure_id)
    return services.measure_update(actor=request.user, measure=measure, **payload.dict(exclude_unset=True))
