"""民主评议党员 pages: a branch's appraisals, one appraisal's page (its stage, ballots in, the user's own part), and
the forms behind each service: start, 个人自评, the online ballot, 纸质票录入, the tallies, the determination with
its live 优秀 count, publication, the results and their xlsx.

Reads are scoped by the branch (404 outside it). Pages that keep the records need 维护党建工作 on the branch (404
without it, so nothing leaks); a member writes their own self-evaluation and casts their own ballot through their
login account (Member.user). A refused POST re-renders its form with 422. No page shows or exports a ballot.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from bianban.party.access import branch_get_for_user, branches_for_user
from bianban.party.appraisals import selectors, services
from bianban.party.appraisals.exports import appraisal_workbook
from bianban.party.appraisals.forms import (
    AppraisalEditForm,
    AppraisalStartForm,
    BallotForm,
    DeterminationForm,
    SelfEvaluationForm,
    TransitionForm,
)
from bianban.party.choices import AppraisalGrade, AppraisalStatus
from bianban.party.models import Appraisal, Branch

S = AppraisalStatus
FORM = "party/appraisals/form.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What moving on to each stage means: button, date label (none: no date), what happens.
STAGES = {
    S.VOTING: ("开始党员互评", "",
               "开始后参加评议的党员名单即固定；有表决权的党员在线投票，或由支部录入收回的纸质选票。"),
    S.CLOSED: ("结束党员互评", "互评截止日期", "结束后不能再投票，可查看计票结果并进行评定。"),
    S.PUBLISHED: ("公布评议结果", "公布日期", "公布后评定结果不能再修改，本支部党员均可查看。"),
}


def _found(getter: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return getter(*args, **kwargs)
    except (NotFound, PermissionDenied) as exc:
        raise Http404(exc.message) from None


def _branch(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Branch:
    return _found(branch_get_for_user, request.user, pk, perm)


def _appraisal(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Appraisal:
    return _found(selectors.appraisal_get_for_user, request.user, pk, perm)


def _detail(appraisal: Appraisal) -> str:
    return reverse("party:appraisal_detail", args=[appraisal.pk])


def _back(request: HttpRequest, appraisal: Appraisal, message: str) -> HttpResponse:
    messages.warning(request, message)
    return redirect(_detail(appraisal))


def _submit(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], done: Callable[[Any], str],
            success: str, context: dict[str, Any]) -> HttpResponse:
    """The form page's POST: a valid form goes to the service; success redirects with a message, a refusal is
    shown on the form with 422."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, success)
            return redirect(done(result))
    return render(request, FORM, {"form": form, **context}, status=422 if request.method == "POST" else 200)


def _form_error(form: Any, exc: DomainError) -> None:
    """A refusal on a per-member form (ballot, determination): every message at the top."""
    details = exc.details if isinstance(exc, ValidationFailed) else {}
    found = [str(m) for msgs in details.values() for m in (msgs if isinstance(msgs, list) else [msgs])]
    for message in found or [exc.message]:
        form.add_error(None, message)


# --- list, start, details ------------------------------------------------------------------------------------------


@perm_required(Perm.PARTY_VIEW)
def appraisal_index_view(request: HttpRequest) -> HttpResponse:
    """The branches the user sees, each with its appraisals (one branch: straight to its list)."""
    branches = list(branches_for_user(request.user).filter(dissolved_on__isnull=True))
    if len(branches) == 1:
        return redirect("party:appraisal_list", branch_pk=branches[0].pk)
    appraisals = selectors.appraisal_search(request.user)
    rows = [{"branch": b, "appraisals": [a for a in appraisals if a.branch_id == b.pk]} for b in branches]
    return render(request, "party/appraisals/index.html", {"rows": rows})


@perm_required(Perm.PARTY_VIEW)
def appraisal_list_view(request: HttpRequest, branch_pk: int) -> HttpResponse:
    branch = _branch(request, branch_pk)
    return render(request, "party/appraisals/list.html", {
        "branch": branch, "appraisals": selectors.appraisal_search(request.user, branch=branch.pk),
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)})


@perm_required(Perm.PARTY_CHANGE)
def appraisal_start_view(request: HttpRequest, branch_pk: int) -> HttpResponse:
    branch = _branch(request, branch_pk, Perm.PARTY_CHANGE)
    today = timezone.localdate()
    form = AppraisalStartForm(request.POST or None, branch=branch,
                              initial={"year": selectors.default_year(today), "started_on": today})
    return _submit(request, form, lambda data: services.appraisal_start(actor=request.user, branch=branch, **data),
                   _detail, "已开始民主评议党员，请党员撰写个人自评",
                   {"title": "开展民主评议党员", "branch": branch,
                    "cancel": reverse("party:appraisal_list", args=[branch.pk])})


