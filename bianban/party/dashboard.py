"""The branch home's dashboard: what the rules require now (this period's due items, what is overdue this year),
the committee term reminder, and the recent and planned activities. Reads only, through the areas' selectors."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bianban.party.activities.selectors import activities_for_user
from bianban.party.choices import ActivityStatus
from bianban.party.compliance.report import ComplianceReport, Item, compliance_for_year
from bianban.party.models import Activity, Branch
from bianban.party.talks.selectors import talk_counts


@dataclass
class Dashboard:
    report: ComplianceReport
    due_now: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    recent: list[Activity] = field(default_factory=list)
    planned: list[Activity] = field(default_factory=list)
    talks: dict[str, int] = field(default_factory=dict)


def branch_dashboard(user: Any, branch: Branch, today: date) -> Dashboard:
    report = compliance_for_year(branch, today.year, today=today)
    activities = activities_for_user(user, branch=branch)
    return Dashboard(
        report=report,
        due_now=[item for item in report.upcoming if item.state == "due"],
        overdue=report.overdue,
        recent=list(activities.filter(status=ActivityStatus.HELD).order_by("-held_on", "-id")[:6]),
        planned=list(activities.filter(status=ActivityStatus.PLANNED, held_on__gte=today).order_by("held_on")[:5]),
        talks=talk_counts(branch, today.year),
    )
