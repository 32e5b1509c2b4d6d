"""Checks of a filing's input, shared by its services: each adds field-keyed Chinese messages to `errors` and
writes nothing (the registration area's `validation` helpers do the 登记事项 themselves)."""

from datetime import date
from decimal import Decimal
from typing import Any

from bianban.registration import deadlines
from bianban.registration.choices import ChangeItem, FundingSource
from bianban.registration.models import Registration
from bianban.registration.registrations import validation as rv
from bianban.units.choices import UnitStatus
from bianban.units.models import Unit

Errors = rv.Errors
add, raise_if, text, today = rv.add, rv.raise_if, rv.text, rv.today
ITEM_LABELS: dict[str, str] = dict(ChangeItem.choices)
_TEXT_LIMITS = {ChangeItem.NAME: 100, ChangeItem.ADDRESS: 200, ChangeItem.LEGAL_REPRESENTATIVE: 50,
                ChangeItem.PURPOSE: 2000}


def check_day(errors: Errors, field: str, label: str, value: Any, *, required: bool = True,
              future: bool = False) -> None:
    """A date of a step: not in the future (unless `future`: a planned move of 住所), not absurdly old."""
    if future and isinstance(value, date) and value > today():
        return
    rv.check_date(errors, field, label, value, required=required)


def plain(item: str, value: Any) -> Any:
    """The JSON form of a 登记事项 value as Filing.changes / Filing.proposed store it."""
    if isinstance(value, Unit):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


def current_value(reg: Registration, item: str) -> Any:
    return plain(item, reg.sponsor_id if item == ChangeItem.SPONSOR else getattr(reg, item))


def _sponsor(errors: Errors, field: str, value: Any, unit: Unit) -> Unit | None:
    pk = value.pk if isinstance(value, Unit) else value
    try:
        sponsor = Unit.objects.filter(pk=int(pk)).first() if pk not in (None, "") else None
    except (TypeError, ValueError):
        sponsor = None
    if sponsor is None:
        add(errors, field, "请选择举办单位")
    elif sponsor.status != UnitStatus.ACTIVE:
        add(errors, field, f"举办单位“{sponsor.name}”已撤销")
    elif sponsor.pk == unit.pk:
        add(errors, field, "举办单位不能是事业单位自身")
    else:
        return sponsor
    return None


def new_value(errors: Errors, item: str, value: Any, unit: Unit) -> Any:
    """The new value of one changed item, normalised, or None with a message."""
    label = ITEM_LABELS[item]
    if item == ChangeItem.CAPITAL:
        amount = rv.parse_capital(value)
        if amount is None or not amount.is_finite():
            add(errors, item, "开办资金应为数字（单位：万元）")
        elif amount < 0:
            add(errors, item, "开办资金不能为负数")
        elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
            add(errors, item, "开办资金以万元为单位，最多保留2位小数")
        elif amount > rv.CAPITAL_MAX:
            add(errors, item, "开办资金数额过大，请核对（单位：万元）")
        else:
            return amount.quantize(Decimal("0.01"))
        return None
    if item == ChangeItem.FUNDING_SOURCE:
        if value in FundingSource.values:
            return value
        add(errors, item, f"请选择经费来源（{'、'.join(FundingSource.labels)}）")
        return None
    if item == ChangeItem.SPONSOR:
        sponsor = _sponsor(errors, item, value, unit)
        return sponsor.pk if sponsor else None
    value = text(value)
    if not value:
        add(errors, item, f"请填写变更后的{label}")
        return None
    if len(value) > _TEXT_LIMITS[item]:
        add(errors, item, f"{label}不能超过{_TEXT_LIMITS[item]}字")
        return None
    return value


def check_changes(errors: Errors, reg: Registration, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """{item: [old, new]} of the requested changes. Refused: unknown items, no change at all, a "change" equal to
    the registered value, and 开办资金 within ±20% (实施细则: only a larger change needs a 变更登记)."""
    result: dict[str, list[Any]] = {}
    if not changes:
        add(errors, "changes", "请至少填写一项变更事项")
        return result
    for item, value in changes.items():
        if item not in ITEM_LABELS:
            add(errors, "changes", f"“{item}”不是可办理变更登记的登记事项")
            continue
        new = new_value(errors, item, value, reg.unit)
        if new is None:
            continue
        old = current_value(reg, item)
        if item == ChangeItem.CAPITAL:
            if Decimal(old) == new:
                add(errors, item, "变更后的开办资金与现登记相同，无需变更")
                continue
            if not deadlines.capital_change_needs_filing(old, new):
                add(errors, item, "开办资金变动未超过20%，无需办理变更登记")
                continue
        elif old == new:
            add(errors, item, f"变更后的{ITEM_LABELS[item]}与现登记相同，无需变更")
            continue
        result[item] = [old, plain(item, new)]
    return result


PROPOSED_FIELDS = ("name", "other_names", "uscc", "uscc_checksum_reason", "purpose", "address",
                   "legal_representative", "capital", "funding_source", "sponsor", "authority")


def check_proposed(errors: Errors, unit: Unit, proposed: dict[str, Any]) -> dict[str, Any]:
    """The 登记事项 applied for in a 设立, checked as a registration would be. The 统一社会信用代码 may still be
    unknown (it is assigned on 核准); when given it is checked like any other."""
    unknown = sorted(set(proposed) - set(PROPOSED_FIELDS))
    for field in unknown:
        add(errors, field, "该字段不是设立登记事项")
    values = {f: proposed.get(f) for f in PROPOSED_FIELDS}
    sponsor = _sponsor(errors, "sponsor", values.pop("sponsor"), unit)
    reg = Registration(unit=unit, sponsor=sponsor, registered_on=today(),
                       **{k: ("" if v is None else v) for k, v in values.items()})
    reg.authority = text(reg.authority) or rv.default_authority()
    found: Errors = {}
    rv.check_registration(found, reg)
    found.pop("sponsor", None)  # reported above, with the same messages
    if not text(proposed.get("uscc")):
        found.pop("uscc", None)
    for field, messages in found.items():
        for message in messages:
            add(errors, field, message)
    return {**{f: plain(f, getattr(reg, f)) for f in PROPOSED_FIELDS if f != "sponsor"},
            "sponsor": sponsor.pk if sponsor else None}