@perm_required(Perm.PARTY_CHANGE)
def appraisal_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, Perm.PARTY_CHANGE)
    form = AppraisalEditForm(request.POST or None, branch=appraisal.branch,
                             initial={"meeting": appraisal.meeting, "note": appraisal.note})
    return _submit(request, form,
                   lambda data: services.appraisal_update(actor=request.user, appraisal=appraisal, **data),
                   _detail, "已保存", {"title": f"修改：{appraisal}", "appraisal": appraisal,
                                       "branch": appraisal.branch, "cancel": _detail(appraisal)})


@perm_required(Perm.PARTY_VIEW)
def appraisal_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    members = selectors.roster(appraisal)
    change = selectors.can_change(request.user, appraisal)
    progress = selectors.ballot_progress(appraisal, members)
    following = services.NEXT.get(appraisal.status)
    context: dict[str, Any] = {
        "appraisal": appraisal,
        "branch": appraisal.branch,
        "members": members,
        "progress": progress,
        "position": selectors.position_of(request.user, appraisal, members),
        "can_change": change,
        "next_stage": STAGES[following][0] if following else "",
        "stages": [(s, s.label, s == appraisal.status) for s in S],
        "may_see_results": selectors.may_see_results(request.user, appraisal),
        "may_see_tallies": selectors.may_see_tallies(request.user, appraisal),
        "excellent_max": selectors.excellent_max(len(members)),
        "share_text": selectors.share_text(),
    }
    if change:
        written = {e.member_id for e in selectors.self_evaluations_for_user(request.user, appraisal)}
        context["roster_rows"] = [(m, m.pk in written) for m in members]
        context["pending"] = selectors.voters_pending(appraisal, members) if progress.mode != "paper" else []
    return render(request, "party/appraisals/detail.html", context)


@perm_required(Perm.PARTY_CHANGE)
def appraisal_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, Perm.PARTY_CHANGE)
    wanted = request.POST.get("to_status") if request.method == "POST" else services.NEXT.get(appraisal.status)
    if wanted not in STAGES:
        wanted = services.NEXT.get(appraisal.status)
    if wanted is None:
        return _back(request, appraisal, "评议结果已公布，民主评议已完成")
    label, date_label, hint = STAGES[wanted]
    form = TransitionForm(request.POST or None, date_label=date_label,
                          initial={"from_status": appraisal.status, "to_status": wanted, "on": timezone.localdate()})

    def call(data: dict[str, Any]) -> Appraisal:
        appraisal.status = data["from_status"]  # the stage the page showed: compare-and-swap against it
        return services.appraisal_transition(actor=request.user, appraisal=appraisal, to_status=data["to_status"],
                                             on=data.get("on"))

    return _submit(request, form, call, _detail, f"已{label}",
                   {"title": f"{label}：{appraisal}", "appraisal": appraisal, "branch": appraisal.branch,
                    "hint": hint, "submit": label, "cancel": _detail(appraisal)})


# --- 个人自评 and ballots ------------------------------------------------------------------------------------------


@perm_required(Perm.PARTY_VIEW)
def appraisal_self_evaluation_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    member, evaluation = _found(selectors.self_evaluation_for_user, request.user, appraisal, member_pk)
    context = {"title": f"个人自评：{member.person.name}", "appraisal": appraisal, "branch": appraisal.branch,
               "cancel": _detail(appraisal)}
    if appraisal.status not in (S.SELF, S.VOTING):
        return render(request, "party/appraisals/self_evaluation.html",
                      {**context, "member": member, "evaluation": evaluation})
    initial = {"text": evaluation.text, "grade": evaluation.grade} if evaluation else {}
    form = SelfEvaluationForm(request.POST or None, initial=initial)
    return _submit(request, form,
                   lambda data: services.self_evaluation_save(actor=request.user, appraisal=appraisal, member=member,
                                                              **data),
                   lambda e: _detail(appraisal), "已保存个人自评", context)


@perm_required(Perm.PARTY_VIEW)
def appraisal_ballot_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's own online ballot: every other member on the roster, one grade each."""
    appraisal = _appraisal(request, pk)
    members = selectors.roster(appraisal)
    position = selectors.position_of(request.user, appraisal, members)
    if not position.may_vote:
        return _back(request, appraisal, "您不是本次党员互评的投票人（预备党员没有表决权，或登录账号未关联党员）")
    if position.has_voted:
        return _back(request, appraisal, "您已提交互评票")
    if not position.can_vote_now:
        return _back(request, appraisal, "本次互评采用纸质选票，请将选票交支部统一录入" if position.paper_mode
                     else "当前不在党员互评阶段，不能投票")
    form = BallotForm(request.POST or None, members=members, skip=position.member)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(actor=request.user, appraisal=appraisal, grades=form.grades())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已提交互评票。选票内容不保存，只计入各党员的得票数")
            return redirect(_detail(appraisal))
    return render(request, "party/appraisals/ballot.html",
                  {"appraisal": appraisal, "branch": appraisal.branch, "form": form, "paper": False,
                   "grades": selectors.active_grades()}, status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_CHANGE)
