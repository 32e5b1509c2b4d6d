"""Unit pages: the tree browser and search, a unit's page (basic data, 三定, divisions, 沿革), and the forms
that create, change and abolish units. Divisions and charters are in views_parts.py."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.units import selectors, services
from bianban.units.forms import AbolishForm, UnitEditForm, UnitForm, UnitSearchForm, show_service_error
from bianban.units.models import Unit


def get_unit(request: HttpRequest, pk: int, perm: str = Perm.UNITS_VIEW) -> Unit:
    """The unit if the user may `perm` it, else 404 (never 403: nothing leaks that it exists)."""
    try:
        return selectors.unit_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@perm_required(Perm.UNITS_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    """The tree (children load on demand) or, once a keyword or filter is given, a paginated result table."""
    search = UnitSearchForm(request.GET or None)
    filters = search.filters() if request.GET else {"q": "", "kind": "", "status": ""}
    searching = any(filters.values())
    context: dict[str, Any] = {
        "search": search, "searching": searching, "can_create": has_perm(request.user, Perm.UNITS_CHANGE),
    }
    if searching:
        context.update(paginate(request, selectors.unit_search(request.user, **filters)))
    else:
        context["nodes"] = selectors.unit_tree_roots(request.user)
    template = "units/list.html#results" if _fragment(request) else "units/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@perm_required(Perm.UNITS_VIEW)
def children_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: the next level of the tree under one unit."""
    parent = get_unit(request, pk)
    nodes = selectors.unit_children_for_user(request.user, parent)
    return render(request, "units/list.html#tree_nodes", {"nodes": nodes})


@perm_required(Perm.UNITS_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk)
    charters = list(selectors.unit_charters(request.user, unit))
    ancestors = selectors.unit_ancestors_for_user(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "parent_visible": bool(ancestors) and ancestors[-1].pk == unit.parent_id,
        "children": selectors.unit_search(request.user, parent=unit.pk),
        "divisions": selectors.unit_divisions(request.user, unit),
        "current_charter": next((c for c in charters if c.is_current), None),
        "older_charters": [c for c in charters if not c.is_current],
        **_events_page(request, unit),
        "can_change": selectors.unit_may_change(request.user, unit),
        "tab": request.GET.get("tab", "basic"),
    }
    return render(request, "units/detail.html", context)


EVENTS_PER_PAGE = 30


def _events_page(request: HttpRequest, unit: Unit) -> dict:
    """One page of the unit's 沿革 (a school's enrolments alone run to hundreds of entries)."""
    page = paginate(request, selectors.unit_events(request.user, unit), per_page=EVENTS_PER_PAGE)
    return {"events_page": page["page_obj"]}


@perm_required(Perm.UNITS_VIEW)
def events_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Another page of the 沿革, swapped into the history tab by htmx."""
    unit = get_unit(request, pk)
    return render(request, "units/_events.html", {"unit": unit, **_events_page(request, unit)})


def refuse_if_abolished(request: HttpRequest, unit: Unit, what: str = "不能再修改") -> HttpResponse | None:
    if unit.is_active:
        return None
    messages.error(request, f"“{unit.name}”已撤销，{what}")
    return redirect("units:detail", pk=unit.pk)


@perm_required(Perm.UNITS_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    """设立机构, under `?parent=` when given (a unit the user may change)."""
    parent = None
    if request.GET.get("parent", "").isdigit():
        parent = get_unit(request, int(request.GET["parent"]), Perm.UNITS_CHANGE)
        if refused := refuse_if_abolished(request, parent, "不能在其下设立机构"):
            return refused
    form = UnitForm(request.POST or None, user=request.user, initial={"parent": getattr(parent, "pk", None)})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, f"已设立机构“{unit.name}”")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "parent": parent, "unit": None})


@perm_required(Perm.UNITS_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, Perm.UNITS_CHANGE)
    if refused := refuse_if_abolished(request, unit):
        return refused
    form = UnitEditForm(request.POST or None, user=request.user, unit=unit, initial=UnitForm.initial_for(unit))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        extra = {name: data.pop(name) for name in ("document_no", "occurred_on", "reason")}
        try:
            before = unit.updated_at
            unit = services.unit_update(actor=request.user, unit=unit, **extra, **data)
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            changed = unit.updated_at != before
            messages.success(request, f"已保存“{unit.name}”的修改" if changed else "没有需要保存的修改")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "parent": unit.parent})


@perm_required(Perm.UNITS_CHANGE)
def abolish_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, Perm.UNITS_CHANGE)
    if refused := refuse_if_abolished(request, unit):
        return refused
    form = AbolishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_abolish(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, f"已撤销机构“{unit.name}”")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/abolish.html", {"form": form, "unit": unit})
