"""Staffing pages that read: the overview of quota lines in the user's scope, a unit's staffing page and its
htmx panel (lines, leadership posts and roster, now or as of a past date), the people who left the unit, and
the unit's approvals. The forms that change the register are in views_forms.py."""

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import NotFound
from bianban.core.pagination import paginate
from bianban.people.selectors import displayed_id_number
from bianban.staffing import history, selectors
from bianban.staffing.choices import PostGrade
from bianban.staffing.forms import OverviewFilterForm
from bianban.staffing.models import PostQuota
from bianban.units import selectors as unit_selectors
from bianban.units.models import Unit


def get_unit(request: HttpRequest, pk: int) -> Unit:
    """The unit if the user may see it, else 404 (never 403: nothing leaks that it exists)."""
    try:
        return unit_selectors.unit_get_for_user(request.user, pk, Perm.UNITS_VIEW)
    except NotFound as exc:
        raise Http404(exc.message) from None


def may_change(user: Any, unit: Unit) -> bool:
    """Whether the user may do staffing business in the unit (buttons; the forms and services check again).
    Templates offer new transactions only while the unit is active; people still on an abolished unit's
    roster can be released or transferred."""
    return unit_allows(user, Perm.STAFFING_CHANGE, unit)


def parse_as_of(raw: str) -> tuple[date | None, str]:
    """The `?as_of=` date, or None for today's counters; with a message when the value cannot be used."""
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, "日期格式有误，请按 YYYY-MM-DD 选择日期；以下为当前状况"
    if day > timezone.localdate():
        return None, "不能查看未来日期的编制状况；以下为当前状况"
    return day, ""


def roster_rows(user: Any, placements: Any) -> list[dict[str, Any]]:
    """Each placement with the ID number as the user may see it, and whether the person's page is open to them."""
    return [
        {"placement": p, "shown_id": displayed_id_number(user, p.person),
         "person_visible": unit_allows(user, Perm.PEOPLE_VIEW, p.person.unit)}
        for p in placements
    ]


def post_rows(posts: list[PostQuota], filled: Counter | None = None) -> list[dict[str, Any]]:
    """Leadership posts as one row per level (单位领导, then each 内设机构) with 正职 and 副职 side by side;
    `filled` overrides the counters (numbers as of a past date)."""
    levels: dict[int, dict[str, Any]] = {}
    for post in posts:
        level = levels.setdefault(post.division_id or 0, {
            "label": post.division.name if post.division_id else "单位领导", "division": post.division,
            "over": False,
        })
        count = post.filled if filled is None else filled.get(post.pk, 0)
        cell = {"post": post, "approved": post.approved, "filled": count, "over": count > post.approved}
        level["principal" if post.grade == PostGrade.PRINCIPAL else "deputy"] = cell
        level["over"] = level["over"] or cell["over"]
    return sorted(levels.values(), key=lambda r: (r["division"] is not None,
                                                  getattr(r["division"], "sort_order", 0),
                                                  getattr(r["division"], "pk", 0)))


def panel_context(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    """What the staffing panel shows: today's counters, or the state at `?as_of=` rebuilt from the journal."""
    user = request.user
    as_of, as_of_error = parse_as_of(request.GET.get("as_of", ""))
    staffing = selectors.unit_staffing(unit, as_of)
    lines = staffing["lines"]
    if as_of is None:
        placements = (
            selectors.placements_for_user(user).filter(unit=unit, ended_on__isnull=True)
            .select_related("division", "post__division", "person__unit").order_by("line_id", "person__name", "pk")
        )
        filled = None
    else:
        # Lines that had nothing at that date (created later) are left out of the past picture.
        lines = [(line, state) for line, state in lines if state.approved or state.occupied or state.reserved]
        placements = history.roster_as_of(unit.pk, as_of).select_related("person__unit", "post__division")
        placements = list(placements)
        filled = Counter(p.post_id for p in placements if p.post_id)
    rows = roster_rows(user, placements)
    totals = {name: sum(getattr(state, name) for _, state in lines)
              for name in ("approved", "occupied", "reserved", "vacant", "over")}
    return {
        "unit": unit,
        "as_of": as_of,
        "as_of_error": as_of_error,
        "today": timezone.localdate(),
        "lines": lines,
        "totals": totals,
        "posts": post_rows(staffing["posts"], filled),
        "on_quota_rows": [r for r in rows if r["placement"].on_quota],
        "off_quota_rows": [r for r in rows if not r["placement"].on_quota],
        "can_change": may_change(user, unit) and as_of is None,
    }


@perm_required(Perm.UNITS_VIEW)
def unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's staffing page: breadcrumb, actions and the panel."""
    unit = get_unit(request, pk)
    context = panel_context(request, unit)
    context["ancestors"] = unit_selectors.unit_ancestors_for_user(request.user, unit)
    return render(request, "staffing/unit.html", context)


@perm_required(Perm.UNITS_VIEW)
def unit_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: the staffing panel alone (the unit page's 编制 tab, and the as-of date picker)."""
    unit = get_unit(request, pk)
    return render(request, "staffing/unit.html#panel", panel_context(request, unit))


@perm_required(Perm.UNITS_VIEW)
def unit_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """People who have left the unit's roster (出编 or 调出), the latest first."""
    unit = get_unit(request, pk)
    ended = (
        selectors.placements_for_user(request.user).filter(unit=unit, ended_on__isnull=False)
        .select_related("person__unit", "transferred_to__unit").order_by("-ended_on", "-pk")
    )
    context: dict[str, Any] = {"unit": unit, **paginate(request, ended)}
    context["rows"] = roster_rows(request.user, context["page_obj"])
    return render(request, "staffing/history.html", context)


@perm_required(Perm.UNITS_VIEW)
def approvals_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's 用编核准, the latest first, with 撤回 for open ones."""
    unit = get_unit(request, pk)
    approvals = selectors.approvals_for_user(request.user).filter(line__unit=unit).order_by("-issued_on", "-pk")
    context = {"unit": unit, "can_change": may_change(request.user, unit), **paginate(request, approvals)}
    return render(request, "staffing/approvals.html", context)


@perm_required(Perm.UNITS_VIEW)
def overview_view(request: HttpRequest) -> HttpResponse:
    """编制使用: every quota line in the user's scope, filterable by unit name and kind, or only the over ones."""
    form = OverviewFilterForm(request.GET or None)
    filters = form.filters()
    lines = selectors.quota_lines_for_user(request.user)
    if filters["q"]:
        lines = lines.filter(Q(unit__name__icontains=filters["q"]) | Q(unit__short_name__icontains=filters["q"]))
    if filters["kind"]:
        lines = lines.filter(kind=filters["kind"])
    if filters["over"]:
        lines = lines.filter(occupied__gt=F("approved"))
    lines = lines.order_by("unit__path", "kind", "funding", "pk")
    context = {"form": form, **paginate(request, lines)}
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request
    response = render(request, "staffing/overview.html#results" if fragment else "staffing/overview.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
