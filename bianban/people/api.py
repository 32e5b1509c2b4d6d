"""API routes of persons, mounted at /api/v1/people.

ID numbers come back masked (110105********002X) unless the caller holds people.view_pii on the person's
unit; the full birth date and the phone number are then withheld too, since region + birth date + the last
four characters would rebuild the whole number.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bianban.core.exceptions import DomainError, ValidationFailed
from bianban.core.params import Id, Pagination
from bianban.people import selectors, services
from bianban.people.choices import PoliticalStatus
from bianban.people.models import Person

router = Router(tags=["人员"])


def _pii(context: dict[str, Any], obj: Person) -> bool:
    return selectors.pii_visible(context["request"].user, obj)


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date | None = Field(None, description="完整出生日期；无权查看个人信息时为 null")
    birth_month: str = Field(..., description="出生年月 YYYY-MM")
    id_number: str = Field(..., description="公民身份号码；无权查看个人信息时脱敏为 110105********002X")
    id_number_masked: bool
    unit_id: Id | None
    unit_name: str | None
    ethnicity: str
    native_place: str
    education: str
    political_status: str
    work_started_on: date | None
    retirement_category: str
    retirement_month: str = Field(..., description="法定退休时间 YYYY-MM")
    phone: str | None = Field(None, description="无权查看个人信息时为 null")
    note: str

    @staticmethod
    def resolve_birth_date(obj: Person, context: dict[str, Any]) -> date | None:
        return obj.birth_date if _pii(context, obj) else None

    @staticmethod
    def resolve_birth_month(obj: Person) -> str:
        return obj.birth_date.strftime("%Y-%m")

    @staticmethod
    def resolve_id_number(obj: Person, context: dict[str, Any]) -> str:
        return selectors.displayed_id_number(context["request"].user, obj)

    @staticmethod
    def resolve_id_number_masked(obj: Person, context: dict[str, Any]) -> bool:
        return not _pii(context, obj)

    @staticmethod
    def resolve_unit_name(obj: Person) -> str | None:
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_retirement_month(obj: Person) -> str:
        return obj.retirement_month.strftime("%Y-%m")

    @staticmethod
    def resolve_phone(obj: Person, context: dict[str, Any]) -> str | None:
        return obj.phone if _pii(context, obj) else None


class PersonIn(Schema):
    name: str
    id_number: str = Field(..., description="18位公民身份号码，或15位旧号码（自动升级为18位）")
    unit_id: Id | None = None
    sex: str | None = Field(None, description="M/F；填写时须与身份证号码一致")
    birth_date: date | None = Field(None, description="填写时须与身份证号码一致")
    ethnicity: str = "汉族"
    native_place: str = ""
    education: str = ""
    political_status: str = PoliticalStatus.MASSES
    work_started_on: date | None = None
    retirement_category: str | None = Field(None, description="MALE_60 / FEMALE_55 / FEMALE_50；默认按性别")
    phone: str = ""
    note: str = ""


class PersonPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    unit_id: Id | None = None
    ethnicity: str | None = None
    native_place: str | None = None
    education: str | None = None
    political_status: str | None = None
    work_started_on: date | None = None
    retirement_category: str | None = None
    phone: str | None = None
    note: str | None = None


class PersonFilters(Schema):
    q: str = Field("", description="姓名包含")
    id_number: str = Field("", description="完整身份证号码（15位或18位）")
    unit: int | None = Field(None, description="所在单位编号")
    include_subunits: bool = Field(True, description="含下属单位")
    sex: str = ""
    political_status: str = ""
    retiring_within_months: int | None = Field(None, ge=0, le=600, description="本月起N个月内到龄")
    past_retirement: bool = Field(False, description="已过法定退休时间")


def _resolve_unit(request: HttpRequest, values: dict[str, Any]) -> None:
    """Replace `unit_id` by the unit, as the services take it; one the caller cannot see is refused."""
    if "unit_id" not in values:
        return
    unit_id = values.pop("unit_id")
    unit = None
    if unit_id is not None:
        unit = selectors.unit_for_people(request.user, unit_id)
        if unit is None:
            raise ValidationFailed.on("unit_id", "单位不存在或无权访问")
    values["unit"] = unit


def _api_fields(exc: DomainError) -> DomainError:
    """Name fields as the API does (`unit_id`, not `unit`)."""
    if "unit" in exc.details:
        exc.details["unit_id"] = exc.details.pop("unit")
    return exc


@router.get("", response=list[PersonOut], summary="查找人员")
@paginate(Pagination)
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    values = filters.dict()
    unit_id = values.pop("unit")
    unit = None
    if unit_id is not None:
        unit = selectors.unit_for_people(request.user, unit_id)
        if unit is None:
            return Person.objects.none()
    return selectors.people_search(request.user, unit=unit, **values)


@router.post("", response={201: PersonOut}, summary="登记人员")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    values = payload.dict()
    try:
        _resolve_unit(request, values)
        person = services.person_create(actor=request.user, **values)
    except DomainError as exc:
        raise _api_fields(exc) from None
    return Status(201, person)


@router.get("/{int:person_id}", response=PersonOut, summary="人员详情")
def person_detail(request: HttpRequest, person_id: Id) -> Person:
    return selectors.person_get_for_user(request.user, person_id)


@router.patch("/{int:person_id}", response=PersonOut, summary="修改人员信息")
def person_patch(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Person:
    person = selectors.person_get_for_user(request.user, person_id)
    values = payload.dict(exclude_unset=True)
    try:
        _resolve_unit(request, values)
        return services.person_update(actor=request.user, person=person, **values)
    except DomainError as exc:
        raise _api_fields(exc) from None
