"""Compliance pages: the year's calendar (rules × periods, coloured), the rules' settings, and exemptions."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.compliance import selectors, services
from bianban.party.compliance.forms import ExemptionForm, RuleForm, YearForm
from bianban.party.compliance.report import STATE_COLOURS, STATE_LABELS
from bianban.party.models import Branch, ComplianceRule


def _branch(request: HttpRequest, branch_id: int, perm: str = Perm.PARTY_VIEW) -> Branch:
    try:
        return branch_get_for_user(request.user, branch_id, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _rule(branch: Branch, code: str) -> ComplianceRule:
    try:
        return selectors.rule_get(branch, code)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _rules_url(branch: Branch, year: int | None = None) -> str:
    url = reverse("party:compliance_rules", args=[branch.pk])
    return f"{url}?year={year}" if year else url


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    """Straight to the calendar of the user's branch; a choice when they see several."""
    branches = list(branches_for_user(request.user))
    if len(branches) == 1:
        return redirect("party:compliance_year", branch_id=branches[0].pk)
    return render(request, "party/compliance/index.html", {"branches": branches})


@perm_required(Perm.PARTY_VIEW)
def year_view(request: HttpRequest, branch_id: int) -> HttpResponse:
    branch = _branch(request, branch_id)
    year = YearForm(request.GET or None).year_or_current()
    report = selectors.compliance_for_year(branch, year)
    legend = [(STATE_LABELS[s], STATE_COLOURS[s]) for s in STATE_LABELS]
    return render(request, "party/compliance/year.html", {
        "branch": branch, "year": year, "report": report, "months": range(1, 13), "legend": legend,
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)})


@perm_required(Perm.PARTY_VIEW)
def rules_view(request: HttpRequest, branch_id: int) -> HttpResponse:
    branch = _branch(request, branch_id)
    year = YearForm(request.GET or None).year_or_current()
    return render(request, "party/compliance/rules.html", {
        "branch": branch, "year": year, "rules": selectors.rules_of(branch),
        "exemptions": selectors.exemptions_of(branch, year),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)})


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def install_view(request: HttpRequest, branch_id: int) -> HttpResponse:
    """Restore the default rules the branch lacks (domain.md §6.3)."""
    branch = _branch(request, branch_id, Perm.PARTY_CHANGE)
    created = services.rules_install_defaults(actor=request.user, branch=branch)
    messages.success(request, f"已补充 {len(created)} 项默认要求" if created else "默认要求均已存在")
    return redirect(_rules_url(branch))


@perm_required(Perm.PARTY_CHANGE)
def rule_edit_view(request: HttpRequest, branch_id: int, code: str) -> HttpResponse:
    branch = _branch(request, branch_id, Perm.PARTY_CHANGE)
    rule = _rule(branch, code)
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(actor=request.user, rule=rule, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已保存“{form.cleaned_data['title']}”的设置")
            return redirect(_rules_url(branch))
    status = 422 if request.method == "POST" else 200
    return render(request, "party/compliance/rule_form.html", {"form": form, "branch": branch, "rule": rule},
                  status=status)


@perm_required(Perm.PARTY_CHANGE)
def exemption_create_view(request: HttpRequest, branch_id: int, code: str) -> HttpResponse:
    branch = _branch(request, branch_id, Perm.PARTY_CHANGE)
    rule = _rule(branch, code)
    initial: dict[str, Any] = {k: request.GET[k] for k in ("year", "index", "group") if request.GET.get(k)}
    form = ExemptionForm(request.POST or None, rule=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            exemption = services.exemption_create(actor=request.user, rule=rule, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已免除“{rule.title}”{exemption.year}年第{exemption.index}期")
            return redirect(reverse("party:compliance_year", args=[branch.pk]) + f"?year={exemption.year}")
    status = 422 if request.method == "POST" else 200
    return render(request, "party/compliance/exemption_form.html", {"form": form, "branch": branch, "rule": rule},
                  status=status)


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def exemption_delete_view(request: HttpRequest, branch_id: int, pk: int) -> HttpResponse:
    branch = _branch(request, branch_id, Perm.PARTY_CHANGE)
    try:
        exemption = selectors.exemption_get(branch, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    year = exemption.year
    try:
        services.exemption_delete(actor=request.user, exemption=exemption)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销免除")
    return redirect(_rules_url(branch, year))
