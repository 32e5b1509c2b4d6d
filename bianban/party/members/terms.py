"""Dates of the committee term: when a term ends and when to remind the branch of the coming 换届.

党章第三十一条: a 支部委员会 serves three to five years; 条例第二十一条: 机关 branches generally three. The term
runs from the electing 党员大会 (domain.md §6.2); a committee appointed by the higher level (指派) has no fixed
term, so it gets no reminders. Postponing an election needs the higher level's approval and is at most one year.
"""

import calendar
from datetime import date
from typing import Any

from django.conf import settings

from bianban.party.models import CommitteeTerm


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months (negative: back); the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_ends_on(elected_on: date, years: int) -> date:
    """The day the term expires: the same calendar day `years` later (28 Feb for a 29 Feb election)."""
    return add_months(elected_on, 12 * years)


def reminder_months() -> list[int]:
    """How many months before the end to remind, largest first (settings TERM_REMINDER_MONTHS, default 6 and 3)."""
    return sorted({int(m) for m in settings.BIANBAN["PARTY"]["TERM_REMINDER_MONTHS"]}, reverse=True)


def _fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def term_reminder_schedule(term: CommitteeTerm) -> list[dict[str, Any]]:
    """Every reminder of a current, elected term, due or not: one per configured month count, then the end day
    itself. Appointed and closed terms have none."""
    if term.appointed or term.closed_on is not None:
        return []
    name = f"{term.branch.name}第{term.number}届" + ("支部委员会" if term.has_committee else "书记")
    items = [
        {"kind": "term_end", "branch_id": term.branch_id, "term_id": term.pk, "date": add_months(term.ends_on, -m),
         "ends_on": term.ends_on, "months": m, "level": "warning" if m <= 3 else "info",
         "text": f"{name}任期将于{_fmt(term.ends_on)}届满（提前{m}个月提醒），请做好换届准备"}
        for m in reminder_months()
    ]
    items.append({"kind": "term_end", "branch_id": term.branch_id, "term_id": term.pk, "date": term.ends_on,
                  "ends_on": term.ends_on, "months": 0, "level": "danger",
                  "text": f"{name}任期已于{_fmt(term.ends_on)}届满，应及时换届（延期换届须经上级党组织批准，"
                          "延期一般不超过1年）"})
    return items


def term_reminder_due(term: CommitteeTerm, today: date) -> dict[str, Any] | None:
    """The most urgent reminder whose date has come (None before the first one, or without a term end)."""
    due = [item for item in term_reminder_schedule(term) if item["date"] <= today]
    return due[-1] if due else None
