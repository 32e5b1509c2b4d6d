"""统计报表: one page with the two forms, each downloading its .xlsx. Bad input re-renders the page with the form's
errors (422); the download is audited as every export is."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.core.access import perm_required
from bianban.reports.workbooks import establishment, party, services
from bianban.reports.workbooks.forms import EstablishmentForm, PartyForm
from bianban.reports.workbooks.sheets import xlsx_response


def _index(request: HttpRequest, *, establishment_form: EstablishmentForm | None = None,
           party_form: PartyForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"establishment_form": None, "party_form": None}
    if has_perm(user, Perm.UNITS_VIEW):
        context["establishment_form"] = establishment_form or EstablishmentForm(user=user)
    if has_perm(user, Perm.PARTY_CHANGE):  # the sheets show each member's record: for those who run the branch
        context["party_form"] = party_form or PartyForm(user=user)
    return render(request, "reports/statistics/index.html", context, status=status)


@perm_required()
def index_view(request: HttpRequest) -> HttpResponse:
    return _index(request)


@perm_required(Perm.UNITS_VIEW)
def establishment_view(request: HttpRequest) -> HttpResponse:
    form = EstablishmentForm(request.GET, user=request.user)
    if not form.is_valid():
        return _index(request, establishment_form=form, status=422)
    root, as_of = form.cleaned_data["unit"], form.cleaned_data["as_of"]
    data, figures = establishment.build_establishment(request.user, root, as_of)
    services.establishment_export(actor=request.user, root=root, as_of=as_of, units=len(figures.units),
                                  lines=len(figures.lines))
    return xlsx_response(data, establishment.file_name(root, as_of))


@perm_required(Perm.PARTY_CHANGE)
def party_view(request: HttpRequest) -> HttpResponse:
    form = PartyForm(request.GET, user=request.user)
    if not form.is_valid():
        return _index(request, party_form=form, status=422)
    branch, year = form.cleaned_data["branch"], form.cleaned_data["year"]
    data, figures = party.build_party(branch, year)
    services.party_export(actor=request.user, branch=branch, year=year, members=len(figures.members))
    return xlsx_response(data, party.file_name(branch, year))
