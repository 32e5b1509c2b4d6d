"""Writes to the registration register: registering an existing 事业单位, the office's corrections of typing
errors, and the 《事业单位法人证书》 (issue and collection).

Two kinds of entry point:
- `registration_create`, `registration_correct`, `certificate_issue`, `certificate_collect`: durable services for
  the pages, the API and the import of existing registrations;
- `registration_create_within`, `registration_change_within`, `registration_cancel_within`,
  `certificate_issue_within`, `certificate_collect_within`: the same writes for the filings (R2), run inside the
  filing's own transaction when a 设立/变更/注销 is approved or certified, so the filing and the register change
  together or not at all.

Every write checks the input first (ValidationFailed with Chinese field messages, nothing written), then the
actor's right (units.change on the institution; None is system work), and audits before/after.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from bianban.registration.choices import ChangeItem, CopyState, RegistrationStatus
from bianban.registration.models import Certificate, Filing, Registration
from bianban.registration.registrations import validation as v
from bianban.units.models import Unit

FIELDS = ("uscc", "uscc_checksum_reason", "name", "other_names", "purpose", "address", "legal_representative",
          "capital", "funding_source", "sponsor", "authority", "registered_on")
CERTIFICATE_FIELDS = ["number", "issued_on", "valid_from", "valid_until", "original_state", "duplicate_state",
                      "is_current", "collected_on", "filing"]
COPIES = {"original": ("original_state", "正本"), "duplicate": ("duplicate_state", "副本")}


@dataclass(frozen=True)
class CertificateIn:
    """The certificate issued with a registration (or found with an existing one, on import)."""

    number: str
    issued_on: date | None
    valid_from: date | None = None


def require(actor: Any, unit: Unit, perm: str = Perm.UNITS_CHANGE) -> None:
    """NotFound when the actor cannot see the institution, PermissionDenied when they see it but may not write
    its registration (编办 staff and admins only). `actor=None` is system work."""
    if actor is None:
        return
    if not unit_allows(actor, Perm.UNITS_VIEW, unit):
        raise NotFound("事业单位不存在或无权访问", details={"unit": ["事业单位不存在或无权访问"]})
    if not unit_allows(actor, perm, unit):
        raise PermissionDenied("只有编办业务科室或管理员可以办理事业单位登记")


def _must_be_within(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside the caller's transaction")


def _save(instance: Any) -> None:
    """Save behind a savepoint: a constraint a concurrent writer broke first becomes a message, not a 500."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationFailed("保存失败：数据与已有记录冲突（可能刚被他人修改），请刷新后重试") from None


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().select_related("unit", "sponsor").get(pk=registration.pk)


# --------------------------------------------------------------------------------------------------- registration


def registration_create_within(
    *, actor: Any, unit: Unit, uscc: str, name: str, purpose: str, address: str, legal_representative: str,
    capital: Any, funding_source: str, sponsor: Unit | None, registered_on: date | None,
    uscc_checksum_reason: str = "", other_names: str = "", authority: str = "",
    certificate: CertificateIn | None = None, filing: Filing | None = None,
) -> Registration:
    """`registration_create` inside the caller's transaction (an approved 设立 filing: `filing` is recorded on
    the certificate). Certificate errors are reported under `certificate.<field>`."""
    _must_be_within("registration_create_within")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require(actor, unit)
    reg = Registration(
        unit=unit, uscc=uscc, uscc_checksum_reason=uscc_checksum_reason, name=name, other_names=other_names,
        purpose=purpose, address=address, legal_representative=legal_representative, capital=capital,
        funding_source=funding_source or "", sponsor=sponsor, authority=v.text(authority) or v.default_authority(),
        registered_on=registered_on,
    )
    errors: v.Errors = {}
    v.check_unit(errors, unit)
    v.check_registration(errors, reg)
    if certificate is not None:
        cert_errors: v.Errors = {}
        v.check_certificate(cert_errors, registration=reg, number=v.text(certificate.number),
                            issued_on=certificate.issued_on, valid_from=certificate.valid_from)
        for field, messages in cert_errors.items():
            errors.setdefault(f"certificate.{field}", []).extend(messages)
    v.raise_if(errors)
    _save(reg)
    audit(actor=actor, action="registration.create", target=reg, unit_id=unit.pk,
          changes=diff({}, snapshot(reg, list(FIELDS))))
    if certificate is not None:
        certificate_issue_within(actor=actor, registration=reg, number=certificate.number,
                                 issued_on=certificate.issued_on, valid_from=certificate.valid_from, filing=filing)
    return reg


