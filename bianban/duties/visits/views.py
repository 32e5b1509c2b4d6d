"""Visit pages: the campaigns of a branch's year with their statistics, a campaign (statistics by role, group and
street; its visits filtered and paginated; what was raised and how the ledger stands on it), recording and
correcting visits with their visitors and issues as rows, a visit's page, and the audited xlsx export.

Family circumstances of visited households are shown masked ("***") to readers who may not change the branch's
records (members, reviewers): selectors.sees_circumstances."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound, ValidationFailed
from bianban.core.pagination import paginate
from bianban.duties.models import Visit, VisitCampaign
from bianban.duties.visits import forms, selectors, services
from bianban.duties.visits.exports import visits_workbook
from bianban.duties.visits.stats import branch_year_stats, campaign_stats, stats_by_campaign
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.models import Branch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_FIELDS = ("visitors", "issues")


def _get(fetch: Any, *args: Any) -> Any:
    try:
        return fetch(*args)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _campaign(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> VisitCampaign:
    return _get(selectors.campaign_get_for_user, request.user, pk, perm)


def _visit(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Visit:
    return _get(selectors.visit_get_for_user, request.user, pk, perm)


def _year(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 2000 <= int(raw) <= 2100 else None


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    """?branch= (default: the user's first visible branch) and ?year= (default: the latest year with a campaign)."""
    branches = list(branches_for_user(request.user))
    key = request.GET.get("branch")
    branch = _get(branch_get_for_user, request.user, key) if key else (branches[0] if branches else None)
    if branch is None:
        return render(request, "duties/visits/index.html", {"branches": branches, "branch": None})
    years = selectors.campaign_years(branch)
    this_year = timezone.localdate().year
    year = _year(request.GET.get("year")) or (years[0] if years else this_year)
    campaigns = list(selectors.campaigns_for_user(request.user, branch=branch, year=year))
    stats = stats_by_campaign(campaigns)
    return render(request, "duties/visits/index.html", {
        "branches": branches, "branch": branch, "year": year,
        "years": sorted({*years, year, this_year}, reverse=True),
        "rows": [(c, stats[c.pk]) for c in campaigns], "year_stats": branch_year_stats(branch, year),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)})


def _shown(request: HttpRequest, branch: Branch, visits: list[Visit]) -> bool:
    """Put on each visit what this reader may see of its family circumstances (`shown_circumstances`)."""
    sees = selectors.sees_circumstances(request.user, branch)
    for visit in visits:
        visit.shown_circumstances = selectors.circumstances_for(sees, visit)  # type: ignore[attr-defined]
    return sees


def _visible_problems(request: HttpRequest, issues: list[Any]) -> set[int]:
    """Which of the issues' ledger problems the reader may open in the ledger."""
    from bianban.ledger.selectors import problems_for_user

    ids = [i.problem_id for i in issues if i.problem_id]
    return set(problems_for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


@perm_required(Perm.PARTY_VIEW)
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    search = forms.VisitFilterForm(request.GET or None, streets=selectors.streets_of(campaign))
    visits = selectors.visits_for_user(request.user, campaign=campaign, **search.filters())
    page = paginate(request, visits)
    page["page_obj"].object_list = list(page["page_obj"].object_list)
    _shown(request, campaign.branch, page["page_obj"].object_list)
    issues = Paginator(selectors.issues_of(campaign), settings.BIANBAN["PAGE_SIZE"]).get_page(request.GET.get("ipage"))
    issues.object_list = list(issues.object_list)
    query = request.GET.copy()
    query.pop("ipage", None)
    return render(request, "duties/visits/campaign_detail.html", {
        "campaign": campaign, "stats": campaign_stats(campaign), "search": search, **page,
        "issues": issues, "visible_problems": _visible_problems(request, issues.object_list),
        "query_without_ipage": f"{query.urlencode()}&" if query else "",
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, campaign.branch.unit)})


def _choose_branch(request: HttpRequest) -> Branch | HttpResponse:
    key = request.GET.get("branch") or request.POST.get("branch")
    if not key:
        branches = list(branches_for_user(request.user, Perm.PARTY_CHANGE))
        if len(branches) != 1:
            return render(request, "duties/visits/choose_branch.html", {"branches": branches})
        return branches[0]
    return _get(branch_get_for_user, request.user, key, Perm.PARTY_CHANGE)


@perm_required(Perm.PARTY_CHANGE)
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    branch = _choose_branch(request)
    if isinstance(branch, HttpResponse):
        return branch
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, branch=branch, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新建走访活动“{campaign.title}”")
            return redirect("duties:campaign_detail", pk=campaign.pk)
    return render(request, "duties/visits/campaign_form.html", {"form": form, "branch": branch},
                  status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_CHANGE)
