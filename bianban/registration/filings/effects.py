"""What a filing's 核准 and 发证 do to the register, inside the filing's transaction (filing_transition): the
registration area's `..._within` services write the registration and certificates; the units area's services
write the unit's 沿革. Any refusal there rolls the whole step back."""

from datetime import date
from decimal import Decimal
from typing import Any

from bianban.core.exceptions import ValidationFailed
from bianban.registration.choices import ChangeItem, CopyState, FilingKind
from bianban.registration.filings.validation import ITEM_LABELS
from bianban.registration.models import Filing
from bianban.registration.registrations import services as registrations
from bianban.units.choices import UnitEventKind
from bianban.units.models import Unit


def approve(*, actor: Any, filing: Filing, on: date, uscc: str, uscc_checksum_reason: str) -> None:
    """核准登记: 设立 creates the registration (registered on the day of 核准), 变更 writes the changed items to the
    registration and the unit's 沿革, 注销 cancels the registration on that day (its certificates are collected)."""
    if filing.kind == FilingKind.ESTABLISH:
        p = filing.proposed
        code = uscc or p.get("uscc") or ""
        if not code:
            raise ValidationFailed.on("uscc", "核准设立登记须填写登记管理机关赋予的统一社会信用代码")
        reg = registrations.registration_create_within(
            actor=actor, unit=filing.unit, uscc=code, uscc_checksum_reason=uscc_checksum_reason or
            p.get("uscc_checksum_reason", ""), name=p.get("name", ""), other_names=p.get("other_names", ""),
            purpose=p.get("purpose", ""), address=p.get("address", ""),
            legal_representative=p.get("legal_representative", ""), capital=p.get("capital"),
            funding_source=p.get("funding_source", ""), sponsor=Unit.objects.filter(pk=p.get("sponsor")).first(),
            authority=p.get("authority", ""), registered_on=on, filing=filing,
        )
        Filing.objects.filter(pk=filing.pk).update(registration=reg)
        filing.registration = reg
    elif filing.kind == FilingKind.CHANGE:
        assert filing.registration is not None
        new = {item: (Decimal(pair[1]) if item == ChangeItem.CAPITAL else pair[1])
               for item, pair in filing.changes.items()}
        written = registrations.registration_change_within(actor=actor, registration=filing.registration,
                                                           changes=new, filing=filing)
        unit_history_within(actor=actor, unit=filing.unit, written=written, on=on, document_no=filing.document_no,
                            filing=filing)
    else:
        assert filing.registration is not None
        registrations.registration_cancel_within(actor=actor, registration=filing.registration, on=on,
                                                 filing=filing)


def certify(*, actor: Any, filing: Filing, on: date, number: str) -> None:
    """发证: a new 法人证书 for a 设立 or 变更 (the old one collected: 实施细则 Art. 48); for a 注销, every copy
    still held is collected (收缴证章)."""
    assert filing.registration is not None
    if filing.kind != FilingKind.CANCEL:
        if not number:
            raise ValidationFailed.on("certificate_number", "请填写新发证书的证书号")
        registrations.certificate_issue_within(actor=actor, registration=filing.registration, number=number,
                                               issued_on=on, filing=filing)
        return
    for cert in filing.registration.certificates.all():
        held = [key for key, (field, _) in registrations.COPIES.items() if getattr(cert, field) == CopyState.HELD]
        if held:
            registrations.certificate_collect_within(actor=actor, certificate=cert, on=on, copies=held)


def shown(item: str, value: Any) -> str:
    if item == ChangeItem.SPONSOR:
        unit = Unit.objects.filter(pk=value).only("name").first()
        return unit.name if unit else str(value)
    if item == ChangeItem.FUNDING_SOURCE:
        from bianban.registration.choices import FundingSource

        return FundingSource(value).label if value in FundingSource.values else str(value)
    return str(value)


def unit_history_within(*, actor: Any, unit: Unit, written: dict[str, list[Any]], on: date, document_no: str,
                        filing: Filing) -> None:
    """The unit's 沿革 of an approved 变更: a new 名称 renames the unit through the unit register's own service
    (更名, with its checks); the other items are one 变更 event."""
    from bianban.units import services as units

    if ChangeItem.NAME in written:
        units.unit_update_within(actor=actor, unit=unit, name=written[ChangeItem.NAME][1], occurred_on=on,
                                 document_no=document_no, reason=f"变更登记（申请#{filing.pk}）")
    other = {item: pair for item, pair in written.items() if item != ChangeItem.NAME}
    if not other:
        return
    summary = "变更登记：" + "；".join(f"{ITEM_LABELS.get(item, item)}由“{shown(item, old)}”变更为“{shown(item, new)}”"
                                   for item, (old, new) in other.items())
    units.unit_event_record_within(actor=actor, unit=Unit.objects.get(pk=unit.pk), kind=UnitEventKind.CHANGE,
                                   occurred_on=on, document_no=document_no, summary=summary, changes=other)
