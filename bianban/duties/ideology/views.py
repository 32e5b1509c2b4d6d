"""Ideology pages (意识形态): the risk register with filters and overdue flags, beside the year's calendar of
sensitive periods and 研判会; a point's page with its reviews; recording a review at a 研判会; closing and reopening
a point; a 研判会's page (which points it reviewed); sensitive periods."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.duties.choices import RiskStatus
from bianban.duties.ideology import selectors, services
from bianban.duties.ideology.forms import (
    RiskCloseForm,
    RiskFilterForm,
    RiskForm,
    RiskReopenForm,
    RiskReviewForm,
    SensitivePeriodForm,
)
from bianban.duties.models import RiskPoint, SensitivePeriod
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.models import Branch


def _get(getter: Any, request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Any:
    try:
        return getter(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _branch(request: HttpRequest, perm: str = Perm.PARTY_VIEW) -> Branch | None:
    """The branch of ?branch= (404 outside the user's scope), else the user's first visible one."""
    key = request.GET.get("branch") or request.POST.get("branch")
    try:
        if key:
            return branch_get_for_user(request.user, key, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return branches_for_user(request.user, perm).order_by("pk").first()


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _index_url(branch: Branch, year: int | None = None) -> str:
    return f"{reverse('duties:risk_index')}?branch={branch.pk}&year={year or timezone.localdate().year}"


def _form_page(request: HttpRequest, form: Any, branch: Branch, title: str, action: str, cancel: str,
               intro: str = "") -> HttpResponse:
    return render(request, "duties/ideology/form.html",
                  {"form": form, "branch": branch, "title": title, "action": action, "cancel": cancel,
                   "intro": intro}, status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    branch = _branch(request)
    if branch is None:
        return render(request, "duties/ideology/index.html", {"branch": None})
    year = _year(request)
    search = RiskFilterForm(request.GET or None)
    points = selectors.risk_points_for_user(request.user, branch=branch, **search.filters())
    held = list(selectors.meetings(branch, year))
    periods = list(selectors.sensitive_periods_for_user(request.user, branch=branch, year=year))
    context = {
        "branch": branch, "year": year, "search": search, "branches": branches_for_user(request.user).order_by("pk"),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit),
        "overdue_count": selectors.risk_points_for_user(request.user, branch=branch, overdue=True).count(),
        "months": selectors.year_calendar(periods, held, year), "meetings": held, "periods": periods,
        **paginate(request, points.order_by("status", "-is_overdue", "next_review_on", "pk")),
    }
    return render(request, "duties/ideology/index.html", context)


@perm_required(Perm.PARTY_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    point = _get(selectors.risk_get_for_user, request, pk)
    return render(request, "duties/ideology/detail.html", {
        "point": point, "reviews": selectors.risk_reviews(point),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, point.branch.unit),
        "watched": point.status == RiskStatus.WATCHED})


@perm_required(Perm.PARTY_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    branch = _branch(request, Perm.PARTY_CHANGE)
    if branch is None:
        raise Http404("没有可维护的党支部")
    form = RiskForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_create(actor=request.user, branch=branch, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记风险点“{point.title}”")
            return redirect("duties:risk_detail", pk=point.pk)
    return _form_page(request, form, branch, "登记意识形态风险点",
                      f"{reverse('duties:risk_create')}?branch={branch.pk}", _index_url(branch))


@perm_required(Perm.PARTY_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    point: RiskPoint = _get(selectors.risk_get_for_user, request, pk, Perm.PARTY_CHANGE)
    form = RiskForm(request.POST or None, branch=point.branch, initial=RiskForm.initial_from(point))
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_update(actor=request.user, risk_point=point, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对风险点的修改")
            return redirect("duties:risk_detail", pk=pk)
    detail = reverse("duties:risk_detail", args=[pk])
    return _form_page(request, form, point.branch, f"修改风险点：{point.title}",
                      reverse("duties:risk_edit", args=[pk]), detail)


@perm_required(Perm.PARTY_CHANGE)
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    point: RiskPoint = _get(selectors.risk_get_for_user, request, pk, Perm.PARTY_CHANGE)
    form = RiskReviewForm(request.POST or None, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_review(actor=request.user, risk_point=point, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记对“{point.title}”的研判")
            return redirect("duties:risk_detail", pk=pk)
    return _form_page(request, form, point.branch, f"研判：{point.title}", reverse("duties:risk_review", args=[pk]),
                      reverse("duties:risk_detail", args=[pk]),
                      intro=f"当前等级：{point.get_level_display()}；下次研判：{point.next_review_on:%Y-%m-%d}")


@perm_required(Perm.PARTY_CHANGE)
def close_view(request: HttpRequest, pk: int) -> HttpResponse:
    point: RiskPoint = _get(selectors.risk_get_for_user, request, pk, Perm.PARTY_CHANGE)
    form = RiskCloseForm(request.POST or None, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_close(actor=request.user, risk_point=point, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"风险点“{point.title}”已解除")
            return redirect("duties:risk_detail", pk=pk)
    return _form_page(request, form, point.branch, f"解除风险：{point.title}", reverse("duties:risk_close", args=[pk]),
                      reverse("duties:risk_detail", args=[pk]))


@perm_required(Perm.PARTY_CHANGE)
def reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    point: RiskPoint = _get(selectors.risk_get_for_user, request, pk, Perm.PARTY_CHANGE)
    form = RiskReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_reopen(actor=request.user, risk_point=point, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"风险点“{point.title}”已恢复监测")
            return redirect("duties:risk_detail", pk=pk)
    return _form_page(request, form, point.branch, f"恢复监测：{point.title}",
                      reverse("duties:risk_reopen", args=[pk]), reverse("duties:risk_detail", args=[pk]))


@perm_required(Perm.PARTY_VIEW)
def meeting_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    """A 研判会 and the points it reviewed."""
    try:
        activity = selectors.meeting_get_for_user(request.user, activity_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(request, "duties/ideology/meeting.html",
                  {"activity": activity, "reviews": selectors.meeting_reviews(activity)})


@perm_required(Perm.PARTY_CHANGE)
def sensitive_create_view(request: HttpRequest) -> HttpResponse:
    branch = _branch(request, Perm.PARTY_CHANGE)
    if branch is None:
        raise Http404("没有可维护的党支部")
    form = SensitivePeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.sensitive_period_create(actor=request.user, branch=branch, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记敏感时期“{period.name}”")
            return redirect(_index_url(branch, period.starts_on.year))
    return _form_page(request, form, branch, "登记敏感时期", f"{reverse('duties:sensitive_create')}?branch={branch.pk}",
                      _index_url(branch))


@perm_required(Perm.PARTY_CHANGE)
def sensitive_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    period: SensitivePeriod = _get(selectors.sensitive_get_for_user, request, pk, Perm.PARTY_CHANGE)
    form = SensitivePeriodForm(request.POST or None, initial=SensitivePeriodForm.initial_from(period))
    if request.method == "POST" and form.is_valid():
        try:
            services.sensitive_period_update(actor=request.user, period=period, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对敏感时期的修改")
            return redirect(_index_url(period.branch, period.starts_on.year))
    return _form_page(request, form, period.branch, f"修改敏感时期：{period.name}",
                      reverse("duties:sensitive_edit", args=[pk]), _index_url(period.branch, period.starts_on.year))


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def sensitive_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    period: SensitivePeriod = _get(selectors.sensitive_get_for_user, request, pk, Perm.PARTY_CHANGE)
    branch, year = period.branch, period.starts_on.year
    services.sensitive_period_delete(actor=request.user, period=period)
    messages.success(request, f"已删除敏感时期“{period.name}”")
    return redirect(_index_url(branch, year))