@transaction.atomic(durable=True)
def registration_create(
    *, actor: Any, unit: Unit, uscc: str, name: str, purpose: str, address: str, legal_representative: str,
    capital: Any, funding_source: str, sponsor: Unit | None, registered_on: date | None,
    uscc_checksum_reason: str = "", other_names: str = "", authority: str = "",
    certificate: CertificateIn | None = None,
) -> Registration:
    """Record the registration of an existing 事业单位 (one registered before the platform, or entered from the
    national system): its 登记事项 and, optionally, its current certificate. `authority` defaults to the setting
    BIANBAN["REGISTRATION"]["AUTHORITY"]. A new institution is registered through a 设立 filing instead."""
    return registration_create_within(
        actor=actor, unit=unit, uscc=uscc, name=name, purpose=purpose, address=address,
        legal_representative=legal_representative, capital=capital, funding_source=funding_source, sponsor=sponsor,
        registered_on=registered_on, uscc_checksum_reason=uscc_checksum_reason, other_names=other_names,
        authority=authority, certificate=certificate,
    )


def _apply(reg: Registration, fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, list[Any]]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed(f"以下登记事项不能在此修改：{'、'.join(unknown)}",
                               details={f: ["该字段不能在此修改"] for f in unknown})
    if reg.status != RegistrationStatus.ACTIVE:
        raise ValidationFailed.on("__all__", "该事业单位已注销，登记事项不能再修改")
    before = snapshot(reg, list(FIELDS))
    for name, value in fields.items():
        if name == "sponsor" and value is not None and not isinstance(value, Unit):
            value = Unit.objects.filter(pk=value).first()
        setattr(reg, name, value)
    errors: v.Errors = {}
    v.check_registration(errors, reg)
    v.raise_if(errors)
    return diff(before, snapshot(reg, list(FIELDS)))


@transaction.atomic(durable=True)
def registration_correct(*, actor: Any, registration: Registration, reason: str, **fields: Any) -> Registration:
    """更正: the office corrects a typing error in the recorded 登记事项 (the register must say what the
    certificate says). A real change of a 登记事项 (a new name, 法定代表人, 住所 …) is not a correction: it goes
    through a 变更登记 filing (实施细则 Art. 45–48), which updates the registration when approved
    (`registration_change_within`). The reason is required; the audit event keeps before/after."""
    reason = v.text(reason)
    if not reason:
        raise ValidationFailed.on("reason", "请填写更正原因（如：录入错误，与证书不符）")
    if len(reason) > 500:
        raise ValidationFailed.on("reason", "更正原因不能超过500字")
    reg = _locked(registration)
    require(actor, reg.unit)
    changes = _apply(reg, fields, FIELDS)
    if not changes:
        return reg
    _save(reg)
    audit(actor=actor, action="registration.correct", target=reg, unit_id=reg.unit_id, changes=changes,
          reason=reason)
    return reg


def registration_change_within(*, actor: Any, registration: Registration, changes: dict[str, Any],
                               filing: Filing | None = None) -> dict[str, list[Any]]:
    """An approved 变更登记 writes its new 登记事项 (keys of ChangeItem: name, legal_representative, purpose,
    address, funding_source, capital, sponsor — a Unit or its pk) to the registration, inside the filing's
    transaction. Returns {item: [old, new]} as written; the filing records the unit's 沿革 itself."""
    _must_be_within("registration_change_within")
    reg = _locked(registration)
    require(actor, reg.unit)
    written = _apply(reg, dict(changes), tuple(ChangeItem.values))
    if written:
        _save(reg)
        audit(actor=actor, action="registration.change", target=reg, unit_id=reg.unit_id, changes=written,
              reason=f"变更登记（申请#{filing.pk}）" if filing is not None else "变更登记")
    return written


def registration_cancel_within(*, actor: Any, registration: Registration, on: date,
                               filing: Filing | None = None) -> Registration:
    """An approved 注销登记: the registration ends on `on`, and the current certificate's 正本 and 副本 still held
    are collected that day (domain.md §3.2: 收缴证章). Inside the filing's transaction."""
    _must_be_within("registration_cancel_within")
    reg = _locked(registration)
    require(actor, reg.unit)
    errors: v.Errors = {}
    if reg.status != RegistrationStatus.ACTIVE:
        v.add(errors, "__all__", "该事业单位已注销")
    v.check_date(errors, "on", "注销日期", on)
    if isinstance(on, date) and on < reg.registered_on:
        v.add(errors, "on", "注销日期不能早于设立登记日期")
    v.raise_if(errors)
    for cert in reg.certificates.filter(is_current=True):
        _collect(actor=actor, cert=cert, on=on, copies=_held(cert), retire=True)
    reg.status, reg.cancelled_on = RegistrationStatus.CANCELLED, on
    _save(reg)
    audit(actor=actor, action="registration.cancel", target=reg, unit_id=reg.unit_id,
          changes={"status": [RegistrationStatus.ACTIVE, RegistrationStatus.CANCELLED], "cancelled_on": [None, on]},
          reason=f"注销登记（申请#{filing.pk}）" if filing is not None else "注销登记")
    return reg


# ---------------------------------------------------------------------------------------------------- certificates


def _held(cert: Certificate) -> list[str]:
    return [key for key, (field, _) in COPIES.items() if getattr(cert, field) == CopyState.HELD]


