"""Volunteer service pages: the year's volunteer activities of a branch with field, place, participants and hours,
the statistics by 服务领域 and by member, a button to record one (the party activity form preset to 志愿服务) and
the xlsx export of the year's record."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.pagination import paginate
from bianban.duties.volunteer import selectors, services
from bianban.duties.volunteer.exports import volunteer_workbook
from bianban.duties.volunteer.forms import VolunteerFilterForm
from bianban.party.choices import ActivityKind
from bianban.party.models import Branch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Filters:
    form: VolunteerFilterForm
    branch: Branch | None
    year: int
    service_field: str


def _filters(request: HttpRequest) -> Filters:
    """?branch= (default: the user's first visible branch; one out of scope is a 404), ?year= (default this year),
    ?service_field= (the list only; the statistics cover every field)."""
    form = VolunteerFilterForm(request.GET or None, user=request.user)
    branch = form.fields["branch"].queryset.first()
    year, service_field = timezone.localdate().year, ""
    if form.is_bound:
        form.is_valid()
        if "branch" in form.errors and request.GET.get("branch"):
            raise Http404("党支部不存在或无权访问")
        branch = form.cleaned_data.get("branch") or branch
        year = form.cleaned_data.get("year") or year
        service_field = form.cleaned_data.get("service_field") or ""
    return Filters(form=form, branch=branch, year=year, service_field=service_field)


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    context = {"search": f.form, "branch": f.branch, "year": f.year, "can_create": False, "stats": None,
               "page_obj": None}
    if f.branch is not None:
        activities = selectors.volunteer_activities_for_user(request.user, branch=f.branch, year=f.year,
                                                             service_field=f.service_field)
        preset = urlencode({"kind": ActivityKind.VOLUNTEER, "branch": f.branch.pk})
        context.update(paginate(request, activities), stats=selectors.volunteer_stats(f.branch, f.year),
                       can_create=unit_allows(request.user, Perm.PARTY_CHANGE, f.branch.unit),
                       create_url=f"{reverse('party:activity_create')}?{preset}",
                       export_query=urlencode({"branch": f.branch.pk, "year": f.year}))
    return render(request, "duties/volunteer/index.html", context)


@perm_required(Perm.PARTY_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    if f.branch is None:
        raise Http404("党支部不存在或无权访问")
    activities = list(selectors.volunteer_activities_for_user(request.user, branch=f.branch, year=f.year))
    services.volunteer_record_export(actor=request.user, branch=f.branch, year=f.year, count=len(activities))
    response = HttpResponse(volunteer_workbook(selectors.volunteer_stats(f.branch, f.year), activities),
                            content_type=XLSX)
    name = f"{f.branch.name}{f.year}年度志愿服务台账-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
