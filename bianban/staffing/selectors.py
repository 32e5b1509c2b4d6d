"""Reads of the establishment register, scoped to the user through the unit."""

from datetime import date
from typing import Any

from django.db.models import QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict
from bianban.core.exceptions import NotFound
from bianban.staffing.history import LineState, lines_as_of
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement


def quota_lines_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[QuotaLine]:
    return restrict(QuotaLine.objects.select_related("unit"), user, perm, prefix="unit__")


def placements_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[Placement]:
    return restrict(Placement.objects.select_related("person", "unit", "line", "post"), user, perm, prefix="unit__")


def approvals_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[Approval]:
    return restrict(Approval.objects.select_related("line", "line__unit"), user, perm, prefix="line__unit__")


def post_quotas_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[PostQuota]:
    return restrict(PostQuota.objects.select_related("unit", "division"), user, perm, prefix="unit__")


def placement_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Placement:
    placement = placements_for_user(user, perm).filter(pk=pk).first()
    if placement is None:
        raise NotFound("编制记录不存在或无权访问")
    return placement


def approval_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Approval:
    approval = approvals_for_user(user, perm).filter(pk=pk).first()
    if approval is None:
        raise NotFound("用编核准不存在或无权访问")
    return approval


def unit_staffing(unit: Any, as_of: date | None = None) -> dict[str, Any]:
    """The staffing panel of one (already access-checked) unit: per line approved / occupied / reserved /
    vacant / over, now from the counters or at a past date from the journal; and leadership posts."""
    lines = list(QuotaLine.objects.filter(unit=unit).order_by("kind", "funding"))
    if as_of is None:
        states = {line.pk: LineState(line.pk, line.approved, line.occupied, line.reserved) for line in lines}
    else:
        states = lines_as_of(lines, as_of)
    posts = list(PostQuota.objects.filter(unit=unit).select_related("division").order_by("division_id", "grade"))
    return {"lines": [(line, states[line.pk]) for line in lines], "posts": posts, "as_of": as_of}


def movements_of_line(line: QuotaLine) -> QuerySet[QuotaMovement]:
    return line.movements.select_related("actor").order_by("-effective_on", "-id")

