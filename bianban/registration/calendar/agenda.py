"""Everything of 事业单位登记 that falls due: filings' next legal deadlines (deadlines.py, via filings_due), the
renewal of certificates (the 30 days before expiry, domain.md §3.3) and annual reports (by 31 March, §3.4), each
an `Entry` with its date. One read model for the calendar page, the reminders (due.py) and the ledger task
(overdue.py), so the three never disagree about what is due or late.

Set-based: a handful of queries for the whole district (a few hundred institutions), whatever the horizon.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bianban.checks.rules import Scope
from bianban.core.workdays import workdays_between
from bianban.registration import deadlines
from bianban.registration.calendar.filing_deadlines import filing_deadlines
from bianban.registration.choices import ChangeItem, RegistrationStatus
from bianban.registration.models import Certificate, Filing
from bianban.registration.rules import annual_missing, last_due_year, report_due
from bianban.units.choices import UnitStatus

FILING, RENEWAL, ANNUAL = "filing", "renewal", "annual"
KINDS = {FILING: "登记申请", RENEWAL: "证书换领", ANNUAL: "年度报告"}


@dataclass(frozen=True)
class Entry:
    """One thing due: `key` is stable while it stays due (the reminders and the ledger deduplicate by it)."""

    kind: str
    key: str
    unit_id: int
    unit_name: str
    unit_path: str
    title: str
    due_on: date
    url: str
    opens_on: date | None = None  # when acting becomes possible or expected (renewal window, report window)
    subject: Any = None  # the Filing, Certificate or Registration it is about

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def overdue(self, on: date) -> bool:
        return self.due_on < on

    def workdays(self, on: date) -> int:
        """Working days left until the date, or, negative, working days past it."""
        return workdays_between(on, self.due_on)


def link(name: str, *args: Any) -> str:
    """The page of an entry; "" while that page does not exist (the areas are built independently)."""
    try:
        return reverse(f"registration:{name}", args=args)
    except NoReverseMatch:
        return ""


def renewal_days() -> int:
    return int(settings.BIANBAN["REGISTRATION"]["RENEWAL_DAYS_BEFORE"])


def _scoped(queryset: QuerySet, units: QuerySet | None, prefix: str) -> QuerySet:
    return queryset if units is None else queryset.filter(**{f"{prefix}__in": units.values("pk")})


def renewals(on: date, until: date, units: QuerySet | None = None) -> list[Entry]:
    """Current certificates of active registrations expiring by `until` (or already expired): 换领 is applied for
    in the RENEWAL_DAYS_BEFORE days before expiry; an expired certificate is void (domain.md §3.3)."""
    current = Certificate.objects.filter(is_current=True, valid_until__lte=until,
                                         registration__status=RegistrationStatus.ACTIVE,
                                         registration__unit__status=UnitStatus.ACTIVE)
    certificates = _scoped(current, units, "registration__unit")
    found = []
    for cert in certificates.select_related("registration__unit").order_by("valid_until", "pk"):
        unit = cert.registration.unit
        state = f"已于 {cert.valid_until + timedelta(days=1):%Y-%m-%d} 过期，须尽快换领" if cert.valid_until < on \
            else f"有效期至 {cert.valid_until:%Y-%m-%d}，请于到期前{renewal_days()}日内申请换领"
        found.append(Entry(kind=RENEWAL, key=f"renewal:{cert.pk}", unit_id=unit.pk, unit_name=unit.name,
                           unit_path=unit.path, title=f"{unit.name}：法人证书（{cert.number}）{state}",
                           due_on=cert.valid_until, opens_on=deadlines.renewal_window(cert.valid_until)[0],
                           url=link("registration_detail", cert.registration_id), subject=cert))
    return found


def _annual(registrations: QuerySet, year: int, late: bool) -> list[Entry]:
    due = report_due(year)
    state = "逾期未报" if late else "尚未报送"
    found = []
    listing = link("annual_list")
    url = f"{listing}?year={year}" if listing else ""
    for reg in registrations.select_related("unit").order_by("unit__path"):
        found.append(Entry(kind=ANNUAL, key=f"annual:{reg.pk}:{year}", unit_id=reg.unit_id, unit_name=reg.unit.name,
                           unit_path=reg.unit.path,
                           title=f"{reg.unit.name}：{year}年度报告{state}（报送期限 {due:%Y-%m-%d}）",
                           due_on=due, opens_on=date(year + 1, 1, 1),
                           url=url, subject=reg))
    return found


def annual_reports(on: date, until: date, units: QuerySet | None = None) -> list[Entry]:
    """Reports not yet submitted: the year whose window is open, when its 31 March falls by `until`; and the last
    year whose deadline has passed (the 年度报告逾期未报 rule's cases)."""
    scope = Scope(as_of=on)
    found = []
    open_year = on.year - 1
    if on <= report_due(open_year) <= until:
        found += _annual(_scoped(annual_missing(scope, open_year), units, "unit"), open_year, late=False)
    late_year = last_due_year(on)
    found += _annual(_scoped(annual_missing(scope, late_year), units, "unit"), late_year, late=True)
    return found


def _filing_title(filing: Filing, step: str, due: date, on: date) -> str:
    changed = "、".join(str(ChangeItem(item).label) for item in filing.changes if item in ChangeItem.values)
    what = f"{filing.get_kind_display()}（{changed}）" if changed else filing.get_kind_display()
    state = "已逾期" if due < on else f"期限 {due:%Y-%m-%d}"
    return f"{filing.unit.name}：{what}——{step}，{state}"


def filings(on: date, until: date, units: QuerySet | None = None) -> list[Entry]:
    """Open filings' next legal deadline (filing_deadlines.py) by `until`, overdue ones included."""
    found = []
    for item in filing_deadlines(on, units, current=on >= timezone.localdate()):
        if item.due_on > until:
            continue
        f = item.filing
        found.append(Entry(kind=FILING, key=f"filing:{f.pk}:{item.code}", unit_id=f.unit_id, unit_name=f.unit.name,
                           unit_path=f.unit.path, title=_filing_title(f, item.step, item.due_on, on),
                           due_on=item.due_on, url=link("filing_detail", f.pk) or link("filing_list"), subject=f))
    return found


def agenda(on: date, until: date, units: QuerySet | None = None, kinds: tuple[str, ...] = tuple(KINDS)) -> list[Entry]:
    """Everything due by `until` or overdue as of `on`, for `units` (None: the whole district), by date."""
    found: list[Entry] = []
    if FILING in kinds:
        found += filings(on, until, units)
    if RENEWAL in kinds:
        found += renewals(on, until, units)
    if ANNUAL in kinds:
        found += annual_reports(on, until, units)
    return sorted(found, key=lambda e: (e.due_on, e.unit_path, e.key))

