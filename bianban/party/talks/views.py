"""Talk pages: the list with filters and 人次 counts, recording and correcting a talk (one talker, several talked-to,
optionally a problem for the ledger), a talk's page, and the year's coverage of 条例第十九条's pairs."""

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
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.choices import TalkKind
from bianban.party.models import Branch, Talk
from bianban.party.talks import selectors, services
from bianban.party.talks.forms import CoverageYearForm, TalkCreateForm, TalkFilterForm, TalkForm, TalkProblemForm


def _talk(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Talk:
    try:
        return selectors.talk_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _branch(request: HttpRequest, key: Any, perm: str = Perm.PARTY_VIEW) -> Branch:
    try:
        return branch_get_for_user(request.user, key, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _kind_counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(kind, label, 人次) in the kinds' order, for the templates."""
    return [(value, label, counts[value]) for value, label in TalkKind.choices]


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@perm_required(Perm.PARTY_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    form = TalkFilterForm(request.GET or None, user=request.user)
    qs = selectors.talks_for_user(request.user, **form.filters()).order_by("-held_on", "-pk")
    counts = selectors.talk_counts_of(qs)
    branches = list(branches_for_user(request.user))
    context = {"search": form, "counts": counts, "kind_counts": _kind_counts(counts), **paginate(request, qs),
               "branches": branches, "can_create": has_perm(request.user, Perm.PARTY_CHANGE),
               "year": timezone.localdate().year}
    template = "party/talks/list.html#results" if _fragment(request) else "party/talks/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@perm_required(Perm.PARTY_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("branch") or request.POST.get("branch")
    if not key:
        branches = list(branches_for_user(request.user, Perm.PARTY_CHANGE))
        if len(branches) != 1:
            return render(request, "party/talks/choose_branch.html", {"branches": branches})
        key = branches[0].pk
    branch = _branch(request, key, Perm.PARTY_CHANGE)
    form = TalkCreateForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            talk = services.talk_create_with_problem(actor=request.user, branch=branch, problem=form.problem(),
                                                     **form.talk_values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            note = "，并已登记到问题台账" if talk.problem_id else ""
            messages.success(request, f"已登记谈话“{talk.topic}”{note}")
            return redirect("party:talk_detail", pk=talk.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "party/talks/form.html", {"form": form, "branch": branch}, status=status)


@perm_required(Perm.PARTY_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    talk = _talk(request, pk, Perm.PARTY_CHANGE)
    form = TalkForm(request.POST or None, branch=talk.branch, initial=TalkForm.initial_from(talk))
    if request.method == "POST" and form.is_valid():
        try:
            services.talk_update(actor=request.user, talk=talk, **form.talk_values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存对谈话记录的修改")
            return redirect("party:talk_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "party/talks/form.html", {"form": form, "branch": talk.branch, "talk": talk},
                  status=status)


def _detail_context(request: HttpRequest, talk: Talk, problem_form: TalkProblemForm | None = None) -> dict[str, Any]:
    talker, talked = selectors.talk_roles(talk)
    can_change = unit_allows(request.user, Perm.PARTY_CHANGE, talk.branch.unit)
    return {"talk": talk, "talker": talker, "talked": talked, "can_change": can_change,
            "can_raise": can_change and talk.problem_id is None
            and unit_allows(request.user, Perm.LEDGER_CHANGE, talk.branch.unit),
            "can_see_problem": talk.problem_id is not None
            and unit_allows(request.user, Perm.UNITS_VIEW, talk.problem.unit if talk.problem else None),
            "problem_form": problem_form or TalkProblemForm(initial={"problem_category": "party"})}


@perm_required(Perm.PARTY_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    talk = _talk(request, pk)
    return render(request, "party/talks/detail.html", _detail_context(request, talk))


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def problem_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the problem a recorded talk brought to light (问题台账) and link it to the talk."""
    talk = _talk(request, pk, Perm.PARTY_CHANGE)
    form = TalkProblemForm(request.POST)
    if form.is_valid():
        try:
            services.talk_raise_problem(actor=request.user, talk=talk, draft=form.draft())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已将问题登记到问题台账")
            return redirect("party:talk_detail", pk=pk)
    return render(request, "party/talks/detail.html", _detail_context(request, talk, form), status=422)


@perm_required(Perm.PARTY_VIEW)
def coverage_view(request: HttpRequest, branch_id: int) -> HttpResponse:
    branch = _branch(request, branch_id)
    year_form = CoverageYearForm(request.GET or None)
    year = year_form.year_or_current()
    coverage = selectors.talk_coverage(branch, year)
    context = {"branch": branch, "year": year, "coverage": coverage, "matrix": coverage.matrix(),
               "kind_counts": _kind_counts(selectors.talk_counts(branch, year)),
               **paginate(request, coverage.gaps)}
    return render(request, "party/talks/coverage.html", context)
