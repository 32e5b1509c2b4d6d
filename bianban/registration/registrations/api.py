"""/api/v1/registrations: the register of 事业单位登记 and its certificates. Reads are scoped by the institution
(404 outside scope); writes need units.change on it (编办). PATCH corrects typing errors (a reason is required);
real changes of 登记事项 go through /filings."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Count, Id, Pagination
from bianban.registration.choices import FundingSource, RegistrationStatus
from bianban.registration.models import Certificate, Registration
from bianban.registration.registrations import importer, selectors, services
from bianban.units.models import Unit
from bianban.units.selectors import unit_get_for_user

router = Router()
# Service field → API field, for error details.
_API_FIELDS = {"unit": "unit_id", "sponsor": "sponsor_id"}


class CertificateOut(Schema):
    id: int
    number: str
    issued_on: date
    valid_from: date
    valid_until: date
    original_state: str
    duplicate_state: str
    is_current: bool
    collected_on: date | None
    filing_id: Id | None


class RegistrationOut(Schema):
    id: int
    unit_id: Id
    uscc: str
    uscc_checksum_reason: str
    name: str
    other_names: str
    purpose: str
    address: str
    legal_representative: str
    capital: Decimal
    funding_source: str
    funding_source_label: str
    sponsor_id: Id
    sponsor_name: str
    authority: str
    registered_on: date
    status: str
    status_label: str
    cancelled_on: date | None
    current_valid_until: date | None = None

    @staticmethod
    def resolve_funding_source_label(obj: Registration) -> str:
        return obj.get_funding_source_display()

    @staticmethod
    def resolve_sponsor_name(obj: Registration) -> str:
        return obj.sponsor.name

    @staticmethod
    def resolve_status_label(obj: Registration) -> str:
        return obj.get_status_display()


class CertificateIn(Schema):
    number: str = Field(description="证书号")
    issued_on: date = Field(description="发证日期")
    valid_from: date | None = Field(None, description="有效期起；不填则与发证日期相同")


class RegistrationIn(Schema):
    unit_id: Id = Field(description="事业单位id（尚未登记的事业单位）")
    uscc: str = Field(description="统一社会信用代码（以12开头）")
    uscc_checksum_reason: str = Field("", description="校验位不符时的确认说明")
    name: str
    other_names: str = ""
    purpose: str = Field(description="宗旨和业务范围")
    address: str = Field(description="住所")
    legal_representative: str = Field(description="法定代表人")
    capital: Decimal = Field(description="开办资金（万元，最多2位小数）")
    funding_source: FundingSource
    sponsor_id: Id = Field(description="举办单位id")
    authority: str = Field("", description="登记管理机关；不填为系统设置")
    registered_on: date = Field(description="设立登记日期")
    certificate: CertificateIn | None = None


class RegistrationPatch(Schema):
    """更正 (typing errors only); every field optional, `reason` required."""

    reason: str = Field(description="更正原因")
    uscc: str | None = None
    uscc_checksum_reason: str | None = None
    name: str | None = None
    other_names: str | None = None
    purpose: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    capital: Decimal | None = None
    funding_source: FundingSource | None = None
    sponsor_id: Id | None = None
    authority: str | None = None
    registered_on: date | None = None


class CollectIn(Schema):
    certificate_id: Id
    on: date
    copies: list[str] = Field(description="original（正本）、duplicate（副本）")


class ImportOut(Schema):
    rows: int
    registrations: int
    certificates: int
    errors: int


def _api_fields(exc: ValidationFailed) -> ValidationFailed:
    for service_name, api_name in _API_FIELDS.items():
        if service_name in exc.details:
            exc.details[api_name] = exc.details.pop(service_name)
    return exc


def _unit(request: HttpRequest, pk: int, field: str) -> Unit:
    try:
        return unit_get_for_user(request.user, pk)
    except NotFound:
        raise NotFound("单位不存在或无权访问", details={field: ["单位不存在或无权访问"]}) from None


@router.get("/registrations", response=list[RegistrationOut], summary="查询事业单位登记")
@paginate(Pagination)
def registration_list(
    request: HttpRequest, status: RegistrationStatus | None = None, sponsor: Id | None = None,
    funding_source: FundingSource | None = None, expiry: str = "", days: Count | None = None, q: str = "",
) -> QuerySet[Registration]:
    """`expiry`: expiring（证书在 `days` 天内到期，默认为换领期）、expired（已过期）、none（无现行证书）。"""
    return selectors.registrations_for_user(request.user, status=status or "", sponsor=sponsor,
                                            funding_source=funding_source or "", expiry=expiry, days=days, q=q)


@router.post("/registrations", response={201: RegistrationOut}, summary="登记已有事业单位")
def registration_create(request: HttpRequest, payload: RegistrationIn) -> Status:
    data: dict[str, Any] = payload.dict()
    unit = _unit(request, data.pop("unit_id"), "unit_id")
    sponsor = _unit(request, data.pop("sponsor_id"), "sponsor_id")
    cert = data.pop("certificate")
    certificate = services.CertificateIn(**cert) if cert else None
    try:
        reg = services.registration_create(actor=request.user, unit=unit, sponsor=sponsor, certificate=certificate,
                                           **data)
    except ValidationFailed as exc:
        raise _api_fields(exc) from None
    return Status(201, selectors.registration_get_for_user(request.user, reg.pk))


@router.post("/registrations/import", response={200: ImportOut}, summary="导入已有事业单位登记（xlsx，全部通过才写入）")
def registration_import(request: HttpRequest, file: File[UploadedFile]) -> dict[str, int]:
    result = importer.registration_import(actor=request.user, upload=file)
    if not result.ok:
        raise ValidationFailed(
            f"发现 {len(result.errors)} 处错误，未导入任何数据",
            details={"errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]})
    return result.counts()


@router.get("/registrations/{int:registration_id}", response=RegistrationOut, summary="登记详情")
def registration_detail(request: HttpRequest, registration_id: Id) -> Registration:
    return selectors.registration_get_for_user(request.user, registration_id)


@router.patch("/registrations/{int:registration_id}", response=RegistrationOut, summary="更正登记信息（录入错误）")
def registration_correct(request: HttpRequest, registration_id: Id, payload: RegistrationPatch) -> Registration:
    reg = selectors.registration_get_for_user(request.user, registration_id)
    given = payload.dict(exclude_unset=True)
    reason = given.pop("reason")
    if "sponsor_id" in given:
        sponsor_id = given.pop("sponsor_id")
        given["sponsor"] = _unit(request, sponsor_id, "sponsor_id") if sponsor_id is not None else None
    try:
        services.registration_correct(actor=request.user, registration=reg, reason=reason, **given)
    except ValidationFailed as exc:
        raise _api_fields(exc) from None
    return selectors.registration_get_for_user(request.user, registration_id)


@router.get("/registrations/{int:registration_id}/certificates", response=list[CertificateOut],
            summary="法人证书")
@paginate(Pagination)
def certificate_list(request: HttpRequest, registration_id: Id) -> QuerySet[Certificate]:
    return selectors.certificates_of(selectors.registration_get_for_user(request.user, registration_id))


@router.post("/registrations/{int:registration_id}/certificates", response={201: CertificateOut},
             summary="登记新证书（原现行证书收缴）")
def certificate_issue(request: HttpRequest, registration_id: Id, payload: CertificateIn) -> Status:
    reg = selectors.registration_get_for_user(request.user, registration_id)
    cert = services.certificate_issue(actor=request.user, registration=reg, **payload.dict())
    return Status(201, cert)


@router.post("/registrations/{int:registration_id}/certificates/collect", response=CertificateOut,
             summary="收缴证书正本、副本")
def certificate_collect(request: HttpRequest, registration_id: Id, payload: CollectIn) -> Certificate:
    reg = selectors.registration_get_for_user(request.user, registration_id)
    cert = reg.certificates.filter(pk=payload.certificate_id).first()
    if cert is None:
        raise NotFound("证书不存在或无权访问", details={"certificate_id": ["证书不存在或无权访问"]})
    return services.certificate_collect(actor=request.user, certificate=cert, on=payload.on, copies=payload.copies)
