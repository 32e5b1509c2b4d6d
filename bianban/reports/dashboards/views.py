"""Dashboard pages: a shell of chart containers that the page's script (static/reports/dashboards.js) fills from
the JSON endpoints in dashboards/api.py. The pages only check access, so each figure is computed once, by the API."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianban.accounts.choices import Perm
from bianban.core.access import perm_required
from bianban.core.exceptions import NotFound
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.compliance.forms import YearForm
from bianban.reports.dashboards.office import OVER_QUOTA_TOP


@perm_required(Perm.UNITS_VIEW)
def office_view(request: HttpRequest) -> HttpResponse:
    """编制看板 over the user's units."""
    return render(request, "reports/dashboards/office.html", {
        "data_url": reverse("api:dashboard_office_data"), "top": OVER_QUOTA_TOP})


@perm_required(Perm.PARTY_VIEW)
def branch_index_view(request: HttpRequest) -> HttpResponse:
    """Straight to the dashboard of the user's branch; a choice when they see several (as the compliance pages)."""
    branches = list(branches_for_user(request.user).order_by("name", "pk"))
    if len(branches) == 1:
        return redirect("reports:dashboard_branch", branch_id=branches[0].pk)
    return render(request, "reports/dashboards/branch_index.html", {"branches": branches})


@perm_required(Perm.PARTY_VIEW)
def branch_view(request: HttpRequest, branch_id: int) -> HttpResponse:
    """党建看板 of one branch and year (`?year=`, default this year; an invalid year falls back to this year)."""
    try:
        branch = branch_get_for_user(request.user, branch_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    year = YearForm(request.GET or None).year_or_current()
    return render(request, "reports/dashboards/branch.html", {
        "branch": branch, "year": year,
        "data_url": reverse("api:dashboard_branch_data", args=[branch.pk]) + f"?year={year}",
        "activities_url": reverse("party:activity_list") + f"?branch={branch.pk}&year={year}&status=held",
        "compliance_url": reverse("party:compliance_year", args=[branch.pk]) + f"?year={year}",
    })
