"""Annual-report pages: the year's status list (year picker, filters by state, sponsor and lateness, counts per state,
pagination, audited xlsx export), a report's page (contents, the flow's steps and the actions the reader may take,
each confirmed), opening a year's report and filling it in."""

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm, unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.registration.annual import selectors, services
from bianban.registration.annual.exports import status_workbook
from bianban.registration.annual.forms import ContentsForm, CreateForm, ReturnForm, StatusFilterForm
from bianban.registration.choices import AnnualReportStatus
from bianban.registration.models import AnnualReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
T = "registration/annual/"
S = AnnualReportStatus


def _report(request: HttpRequest, pk: int, perm: str = Perm.UNITS_VIEW) -> AnnualReport:
    try:
        return selectors.annual_report_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _status(request: HttpRequest) -> tuple[StatusFilterForm, int, list[selectors.StatusRow], dict[str, int]]:
    today = timezone.localdate()
    form = StatusFilterForm(request.GET or None, user=request.user, today=today)
    filters = form.filters()
    year = filters.pop("year")
    rows, counts = selectors.annual_status_list(request.user, year, today, **filters)
    return form, year, rows, counts


@perm_required(Perm.UNITS_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    form, year, rows, counts = _status(request)
    page_obj = Paginator(rows, settings.BIANBAN["PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    context = {"search": form, "year": year, "counts": counts, "states": selectors.STATE_CHOICES,
               "page_obj": page_obj, "query_without_page": f"{encoded}&" if encoded else "",
               "due_on": selectors.due_on(year), "can_change": has_perm(request.user, Perm.UNITS_CHANGE),
               "export_query": encoded}
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request
    response = render(request, f"{T}list.html#results" if fragment else f"{T}list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@perm_required(Perm.UNITS_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    """The filtered status list as xlsx; the export itself is audited."""
    form, year, rows, counts = _status(request)
    cap = settings.BIANBAN["EXPORT_MAX_ROWS"]
    if len(rows) > cap:
        messages.error(request, f"共 {len(rows)} 个单位，超过单次导出上限 {cap} 条，请缩小范围")
        return redirect("registration:annual_list")
    filters = {k: v for k, v in form.filters().items() if k != "year" and v}
    services.annual_report_export(actor=request.user, year=year, count=len(rows), filters=filters)
    response = HttpResponse(status_workbook(year, rows, counts), content_type=XLSX)
    name = f"{year}年度报告报送情况-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _actions(request: HttpRequest, report: AnnualReport) -> dict[str, bool]:
    """What the reader may do with the report now (the services check again)."""
    registration = report.registration
    institution = unit_allows(request.user, Perm.UNITS_CHANGE, registration.unit)
    sponsor = unit_allows(request.user, Perm.UNITS_CHANGE, registration.sponsor)
    editable = report.status in services.EDITABLE
    return {"edit": institution and editable, "submit": institution and editable,
            "sponsor_approve": sponsor and report.status == S.SUBMITTED,
            "publish": institution and report.status == S.SPONSOR_APPROVED,
            "return": institution and report.status in (S.SUBMITTED, S.SPONSOR_APPROVED)}


def _steps(report: AnnualReport) -> list[tuple[str, Any, bool]]:
    """The flow of domain.md §3.4 as (step, date, done)."""
    return [("单位填报", report.created_at.date(), True),
            ("提交举办单位审查", report.submitted_on, report.submitted_on is not None),
            ("举办单位审查通过", report.sponsor_reviewed_on, report.sponsor_reviewed_on is not None),
            ("登记机关审查、公示", report.published_on, report.published_on is not None)]


def _detail(request: HttpRequest, report: AnnualReport, return_form: ReturnForm | None = None,
            status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    row = selectors.row_for(report.registration, report, report.year, today)
    return render(request, f"{T}detail.html", {
        "report": report, "registration": report.registration, "row": row, "actions": _actions(request, report),
        "steps": _steps(report), "missing": services.missing_contents(report) if report.status in services.EDITABLE
        else {}, "roster_count": services.staff_count_on(report.registration, report.year),
        "return_form": return_form or ReturnForm()}, status=status)


@perm_required(Perm.UNITS_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


@perm_required(Perm.UNITS_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    """Open a year's report (?registration=&year= prefill it from the status list)."""
    today = timezone.localdate()
    initial = {"year": request.GET.get("year") or selectors.default_year(today),
               "registration": request.GET.get("registration")}
    form = CreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.annual_report_create(actor=request.user, registration=form.cleaned_data["registration"],
                                                   year=form.cleaned_data["year"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新建{report.registration.name}{report.year}年度报告，请填写报告内容")
            return redirect("registration:annual_edit", pk=report.pk)
    return render(request, f"{T}create.html", {"form": form}, status=422 if request.method == "POST" else 200)


@perm_required(Perm.UNITS_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Perm.UNITS_CHANGE)
    if report.status not in services.EDITABLE:
        messages.error(request, f"年度报告{report.get_status_display()}，不能修改")
        return redirect("registration:annual_detail", pk=pk)
    form = ContentsForm(request.POST or None, initial=ContentsForm.initial_from(report))
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_report_update(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存年度报告内容")
            return redirect("registration:annual_detail", pk=pk)
    return render(request, f"{T}form.html", {"form": form, "report": report,
                                             "roster_count": services.staff_count_on(report.registration, report.year)},
                  status=422 if request.method == "POST" else 200)


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report(request, pk)
    done = {"submit": "已提交举办单位审查", "sponsor_approve": "举办单位审查已通过，已报登记机关",
            "publish": "年度报告已公示", "return": "已退回单位修改"}
    return_form = ReturnForm(request.POST) if action == "return" else None
    try:
        if action == "submit":
            services.annual_report_submit(actor=request.user, report=report)
        elif action == "sponsor_approve":
            services.annual_report_sponsor_approve(actor=request.user, report=report)
        elif action == "publish":
            services.annual_report_publish(actor=request.user, report=report)
        else:
            assert return_form is not None
            if not return_form.is_valid():
                return _detail(request, report, return_form, status=422)
            services.annual_report_return(actor=request.user, report=report,
                                          reason=return_form.cleaned_data["reason"])
    except DomainError as exc:
        if return_form is not None:
            return_form.add_domain_error(exc)
            return _detail(request, _report(request, pk), return_form, status=422)
        messages.error(request, exc.message)
    else:
        messages.success(request, done[action])
    return redirect("registration:annual_detail", pk=pk)


@require_POST
@perm_required(Perm.UNITS_CHANGE)
def submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "submit")


@require_POST
@perm_required(Perm.UNITS_CHANGE)
def sponsor_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "sponsor_approve")


@require_POST
@perm_required(Perm.UNITS_CHANGE)
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "publish")


@require_POST
@perm_required(Perm.UNITS_CHANGE)
def return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")
