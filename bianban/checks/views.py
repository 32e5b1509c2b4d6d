"""Verification pages: the runs with the form that starts one (it runs as a task), a run's page that polls its
progress and then shows the findings grouped by rule, each linking to its subject and to its ledger problem."""

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.checks import selectors, services
from bianban.checks.choices import Change, Subject
from bianban.checks.exports import findings_workbook
from bianban.checks.forms import CheckRunForm
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import RULES, rule_by_code
from bianban.checks.tasks import run_check
from bianban.core.access import perm_required
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate

RESOLVED = "resolved"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(request: HttpRequest, pk: int) -> CheckRun:
    try:
        return selectors.run_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def subject_url(finding: Finding) -> str:
    """The page where the finding's subject is seen and put right."""
    if finding.subject == Subject.UNIT:
        return reverse("units:detail", args=[finding.subject_id])
    if finding.subject == Subject.PERSON:
        return reverse("people:detail", args=[finding.subject_id])
    if finding.subject == Subject.PLACEMENT and finding.person_id:
        return reverse("people:detail", args=[finding.person_id])
    if finding.subject == Subject.APPROVAL and finding.unit_id:
        return reverse("staffing:approvals", args=[finding.unit_id])
    if finding.unit_id:
        return reverse("staffing:unit", args=[finding.unit_id])
    return ""


@perm_required(Perm.UNITS_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    can_run = has_perm(request.user, Perm.CHECKS_RUN)
    form = CheckRunForm(request.POST or None, user=request.user) if can_run else None
    if request.method == "POST":
        if form is None:
            raise Http404("没有发起编制核查的权限")
        if form.is_valid():
            try:
                run = services.check_run_request(actor=request.user, root=form.cleaned_data["root"],
                                                 as_of=form.cleaned_data["as_of"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                run_check.enqueue(run.pk)
                messages.success(request, f"已发起核查 #{run.pk}（{run.scope_label}）")
                return redirect("checks:detail", pk=run.pk)
    context = {"form": form, "whole": selectors.sees_whole_run(request.user),
               **paginate(request, selectors.runs_for_user(request.user))}
    return render(request, "checks/list.html", context, status=422 if form is not None and form.errors else 200)


@perm_required(Perm.UNITS_VIEW)
def rules_view(request: HttpRequest) -> HttpResponse:
    return render(request, "checks/rules.html", {"rules": RULES})


@perm_required(Perm.UNITS_VIEW)
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled progress block; once the run has finished the whole page is reloaded to show the findings."""
    run = _run(request, pk)
    response = render(request, "checks/detail.html#status", _summary_context(request, run))
    if run.finished and request.GET.get("polling"):
        response["HX-Refresh"] = "true"
    return response


def _summary_context(request: HttpRequest, run: CheckRun) -> dict[str, Any]:
    """The run with what the reader may see of it: per-rule counts and totals over their units only."""
    context: dict[str, Any] = {"run": run, "whole": selectors.sees_whole_run(request.user)}
    if run.finished:
        context["summary"] = summary = selectors.rule_summary(request.user, run)
        context["visible_count"] = sum(row["count"] for row in summary)
        context["visible_new"] = sum(row["new"] for row in summary)
        context["resolved_count"] = selectors.resolved_since_previous(request.user, run).count()
    return context


def _findings_context(request: HttpRequest, run: CheckRun) -> dict[str, Any]:
    rule_code = request.GET.get("rule", "")
    rule = rule_by_code(rule_code)
    change = request.GET.get("change", "")
    if change == RESOLVED:
        qs = selectors.resolved_since_previous(request.user, run)
        if rule:
            qs = qs.filter(rule=rule.code)
    else:
        qs = selectors.findings_search(request.user, run, rule=rule.code if rule else "",
                                       change=change if change in Change.values else "", q=request.GET.get("q", ""))
    page = paginate(request, qs)
    findings = list(page["page_obj"])
    problems = selectors.problems_by_key([f.key for f in findings])
    for finding in findings:
        finding.link = subject_url(finding)
        finding.problem = problems.get(finding.key)
        finding.rule_obj = rule_by_code(finding.rule)
    return {**page, "findings": findings, "rule": rule, "change": change}


@perm_required(Perm.UNITS_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context = _summary_context(request, run)
    if run.finished:
        context.update(_findings_context(request, run))
    return render(request, "checks/detail.html", context)


@perm_required(Perm.UNITS_VIEW)
def export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's findings the reader may see, filtered like the page (?rule=, ?change=), as xlsx; audited."""
    run = _run(request, pk)
    if not run.finished:
        raise Http404("核查尚未完成")
    rule = rule_by_code(request.GET.get("rule", ""))
    change = request.GET.get("change", "")
    qs = selectors.findings_search(request.user, run, rule=rule.code if rule else "",
                                   change=change if change in Change.values else "")
    cap = settings.BIANBAN["EXPORT_MAX_ROWS"]
    total = qs.count()
    if total > cap:
        messages.error(request, f"符合条件的核查发现有 {total} 条，超过单次导出上限 {cap} 条，请按规则筛选后分批导出")
        return redirect(f"{reverse('checks:detail', args=[run.pk])}?{request.GET.urlencode()}")
    content = findings_workbook(run, qs.iterator(chunk_size=2000))
    services.findings_export(actor=request.user, run=run, rule=rule.code if rule else "", count=total)
    name = quote(f"核查{run.pk}-发现-{run.as_of:%Y%m%d}.xlsx")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@perm_required(Perm.UNITS_VIEW)
def finding_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding by id (the ledger links here): its run's page, filtered to its rule."""
    finding = Finding.objects.filter(pk=pk).select_related("run").first()
    if finding is None:
        raise Http404("核查发现不存在或无权访问")
    same_rule = selectors.findings_search(request.user, finding.run, rule=finding.rule)
    if not same_rule.filter(pk=pk).exists():
        raise Http404("核查发现不存在或无权访问")
    # The page of the run's list (ordered by pk within the rule) that holds this finding.
    page = same_rule.filter(pk__lt=pk).count() // settings.BIANBAN["PAGE_SIZE"] + 1
    url = reverse("checks:detail", args=[finding.run_id])
    return redirect(f"{url}?rule={finding.rule}&page={page}#finding-{finding.pk}")
