"""The register at any past date (沿革), rebuilt from the journal: movements, approvals and placements.

The counters on QuotaLine answer "now" cheaply; these functions answer "as of" and also recompute "now"
from scratch, which is how tests and verification prove the counters right.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from bianban.staffing.choices import ApprovalStatus
from bianban.staffing.models import Approval, Placement, QuotaLine, QuotaMovement


@dataclass(frozen=True)
class LineState:
    line_id: int
    approved: int
    occupied: int
    reserved: int

    @property
    def vacant(self) -> int:
        return max(self.approved - self.occupied - self.reserved, 0)

    @property
    def over(self) -> int:
        return max(self.occupied - self.approved, 0)


def active_on(day: date) -> Q:
    """Placements in post on `day`: started on or before it, not yet ended (an end date is the first day out)."""
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def lines_as_of(lines: QuerySet[QuotaLine] | list[QuotaLine], day: date) -> dict[int, LineState]:
    """Each line's approved, occupied and reserved numbers at the end of `day`, in four queries in all."""
    ids = [line.pk for line in lines]
    approved = dict(
        QuotaMovement.objects.filter(line_id__in=ids, effective_on__lte=day)
        .values("line_id").annotate(n=Sum("delta")).values_list("line_id", "n")
    )
    occupied = dict(
        Placement.objects.filter(active_on(day), line_id__in=ids, on_quota=True)
        .values("line_id").annotate(n=Count("id")).values_list("line_id", "n")
    )
    reserved: dict[int, int] = {}
    approvals = Approval.objects.filter(line_id__in=ids, issued_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    ).annotate(uses=Count("placements", filter=Q(placements__started_on__lte=day)))
    for approval in approvals:
        reserved[approval.line_id] = reserved.get(approval.line_id, 0) + max(approval.count - approval.uses, 0)
    return {pk: LineState(pk, approved.get(pk) or 0, occupied.get(pk, 0), reserved.get(pk, 0)) for pk in ids}


def roster_as_of(unit_id: int, day: date) -> QuerySet[Placement]:
    """Who was in the unit on `day`, and on which line."""
    return (
        Placement.objects.filter(active_on(day), unit_id=unit_id)
        .select_related("person", "line", "post", "division").order_by("line_id", "person__name")
    )


def recomputed_now(line: QuotaLine) -> LineState:
    """The line's numbers recomputed from the journal, ignoring its counters (for checks and tests)."""
    approved = line.movements.aggregate(n=Sum("delta"))["n"] or 0
    occupied = line.placements.filter(on_quota=True, ended_on__isnull=True).count()
    reserved = sum(a.count - a.used for a in line.approvals.filter(status=ApprovalStatus.OPEN))
    return LineState(line.pk, approved, occupied, reserved)
