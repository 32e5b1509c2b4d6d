"""Ledger pages: the list with filters and counts, a problem's page (timeline, measures, evidence, transition
buttons), registering a problem, the plan's forms, evidence upload and checked download, and the xlsx export."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm, unit_allows
from bianban.core.access import perm_required
from bianban.core.downloads import stored_file_response
from bianban.core.exceptions import DomainError, NotFound, ValidationFailed
from bianban.core.pagination import paginate
from bianban.ledger import selectors, services
from bianban.ledger.choices import ProblemStatus
from bianban.ledger.exports import ledger_workbook
from bianban.ledger.forms import (
    EvidenceForm,
    MeasureCompleteForm,
    MeasureForm,
    ProblemEditForm,
    ProblemFilterForm,
    ProblemForm,
    TransitionForm,
)
from bianban.ledger.models import Measure, Problem
from bianban.ledger.services import EDITABLE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _problem(request: HttpRequest, pk: int) -> Problem:
    try:
        return selectors.problem_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _measure(request: HttpRequest, pk: int, problem: Problem) -> Measure:
    try:
        measure = selectors.measure_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if measure.problem_id != problem.pk:
        raise Http404("整改措施不存在或无权访问")
    return measure


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _search(request: HttpRequest) -> tuple[ProblemFilterForm, Any, dict[str, Any]]:
    form = ProblemFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    qs = selectors.problem_search(request.user, **filters).order_by("-raised_on", "-pk")
    return form, qs, filters


@perm_required()  # scoped by the selectors: office readers, and branch readers for Party-sourced problems
def list_view(request: HttpRequest) -> HttpResponse:
    form, qs, _ = _search(request)
    context = {"search": form, "counts": selectors.status_counts(qs), **paginate(request, qs),
               "can_create": has_perm(request.user, Perm.LEDGER_CHANGE),
               "export_query": request.GET.urlencode()}
    template = "ledger/list.html#results" if _fragment(request) else "ledger/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_context(request: HttpRequest, problem: Problem, **forms: Any) -> dict[str, Any]:
    can_change = unit_allows(request.user, Perm.LEDGER_CHANGE, problem.unit) if problem.unit else has_perm(
        request.user, Perm.LEDGER_CHANGE)
    return {
        "problem": problem,
        "timeline": selectors.problem_timeline(problem),
        "measures": selectors.measures_of(problem),
        "transitions": services.allowed_transitions(request.user, problem),
        "can_edit_plan": can_change and problem.status in EDITABLE,
        "can_upload": can_change and problem.status != ProblemStatus.CLOSED,
        "measure_form": forms.get("measure_form") or MeasureForm(),
        "complete_form": MeasureCompleteForm(),
        "today": timezone.localdate(),
    }


@perm_required()  # scoped by the selectors: office readers, and branch readers for Party-sourced problems
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    return render(request, "ledger/detail.html", _detail_context(request, problem))


@perm_required(Perm.LEDGER_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    form = ProblemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(actor=request.user, source="manual", **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记问题“{problem.title}”")
            return redirect("ledger:detail", pk=problem.pk)
    return render(request, "ledger/problem_form.html", {"form": form})


@perm_required(Perm.LEDGER_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    initial = {"title": problem.title, "description": problem.description, "category": problem.category,
               "unit": problem.unit, "responsible": problem.responsible, "deadline": problem.deadline}
    form = ProblemEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(actor=request.user, problem=problem, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对问题的修改")
            return redirect("ledger:detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/problem_form.html", {"form": form, "problem": problem}, status=status)


@perm_required(Perm.LEDGER_CHANGE)
def measure_edit_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    problem = _problem(request, pk)
    measure = _measure(request, mid, problem)
    initial = {"description": measure.description, "owner": measure.owner, "deadline": measure.deadline,
               "note": measure.note}
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(actor=request.user, measure=measure, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对整改措施的修改")
            return redirect("ledger:detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/measure_form.html", {"form": form, "problem": problem, "measure": measure},
                  status=status)


@require_POST
@perm_required()  # scoped by the selectors: office readers, and branch readers for Party-sourced problems
def transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求有误，请刷新后重试")
        return redirect("ledger:detail", pk=pk)
    # The status the user saw when they pressed the button: a change since then is a conflict.
    seen = request.POST.get("from_status", "")
    if seen in ProblemStatus.values:
        problem.status = seen
    try:
        services.problem_transition(actor=request.user, problem=problem, to_status=form.cleaned_data["to_status"],
                                    note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"问题已改为“{problem.get_status_display()}”")
    return redirect("ledger:detail", pk=pk)


@require_POST
@perm_required(Perm.LEDGER_CHANGE)
def measure_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_create(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("ledger:detail", pk=pk)
        else:
            messages.success(request, "已添加整改措施")
            return redirect("ledger:detail", pk=pk)
    return render(request, "ledger/detail.html", _detail_context(request, problem, measure_form=form), status=422)


@require_POST
@perm_required(Perm.LEDGER_CHANGE)
def measure_complete_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    problem = _problem(request, pk)
    measure = _measure(request, mid, problem)
    form = MeasureCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "完成日期格式有误")
        return redirect("ledger:detail", pk=pk)
    try:
        services.measure_complete(actor=request.user, measure=measure, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "整改措施已标记完成")
    return redirect("ledger:detail", pk=pk)


@perm_required(Perm.LEDGER_CHANGE)
def evidence_upload_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    problem = _problem(request, pk)
    measure = _measure(request, mid, problem)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(actor=request.user, measure=measure, uploaded_file=form.cleaned_data["file"],
                                  note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("ledger:detail", pk=pk)
        else:
            messages.success(request, "已上传佐证材料")
            return redirect("ledger:detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/evidence_form.html", {"problem": problem, "measure": measure, "form": form},
                  status=status)


@perm_required()  # scoped by the selectors: office readers, and branch readers for Party-sourced problems
def evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file to a user in scope; never through MEDIA_URL."""
    try:
        evidence = selectors.evidence_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return stored_file_response(evidence)


@perm_required(Perm.UNITS_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    _, qs, filters = _search(request)
    cap = settings.BIANBAN["EXPORT_MAX_ROWS"]
    total = qs.count()
    if total > cap:
        messages.error(request, f"符合条件的问题有 {total} 条，超过单次导出上限 {cap} 条，"
                                "请按单位、年度或状态筛选后分批导出")
        return redirect(f"{reverse('ledger:list')}?{request.GET.urlencode()}")
    problems = list(qs.select_related("unit").prefetch_related("measures"))
    services.problem_export(actor=request.user, filters={k: v for k, v in filters.items() if v not in ("", None)},
                            count=len(problems))
    response = HttpResponse(ledger_workbook(problems), content_type=XLSX)
    name = f"问题台账-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
