"""Reminder source of 事业单位登记 (settings BIANBAN["REMINDERS"]["SOURCES"]): the filings' next legal deadlines within
the horizon or passed, certificates inside their renewal window (the 30 days before expiry, domain.md §3.3) or
expired, and annual reports not yet submitted from 1 March (the window closes 31 March, §3.4) or late.

Reminded: who does the work — the office's staff holding units.change over the institution (编办 staff and admins,
district-wide or over its subtree), and the institution's liaisons (their grant covers it), who chase the unit.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from bianban.accounts.choices import ROLE_PERMS, Perm, Role
from bianban.accounts.models import Grant
from bianban.duties.reminders.due import Due
from bianban.registration.calendar import agenda as a
from bianban.registration.rules import report_due

# ReminderKind.REGISTRATION ("事业单位登记") once the duties choices list it; the value is what is stored.
KIND = "registration"


class Responsible:
    """Who is reminded of an institution's registration work, decided in memory from one query of grants."""

    def __init__(self) -> None:
        roles = [role for role, perms in ROLE_PERMS.items() if Perm.UNITS_CHANGE in perms] + [Role.UNIT_LIAISON]
        self.grants = list(Grant.objects.filter(role__in=roles, user__is_active=True).select_related("unit")
                           .only("user_id", "include_descendants", "unit__id", "unit__path"))
        self._cache: dict[int, frozenset[int]] = {}

    def of(self, unit_id: int, path: str) -> frozenset[int]:
        if unit_id not in self._cache:
            self._cache[unit_id] = frozenset(
                g.user_id for g in self.grants
                if g.unit_id is None or g.unit_id == unit_id
                or (g.include_descendants and path.startswith(g.unit.path)))
        return self._cache[unit_id]


def entries(on: date, horizon_days: int) -> list[a.Entry]:
    """What the reminders hold as of `on` (see the module's docstring)."""
    horizon = on + timedelta(days=horizon_days)
    found = a.filings(on, horizon)
    # A certificate is reminded once its renewal window opens (its expiry is within RENEWAL_DAYS_BEFORE days).
    found += a.renewals(on, max(horizon, on + timedelta(days=a.renewal_days())))
    # The report on last year from 1 March, as the 31 March deadline approaches; late ones always.
    report_window_end = report_due(on.year - 1)
    until = report_window_end if date(on.year, 3, 1) <= on <= report_window_end else horizon
    found += a.annual_reports(on, until)
    return found


def due(on: date, horizon_days: int) -> Iterable[Due]:
    """The reminders of 事业单位登记 as of `on`."""
    responsible = Responsible()
    result = []
    for entry in entries(on, horizon_days):
        users = responsible.of(entry.unit_id, entry.unit_path)
        if users:
            result.append(Due(kind=KIND, key=f"registration:{entry.key}", title=entry.title, due_on=entry.due_on,
                              url=entry.url, user_ids=users))
    return result
