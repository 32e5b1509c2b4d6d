"""述职报告 pages: the index of branches × years, generating a draft, the draft itself (each paragraph with its
figures marked and the records behind them), a preview of a draft not stored yet, regenerating the data paragraphs,
the title/署名/date form and the downloads. The per-paragraph editing (htmx) is in views_blocks.py."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import Conflict, DomainError, ValidationFailed
from bianban.core.pagination import paginate
from bianban.party.access import branches_for_user, require_branch
from bianban.party.models import Branch
from bianban.reports.duty import document, selectors, services
from bianban.reports.duty.forms import GenerateForm, ReportForm
from bianban.reports.models import DutyReport


def _index(request: HttpRequest, form: GenerateForm, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    stored = list(selectors.with_block_counts(selectors.reports_for_user(request.user)))
    years = selectors.report_years(today, [r.year for r in stored])[:6]
    by_cell = {(r.branch_id, r.year): r for r in stored}
    page = paginate(request, branches_for_user(request.user).order_by("name"))
    rows = [(b, unit_allows(request.user, Perm.PARTY_CHANGE, b.unit), [(y, by_cell.get((b.pk, y))) for y in years])
            for b in page["page_obj"]]
    older = [r for r in stored if r.year not in years]
    return render(request, "reports/duty/index.html",
                  {"rows": rows, "years": years, "older": older, "form": form, **page,
                   "can_generate": bool(form.fields["branch"].queryset.exists())}, status=status)


def _generate_form(request: HttpRequest, data: Any = None) -> GenerateForm:
    initial = {"year": timezone.localdate().year}
    return GenerateForm(data, branches=branches_for_user(request.user, Perm.PARTY_CHANGE).order_by("name"),
                        initial=initial)


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    return _index(request, _generate_form(request))


@require_POST
@perm_required(Perm.PARTY_VIEW)
def create_view(request: HttpRequest) -> HttpResponse:
    form = _generate_form(request, request.POST)
    if form.is_valid():
        branch = form.cleaned_data["branch"]
        try:
            report = services.duty_report_create(actor=request.user, branch=branch, year=form.cleaned_data["year"])
        except Conflict as exc:
            if exc.code == "exists":
                messages.info(request, f"{exc.message}，已为您打开")
                return redirect("reports:duty_detail", pk=exc.details["report_id"])
            form.add_domain_error(exc)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已根据{report.year}年度的工作记录生成述职报告，"
                                      "请核对数据并撰写存在的问题和下一年思路")
            return redirect("reports:duty_detail", pk=report.pk)
    return _index(request, form, status=422)


def _branch_year(request: HttpRequest) -> tuple[Branch, int]:
    """?branch= (id or code) the user may read and ?year=; a bad year is a ValidationFailed."""
    branch = selectors.branch_for_user(request.user, request.GET.get("branch", ""))
    return branch, services.check_year(request.GET.get("year", ""))


def _detail_context(request: HttpRequest, source: DutyReport | Any, branch: Branch) -> dict[str, Any]:
    return {"branch": branch, "sections": selectors.sections_of(source),
            "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit),
            "pdf_available": document.pdf_available()}


@perm_required(Perm.PARTY_VIEW)
def preview_view(request: HttpRequest) -> HttpResponse:
    """The draft today's records give, for a branch and year with no stored draft. Writes nothing."""
    try:
        branch, year = _branch_year(request)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("reports:duty_index")
    stored = selectors.report_for(request.user, branch, year)
    if stored is not None:
        return redirect("reports:duty_detail", pk=stored.pk)
    draft = selectors.composed_draft(branch, year)
    return render(request, "reports/duty/detail.html",
                  {"draft": draft, "year": year, **_detail_context(request, draft, branch)})


@perm_required(Perm.PARTY_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(request.user, pk)
    context = _detail_context(request, report, report.branch)
    context.update(report=report, year=report.year,
                   stale_count=sum(1 for s in context["sections"] if s.stale))
    return render(request, "reports/duty/detail.html", context)


@require_POST
@perm_required(Perm.PARTY_VIEW)
def regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(request.user, pk)
    require_branch(request.user, report.branch)
    try:
        summary = services.duty_report_regenerate(actor=request.user, report=report)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, summary.message)
    return redirect("reports:duty_detail", pk=pk)


@perm_required(Perm.PARTY_VIEW)
def update_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(request.user, pk)
    require_branch(request.user, report.branch)
    initial = {"title": report.title, "signature": report.signature, "dated": report.dated}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_report_update(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存标题、署名和成文日期")
            return redirect("reports:duty_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "reports/duty/form.html", {"form": form, "report": report}, status=status)


@perm_required(Perm.PARTY_VIEW)
def file_view(request: HttpRequest) -> HttpResponse:
    """?branch=&year=&format=docx|pdf: the stored draft when there is one, else the composed one."""
    fmt = request.GET.get("format", "docx")
    back = reverse("reports:duty_index")
    try:
        branch, year = _branch_year(request)
        if fmt not in ("docx", "pdf"):
            raise ValidationFailed.on("format", "格式应为 docx 或 pdf")
        stored = selectors.report_for(request.user, branch, year)
        back = (reverse("reports:duty_detail", args=[stored.pk]) if stored
                else f"{reverse('reports:duty_preview')}?branch={branch.pk}&year={year}")
        data = document.docx_bytes(stored or selectors.composed_draft(branch, year))
        if fmt == "pdf":
            data = document.pdf_bytes(data)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect(back)
    name = f"{document.file_stem(branch.name, year)}.{fmt}"
    return document.attachment(data, document.DOCX_TYPE if fmt == "docx" else document.PDF_TYPE, name)

