"""Filings' next legal deadline (domain.md §3.2) for the calendar, the reminders, the 登记申请超过法定时限 rule and the
ledger task. As of today it is the filings area's own answer (filings.selectors.filings_due: a 变更 not yet applied
for, a 注销 whose 清算 has ended, an application accepted and awaiting the decision). As of a past date the same
clocks are read from the filing's dates alone (its status then is not recorded on it): accepted by then and not
decided by then; 清算 ended by then and not applied for by then; a change made by then and not applied for by then.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from bianban.registration import deadlines
from bianban.registration.choices import ChangeItem, FilingKind, FilingStatus
from bianban.registration.filings.selectors import filings_due
from bianban.registration.models import Filing

_CODES = {FilingStatus.LIQUIDATING: "cancel", FilingStatus.APPLIED: "apply", FilingStatus.ACCEPTED: "decision",
          FilingStatus.REVIEWING: "decision"}


@dataclass(frozen=True)
class FilingDeadline:
    filing: Filing
    code: str  # which clock: "apply", "cancel" or "decision" (stable while that clock runs)
    step: str  # what is due, in Chinese
    due_on: date


def filing_deadlines(as_of: date, units: QuerySet | None = None, *, current: bool = True) -> list[FilingDeadline]:
    """Each filing (of `units`; None: all) with a legal clock running on `as_of`, and its deadline."""
    if current:
        return [FilingDeadline(f, _CODES.get(f.status, f.status), what, due)
                for f, what, due in filings_due(as_of, units)]
    filings = Filing.objects.all() if units is None else Filing.objects.filter(unit__in=units.values("pk"))
    deciding = Q(accepted_on__lte=as_of) & (Q(decided_on__isnull=True) | Q(decided_on__gt=as_of))
    unapplied = Q(occurred_on__lte=as_of) & (Q(applied_on__isnull=True) | Q(applied_on__gt=as_of))
    rows = filings.filter(deciding | (Q(kind__in=[FilingKind.CANCEL, FilingKind.CHANGE]) & unapplied))
    found = []
    for f in rows.select_related("unit", "registration").order_by("pk"):
        if f.accepted_on and f.accepted_on <= as_of:
            found.append(FilingDeadline(f, "decision", "登记机关作出决定", deadlines.decision_due(f.accepted_on)))
        elif f.kind == FilingKind.CANCEL:
            found.append(FilingDeadline(f, "cancel", "申请注销登记", deadlines.cancel_filing_due(f.occurred_on)))
        elif ChangeItem.ADDRESS in f.changes:
            found.append(FilingDeadline(f, "apply", "住所迁移前申请变更登记", f.occurred_on))
        else:
            found.append(FilingDeadline(f, "apply", "申请变更登记", deadlines.change_filing_due(f.occurred_on)))
    return sorted(found, key=lambda d: (d.due_on, d.filing.pk))
