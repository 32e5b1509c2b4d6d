"""The user's own reminder list (overdue, then falling due), with 知晓 (dismiss) and restore buttons. Everyone
signed in has a list; nobody sees anyone else's (another user's entry is 404)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bianban.core.access import perm_required
from bianban.core.exceptions import NotFound
from bianban.core.pagination import paginate
from bianban.duties.models import Reminder
from bianban.duties.reminders import selectors, services
from bianban.duties.reminders.forms import ReminderFilterForm


def _reminder(request: HttpRequest, pk: int) -> Reminder:
    try:
        return selectors.reminder_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@perm_required()
def list_view(request: HttpRequest) -> HttpResponse:
    form = ReminderFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.reminders_for_user(request.user, **filters))
    rows = list(page["page_obj"])
    context: dict[str, Any] = {
        "search": form, "include_dismissed": filters["include_dismissed"], **page,
        "overdue": [r for r in rows if r.overdue], "soon": [r for r in rows if not r.overdue],
    }
    template = "duties/reminders/list.html#results" if _fragment(request) else "duties/reminders/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _after(request: HttpRequest, reminder: Reminder, done: str) -> HttpResponse:
    """htmx: the row again (a dismissed row disappears where dismissed entries are hidden); else back to the page
    the button was on."""
    if _fragment(request):
        if reminder.dismissed_at is not None and request.POST.get("hide_dismissed"):
            return HttpResponse("")
        reminder = selectors.reminder_get_for_user(request.user, reminder.pk)
        return render(request, "duties/reminders/_row.html",
                      {"r": reminder, "include_dismissed": not request.POST.get("hide_dismissed")})
    messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    return redirect(target or "duties:reminder_list")


@require_POST
@perm_required()
def dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = services.reminder_dismiss(actor=request.user, reminder=_reminder(request, pk))
    return _after(request, reminder, f"已知晓：{reminder.title}")


@require_POST
@perm_required()
def restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = services.reminder_restore(actor=request.user, reminder=_reminder(request, pk))
    return _after(request, reminder, f"已恢复提醒：{reminder.title}")
