"""登记日历: everything of 事业单位登记 due in the next N days, and everything overdue, for the institutions the user
may see (liaisons their subtree), by date, with the working days left or past and a link to act on it."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from bianban.accounts.choices import Perm
from bianban.core.access import perm_required
from bianban.core.pagination import paginate
from bianban.registration.calendar.agenda import agenda
from bianban.registration.calendar.forms import CalendarFilterForm
from bianban.units.selectors import units_for_user


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@perm_required(Perm.UNITS_VIEW)
def calendar_view(request: HttpRequest) -> HttpResponse:
    form = CalendarFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    until = today + timedelta(days=filters["days"])
    entries = agenda(today, until, units=units_for_user(request.user), kinds=filters["kinds"])
    page = paginate(request, entries)
    rows = []
    for entry in page["page_obj"]:
        workdays = entry.workdays(today)
        rows.append({"entry": entry, "overdue": entry.overdue(today), "today": entry.due_on == today,
                     "workdays": workdays, "late_by": -workdays,
                     "late_days": (today - entry.due_on).days})
    context: dict[str, Any] = {
        "search": form, "today": today, "until": until, "rows": rows, **page,
        "counts": {"total": len(entries), "overdue": sum(1 for e in entries if e.overdue(today))},
    }
    template = "registration/calendar/list.html#results" if _fragment(request) else "registration/calendar/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
