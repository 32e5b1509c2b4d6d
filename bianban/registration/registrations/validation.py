"""Checks of 登记事项 and certificates, shared by the registration services and the import: each adds field-keyed
Chinese messages to `errors` and writes nothing. The model constraints (uscc begins "12", capital ≥ 0, one
current certificate) are the backstop; these come first so the user sees every message next to its field."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianban.core.exceptions import ValidationFailed
from bianban.core.validators import parse_uscc
from bianban.registration.choices import FundingSource, RegistrationStatus
from bianban.registration.models import Certificate, Registration
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit

Errors = dict[str, list[str]]
EARLIEST = date(1900, 1, 1)
# 开办资金 in 万元 with 2 decimals (the certificate's unit); max_digits=12 on the model.
CAPITAL_MAX = Decimal("9999999999.99")
_TEXT_LIMITS = {"name": ("名称", 100), "other_names": ("其他名称", 200), "address": ("住所", 200),
                "legal_representative": ("法定代表人", 50), "authority": ("登记管理机关", 100)}


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    """One ValidationFailed with every message, so a form shows them all at once."""
    if errors:
        messages = list(dict.fromkeys(m for msgs in errors.values() for m in msgs))
        raise ValidationFailed("；".join(messages[:5]), details=errors)


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def today() -> date:
    return timezone.localdate()


def default_authority() -> str:
    return str(settings.BIANBAN["REGISTRATION"]["AUTHORITY"])


def certificate_years() -> int:
    return int(settings.BIANBAN["REGISTRATION"]["CERTIFICATE_YEARS"])


def valid_until(valid_from: date) -> date:
    """The last day of validity: valid_from + CERTIFICATE_YEARS years − 1 day (domain.md §3.3, 5 years); a
    certificate valid from 29 February runs to 28 February."""
    years = certificate_years()
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February in a year that has none: the period ends on 28 February
        return valid_from.replace(year=valid_from.year + years, day=28)
    return date.fromordinal(end.toordinal() - 1)


def check_uscc(errors: Errors, reg: Registration) -> None:
    """GB 32100 (domain.md §3.5): shape is a hard error; an institution's code begins "12" (1 = 机构编制,
    2 = 事业单位; "11" is a 机关 code); a failed check character only with a confirmed reason (early pilot codes)."""
    reg.uscc = text(reg.uscc).upper().replace(" ", "")
    reg.uscc_checksum_reason = text(reg.uscc_checksum_reason)
    if not reg.uscc:
        add(errors, "uscc", "请填写统一社会信用代码")
        return
    try:
        code = parse_uscc(reg.uscc)
    except ValidationError as exc:
        add(errors, "uscc", exc.messages[0])
        return
    reg.uscc = code.code
    if not code.code.startswith("12"):
        hint = "（“11”开头的是机关的代码）" if code.code.startswith("11") else ""
        add(errors, "uscc", f"事业单位的统一社会信用代码应以“12”开头，当前为“{code.code[:2]}”{hint}，请核对")
        return
    if code.checksum_ok:
        reg.uscc_checksum_reason = ""
    elif not reg.uscc_checksum_reason:
        add(errors, "uscc",
            f"统一社会信用代码校验位不符：按前17位计算，第18位应为“{code.expected_check}”，而不是“{code.code[-1]}”。"
            "请核对代码；如确属合法代码（如早期试点代码），请填写“校验码不符的确认说明”后再保存")
    elif len(reg.uscc_checksum_reason) > 200:
        add(errors, "uscc_checksum_reason", "校验码不符的确认说明不能超过200字")
    taken = (Registration.objects.filter(uscc=code.code, status=RegistrationStatus.ACTIVE)
             .exclude(pk=reg.pk).only("name").first())
    if taken is not None:
        add(errors, "uscc", f"该统一社会信用代码已登记给“{taken.name}”")
    holder = (Unit.objects.filter(uscc=code.code).exclude(pk=reg.unit_id).only("name").first()
              if reg.unit_id else None)
    if holder is not None and taken is None:
        add(errors, "uscc", f"该统一社会信用代码在机构库中属于“{holder.name}”，不是本单位的代码")


def parse_capital(value: Any) -> Decimal | None:
    """开办资金 in 万元, or None when it is not a number (the caller reports it)."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(text(value).replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        return None


