"""The office dashboard's figures (编制看板), in the user's scope: quota use by kind, the units over quota, the ledger
by status with what is overdue, and the latest finished check run by rule.

Every figure comes from the selectors the rest of the register reads through (units_for_user, quota_lines_for_user,
problems_for_user + status_counts, runs_for_user + rule_summary), so a number here always equals the one on the
page it links to (工作台, 编制使用, 问题台账, the run's page). Each part takes one or two aggregate queries, whatever
the size of the register."""

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from bianban.checks.selectors import latest_run_for_user, rule_summary
from bianban.ledger.choices import ProblemStatus
from bianban.ledger.selectors import problems_for_user, status_counts
from bianban.staffing.models import QuotaLine
from bianban.staffing.selectors import quota_lines_for_user
from bianban.units.choices import QuotaKind, UnitStatus
from bianban.units.selectors import units_for_user

# The table shows the units furthest over quota; the whole list is the 编制使用 page filtered to 只看超编.
OVER_QUOTA_TOP = 10

# Per line: vacant = max(approved - occupied - reserved, 0) and over = max(occupied - approved, 0), as the
# QuotaLine properties say; summed over the lines in the database.
_VACANT = Greatest(F("approved") - F("occupied") - F("reserved"), Value(0))
_OVER = Greatest(F("occupied") - F("approved"), Value(0))


def over_q() -> Q:
    """A line over its approved number (the 编制使用 page's 只看超编 filter)."""
    return Q(occupied__gt=F("approved"))


def quota_by_kind(lines: QuerySet[QuotaLine]) -> list[dict[str, Any]]:
    """Approved / occupied / reserved / vacant / over per 编制类型 that has lines, in the kinds' order."""
    # The sums take other names than the fields: an annotation named "approved" would shadow the field in _VACANT.
    rows = {row["kind"]: row for row in lines.order_by().values("kind").annotate(
        n_approved=Sum("approved"), n_occupied=Sum("occupied"), n_reserved=Sum("reserved"), n_vacant=Sum(_VACANT),
        n_over=Sum(_OVER))}
    fields = ("approved", "occupied", "reserved", "vacant", "over")
    return [{"kind": kind.value, "label": str(kind.label), **{f: rows[kind.value][f"n_{f}"] or 0 for f in fields}}
            for kind in QuotaKind if kind.value in rows]


def units_over_quota(lines: QuerySet[QuotaLine], top: int = OVER_QUOTA_TOP) -> dict[str, Any]:
    """How many units have a line over quota, and the `top` of them by people over (then by name)."""
    over = lines.filter(over_q()).order_by()
    totals = over.aggregate(units=Count("unit", distinct=True), people=Sum(_OVER))
    rows = (over.values("unit_id", "unit__name").annotate(n_over=Sum(_OVER), n_lines=Count("pk"))
            .order_by("-n_over", "unit__name", "unit_id")[:top])
    return {
        "count": totals["units"] or 0,
        "people": totals["people"] or 0,
        "top": [{"unit_id": r["unit_id"], "name": r["unit__name"], "over": r["n_over"], "lines": r["n_lines"],
                 "url": reverse("staffing:unit", args=[r["unit_id"]])} for r in rows],
        "url": reverse("staffing:overview") + "?over=on",
    }


def ledger_summary(user: Any) -> dict[str, Any]:
    """The user's problems per status, plus open and overdue (past the deadline and not 销号), as on the home page."""
    counts = status_counts(problems_for_user(user))
    return {
        "by_status": [{"status": s.value, "label": str(s.label), "count": counts[s.value]} for s in ProblemStatus],
        "total": counts["total"],
        "open": counts["total"] - counts[ProblemStatus.CLOSED],
        "overdue": counts["overdue"],
        "url": reverse("ledger:list"),
        "overdue_url": reverse("ledger:list") + "?overdue=1",
    }


def latest_run_summary(user: Any) -> dict[str, Any] | None:
    """The latest finished run with what the user may see of its findings, per rule."""
    run = latest_run_for_user(user)
    if run is None:
        return None
    rules = rule_summary(user, run)
    return {
        "id": run.pk,
        "url": reverse("checks:detail", args=[run.pk]),
        "as_of": run.as_of,
        "finished_at": run.finished_at,
        "scope": run.scope_label,
        "findings": sum(r["count"] for r in rules),
        "new": sum(r["new"] for r in rules),
        "by_rule": [{"rule": r["rule"].code, "title": r["rule"].title, "count": r["count"], "new": r["new"]}
                    for r in rules],
    }


def office_dashboard(user: Any, *, top: int = OVER_QUOTA_TOP) -> dict[str, Any]:
    """Every figure of the office dashboard for `user` (who must hold units.view somewhere; the caller checks)."""
    lines = quota_lines_for_user(user)
    today: date = timezone.localdate()
    return {
        "today": today,
        "units": units_for_user(user).filter(status=UnitStatus.ACTIVE).count(),
        "quota_by_kind": quota_by_kind(lines),
        "over_quota": units_over_quota(lines, top),
        "ledger": ledger_summary(user),
        "latest_run": latest_run_summary(user),
    }

