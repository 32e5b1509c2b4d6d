"""Filing pages: the list with the next legal deadline and a 逾期 badge, one filing (timeline, materials, deadline,
the steps allowed now), recording a 设立/变更/注销, recording a step (confirmation page, plain POST) and ticking
materials. Thin views: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm, unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.registration.choices import FilingKind, FilingStatus
from bianban.registration.filings import checklists, selectors, services
from bianban.registration.filings.forms import CREATE_FORMS, FilingFilterForm, MaterialsForm, TransitionForm
from bianban.registration.filings.validation import ITEM_LABELS
from bianban.registration.models import Filing

T = "registration/filings/"
S = FilingStatus


def _filing(request: HttpRequest, pk: int, perm: str = Perm.UNITS_VIEW) -> Filing:
    try:
        return selectors.filing_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _label(filing: Filing) -> Filing:
    filing.status_label = services.status_label(filing)
    return filing


@perm_required(Perm.UNITS_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    form = FilingFilterForm(request.GET or None)
    qs = selectors.filings_for_user(request.user, **form.filters())
    page = paginate(request, qs)
    today = timezone.localdate()
    for filing in selectors.annotate_deadlines(page["page_obj"], today):
        _label(filing)
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request
    context = {"search": form, **page, "today": today, "can_change": has_perm(request.user, Perm.UNITS_CHANGE)}
    response = render(request, f"{T}list.html#results" if fragment else f"{T}list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _changes(filing: Filing) -> list[dict[str, Any]]:
    from bianban.registration.filings.effects import shown

    return [{"label": ITEM_LABELS.get(item, item), "old": shown(item, old), "new": shown(item, new)}
            for item, (old, new) in filing.changes.items()]


@perm_required(Perm.UNITS_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _label(_filing(request, pk))
    today = timezone.localdate()
    selectors.annotate_deadlines([filing], today)
    can_change = unit_allows(request.user, Perm.UNITS_CHANGE, filing.unit)
    ticked = set(filing.materials)
    checklist = [{"key": key, "label": label, "ticked": key in ticked}
                 for key, label in checklists.checklist(filing.kind, filing.changes)]
    steps = [{"to": to, "label": services.step_label(filing, to)} for to in services.next_steps(filing)]
    context = {
        "filing": filing, "events": selectors.filing_events(filing), "checklist": checklist,
        "materials_open": can_change and filing.status in (S.LIQUIDATING, S.APPLIED),
        "steps": steps if can_change else [], "can_change": can_change, "changes": _changes(filing),
        "proposed": filing.proposed, "today": today,
    }
    return render(request, f"{T}detail.html", context)


@perm_required(Perm.UNITS_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or FilingKind.CHANGE
    if kind not in CREATE_FORMS:
        raise Http404("没有这种登记类型")
    initial: dict[str, Any] = {}
    if request.GET.get("registration"):
        initial["registration"] = request.GET["registration"]
    form = CREATE_FORMS[kind](request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()  # type: ignore[attr-defined]
        create = {FilingKind.ESTABLISH: services.filing_create_establish, FilingKind.CHANGE:
                  services.filing_create_change, FilingKind.CANCEL: services.filing_create_cancel}[kind]
        try:
            filing = create(actor=request.user, **kwargs)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记“{filing}”")
            return redirect("registration:filing_detail", pk=filing.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "kind": kind, "kinds": FilingKind.choices}
    return render(request, f"{T}form.html", context, status=status)


def step_fields(filing: Filing, to_status: str) -> list[str]:
    """The inputs one step needs, beyond its date."""
    fields = ["on"]
    if filing.status == S.LIQUIDATING and to_status == S.APPLIED and not filing.occurred_on:
        fields.append("liquidation_ended_on")
    if to_status == S.APPROVED:
        if filing.kind == FilingKind.ESTABLISH:
            fields += ["uscc", "uscc_checksum_reason"]
        fields.append("document_no")
    if to_status == S.CERTIFIED and filing.kind != FilingKind.CANCEL:
        fields.append("certificate_number")
    return [*fields, "note"]


@perm_required(Perm.UNITS_CHANGE)
def transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET ?to=<status>: the confirmation page; POST: record the step."""
    filing = _label(_filing(request, pk, Perm.UNITS_CHANGE))
    to_status = request.POST.get("to_status") or request.GET.get("to") or ""
    if to_status not in services.next_steps(filing):
        raise Http404("该申请当前不能办理此步骤")
    initial = {"to_status": to_status, "expected_status": filing.status, "on": timezone.localdate(),
               "uscc": filing.proposed.get("uscc", "")}
    form = TransitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_transition(actor=request.user, filing=filing, **form.service_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已记录：{services.step_label(filing, to_status)}")
            return redirect("registration:filing_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    shown = [form[name] for name in step_fields(filing, to_status)]
    context = {"form": form, "filing": filing, "shown": shown, "step": services.step_label(filing, to_status),
               "destructive": to_status in services.REASON_REQUIRED}
    return render(request, f"{T}transition.html", context, status=status)


@require_POST
@perm_required(Perm.UNITS_CHANGE)
def materials_view(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing(request, pk, Perm.UNITS_CHANGE)
    form = MaterialsForm(request.POST, checklist=checklists.checklist(filing.kind, filing.changes))
    if not form.is_valid():
        messages.error(request, "；".join(m for msgs in form.errors.values() for m in msgs))
    else:
        try:
            services.filing_materials_set(actor=request.user, filing=filing,
                                          materials=form.cleaned_data["materials"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存材料清单")
    return redirect("registration:filing_detail", pk=pk)