def check_capital(errors: Errors, reg: Registration) -> None:
    capital = parse_capital(reg.capital)
    if capital is None or not capital.is_finite():
        add(errors, "capital", "开办资金应为数字（单位：万元）")
        return
    if capital < 0:
        add(errors, "capital", "开办资金不能为负数")
    elif capital.as_tuple().exponent < -2:  # type: ignore[operator]
        add(errors, "capital", "开办资金以万元为单位，最多保留2位小数")
    elif capital > CAPITAL_MAX:
        add(errors, "capital", "开办资金数额过大，请核对（单位：万元）")
    else:
        capital = capital.quantize(Decimal("0.01"))
    reg.capital = capital


def check_date(errors: Errors, field: str, label: str, value: Any, *, required: bool = True) -> None:
    if value is None or value == "":
        if required:
            add(errors, field, f"请填写{label}")
        return
    if not isinstance(value, date):
        add(errors, field, f"{label}应为日期（yyyy-mm-dd）")
    elif value > today():
        add(errors, field, f"{label}不能晚于今天")
    elif value < EARLIEST:
        add(errors, field, f"{label}早于1900年，请核对")


def check_registration(errors: Errors, reg: Registration) -> None:
    """Everything the 登记事项 themselves must satisfy (not who may write them)."""
    for field in ("name", "other_names", "purpose", "address", "legal_representative", "authority"):
        setattr(reg, field, text(getattr(reg, field)))
    for field, label in (("name", "名称"), ("purpose", "宗旨和业务范围"), ("address", "住所"),
                         ("legal_representative", "法定代表人"), ("authority", "登记管理机关")):
        if not getattr(reg, field):
            add(errors, field, f"请填写{label}")
    for field, (label, limit) in _TEXT_LIMITS.items():
        if len(getattr(reg, field)) > limit:
            add(errors, field, f"{label}不能超过{limit}字")
    check_uscc(errors, reg)
    check_capital(errors, reg)
    if reg.funding_source not in FundingSource.values:
        add(errors, "funding_source", f"请选择经费来源（{'、'.join(FundingSource.labels)}）")
    sponsor = reg.sponsor if reg.sponsor_id else None
    if sponsor is None:
        add(errors, "sponsor", "请选择举办单位")
    elif sponsor.status != UnitStatus.ACTIVE:
        add(errors, "sponsor", f"举办单位“{sponsor.name}”已撤销")
    elif sponsor.pk == reg.unit_id:
        add(errors, "sponsor", "举办单位不能是事业单位自身")
    check_date(errors, "registered_on", "设立登记日期", reg.registered_on)


def check_unit(errors: Errors, unit: Unit) -> None:
    """Only a 事业单位 of the register, still active and not yet registered, gets a registration."""
    if unit.kind != UnitKind.INSTITUTION:
        add(errors, "unit", f"“{unit.name}”是{unit.get_kind_display()}，只有事业单位办理事业单位登记")
    elif unit.status != UnitStatus.ACTIVE:
        add(errors, "unit", f"“{unit.name}”已撤销，不能登记")
    elif Registration.objects.filter(unit=unit).exists():
        add(errors, "unit", f"“{unit.name}”已有登记，请在其登记页面更正或通过变更登记修改")


def check_certificate(errors: Errors, *, registration: Registration, number: str, issued_on: Any,
                      valid_from: Any) -> None:
    if not number:
        add(errors, "number", "请填写证书号")
    elif len(number) > 50:
        add(errors, "number", "证书号不能超过50字")
    elif Certificate.objects.filter(number=number).exists():
        add(errors, "number", f"证书号“{number}”已登记过，请核对")
    check_date(errors, "issued_on", "发证日期", issued_on)
    if valid_from is not None and not isinstance(valid_from, date):
        add(errors, "valid_from", "有效期起应为日期（yyyy-mm-dd）")
    if isinstance(issued_on, date) and registration.registered_on and issued_on < registration.registered_on:
        add(errors, "issued_on", "发证日期不能早于设立登记日期")