def campaign_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, Perm.PARTY_CHANGE)
    form = forms.CampaignForm(request.POST or None, initial=forms.CampaignForm.initial_from(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对走访活动的修改")
            return redirect("duties:campaign_detail", pk=pk)
    return render(request, "duties/visits/campaign_form.html",
                  {"form": form, "branch": campaign.branch, "campaign": campaign},
                  status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_VIEW)
def campaign_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's visits as xlsx; audited, and masked for readers who may not see family circumstances."""
    campaign = _campaign(request, pk)
    visits = selectors.visits_for_user(request.user, campaign=campaign).order_by("visited_on", "pk")
    cap, total = settings.BIANBAN["EXPORT_MAX_ROWS"], visits.count()
    if total > cap:
        messages.error(request, f"该活动有 {total} 条走访记录，超过单次导出上限 {cap} 条")
        return redirect("duties:campaign_detail", pk=pk)
    sees = selectors.sees_circumstances(request.user, campaign.branch)
    rows = list(visits)
    services.visits_export(actor=request.user, campaign=campaign, count=len(rows), masked=not sees)
    response = HttpResponse(visits_workbook(campaign, rows, campaign_stats(campaign), sees=sees), content_type=XLSX)
    from urllib.parse import quote

    name = f"走访记录-{campaign.title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _split(exc: DomainError) -> tuple[DomainError | None, dict[str, list[str]]]:
    """A service's error as (what goes on the visit form, messages for the rows of visitors / issues)."""
    if not isinstance(exc, ValidationFailed):
        return exc, {}
    details = exc.details or {}
    rows = {k: list(v) for k, v in details.items() if k in ROW_FIELDS}
    rest = {k: v for k, v in details.items() if k not in ROW_FIELDS}
    if rows and not rest:
        return None, rows
    return ValidationFailed(exc.message, details=rest or None), rows


def _visit_page(request: HttpRequest, campaign: VisitCampaign, visit: Visit | None) -> HttpResponse:
    branch = campaign.branch
    initial = forms.VisitForm.initial_from(visit) if visit else None
    form = forms.VisitForm(request.POST or None, campaign=campaign, initial=initial)
    people = forms.visitor_formset(request.POST or None, branch=branch,
                                   extra=forms.rows(request.GET, "visitor_rows", 2 if visit else 4),
                                   initial=forms.visitor_initial(visit) if visit else None)
    issues = None if visit else forms.issue_formset(request.POST or None,
                                                    extra=forms.rows(request.GET, "issue_rows", 3))
    row_errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid() & people.is_valid() & (issues is None or issues.is_valid()):
        values = form.visit_values()
        visitors = forms.visitors_from(people, values["team_role"])
        try:
            if visit is None:
                saved = services.visit_create(actor=request.user, campaign=campaign, visitors=visitors,
                                              issues=forms.issues_from(issues), **values)
            else:
                saved = services.visit_update(actor=request.user, visit=visit, visitors=visitors, **values)
        except DomainError as exc:
            on_form, row_errors = _split(exc)
            if on_form is not None:
                form.add_domain_error(on_form)
        else:
            raised = saved.issues.count()
            note = f"，{raised}条问题已登记到问题台账" if raised and visit is None else ""
            messages.success(request, f"已{'保存走访记录' if visit else '登记走访'}{note}")
            return redirect("duties:visit_detail", pk=saved.pk)
    return render(request, "duties/visits/visit_form.html", {
        "form": form, "people": people, "issues": issues, "row_errors": row_errors, "campaign": campaign,
        "visit": visit}, status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_CHANGE)
def visit_create_view(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    return _visit_page(request, _campaign(request, campaign_pk, Perm.PARTY_CHANGE), None)


@perm_required(Perm.PARTY_CHANGE)
def visit_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, Perm.PARTY_CHANGE)
    return _visit_page(request, visit.campaign, visit)


def _detail(request: HttpRequest, visit: Visit, issue_form: forms.IssueForm | None = None,
            status: int = 200) -> HttpResponse:
    _shown(request, visit.campaign.branch, [visit])
    issues = list(visit.issues.all())
    can_change = unit_allows(request.user, Perm.PARTY_CHANGE, visit.campaign.branch.unit)
    return render(request, "duties/visits/visit_detail.html", {
        "visit": visit, "campaign": visit.campaign, "visitors": list(visit.visitors.all()), "issues": issues,
        "visible_problems": _visible_problems(request, issues), "can_change": can_change,
        "issue_form": issue_form or forms.IssueForm()}, status=status)


@perm_required(Perm.PARTY_VIEW)
def visit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visit(request, pk))


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def visit_issue_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """补录 what a recorded visit collected; it goes to the ledger at once."""
    visit = _visit(request, pk, Perm.PARTY_CHANGE)
    form = forms.IssueForm(request.POST)
    if form.is_valid():
        try:
            services.issue_add(actor=request.user, visit=visit, **vars(form.issue()))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已补录问题并登记到问题台账")
            return redirect("duties:visit_detail", pk=pk)
    return _detail(request, _visit(request, pk, Perm.PARTY_CHANGE), form, status=422)


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def visit_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, Perm.PARTY_CHANGE)
    try:
        services.visit_delete(actor=request.user, visit=visit)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("duties:visit_detail", pk=pk)
    messages.success(request, "已删除走访记录")
    return redirect("duties:campaign_detail", pk=visit.campaign_id)


@perm_required(Perm.PARTY_VIEW)
def visit_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a ledger problem of source 走访 links back to (Problem.source_id is the VisitIssue's id)."""
    issue = _get(selectors.issue_get_for_user, request.user, pk)
    return redirect(f"{reverse('duties:visit_detail', args=[issue.visit_id])}#issue-{issue.pk}")
