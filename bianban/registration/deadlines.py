"""The legal deadlines of 事业单位登记 (domain.md §3.2–3.4), computed from the recorded dates, never stored: a changed
holiday calendar (bianban.core.workdays, with the office's overrides) or setting moves every deadline at once.

The numbers come from settings.BIANBAN["REGISTRATION"]; counting follows add_workdays: "N个工作日内" ends on the
Nth working day after the day of the event, the day itself not counted."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from bianban.core.workdays import add_workdays


def _setting(key: str) -> Any:
    return settings.BIANBAN["REGISTRATION"][key]


def change_filing_due(occurred_on: date) -> date:
    """实施细则 Art. 45: a change of 名称 / 法定代表人 / 宗旨和业务范围 / 经费来源 (and 开办资金 over ±20%) is filed
    within CHANGE_FILING_WORKDAYS (30) working days of the change."""
    return add_workdays(occurred_on, int(_setting("CHANGE_FILING_WORKDAYS")))


def decision_due(accepted_on: date) -> date:
    """The authority decides within DECISION_WORKDAYS (30) working days of accepting the application."""
    return add_workdays(accepted_on, int(_setting("DECISION_WORKDAYS")))


def cancel_filing_due(liquidation_ended_on: date) -> date:
    """注销 is applied for within CANCEL_FILING_WORKDAYS (15) working days after 清算 ends (domain.md §3.2)."""
    return add_workdays(liquidation_ended_on, int(_setting("CANCEL_FILING_WORKDAYS")))


def renewal_window(valid_until: date) -> tuple[date, date]:
    """换领 falls in the RENEWAL_DAYS_BEFORE (30) calendar days before the certificate expires (domain.md §3.3):
    (first day of the window, last day of validity)."""
    return valid_until - timedelta(days=int(_setting("RENEWAL_DAYS_BEFORE"))), valid_until


def annual_report_due(year: int) -> date:
    """The 年度报告 on `year` is due by 31 March of the next year (ANNUAL_REPORT_DUE, domain.md §3.4)."""
    month, day = _setting("ANNUAL_REPORT_DUE")
    return date(year + 1, int(month), int(day))


def last_due_year(as_of: date) -> int:
    """The latest reporting year whose deadline has passed by `as_of` (before 1 April: the year before last).
    The one definition shared by the verification rule, the annual status list, the calendar and reminders."""
    return as_of.year - 1 if as_of > annual_report_due(as_of.year - 1) else as_of.year - 2


def _decimal(value: Any) -> Decimal:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a number: {value!r}") from None


def capital_change_needs_filing(old: Any, new: Any) -> bool:
    """实施细则: a change of 开办资金 of more than CAPITAL_CHANGE_SHARE (±20%) of the registered amount needs a
    变更登记; exactly 20% does not. From 0, any change counts."""
    old_amount, new_amount = _decimal(old), _decimal(new)
    if old_amount == 0:
        return new_amount != 0
    return abs(new_amount - old_amount) > abs(old_amount) * Decimal(str(_setting("CAPITAL_CHANGE_SHARE")))
