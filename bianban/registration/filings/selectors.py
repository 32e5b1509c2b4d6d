"""Reads of the filings, scoped by the institution (a liaison sees its own subtree, 404 elsewhere), and each open
filing's next legal deadline (deadlines.py): the list's 逾期 badge, and R4's reminders and overdue problems."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict
from bianban.core.exceptions import NotFound
from bianban.registration import deadlines
from bianban.registration.choices import ChangeItem, FilingKind, FilingStatus
from bianban.registration.models import Filing
from bianban.registration.registrations.selectors import in_id_range

S = FilingStatus
# Where a legal clock runs: before the application (变更 待申请, 注销 after 清算) and while the authority decides.
DEADLINE_STATES = (S.LIQUIDATING, S.APPLIED, S.ACCEPTED, S.REVIEWING)


@dataclass(frozen=True)
class Deadline:
    what: str
    due_on: date

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def next_deadline(filing: Filing) -> Deadline | None:
    """The filing's next legal deadline, or None when no clock runs:
    - 变更 not yet applied for: 30 working days after the change (实施细则 Art. 45); a move of 住所 is applied
      for before the move (its date);
    - 注销 whose 清算 has ended: 15 working days after (domain.md §3.2);
    - accepted (受理/审查中): the authority's decision, 30 working days after acceptance."""
    if filing.status in (S.ACCEPTED, S.REVIEWING) and filing.accepted_on:
        return Deadline("登记机关作出决定", deadlines.decision_due(filing.accepted_on))
    if filing.status == S.LIQUIDATING and filing.occurred_on:
        return Deadline("申请注销登记", deadlines.cancel_filing_due(filing.occurred_on))
    if filing.status == S.APPLIED and filing.applied_on is None and filing.kind == FilingKind.CHANGE \
            and filing.occurred_on:
        if ChangeItem.ADDRESS in filing.changes:
            return Deadline("住所迁移前申请变更登记", filing.occurred_on)
        return Deadline("申请变更登记", deadlines.change_filing_due(filing.occurred_on))
    return None


def _with_deadlines(filings: Any, today: date) -> list[Filing]:
    found = []
    for filing in filings:
        filing.deadline = next_deadline(filing)
        filing.is_overdue = bool(filing.deadline and filing.deadline.overdue(today))
        found.append(filing)
    return found


def annotate_deadlines(filings: Any, today: date | None = None) -> list[Filing]:
    """Set `deadline` (Deadline or None) and `is_overdue` on each filing (for a page of the list)."""
    return _with_deadlines(filings, today or timezone.localdate())


def filings_for_user(
    user: Any, *, kind: str = "", status: str = "", overdue: bool = False, q: str = "",
    registration: int | None = None, unit: int | None = None, today: date | None = None,
    perm: str = Perm.UNITS_VIEW,
) -> QuerySet[Filing]:
    """Filings of the units the user may `perm`, newest first. `status` "pending" is 待申请 (a 设立/变更 recorded
    but not applied for); `overdue`: past its next legal deadline. Unknown filter values match nothing."""
    qs = restrict(Filing.objects.all(), user, perm, prefix="unit__").select_related("unit", "registration")
    if kind:
        qs = qs.filter(kind=kind) if kind in FilingKind.values else qs.none()
    if status == "pending":
        qs = qs.filter(status=S.APPLIED, applied_on__isnull=True)
    elif status == S.APPLIED:
        qs = qs.filter(status=S.APPLIED, applied_on__isnull=False)
    elif status:
        qs = qs.filter(status=status) if status in S.values else qs.none()
    if registration:
        qs = qs.filter(registration=registration) if in_id_range(registration) else qs.none()
    if unit:
        qs = qs.filter(unit=unit) if in_id_range(unit) else qs.none()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(registration__name__icontains=q) | Q(document_no__icontains=q))
    if overdue:
        day = today or timezone.localdate()
        late = [f.pk for f in _with_deadlines(qs.filter(status__in=DEADLINE_STATES), day) if f.is_overdue]
        qs = qs.filter(pk__in=late)
    return qs.order_by("-created_at", "-pk")


def filing_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Filing:
    filing = filings_for_user(user, perm=perm).filter(pk=pk).first()
    if filing is None:
        raise NotFound("登记申请不存在或无权访问")
    return filing


def filing_events(filing: Filing) -> QuerySet:
    return filing.events.select_related("actor").order_by("created_at", "pk")


def filings_due(today: date, units: QuerySet | None = None) -> list[tuple[Filing, str, date]]:
    """Every open filing with a running legal clock, as (filing, what is due, due date), soonest first, overdue
    ones included (due date before `today`). `units`: limit to these units (None: the whole district). For the
    reminders, the calendar and the overdue problems (R4's due.py, calendar, overdue.py)."""
    qs = Filing.objects.filter(status__in=DEADLINE_STATES).select_related("unit", "registration")
    if units is not None:
        qs = qs.filter(unit__in=units.values("pk"))
    found = [(f, f.deadline.what, f.deadline.due_on) for f in _with_deadlines(qs.order_by("pk"), today)
             if f.deadline is not None]
    return sorted(found, key=lambda row: (row[2], row[0].pk))
