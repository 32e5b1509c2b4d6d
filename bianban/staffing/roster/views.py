"""Roster pages: the blank template, the upload form (the work runs as a task), the run's status page that polls
itself with htmx until the run is finished, the list of past runs, the files of a run, and the export."""

from io import BytesIO

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.staffing.roster import selectors, services
from bianban.staffing.roster.exporter import roster_export, roster_file_download
from bianban.staffing.roster.forms import RosterUploadForm
from bianban.staffing.roster.models import RosterImport
from bianban.staffing.roster.reader import max_bytes
from bianban.staffing.roster.sheets import template_workbook
from bianban.staffing.roster.tasks import run_roster_import
from bianban.units import selectors as unit_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)


def _get_import(request: HttpRequest, pk: int) -> RosterImport:
    try:
        return selectors.import_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


@perm_required(Perm.UNITS_VIEW)
def template_view(request: HttpRequest) -> HttpResponse:
    return _xlsx(template_workbook(), "实名制花名册模板.xlsx")


@perm_required(Perm.STAFFING_CHANGE)
def upload_view(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.roster_import_request(actor=request.user, upload=form.cleaned_data["file"],
                                                 dry_run=form.dry_run)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            run_roster_import.enqueue(job.pk)
            messages.success(request, f"已上传“{job.original_name}”，正在{'校验' if job.dry_run else '校验并导入'}")
            return redirect("roster:import_detail", pk=job.pk)
    return render(request, "staffing/roster/upload.html", {"form": form, "max_mb": max_bytes() // 1048576})


@perm_required(Perm.STAFFING_CHANGE)
def imports_view(request: HttpRequest) -> HttpResponse:
    return render(request, "staffing/roster/imports.html", paginate(request, selectors.imports_for_user(request.user)))


@perm_required(Perm.STAFFING_CHANGE)
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    context = {"job": job}
    if request.htmx:
        return render(request, "staffing/roster/import_detail.html#status", context)
    return render(request, "staffing/roster/import_detail.html", context)


@perm_required(Perm.STAFFING_CHANGE)
def import_errors_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if not job.error_file:
        raise Http404("没有错误标注工作簿")
    stem = job.original_name.rsplit(".", 1)[0]
    handle = job.error_file.open("rb")
    roster_file_download(actor=request.user, job=job, error_file=True)
    return FileResponse(handle, as_attachment=True, filename=f"{stem}-错误标注.xlsx", content_type=XLSX)


@perm_required(Perm.STAFFING_CHANGE)
def import_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    handle = job.file.open("rb")
    roster_file_download(actor=request.user, job=job)
    return FileResponse(handle, as_attachment=True, filename=job.original_name, content_type=XLSX)


@perm_required(Perm.UNITS_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    try:
        unit = unit_selectors.unit_get_for_user(request.user, int(request.GET.get("unit", "")), Perm.UNITS_VIEW)
    except (ValueError, NotFound):
        raise Http404("机构不存在或无权访问") from None
    include_descendants = request.GET.get("descendants", "1") not in ("0", "false", "")
    content = roster_export(actor=request.user, unit=unit, include_descendants=include_descendants)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(content, f"{unit.name}-实名制花名册-{stamp}.xlsx")

