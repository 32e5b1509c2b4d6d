"""Reads of 年度报告, scoped by the institution (a liaison sees their subtree's reports), and the year's status list:
every registration that owes a report for the year, with its report (or none), its state and whether it is late.

"Late" (逾期) = the due date (31 March of the next year, setting ANNUAL_REPORT_DUE) has passed and the report is not
currently submitted: missing, still 填报中, or 已退回 and not resubmitted. A report submitted in time is never late;
one submitted after the due date is flagged `submitted_late` (逾期报送) but no longer counts as late. This is the
definition the verification rule `annual_report_late` (rules.py) uses for the current date.

No exemption for institutions set up in the second half of the year: the 山东 rule (domain.md §3.4) is local;
every institution registered by 31 December of the year reports on it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.registration import deadlines
from bianban.registration.choices import AnnualReportStatus, RegistrationStatus
from bianban.registration.models import AnnualReport, Registration
from bianban.registration.registrations.selectors import in_id_range

S = AnnualReportStatus
MISSING = "missing"
# The list's states: 未填报 plus the report statuses, in the order of the flow.
STATE_CHOICES = [(MISSING, "未填报"), *S.choices]
STATE_LABELS = dict(STATE_CHOICES)
NOT_SUBMITTED = (MISSING, S.DRAFT, S.RETURNED)
# The earliest year the status list accepts (a year from a query string outside [MIN_YEAR, this year] is refused
# with a message rather than overflowing the date arithmetic).
MIN_YEAR = 1900


# The last day to report on a year (31 March of year + 1, domain.md §3.4; setting ANNUAL_REPORT_DUE) and the
# latest year already due: one definition, in deadlines.py.
due_on = deadlines.annual_report_due
last_due_year = deadlines.last_due_year


def annual_reports_for_user(user: Any, *, year: int | None = None, status: str = "", registration: int | None = None,
                            perm: str = Perm.UNITS_VIEW) -> QuerySet[AnnualReport]:
    """Reports of the institutions the user may `perm`. Unknown status values match nothing."""
    qs = restrict(AnnualReport.objects.all(), user, perm, prefix="registration__unit__")
    qs = qs.select_related("registration__unit", "registration__sponsor")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status) if status in S.values else qs.none()
    if registration:
        qs = qs.filter(registration_id=registration) if in_id_range(registration) else qs.none()
    return qs.order_by("-year", "registration__name", "pk")


def annual_report_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> AnnualReport:
    report = annual_reports_for_user(user, perm=perm).filter(pk=pk).first()
    if report is None:
        raise NotFound("年度报告不存在或无权访问")
    return report


def owing(year: int) -> Q:
    """Registrations that report on `year`: active ones registered by its end (a cancelled institution's old
    reports stay readable in annual_reports_for_user, but it owes nothing more)."""
    return Q(registered_on__lte=date(year, 12, 31), status=RegistrationStatus.ACTIVE)


@dataclass
class StatusRow:
    """One line of the year's status list."""

    registration: Registration
    report: AnnualReport | None
    state: str
    due_on: date
    late: bool
    submitted_late: bool

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def row_for(registration: Registration, report: AnnualReport | None, year: int, today: date) -> StatusRow:
    due = due_on(year)
    state = report.status if report is not None else MISSING
    submitted_on = report.submitted_on if report is not None else None
    late = today > due and state in NOT_SUBMITTED
    return StatusRow(registration=registration, report=report, state=state, due_on=due, late=late,
                     submitted_late=state not in NOT_SUBMITTED and submitted_on is not None and submitted_on > due)


def annual_status_list(user: Any, year: int, today: date, *, state: str = "", sponsor: int | None = None,
                       late_only: bool = False, q: str = "") -> tuple[list[StatusRow], dict[str, int]]:
    """Every registration the user may see that reports on `year`, with its report and state, filtered; and the
    counts per state (plus "late" and "total") of the unfiltered list, for the badges at the top."""
    if not MIN_YEAR <= year <= today.year:
        raise ValidationFailed.on("year", f"报告年度应在{MIN_YEAR}年至{today.year}年之间")
    registrations = restrict(Registration.objects.filter(owing(year)), user, Perm.UNITS_VIEW, prefix="unit__")
    if sponsor:
        registrations = registrations.filter(sponsor_id=sponsor) if in_id_range(sponsor) else registrations.none()
    q = (q or "").strip()
    if q:
        registrations = registrations.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper())
                                             | Q(unit__name__icontains=q))
    registrations = registrations.select_related("unit", "sponsor").order_by("unit__path", "name", "pk")
    reports = {r.registration_id: r for r in AnnualReport.objects.filter(year=year,
                                                                        registration__in=registrations.values("pk"))}
    rows = [row_for(reg, reports.get(reg.pk), year, today) for reg in registrations]
    counts = {key: 0 for key, _ in STATE_CHOICES}
    for row in rows:
        counts[row.state] += 1
    counts["late"] = sum(row.late for row in rows)
    counts["total"] = len(rows)
    if state:
        rows = [row for row in rows if row.state == state] if state in STATE_LABELS else []
    if late_only:
        rows = [row for row in rows if row.late]
    return rows, counts


def annual_reports_late(today: date, *, year: int | None = None) -> list[tuple[Registration, int, date]]:
    """(registration, year, due_on) for every active registration whose report on `year` (default: the latest year
    already due, as the verification rule checks) is late on `today`. Unscoped: for system work (R4's overdue
    problems and reminders)."""
    year = last_due_year(today) if year is None else year
    due = due_on(year)
    if today <= due:
        return []
    submitted = AnnualReport.objects.filter(year=year).exclude(status__in=NOT_SUBMITTED).values("registration_id")
    registrations = (Registration.objects.filter(owing(year)).exclude(pk__in=submitted)
                     .select_related("unit", "sponsor").order_by("unit__path", "pk"))
    return [(registration, year, due) for registration in registrations]


def year_choices(today: date) -> list[int]:
    """Reporting years offered by the year picker: the last ten ended years, newest first."""
    return list(range(today.year - 1, today.year - 11, -1))


def default_year(today: date) -> int:
    return today.year - 1
