"""Registration pages: the register with filters, one institution's registration (登记事项, certificates, and the
filings and annual reports about it), registering an existing institution, the office's corrections, issuing and
collecting certificates, the xlsx import (all or nothing, with an error workbook) and the audited export."""

import base64
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm, unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.registration.choices import RegistrationStatus
from bianban.registration.models import Certificate, Registration
from bianban.registration.registrations import importer, selectors, services, validation, workbooks
from bianban.registration.registrations.forms import (
    CertificateCollectForm,
    CertificateIssueForm,
    ImportForm,
    RegistrationCorrectForm,
    RegistrationCreateForm,
    RegistrationFilterForm,
)
from bianban.staffing.roster.reader import max_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
T = "registration/registrations/"
ERRORBOOK_SESSION_KEY = "registration_import_errors"
ERRORBOOK_MAX_BYTES = 2 * 1024 * 1024  # kept in the session until downloaded; larger ones are listed on the page


def _registration(request: HttpRequest, pk: int, perm: str = Perm.UNITS_VIEW) -> Registration:
    try:
        return selectors.registration_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    try:
        return selectors.certificate_get_for_user(request.user, pk, Perm.UNITS_CHANGE)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _search(request: HttpRequest) -> tuple[RegistrationFilterForm, Any, dict[str, Any]]:
    form = RegistrationFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return form, selectors.registrations_for_user(request.user, **filters), filters


@perm_required(Perm.UNITS_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    form, qs, _ = _search(request)
    htmx = getattr(request, "htmx", None)
    page = paginate(request, qs)
    today = timezone.localdate()
    for reg in page["page_obj"]:  # the page's objects, kept by the Page, so the template sees the flag
        active = reg.status == RegistrationStatus.ACTIVE
        reg.expiry = selectors.expiry_state(reg.current_valid_until, today) if active else ""
    context = {"search": form, **page, "today": today,
               "renewal_days": selectors.renewal_days(), "can_change": has_perm(request.user, Perm.UNITS_CHANGE),
               "export_query": request.GET.urlencode()}
    fragment = bool(htmx) and not htmx.history_restore_request
    response = render(request, f"{T}list.html#results" if fragment else f"{T}list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@perm_required(Perm.UNITS_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    today = timezone.localdate()
    certificates = list(selectors.certificates_of(registration))
    for cert in certificates:
        current = cert.is_current and registration.status == RegistrationStatus.ACTIVE
        cert.expiry = selectors.expiry_state(cert.valid_until, today) if current else ""
    can_change = unit_allows(request.user, Perm.UNITS_CHANGE, registration.unit)
    context = {
        "registration": registration, "certificates": certificates, "can_change": can_change,
        "is_active": registration.status == RegistrationStatus.ACTIVE,
        # R2's filings and R3's annual reports about this registration, newest first.
        "filings": registration.filings.order_by("-applied_on", "-created_at", "-pk"),
        "annual_reports": registration.annual_reports.order_by("-year", "-pk"),
    }
    return render(request, f"{T}detail.html", context)


@perm_required(Perm.UNITS_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    initial = {"authority": validation.default_authority()}
    form = RegistrationCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记“{registration.name}”")
            return redirect("registration:registration_detail", pk=registration.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, f"{T}form.html", {"form": form}, status=status)


@perm_required(Perm.UNITS_CHANGE)
def correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk, Perm.UNITS_CHANGE)
    initial = {name: getattr(registration, name) for name in services.FIELDS}
    form = RegistrationCorrectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        data["authority"] = data["authority"] or registration.authority
        try:
            services.registration_correct(actor=request.user, registration=registration, reason=reason, **data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存更正")
            return redirect("registration:registration_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, f"{T}form.html", {"form": form, "registration": registration}, status=status)


@perm_required(Perm.UNITS_CHANGE)
def certificate_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk, Perm.UNITS_CHANGE)
    form = CertificateIssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            cert = services.certificate_issue(actor=request.user, registration=registration, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记证书{cert.number}，有效期至{cert.valid_until:%Y-%m-%d}")
            return redirect("registration:registration_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    current = registration.certificates.filter(is_current=True).first()
    return render(request, f"{T}certificate_issue.html",
                  {"form": form, "registration": registration, "current": current}, status=status)


@perm_required(Perm.UNITS_CHANGE)
def certificate_collect_view(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    held = [key for key, (field, _) in services.COPIES.items() if getattr(cert, field) == "held"]
    form = CertificateCollectForm(request.POST or None, initial={"on": timezone.localdate(), "copies": held})
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_collect(actor=request.user, certificate=cert, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已记录收缴证书{cert.number}")
            return redirect("registration:registration_detail", pk=cert.registration_id)
    status = 422 if request.method == "POST" else 200
    return render(request, f"{T}certificate_collect.html", {"form": form, "certificate": cert}, status=status)


@perm_required(Perm.UNITS_CHANGE)
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "max_mb": max_bytes() // 1048576}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importer.registration_import(actor=request.user, upload=upload)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if result.ok:
                messages.success(request, f"已导入{result.registrations}个事业单位的登记信息、"
                                          f"{result.certificates}份证书")
                return redirect("registration:registration_list")
            context["result"] = result
            upload.seek(0)
            book = workbooks.error_workbook(importer.read_table(upload.read()), result.errors) if \
                result.rows else b""
            if book and len(book) <= ERRORBOOK_MAX_BYTES:
                request.session[ERRORBOOK_SESSION_KEY] = base64.b64encode(book).decode()
                context["errorbook"] = True
    status = 422 if request.method == "POST" else 200
    return render(request, f"{T}import.html", context, status=status)


@perm_required(Perm.UNITS_CHANGE)
def import_errors_view(request: HttpRequest) -> HttpResponse:
    encoded = request.session.get(ERRORBOOK_SESSION_KEY)
    if not encoded:
        raise Http404("没有错误标注工作簿，请重新上传")
    return FileResponse(BytesIO(base64.b64decode(encoded)), as_attachment=True,
                        filename="事业单位登记导入-错误标注.xlsx", content_type=XLSX)


@perm_required(Perm.UNITS_VIEW)
def import_template_view(request: HttpRequest) -> HttpResponse:
    return _xlsx(workbooks.template_workbook(), "事业单位登记导入模板.xlsx")


@perm_required(Perm.UNITS_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    _, qs, filters = _search(request)
    cap = settings.BIANBAN["EXPORT_MAX_ROWS"]
    total = qs.count()
    if total > cap:
        messages.error(request, f"符合条件的登记有 {total} 条，超过单次导出上限 {cap} 条，请筛选后分批导出")
        return redirect(f"{reverse('registration:registration_list')}?{request.GET.urlencode()}")
    rows = list(qs.prefetch_related("certificates"))
    services.registration_export(actor=request.user, count=len(rows),
                                 filters={k: val for k, val in filters.items() if val not in ("", None)})
    today = timezone.localdate()
    return _xlsx(workbooks.register_workbook(rows, today), f"事业单位登记台账-{today:%Y%m%d}.xlsx")
