"""Pages that change the parts of a unit: its internal divisions (内设机构) and its 三定 charters."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianban.accounts.choices import Perm
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.units import selectors, services
from bianban.units.choices import UnitStatus
from bianban.units.forms import (
    CharterDivisionFormSet,
    CharterForm,
    DivisionAbolishForm,
    DivisionEditForm,
    DivisionForm,
    QuotaFormSet,
    show_service_error,
)
from bianban.units.models import Division
from bianban.units.views import get_unit, refuse_if_abolished


def _get_division(request: HttpRequest, pk: int) -> Division:
    try:
        return selectors.division_get_for_user(request.user, pk, Perm.UNITS_CHANGE)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _to_divisions(unit_pk: int) -> str:
    return reverse("units:detail", kwargs={"pk": unit_pk}) + "?tab=divisions"


@perm_required(Perm.UNITS_CHANGE)
def division_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, Perm.UNITS_CHANGE)
    if refused := refuse_if_abolished(request, unit):
        return refused
    form = DivisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            division = services.division_create(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, f"已设立内设机构“{division.name}”")
            return redirect(_to_divisions(unit.pk))
    return render(request, "units/division_form.html", {"form": form, "unit": unit, "division": None})


@perm_required(Perm.UNITS_CHANGE)
def division_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    division = _get_division(request, pk)
    unit = division.unit
    if division.status != UnitStatus.ACTIVE:
        messages.error(request, f"内设机构“{division.name}”已撤销，不能再修改")
        return redirect(_to_divisions(unit.pk))
    initial = {name: getattr(division, name) for name in services.DIVISION_FIELDS}
    form = DivisionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.division_update(actor=request.user, division=division, **form.cleaned_data)
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, f"已保存内设机构“{form.cleaned_data['name']}”的修改")
            return redirect(_to_divisions(unit.pk))
    return render(request, "units/division_form.html", {"form": form, "unit": unit, "division": division})


@perm_required(Perm.UNITS_CHANGE)
def division_abolish_view(request: HttpRequest, pk: int) -> HttpResponse:
    division = _get_division(request, pk)
    if division.status != UnitStatus.ACTIVE:
        messages.error(request, f"内设机构“{division.name}”已撤销")
        return redirect(_to_divisions(division.unit_id))
    form = DivisionAbolishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.division_abolish(actor=request.user, division=division, **form.cleaned_data)
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, f"已撤销内设机构“{division.name}”")
            return redirect(_to_divisions(division.unit_id))
    return render(request, "units/division_abolish.html", {"form": form, "division": division, "unit": division.unit})


@perm_required(Perm.UNITS_CHANGE)
def charter_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """印发三定规定: a new version, prefilled from the current one."""
    unit = get_unit(request, pk, Perm.UNITS_CHANGE)
    if refused := refuse_if_abolished(request, unit):
        return refused
    current = selectors.unit_charters(request.user, unit).filter(is_current=True).first()
    data = request.POST or None
    form = CharterForm(data, initial=CharterForm.initial_for(current))
    quota = QuotaFormSet(data, prefix="quota", initial=current.quota if current else None)
    divisions = CharterDivisionFormSet(data, prefix="divisions", initial=current.divisions if current else None)
    if request.method == "POST" and all([form.is_valid(), quota.is_valid(), divisions.is_valid()]):
        fields = {k: v for k, v in form.cleaned_data.items() if k not in CharterForm.POST_FIELDS}
        try:
            charter = services.charter_create(
                actor=request.user, unit=unit, posts=form.posts(), **fields,
                quota=[row for f in quota if (row := f.row())],
                divisions=[row for f in divisions if (row := f.row())],
            )
        except DomainError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, f"已登记三定规定《{charter.title}》（第{charter.version}版）")
            return redirect(reverse("units:detail", kwargs={"pk": unit.pk}) + "?tab=charter")
    context = {"form": form, "quota": quota, "divisions": divisions, "unit": unit, "current": current}
    return render(request, "units/charter_form.html", context)
