"""Pages for the parts of a 书记项目: its targets, its milestones (and their status), and the establishment records
linked as its outcomes (picked from the year's candidates). Deleting asks for confirmation first."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bianban.accounts.choices import Perm
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError
from bianban.duties.choices import OutcomeKind
from bianban.duties.models import SecretaryProject
from bianban.duties.projects import results, selectors, services
from bianban.duties.projects.forms import MilestoneForm, MilestoneStatusForm, OutcomeForm, TargetForm
from bianban.duties.projects.records import SOURCES
from bianban.duties.projects.views import changeable


def _form_page(request: HttpRequest, project: SecretaryProject, form: Any, heading: str,
               save: Callable[[], Any], done: str) -> HttpResponse:
    """Validate → service → back to the project; on a refused POST re-render with the errors (422)."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, done)
            return redirect("duties:project_detail", pk=project.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "duties/projects/form.html",
                  {"form": form, "branch": project.branch, "project": project, "heading": heading}, status=status)


def _confirm_page(request: HttpRequest, project: SecretaryProject, what: str, remove: Callable[[], Any],
                  done: str) -> HttpResponse:
    if request.method == "POST":
        remove()
        messages.success(request, done)
        return redirect("duties:project_detail", pk=project.pk)
    return render(request, "duties/projects/confirm_delete.html", {"project": project, "what": what})


@perm_required(Perm.PARTY_VIEW)
def target_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = changeable(request, pk)
    form = TargetForm(request.POST or None)
    return _form_page(request, project, form, "添加项目目标",
                      lambda: services.target_add(actor=request.user, project=project, **form.values()),
                      "已添加目标")


@perm_required(Perm.PARTY_VIEW)
def target_edit_view(request: HttpRequest, pk: int, tid: int) -> HttpResponse:
    project = changeable(request, pk)
    target = selectors.target_get(project, tid)
    form = TargetForm(request.POST or None, initial=TargetForm.initial_from(target))
    return _form_page(request, project, form, f"修改目标：{target.name}",
                      lambda: services.target_update(actor=request.user, target=target, **form.values()),
                      "已保存目标")


@require_http_methods(["GET", "POST"])
@perm_required(Perm.PARTY_VIEW)
def target_delete_view(request: HttpRequest, pk: int, tid: int) -> HttpResponse:
    project = changeable(request, pk)
    target = selectors.target_get(project, tid)
    return _confirm_page(request, project, f"目标“{target.name}”",
                         lambda: services.target_remove(actor=request.user, target=target), "已删除目标")


@perm_required(Perm.PARTY_VIEW)
def milestone_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = changeable(request, pk)
    form = MilestoneForm(request.POST or None)
    return _form_page(request, project, form, "添加项目节点",
                      lambda: services.milestone_add(actor=request.user, project=project, **form.values()),
                      "已添加节点")


@perm_required(Perm.PARTY_VIEW)
def milestone_edit_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    project = changeable(request, pk)
    milestone = selectors.milestone_get(project, mid)
    form = MilestoneForm(request.POST or None, initial=MilestoneForm.initial_from(milestone))
    return _form_page(request, project, form, f"修改节点：{milestone.title}",
                      lambda: services.milestone_update(actor=request.user, milestone=milestone, **form.values()),
                      "已保存节点")


@perm_required(Perm.PARTY_VIEW)
def milestone_status_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    project = changeable(request, pk)
    milestone = selectors.milestone_get(project, mid)
    form = MilestoneStatusForm(request.POST or None, initial={"status": milestone.status,
                                                              "done_on": milestone.done_on, "note": milestone.note})
    return _form_page(request, project, form, f"更新节点状态：{milestone.title}",
                      lambda: services.milestone_set_status(actor=request.user, milestone=milestone,
                                                            **form.values()),
                      "已更新节点状态")


@require_http_methods(["GET", "POST"])
@perm_required(Perm.PARTY_VIEW)
def milestone_delete_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    project = changeable(request, pk)
    milestone = selectors.milestone_get(project, mid)
    return _confirm_page(request, project, f"节点“{milestone.title}”",
                         lambda: services.milestone_remove(actor=request.user, milestone=milestone), "已删除节点")


@perm_required(Perm.PARTY_VIEW)
def outcome_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick a record of the project's year to link: the candidates of the chosen kind, or an id typed in."""
    project = changeable(request, pk)
    kind = request.POST.get("kind") or request.GET.get("kind") or OutcomeKind.QUOTA_MOVEMENT
    kind = kind if kind in OutcomeKind.values else OutcomeKind.QUOTA_MOVEMENT
    form = OutcomeForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_link(actor=request.user, project=project, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已关联{OutcomeKind(kind).label}成果")
            return redirect("duties:project_detail", pk=project.pk)
    context = {"project": project, "form": form, "kind": kind, "kinds": OutcomeKind.choices,
               "candidates": results.outcome_candidates(request.user, project, kind),
               "year_rule": SOURCES[kind].year_rule}
    return render(request, "duties/projects/outcome_add.html", context,
                  status=422 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@perm_required(Perm.PARTY_VIEW)
def outcome_delete_view(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    project = changeable(request, pk)
    outcome = selectors.outcome_get(project, oid)
    return _confirm_page(request, project, f"与“{outcome.get_kind_display()}”记录的关联（记录本身不受影响）",
                         lambda: services.outcome_unlink(actor=request.user, outcome=outcome), "已取消关联")
