"""Branch and member pages: the branch list, a branch's page (details, committee with the 换届 reminder, groups,
members with filters and counts), a member's page with their year, and the forms behind each service.

Reads are scoped by the branch (404 outside it); write pages need 维护党建工作 on the branch (404 without it, so
nothing leaks). Every form POSTs to a service; a refused POST re-renders the form with 422.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm, unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.choices import MemberStatus
from bianban.party.dashboard import branch_dashboard
from bianban.party.members import selectors, services
from bianban.party.members.forms import (
    BranchForm,
    DateForm,
    ExtendProbationForm,
    GroupForm,
    MakeFullForm,
    MemberAdmitForm,
    MemberEditForm,
    MemberFilterForm,
    MemberLeaveForm,
    MemberTransferInForm,
    SeatForm,
    TermForm,
)
from bianban.party.models import Branch, CommitteeMember, CommitteeTerm, Member, PartyGroup

FORM = "party/members/form.html"
DASHBOARD = "party/_branch_dashboard.html"


def _url(name: str, pk: int) -> str:
    return reverse(f"party:{name}", args=[pk])


def _found(getter: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return getter(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _branch(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Branch:
    return _found(branch_get_for_user, request.user, pk, perm)


def _member(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Member:
    return _found(selectors.member_get_for_user, request.user, pk, perm)


def _submit(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], done: Callable[[Any], str],
            success: str, context: dict[str, Any]) -> HttpResponse:
    """The form page's POST: a valid form goes to the service (`call`); success redirects to `done(result)` with a
    message, a refusal is shown on the form with 422."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, success)
            return redirect(done(result))
    status = 422 if request.method == "POST" else 200
    return render(request, FORM, {"form": form, **context}, status=status)


# --- branches ----------------------------------------------------------------------------------------------------


@perm_required(Perm.PARTY_VIEW)
def branch_list_view(request: HttpRequest) -> HttpResponse:
    branches = list(branches_for_user(request.user).filter(dissolved_on__isnull=True))
    if len(branches) == 1:
        return redirect("party:branch_detail", pk=branches[0].pk)
    rows = [{"branch": b, "counts": selectors.member_counts(b), "committee": selectors.committee_current(b)}
            for b in branches]
    return render(request, "party/members/branch_list.html",
                  {"rows": rows, "can_create": has_perm(request.user, Perm.PARTY_CHANGE)})


def _dashboard_template() -> str | None:
    """The lead's include with this month's due items and recent activities, once it exists."""
    try:
        get_template(DASHBOARD)
    except TemplateDoesNotExist:
        return None
    return DASHBOARD


@perm_required(Perm.PARTY_VIEW)
def branch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk)
    search = MemberFilterForm(request.GET or None, branch=branch)
    members = selectors.member_search(request.user, branch=branch.pk, **search.filters()).select_related("user")
    context = {
        "branch": branch,
        "search": search,
        "counts": selectors.member_counts(branch),
        "committee": selectors.committee_current(branch),
        "groups": selectors.groups_of(branch),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit),
        "dashboard_template": _dashboard_template(),
        "dashboard": branch_dashboard(request.user, branch, timezone.localdate()),
        "today": timezone.localdate(),
        **paginate(request, members),
    }
    return render(request, "party/members/branch_detail.html", context)


@perm_required(Perm.PARTY_CHANGE)
def branch_create_view(request: HttpRequest) -> HttpResponse:
    form = BranchForm(request.POST or None, user=request.user)
    return _submit(request, form, lambda data: services.branch_create(actor=request.user, **data),
                   lambda b: _url("branch_detail", b.pk), "已成立党支部",
                   {"title": "成立党支部", "cancel": reverse("party:branch_list")})


