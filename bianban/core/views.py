"""core's pages: the audit trail and the working-day calendar."""

from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bianban.core import selectors, services
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.core.pagination import paginate
from bianban.core.workdays import is_covered


@perm_required("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "").strip()
    events = selectors.audit_events_for_user(request.user, action=action)
    return render(request, "core/audit.html", {"action": action, **paginate(request, events)})


class WorkdayOverrideForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label="调整为", choices=[("1", "工作日（调休上班）"), ("0", "休息日（放假）")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="说明", max_length=100, required=False, help_text="如：国办发明电〔2026〕X号")


@perm_required("accounts.manage")
def workday_list(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or date.today().year)
    except ValueError:
        year = date.today().year
    form = WorkdayOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.workday_override_set(actor=request.user, day=form.cleaned_data["date"],
                                          is_workday=form.cleaned_data["is_workday"], note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存日期调整")
            return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    overrides = selectors.workday_overrides_for_user(request.user, year)
    return render(request, "core/workdays.html",
                  {"form": form, "year": year, "overrides": overrides, "covered": is_covered(year)})


@perm_required("accounts.manage")
@require_POST
def workday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.workday_override_delete(actor=request.user, override_id=pk)
        messages.success(request, "已删除日期调整")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("core:workdays")
