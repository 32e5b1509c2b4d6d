"""Key-date pages (廉政重要节点): the year's list with reminder dates, assignees, done state, the integrity talks of
each window and the year's talk 人次; generating the year's holidays; custom dates; marking one done."""

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
from bianban.core.workdays import is_covered
from bianban.duties.integrity import selectors, services
from bianban.duties.integrity.forms import DoneForm, GenerateForm, KeyDateForm
from bianban.duties.models import KeyDate
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.choices import TalkKind
from bianban.party.models import Branch


def _branch(request: HttpRequest, perm: str = Perm.PARTY_VIEW) -> Branch | None:
    """The branch of ?branch= (404 outside the user's scope), else the user's first visible one."""
    key = request.GET.get("branch") or request.POST.get("branch")
    try:
        if key:
            return branch_get_for_user(request.user, key, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return branches_for_user(request.user, perm).order_by("pk").first()


def _key_date(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> KeyDate:
    try:
        return selectors.keydate_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _index_url(branch: Branch, year: int) -> str:
    return f"{reverse('duties:keydate_index')}?branch={branch.pk}&year={year}"


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    branch = _branch(request)
    if branch is None:
        return render(request, "duties/integrity/index.html", {"branch": None})
    year = _year(request)
    key_dates = list(selectors.keydates_for_user(request.user, branch=branch, year=year))
    rows = selectors.keydate_rows(key_dates)
    counts = selectors.integrity_talk_counts(branch, year)
    can_change = unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)
    context = {
        "branch": branch, "year": year, "years": selectors.keydate_years(branch), "covered": is_covered(year),
        "branches": branches_for_user(request.user).order_by("pk"), "can_change": can_change,
        "counts": [(kind.label, counts[kind.value], counts[f"{kind.value}_talks"], kind.value)
                   for kind in (TalkKind.INTEGRITY, TalkKind.REMINDER)],
        "overdue": sum(1 for r in rows if r.overdue),
        "generate_form": GenerateForm(branch=branch, initial={"year": year}) if can_change else None,
        **paginate(request, rows),
    }
    return render(request, "duties/integrity/index.html", context)


def _form_page(request: HttpRequest, form: Any, branch: Branch, title: str, action: str, cancel: str,
               status: int = 200) -> HttpResponse:
    return render(request, "duties/integrity/form.html",
                  {"form": form, "branch": branch, "title": title, "action": action, "cancel": cancel},
                  status=status)


@perm_required(Perm.PARTY_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    branch = _branch(request, Perm.PARTY_CHANGE)
    if branch is None:
        raise Http404("没有可维护的党支部")
    form = KeyDateForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            key_date = services.keydate_create(actor=request.user, branch=branch, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记节点“{key_date.name}”，提醒日期 {key_date.remind_on:%Y-%m-%d}")
            return redirect(_index_url(branch, selectors.keydate_year(key_date)))
    action = f"{reverse('duties:keydate_create')}?branch={branch.pk}"
    return _form_page(request, form, branch, "登记廉政节点", action, _index_url(branch, _year(request)),
                      status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    key_date = _key_date(request, pk, Perm.PARTY_CHANGE)
    branch = key_date.branch
    form = KeyDateForm(request.POST or None, branch=branch, initial=KeyDateForm.initial_from(key_date))
    if request.method == "POST" and form.is_valid():
        try:
            services.keydate_update(actor=request.user, key_date=key_date, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对节点的修改")
            return redirect(_index_url(branch, selectors.keydate_year(key_date)))
    cancel = _index_url(branch, selectors.keydate_year(key_date))
    return _form_page(request, form, branch, f"修改节点：{key_date}", reverse("duties:keydate_edit", args=[pk]),
                      cancel, status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_CHANGE)
def done_view(request: HttpRequest, pk: int) -> HttpResponse:
    key_date = _key_date(request, pk, Perm.PARTY_CHANGE)
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.keydate_mark_done(actor=request.user, key_date=key_date, done_on=form.cleaned_data["done_on"],
                                       note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已标记“{key_date.name}”的廉政提醒为已落实")
            return redirect(_index_url(key_date.branch, selectors.keydate_year(key_date)))
    cancel = _index_url(key_date.branch, selectors.keydate_year(key_date))
    return _form_page(request, form, key_date.branch, f"标记已落实：{key_date}",
                      reverse("duties:keydate_done", args=[pk]), cancel,
                      status=422 if request.method == "POST" else 200)


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    key_date = _key_date(request, pk, Perm.PARTY_CHANGE)
    branch, year = key_date.branch, selectors.keydate_year(key_date)
    services.keydate_delete(actor=request.user, key_date=key_date)
    messages.success(request, f"已删除节点“{key_date.name}”")
    return redirect(_index_url(branch, year))


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def generate_view(request: HttpRequest) -> HttpResponse:
    """Generate the year's holiday key dates; what was skipped (already there, reminder date past, not computable)
    is said in the message."""
    branch = _branch(request, Perm.PARTY_CHANGE)
    if branch is None:
        raise Http404("没有可维护的党支部")
    form = GenerateForm(request.POST, branch=branch)
    if form.is_valid():
        try:
            result = services.keydates_generate(actor=request.user, branch=branch, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            level = messages.SUCCESS if result.created else messages.WARNING
            messages.add_message(request, level, result.message)
            return redirect(_index_url(branch, form.cleaned_data["year"]))
    year = form.cleaned_data.get("year") or _year(request)
    return _form_page(request, form, branch, f"生成{year}年节假日节点",
                      f"{reverse('duties:keydate_generate')}?branch={branch.pk}", _index_url(branch, year),
                      status=422)
