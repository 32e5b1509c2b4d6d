"""书记项目 pages: the index of a branch's projects with their targets' progress and milestones, a project's page
(goal, targets counted from the register, milestones as a timeline, outcomes by kind), and the project form. The
targets', milestones' and outcomes' own pages are in views_parts.py."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.duties.choices import OutcomeKind
from bianban.duties.models import SecretaryProject
from bianban.duties.projects import results, selectors, services
from bianban.duties.projects.forms import ProjectForm
from bianban.party.access import branch_get_for_user, branches_for_user, require_branch
from bianban.party.models import Branch


def changeable(request: HttpRequest, pk: int) -> SecretaryProject:
    """The project, if the user may see it (else 404) and change it (else 403)."""
    project = selectors.project_get_for_user(request.user, pk)
    require_branch(request.user, project.branch)
    return project


def _branch_from(request: HttpRequest, perm: str = Perm.PARTY_VIEW) -> Branch | None:
    """?branch= (id or code), else the user's first visible branch; None when they see none."""
    key = request.GET.get("branch") or request.POST.get("branch")
    if key:
        return branch_get_for_user(request.user, key, perm)
    return branches_for_user(request.user, perm).order_by("pk").first()


def _year_from(request: HttpRequest) -> int | None:
    raw = request.GET.get("year") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    branch = _branch_from(request)
    year = _year_from(request)
    projects = selectors.projects_for_user(request.user, branch=branch, year=year) if branch else (
        SecretaryProject.objects.none())
    projects = selectors.with_milestone_counts(projects)
    context: dict[str, Any] = {"branch": branch, "year": year, **paginate(request, projects),
                               "branches": list(branches_for_user(request.user)),
                               "years": selectors.project_years(request.user, branch) if branch else [],
                               "can_change": branch is not None
                               and unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)}
    page = list(context["page_obj"])
    progress = results.progress_by_project(page)
    context["rows"] = [(p, progress[p.pk]) for p in page]
    return render(request, "duties/projects/index.html", context)


@perm_required(Perm.PARTY_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_user(request.user, pk)
    context = {
        "project": project, "progress": results.project_progress(project),
        "milestones": list(selectors.milestones_of(project)),
        "outcome_groups": results.outcomes_by_kind(selectors.outcomes_of(project), request.user),
        "kinds": OutcomeKind.choices,
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, project.branch.unit),
    }
    return render(request, "duties/projects/detail.html", context)


@perm_required(Perm.PARTY_VIEW)
def create_view(request: HttpRequest) -> HttpResponse:
    branch = _branch_from(request, Perm.PARTY_VIEW)
    if branch is None:
        raise NotFound("没有可维护的党支部")
    require_branch(request.user, branch)
    form = ProjectForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, branch=branch, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已创建书记项目“{project.title}”，请添加目标和节点")
            return redirect("duties:project_detail", pk=project.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "duties/projects/form.html",
                  {"form": form, "branch": branch, "heading": "新建书记项目", "cancel": "duties:project_index"},
                  status=status)


@perm_required(Perm.PARTY_VIEW)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = changeable(request, pk)
    form = ProjectForm(request.POST or None, branch=project.branch, initial=ProjectForm.initial_from(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存书记项目")
            return redirect("duties:project_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "duties/projects/form.html",
                  {"form": form, "branch": project.branch, "project": project, "heading": "修改书记项目"},
                  status=status)