def _collect(*, actor: Any, cert: Certificate, on: date, copies: list[str], retire: bool) -> None:
    before = snapshot(cert, CERTIFICATE_FIELDS)
    for key in copies:
        setattr(cert, COPIES[key][0], CopyState.COLLECTED)
    if copies:
        cert.collected_on = on
    if retire:
        cert.is_current = False
    changes = diff(before, snapshot(cert, CERTIFICATE_FIELDS))
    if changes:
        _save(cert)
        audit(actor=actor, action="certificate.collect", target=cert, unit_id=cert.registration.unit_id,
              changes=changes)


def certificate_issue_within(*, actor: Any, registration: Registration, number: str, issued_on: date | None,
                             valid_from: date | None = None, filing: Filing | None = None) -> Certificate:
    """`certificate_issue` inside the caller's transaction (发证 of a 设立 or 变更 filing, or 换领 on renewal)."""
    _must_be_within("certificate_issue_within")
    reg = _locked(registration)
    require(actor, reg.unit)
    number = v.text(number)
    errors: v.Errors = {}
    if reg.status != RegistrationStatus.ACTIVE:
        v.add(errors, "__all__", "该事业单位已注销，不能发证")
    v.check_certificate(errors, registration=reg, number=number, issued_on=issued_on, valid_from=valid_from)
    v.raise_if(errors)
    valid_from = valid_from or issued_on
    assert issued_on is not None and valid_from is not None  # checked above
    # One current certificate (constraint certificate_one_current): the old one stops being current, and its
    # 正本 and 副本 are collected when the new one is issued (实施细则 Art. 48: 收缴旧证).
    for old in reg.certificates.select_for_update().filter(is_current=True):
        old.registration = reg
        _collect(actor=actor, cert=old, on=issued_on, copies=_held(old), retire=True)
    cert = Certificate(registration=reg, number=number, issued_on=issued_on, valid_from=valid_from,
                       valid_until=v.valid_until(valid_from), filing=filing)
    _save(cert)
    audit(actor=actor, action="certificate.issue", target=cert, unit_id=reg.unit_id,
          changes=diff({}, snapshot(cert, CERTIFICATE_FIELDS)))
    return cert


@transaction.atomic(durable=True)
def certificate_issue(*, actor: Any, registration: Registration, number: str, issued_on: date | None,
                      valid_from: date | None = None, filing: Filing | None = None) -> Certificate:
    """Record a new 《事业单位法人证书》: valid from `valid_from` (default: the issue date) for CERTIFICATE_YEARS
    years (valid_until = valid_from + years − 1 day). The previous current certificate stops being current and
    both its copies are collected on the issue date."""
    return certificate_issue_within(actor=actor, registration=registration, number=number, issued_on=issued_on,
                                    valid_from=valid_from, filing=filing)


def certificate_collect_within(*, actor: Any, certificate: Certificate, on: date | None,
                               copies: list[str] | tuple[str, ...]) -> Certificate:
    """`certificate_collect` inside the caller's transaction."""
    _must_be_within("certificate_collect_within")
    cert = Certificate.objects.select_for_update().select_related("registration__unit").get(pk=certificate.pk)
    require(actor, cert.registration.unit)
    errors: v.Errors = {}
    wanted = list(dict.fromkeys(copies or []))
    if not wanted:
        v.add(errors, "copies", "请选择收缴正本、副本或两者")
    for key in wanted:
        if key not in COPIES:
            v.add(errors, "copies", f"“{key}”不是证书的正本（original）或副本（duplicate）")
        elif getattr(cert, COPIES[key][0]) == CopyState.COLLECTED:
            v.add(errors, "copies", f"证书{COPIES[key][1]}已收缴")
    v.check_date(errors, "on", "收缴日期", on)
    if isinstance(on, date) and on < cert.issued_on:
        v.add(errors, "on", "收缴日期不能早于发证日期")
    v.raise_if(errors)
    assert on is not None
    _collect(actor=actor, cert=cert, on=on, copies=wanted, retire=False)
    return cert


@transaction.atomic(durable=True)
def certificate_collect(*, actor: Any, certificate: Certificate, on: date | None,
                        copies: list[str] | tuple[str, ...]) -> Certificate:
    """收缴: the authority takes back the 正本 and/or 副本 (`copies`: "original", "duplicate") on `on` — on a
    change or cancellation, or as a sanction (暂扣证书, domain.md §3.4). The certificate stays the current one
    until a new one is issued or the registration is cancelled."""
    return certificate_collect_within(actor=actor, certificate=certificate, on=on, copies=copies)


@transaction.atomic(durable=True)
def registration_export(*, actor: Any, filters: dict[str, Any], count: int) -> None:
    """Record that the actor exported the register (the filters used and how many rows)."""
    audit(actor=actor, action="registration.export", changes={"filters": [None, filters], "count": [None, count]})