@perm_required(Perm.PARTY_CHANGE)
def branch_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk, Perm.PARTY_CHANGE)
    initial = {f: getattr(branch, f) for f in ("name", "code", "unit", "parent_committee", "founded_on",
                                               "term_years")}
    form = BranchForm(request.POST or None, user=request.user, initial=initial)
    return _submit(request, form, lambda data: services.branch_update(actor=request.user, branch=branch, **data),
                   lambda b: _url("branch_detail", b.pk), "已保存党支部信息",
                   {"title": f"修改党支部信息：{branch.name}", "branch": branch, "cancel": _url("branch_detail", pk)})


# --- members -----------------------------------------------------------------------------------------------------


def _member_context(branch: Branch, title: str, member: Member | None = None) -> dict[str, Any]:
    back = _url("member_detail", member.pk) if member else _url("branch_detail", branch.pk)
    return {"title": title, "branch": branch, "member": member, "cancel": back}


@perm_required(Perm.PARTY_CHANGE)
def member_admit_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk, Perm.PARTY_CHANGE)
    form = MemberAdmitForm(request.POST or None, user=request.user, branch=branch)
    return _submit(request, form,
                   lambda data: services.member_admit(actor=request.user, branch=branch, **form.service_kwargs()),
                   lambda m: _url("member_detail", m.pk), "已接收为预备党员", _member_context(branch, "接收预备党员"))


@perm_required(Perm.PARTY_CHANGE)
def member_transfer_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk, Perm.PARTY_CHANGE)
    form = MemberTransferInForm(request.POST or None, user=request.user, branch=branch)
    return _submit(request, form,
                   lambda data: services.member_transfer_in(actor=request.user, branch=branch,
                                                            **form.service_kwargs()),
                   lambda m: _url("member_detail", m.pk), "已办理组织关系转入", _member_context(branch, "组织关系转入"))


@perm_required(Perm.PARTY_VIEW)
def member_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, member.joined_on.year), max(today.year, member.joined_on.year))
    last = (member.left_on or today).year
    context = {
        "member": member,
        "branch": member.branch,
        "year": year,
        "years": list(range(last, member.joined_on.year - 1, -1)),
        "summary": selectors.member_year_summary(member, year),
        "attendance": selectors.member_year_activities(member, year)[:100],
        "seats": selectors.member_seats(member),
        "party_years": member.party_years(today),
        "can_change": member.left_on is None and unit_allows(request.user, Perm.PARTY_CHANGE, member.branch.unit),
        "is_probationary": member.status == MemberStatus.PROBATIONARY,
        "today": today,
    }
    return render(request, "party/members/member_detail.html", context)


@perm_required(Perm.PARTY_CHANGE)
def member_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk, Perm.PARTY_CHANGE)
    initial = {"group": member.group, "category": member.category, "is_mobile": member.is_mobile,
               "joined_from": member.joined_from, "note": member.note,
               "user": member.user.username if member.user else ""}
    form = MemberEditForm(request.POST or None, branch=member.branch, initial=initial)
    return _submit(request, form, lambda data: services.member_update(actor=request.user, member=member, **data),
                   lambda m: _url("member_detail", m.pk), "已保存党员信息",
                   _member_context(member.branch, f"修改党员信息：{member.person.name}", member))


@perm_required(Perm.PARTY_CHANGE)
def member_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk, Perm.PARTY_CHANGE)
    form = MemberLeaveForm(request.POST or None, initial={"on": timezone.localdate()})
    return _submit(request, form, lambda data: services.member_leave(actor=request.user, member=member, **data),
                   lambda m: _url("member_detail", m.pk), "已办理离开本支部",
                   _member_context(member.branch, f"组织关系转出（离开本支部）：{member.person.name}", member))


@perm_required(Perm.PARTY_CHANGE)
def member_make_full_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk, Perm.PARTY_CHANGE)
    form = MakeFullForm(request.POST or None, initial={"on": member.probation_ends_on})
    return _submit(request, form, lambda data: services.member_make_full(actor=request.user, member=member, **data),
                   lambda m: _url("member_detail", m.pk), "已按期转为正式党员",
                   _member_context(member.branch, f"预备党员转正：{member.person.name}", member))