def appraisal_paper_ballot_view(request: HttpRequest, pk: int) -> HttpResponse:
    """纸质票录入: one collected paper ballot per submission, no voter named; the count of ballots entered against
    the voters due."""
    appraisal = _appraisal(request, pk, Perm.PARTY_CHANGE)
    members = selectors.roster(appraisal)
    form = BallotForm(request.POST or None, members=members, paper=True)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                count = services.ballot_enter_paper(actor=request.user, appraisal=appraisal, grades=form.grades())
            except DomainError as exc:
                _form_error(form, exc)
            else:
                due = len(selectors.voters_due(appraisal, members))
                messages.success(request, f"已录入第{count}张选票（应投票{due}人）")
                return redirect("party:appraisal_paper_ballot", pk=appraisal.pk)
    progress = selectors.ballot_progress(appraisal, members)
    closed_reason = ""
    if appraisal.status != S.VOTING:
        closed_reason = "党员互评尚未开始" if appraisal.status == S.SELF else "党员互评已结束"
    elif progress.electronic:
        closed_reason = "本次互评已有党员在线投票，不能录入纸质选票"
    return render(request, "party/appraisals/ballot.html",
                  {"appraisal": appraisal, "branch": appraisal.branch, "form": form, "paper": True,
                   "progress": progress, "closed_reason": closed_reason, "grades": selectors.active_grades()},
                  status=status)


# --- tallies, determination, results -------------------------------------------------------------------------------


@perm_required(Perm.PARTY_CHANGE)
def appraisal_tallies_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, Perm.PARTY_CHANGE)
    try:
        rows = selectors.tallies_for_user(request.user, appraisal)
    except Conflict as exc:
        return _back(request, appraisal, exc.message)
    return render(request, "party/appraisals/tallies.html", {
        "appraisal": appraisal, "branch": appraisal.branch, "grades": selectors.active_grades(),
        "rows": [(row, [row.count(g) for g in selectors.active_grades()]) for row in rows],
        "progress": selectors.ballot_progress(appraisal)})


@perm_required(Perm.PARTY_CHANGE)
def appraisal_determination_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, Perm.PARTY_CHANGE)
    if appraisal.status == S.PUBLISHED:
        return redirect("party:appraisal_results", pk=appraisal.pk)
    if appraisal.status != S.CLOSED:
        return _back(request, appraisal, "党员互评结束后才能评定等次")
    rows = selectors.determination_rows(request.user, appraisal)
    initial = {}
    for row in rows:
        if row.result:
            initial.update({f"g{row.member.pk}": row.result.grade, f"n{row.member.pk}": row.result.note})
    form = DeterminationForm(request.POST or None, members=[r.member for r in rows], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_determine(actor=request.user, appraisal=appraisal, results=form.entries())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已保存评定结果")
            return redirect("party:appraisal_determination", pk=appraisal.pk)
    grades = selectors.active_grades()
    return render(request, "party/appraisals/determination.html", {
        "appraisal": appraisal, "branch": appraisal.branch, "form": form, "grades": grades,
        "rows": [(row, [row.tally.count(g) if row.tally else 0 for g in grades], *form.field_pair(row.member))
                 for row in rows],
        "excellent_max": selectors.excellent_max(len(rows)), "share_text": selectors.share_text(),
        "excellent_count": form.excellent_count(), "roster_size": len(rows)},
        status=422 if request.method == "POST" else 200)


def _summary(results: list[Any]) -> list[tuple[str, int]]:
    return [(g.label, sum(1 for r in results if r.grade == g)) for g in AppraisalGrade
            if g in selectors.active_grades() or any(r.grade == g for r in results)]


@perm_required(Perm.PARTY_VIEW)
def appraisal_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    try:
        results = selectors.results_for_user(request.user, appraisal)
    except PermissionDenied as exc:
        return _back(request, appraisal, exc.message)
    return render(request, "party/appraisals/results.html", {
        "appraisal": appraisal, "branch": appraisal.branch, "results": results, "summary": _summary(results),
        "can_change": selectors.can_change(request.user, appraisal)})


@perm_required(Perm.PARTY_VIEW)
def appraisal_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Results for everyone who may see them; the tallies and self-grades too for those who keep the records."""
    appraisal = _appraisal(request, pk)
    results = _found(selectors.results_for_user, request.user, appraisal)
    change = selectors.can_change(request.user, appraisal)
    tallies = selectors.tallies_for_user(request.user, appraisal) if change else None
    evaluations = selectors.self_evaluations_for_user(request.user, appraisal) if change else []
    services.appraisal_export(actor=request.user, appraisal=appraisal, with_tallies=change)
    content = appraisal_workbook(appraisal, results, evaluations, tallies,
                                 selectors.ballot_progress(appraisal) if change else None)
    response = HttpResponse(content, content_type=XLSX)
    name = f"{appraisal.branch.name}{appraisal.year}年度民主评议党员.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
