"""Editing one paragraph of a stored 述职报告, in place with htmx (the same URLs serve whole pages without it):
the paragraph, its edit form (Ctrl+Enter saves, Esc cancels), its version history with restore, and the answers to
"数据已更新" (take the new text, keep mine) and to a paragraph the records no longer produce (remove it)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import Conflict, DomainError
from bianban.party.access import require_branch
from bianban.reports.duty import selectors, services
from bianban.reports.duty.forms import BlockForm
from bianban.reports.models import ReportBlock


def _htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _block(request: HttpRequest, pk: int, block_id: int, *, change: bool = False) -> ReportBlock:
    """The block if the user may read its report (else 404) and, with `change`, change it (else 403)."""
    block = selectors.block_get_for_user(request.user, pk, pk=block_id)
    block.report = selectors.report_get_for_user(request.user, pk)
    if change:
        require_branch(request.user, block.report.branch)
    return block


def _anchor(block: ReportBlock) -> str:
    return f"{reverse('reports:duty_detail', args=[block.report_id])}#block-{block.pk}"


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _shown(request: HttpRequest, block: ReportBlock, status: int = 200, error: str = "") -> HttpResponse:
    """The paragraph as the page shows it (htmx), or back to the page at the paragraph."""
    if not _htmx(request):
        return redirect(_anchor(block))
    # Re-read after a save (version, text), with the report, branch and unit the page and the right check need.
    block = ReportBlock.objects.select_related("report__branch__unit").get(pk=block.pk)
    return _render(request, "reports/duty/_block.html",
                   {"s": selectors.stored_view(block), "report": block.report,
                    "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, block.report.branch.unit),
                    "error": error}, status)


@perm_required(Perm.PARTY_VIEW)
def block_view(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    return _shown(request, _block(request, pk, block_id))


def _form_page(request: HttpRequest, block: ReportBlock, form: BlockForm, status: int = 200,
               conflict: ReportBlock | None = None) -> HttpResponse:
    context = {"form": form, "para": block, "s": selectors.stored_view(block), "report": block.report,
               "conflict": conflict}
    template = "reports/duty/_block_form.html" if _htmx(request) else "reports/duty/block_edit.html"
    return _render(request, template, context, status)


def _with_lead(block: ReportBlock) -> bool:
    """Level-2 paragraphs open with a lead （一）…; headings and body text have none to edit."""
    return block.level == 2 or bool(block.lead)


@perm_required(Perm.PARTY_VIEW)
def block_edit_view(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    block = _block(request, pk, block_id, change=True)
    if request.method != "POST":
        form = BlockForm(initial={"lead": block.lead, "text": block.text, "version": block.version},
                         with_lead=_with_lead(block))
        return _form_page(request, block, form)
    form = BlockForm(request.POST, with_lead=_with_lead(block))
    if form.is_valid():
        values = form.cleaned_data
        kwargs = {"lead": values["lead"]} if "lead" in values else {}
        try:
            block = services.block_edit(actor=request.user, block=block, text=values["text"],
                                        version=values["version"], **kwargs)
        except Conflict as exc:
            # Keep what she typed; show what was saved meanwhile. The form now carries the saved version, so
            # saving again (having seen the other text) replaces it knowingly.
            current = ReportBlock.objects.get(pk=block.pk)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = BlockForm(data, with_lead=_with_lead(block))
            form.is_valid()
            form.add_error(None, f"{exc.message}。下方是对方保存的内容；再次保存将以您的内容替换。")
            return _form_page(request, block, form, status=422, conflict=current)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_domain_error(exc)
        else:
            if not _htmx(request):
                messages.success(request, "已保存段落")
            return _shown(request, block)
    return _form_page(request, block, form, status=422)


@perm_required(Perm.PARTY_VIEW)
def block_history_view(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    block = _block(request, pk, block_id)
    context = {"para": block, "s": selectors.stored_view(block), "report": block.report,
               "versions": list(selectors.versions_of(block)),
               "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, block.report.branch.unit)}
    template = "reports/duty/_block_history.html" if _htmx(request) else "reports/duty/block_history.html"
    return _render(request, template, context)


def _act(request: HttpRequest, block: ReportBlock, action: Any, done: str) -> HttpResponse:
    try:
        block = action()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        if _htmx(request):
            # The paragraph again, with the reason on top: the page stays usable and shows the current text.
            return _shown(request, block, error=exc.message)
        messages.error(request, exc.message)
        return redirect(_anchor(block))
    if not _htmx(request):
        messages.success(request, done)
    return _shown(request, block)


@require_POST
@perm_required(Perm.PARTY_VIEW)
def block_restore_view(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    block = _block(request, pk, block_id, change=True)
    generated = request.POST.get("generated") == "1"
    return _act(request, block, lambda: services.block_restore(
        actor=request.user, block=block, version=request.POST.get("version"), to=request.POST.get("to"),
        generated=generated), "已恢复为生成内容" if generated else "已恢复该版本")


@require_POST
@perm_required(Perm.PARTY_VIEW)
def block_keep_view(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    block = _block(request, pk, block_id, change=True)
    return _act(request, block, lambda: services.block_keep(actor=request.user, block=block), "已保留您的修改")


@require_POST
@perm_required(Perm.PARTY_VIEW)
def block_remove_view(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    block = _block(request, pk, block_id, change=True)
    try:
        services.block_remove(actor=request.user, block=block, version=request.POST.get("version"))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect(_anchor(block))
    if _htmx(request):
        return HttpResponse("")
    messages.success(request, "已删除该段落")
    return redirect("reports:duty_detail", pk=pk)
