"""The home page (工作台): what the user may reach, with the register's headline figures in their scope, and the
user's own reminders (what is overdue or falls due soon)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianban.accounts.models import Grant
from bianban.checks.selectors import findings_for_user, latest_run_for_user
from bianban.duties.reminders.selectors import reminders_for_user
from bianban.ledger.selectors import problems_for_user, status_counts
from bianban.people.selectors import people_for_user
from bianban.units.selectors import units_for_user

# The home page shows the first few of the user's reminders (overdue first); the full list is one click away.
HOME_REMINDERS = 8


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = units_for_user(request.user)
    people = people_for_user(request.user)
    context = {
        "grants": Grant.objects.filter(user=request.user).select_related("unit"),
        "unit_count": units.filter(status="active").count(),
        "people_count": people.count(),
        "problems": (problems := status_counts(problems_for_user(request.user))),
        "open_problems": problems["total"] - problems["closed"],
    }
    reminders = reminders_for_user(request.user)
    context["reminders"] = shown = list(reminders[:HOME_REMINDERS])
    context["reminder_count"] = count = reminders.count() if len(shown) == HOME_REMINDERS else len(shown)
    context["reminder_more"] = count - len(shown)
    latest = latest_run_for_user(request.user)
    if latest is not None:
        context["latest_run"] = latest
        context["latest_findings"] = findings_for_user(request.user, latest).count()
    return render(request, "home.html", context)
