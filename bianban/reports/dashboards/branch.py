"""The branch dashboard's figures (党建看板) for one branch and year: held activities per month by kind, the compliance
calendar's periods by state, the attendance rate per month, and the year's visit campaigns by visitor role with the
problems they raised and solved.

The branch comes from access.branch_get_for_user (the scope check); the figures from the areas' own readers
(activities_for_user, compliance_for_year, campaigns_for_user, visit_stats), so each equals what the branch's pages
show. Only held activities count, as in the compliance calendar: a planned or cancelled meeting is not a meeting."""

from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone

from bianban.duties.choices import VisitorRole
from bianban.duties.models import Visit
from bianban.duties.visits.selectors import campaigns_for_user
from bianban.duties.visits.stats import visit_stats
from bianban.party.activities.selectors import activities_for_user
from bianban.party.choices import ActivityKind, ActivityStatus
from bianban.party.compliance.report import DONE, DUE, EXEMPT, FUTURE, OVERDUE, STATE_LABELS
from bianban.party.compliance.selectors import compliance_for_year
from bianban.party.models import Branch

MONTHS = list(range(1, 13))
# A branch runs one or two campaigns a year; the cap keeps the response small if a branch records many.
MAX_CAMPAIGNS = 20


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def activities_and_attendance(user: Any, branch: Branch, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Held activities per month and kind, and per month 应到 / 实到 summed over them: one grouped query."""
    rows = (activities_for_user(user, branch=branch, year=year, status=ActivityStatus.HELD).order_by()
            .annotate(month=ExtractMonth("held_on")).values("month", "kind")
            .annotate(n=Count("pk"), due=Sum("due_count"), present=Sum("present_count")))
    counts: dict[str, list[int]] = {}
    due = dict.fromkeys(MONTHS, 0)
    present = dict.fromkeys(MONTHS, 0)
    for row in rows:
        counts.setdefault(row["kind"], [0] * 12)[row["month"] - 1] += row["n"]
        due[row["month"]] += row["due"] or 0
        present[row["month"]] += row["present"] or 0
    series = [{"kind": kind.value, "label": str(kind.label), "counts": counts[kind.value]}
              for kind in ActivityKind if kind.value in counts]
    activities = {"months": [f"{m}月" for m in MONTHS], "series": series,
                  "total": sum(sum(s["counts"]) for s in series),
                  "url": reverse("party:activity_list") + f"?branch={branch.pk}&year={year}&status=held"}
    attendance = {
        "months": [{"month": m, "label": f"{m}月", "due": due[m], "present": present[m],
                    "rate": _percent(present[m], due[m])} for m in MONTHS],
        "due": sum(due.values()), "present": sum(present.values()),
        "rate": _percent(sum(present.values()), sum(due.values())),
    }
    return activities, attendance


def compliance_summary(branch: Branch, year: int, today: date) -> dict[str, Any]:
    """The year's compliance periods counted by state (compliance/report.py), as the calendar page colours them."""
    counts = compliance_for_year(branch, year, today=today).counts
    return {
        "states": [{"state": s, "label": STATE_LABELS[s], "count": counts.get(s, 0)} for s in (DONE, DUE, OVERDUE)],
        "done": counts.get(DONE, 0), "due": counts.get(DUE, 0), "overdue": counts.get(OVERDUE, 0),
        "future": counts.get(FUTURE, 0), "exempt": counts.get(EXEMPT, 0),
        "url": reverse("party:compliance_year", args=[branch.pk]) + f"?year={year}",
    }


def campaign_progress(user: Any, branch: Branch, year: int) -> dict[str, Any]:
    """The campaigns under way in `year` and their visits counted together (visits/stats.py, as each campaign's
    page counts them): households and people by visitor role, problems raised and solved."""
    campaigns = list(campaigns_for_user(user, branch=branch, year=year)[:MAX_CAMPAIGNS])
    stats = visit_stats(Visit.objects.filter(campaign__in=[c.pk for c in campaigns]))
    problems = stats.as_dict()["problems"]
    return {
        "campaigns": [{"id": c.pk, "title": c.title, "starts_on": c.starts_on, "ends_on": c.ends_on,
                       "url": reverse("duties:campaign_detail", args=[c.pk])} for c in campaigns],
        "by_role": [{"role": role.value, "label": str(role.label), "visits": stats.by_role[role.value].visits,
                     "households": stats.by_role[role.value].households, "people": stats.by_role[role.value].people}
                    for role in VisitorRole],
        "visits": stats.total.visits, "households": stats.total.households, "people": stats.total.people,
        "issues": stats.issues,
        "problems": problems,
        "summary": stats.summary() if stats.total.visits else "",
    }


def branch_dashboard(user: Any, branch: Branch, year: int, *, today: date | None = None) -> dict[str, Any]:
    """Every figure of the branch dashboard (`branch` already fetched through branch_get_for_user)."""
    today = today or timezone.localdate()
    activities, attendance = activities_and_attendance(user, branch, year)
    return {
        "branch": {"id": branch.pk, "name": branch.name, "code": branch.code},
        "year": year,
        "today": today,
        "activities": activities,
        "attendance": attendance,
        "compliance": compliance_summary(branch, year, today),
        "visits": campaign_progress(user, branch, year),
    }