@perm_required(Perm.PARTY_CHANGE)
def member_extend_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk, Perm.PARTY_CHANGE)
    form = ExtendProbationForm(request.POST or None)
    return _submit(request, form,
                   lambda data: services.member_extend_probation(actor=request.user, member=member, **data),
                   lambda m: _url("member_detail", m.pk), "已延长预备期",
                   _member_context(member.branch, f"延长预备期：{member.person.name}", member))


# --- groups ------------------------------------------------------------------------------------------------------


def _group(request: HttpRequest, pk: int) -> PartyGroup:
    return _found(selectors.group_get_for_user, request.user, pk, Perm.PARTY_CHANGE)


@perm_required(Perm.PARTY_CHANGE)
def group_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk, Perm.PARTY_CHANGE)
    form = GroupForm(request.POST or None, branch=branch)
    return _submit(request, form, lambda data: services.group_create(actor=request.user, branch=branch, **data),
                   lambda g: _url("branch_detail", branch.pk), "已设立党小组", _member_context(branch, "设立党小组"))


@perm_required(Perm.PARTY_CHANGE)
def group_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    form = GroupForm(request.POST or None, branch=group.branch,
                     initial={"name": group.name, "leader": group.leader, "sort_order": group.sort_order})
    return _submit(request, form, lambda data: services.group_update(actor=request.user, group=group, **data),
                   lambda g: _url("branch_detail", group.branch_id), "已保存党小组",
                   _member_context(group.branch, f"修改党小组：{group.name}"))


@perm_required(Perm.PARTY_CHANGE)
def group_dissolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    form = DateForm(request.POST or None, label="撤销日期")
    return _submit(request, form,
                   lambda data: services.group_dissolve(actor=request.user, group=group, on=data["on"]),
                   lambda g: _url("branch_detail", group.branch_id), "已撤销党小组，原组员待重新编组",
                   _member_context(group.branch, f"撤销党小组：{group.name}"))


# --- committee ---------------------------------------------------------------------------------------------------


@perm_required(Perm.PARTY_VIEW)
def term_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk)
    return render(request, "party/members/terms.html", {
        "branch": branch, "terms": selectors.terms_of(branch), "committee": selectors.committee_current(branch),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)})


@perm_required(Perm.PARTY_CHANGE)
def term_elect_view(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk, Perm.PARTY_CHANGE)
    form = TermForm(request.POST or None, branch=branch)

    def call(data: dict[str, Any]) -> CommitteeTerm:
        return services.term_elect(actor=request.user, branch=branch, **data)

    return _submit(request, form, call, lambda t: _url("term_list", branch.pk), "已完成换届，请登记本届职务",
                   _member_context(branch, "换届选举"))


@perm_required(Perm.PARTY_CHANGE)
def term_seat_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    term = _found(selectors.term_get_for_user, request.user, pk, Perm.PARTY_CHANGE)
    form = SeatForm(request.POST or None, branch=term.branch, has_committee=term.has_committee,
                    initial={"since": term.elected_on})
    return _submit(request, form, lambda data: services.seat_assign(actor=request.user, term=term, **data),
                   lambda s: _url("term_list", term.branch_id), "已登记任职",
                   _member_context(term.branch, f"登记{term}职务"))


@perm_required(Perm.PARTY_CHANGE)
def term_seat_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    seat: CommitteeMember = _found(selectors.seat_get_for_user, request.user, pk, Perm.PARTY_CHANGE)
    form = DateForm(request.POST or None, label="离任日期")
    return _submit(request, form, lambda data: services.seat_end(actor=request.user, seat=seat, **data),
                   lambda s: _url("term_list", seat.term.branch_id), "已办理离任",
                   _member_context(seat.term.branch, f"离任：{seat}"))
