"""责任清单 pages: the year's list as a tree with computed progress, the month plan with who is behind, a task's
page (progress, the records counted, evidence, completion), its forms, deletion with confirmation, and the export.

Readers (PARTY_VIEW) read; writing needs PARTY_CHANGE on the branch: the services refuse others (403), a branch out of
the user's scope is 404."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.downloads import stored_file_response
from bianban.core.exceptions import DomainError, NotFound
from bianban.core.pagination import paginate
from bianban.duties.choices import DutyMeasure
from bianban.duties.items import selectors, services
from bianban.duties.items.exports import items_workbook
from bianban.duties.items.forms import CompleteForm, EvidenceForm, FilterForm, ItemForm, ReopenForm
from bianban.duties.items.progress import MONTHS, items_progress, rollups
from bianban.duties.models import DutyItem
from bianban.party.access import branches_for_user, require_branch
from bianban.party.models import Branch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(raw: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return default
    return value if low <= value <= high else default


def _branch_year(request: HttpRequest) -> tuple[Branch, int, list[Branch]]:
    """?branch= (default: the user's first visible branch) and ?year= (default: this year)."""
    branches = list(branches_for_user(request.user))
    raw = request.GET.get("branch") or request.POST.get("branch") or ""
    if raw:
        branch = next((b for b in branches if str(b.pk) == raw or b.code == raw), None)
    else:
        branch = branches[0] if branches else None
    if branch is None:
        raise Http404("党支部不存在或无权访问")
    year = _int(request.GET.get("year") or request.POST.get("year"), timezone.localdate().year, 2000, 2100)
    return branch, year, branches


def _item(request: HttpRequest, pk: int) -> DutyItem:
    try:
        return selectors.item_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _can_change(request: HttpRequest, branch: Branch) -> bool:
    return unit_allows(request.user, Perm.PARTY_CHANGE, branch.unit)


@perm_required(Perm.PARTY_VIEW)
def index_view(request: HttpRequest) -> HttpResponse:
    branch, year, branches = _branch_year(request)
    search = FilterForm(request.GET or None, branch=branch)
    rows = selectors.year_tree(branch, year, **search.filters())
    context = {"branch": branch, "year": year, "branches": branches, "search": search,
               "years": sorted({year, timezone.localdate().year, *selectors.item_years(branch)}, reverse=True),
               "can_change": _can_change(request, branch), "total": len(rows), **paginate(request, rows)}
    return render(request, "duties/items/index.html", context)


@perm_required(Perm.PARTY_VIEW)
def month_view(request: HttpRequest) -> HttpResponse:
    branch, year, branches = _branch_year(request)
    today = timezone.localdate()
    month = _int(request.GET.get("month"), today.month if year == today.year else 12, 1, 12)
    columns = selectors.month_plan(branch, year, as_of=month)
    items = sorted({r.item.pk: r for c in columns for r in c.rows}.values(), key=lambda r: r.item.sort_order)
    context = {"branch": branch, "year": year, "branches": branches, "month": month, "months": list(MONTHS),
               "columns": columns, "selected": columns[month - 1], "grid": items,
               "behind": selectors.behind_by_owner(branch, year, month),
               "prev": (year - 1, 12) if month == 1 else (year, month - 1),
               "next": (year + 1, 1) if month == 12 else (year, month + 1)}
    return render(request, "duties/items/month.html", context)


def _form_page(request: HttpRequest, form: ItemForm, branch: Branch, year: int, item: DutyItem | None,
               parent: DutyItem | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                saved = services.item_create(actor=request.user, branch=branch, year=year, parent=parent,
                                             **form.values())
            else:
                saved = services.item_update(actor=request.user, item=item, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已保存任务“{saved.title}”")
            return redirect("duties:item_detail", pk=saved.pk)
    context = {"form": form, "branch": branch, "year": year, "item": item, "parent": parent,
               "measures": {"activities": DutyMeasure.ACTIVITIES.value, "talks": DutyMeasure.TALKS.value}}
    return render(request, "duties/items/form.html", context, status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_VIEW)
def create_view(request: HttpRequest) -> HttpResponse:
    branch, year, _ = _branch_year(request)
    require_branch(request.user, branch)  # readers get 403
    parent = None
    raw = request.GET.get("parent") or request.POST.get("parent")
    if raw:
        parent = _item(request, _int(raw, 0, 1, 2**62) or 0)
        branch, year = parent.branch, parent.year
    initial = {"months": [str(m) for m in parent.month_list]} if parent else {}
    form = ItemForm(request.POST or None, branch=branch, initial=initial)
    return _form_page(request, form, branch, year, None, parent)


@perm_required(Perm.PARTY_VIEW)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require_branch(request.user, item.branch)
    form = ItemForm(request.POST or None, branch=item.branch, initial=ItemForm.initial_from(item))
    return _form_page(request, form, item.branch, item.year, item, item.parent)


def _record_url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the visits pages are another area's and may not be there yet
        return ""


def _detail(request: HttpRequest, item: DutyItem, status: int = 200, **forms: Any) -> HttpResponse:
    children = list(item.children.select_related("owner_member__person", "owner_division", "branch"))
    progress = items_progress([item, *children])
    readable = selectors.counted_records(item, request.user)
    records = list(readable[:100])
    hidden = selectors.counted_records(item).count() - readable.count() if item.measure == DutyMeasure.TALKS else 0
    link = {DutyMeasure.ACTIVITIES: "party:activity_detail", DutyMeasure.TALKS: "party:talk_detail",
            DutyMeasure.VISITS: "duties:visit_detail"}.get(item.measure, "")
    context = {
        "item": item, "progress": progress[item.pk], "owner": selectors.owner_label(item),
        "rollup": rollups(children, progress).get(item.pk),
        "children": [selectors.Row(c, progress[c.pk]) for c in children],
        "records": [(r, _record_url(link, r.pk)) for r in records], "hidden_records": hidden,
        "evidence": list(item.evidence.all()), "can_change": _can_change(request, item.branch),
        "manual": item.measure == DutyMeasure.MANUAL,
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
    }
    return render(request, "duties/items/detail.html", context, status=status)


@perm_required(Perm.PARTY_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _item(request, pk))


@perm_required(Perm.PARTY_VIEW)
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (what will go), then the deletion."""
    item = _item(request, pk)
    require_branch(request.user, item.branch)
    error = ""
    if request.method == "POST":
        try:
            services.item_delete(actor=request.user, item=item)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已删除任务“{item.title}”")
            return redirect(f"{reverse('duties:item_index')}?branch={item.branch_id}&year={item.year}")
    context = {"item": item, "error": error, "children": item.children.count(),
               "evidence": item.evidence.count()}
    return render(request, "duties/items/delete.html", context, status=422 if error else 200)


def _post_action(request: HttpRequest, pk: int, form_class: type, key: str, call: Any, done: str) -> HttpResponse:
    item = _item(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(item, form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):  # readers and strangers: the middleware answers 403 / 404
                raise
            form.add_domain_error(exc)
        else:
            messages.success(request, done)
            return redirect("duties:item_detail", pk=pk)
    return _detail(request, item, status=422, **{key: form})


@require_POST
@perm_required(Perm.PARTY_VIEW)
def complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, CompleteForm, "complete_form", lambda item, d: services.item_complete(
        actor=request.user, item=item, completed_on=d["completed_on"], note=d["note"], uploaded_file=d["file"]),
        "已确认任务完成")


@require_POST
@perm_required(Perm.PARTY_VIEW)
def reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, ReopenForm, "reopen_form", lambda item, d: services.item_reopen(
        actor=request.user, item=item, reason=d["reason"]), "已重新打开任务")


@require_POST
@perm_required(Perm.PARTY_VIEW)
def evidence_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, EvidenceForm, "evidence_form", lambda item, d: services.evidence_add(
        actor=request.user, item=item, uploaded_file=d["file"], note=d["note"]), "已上传佐证材料")


@perm_required(Perm.PARTY_VIEW)
def evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file to a reader of its branch; never through MEDIA_URL."""
    try:
        record = selectors.evidence_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return stored_file_response(record)


@require_POST
@perm_required(Perm.PARTY_VIEW)
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = selectors.evidence_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    try:
        services.evidence_delete(actor=request.user, evidence=record)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{record.original_name}”")
    return redirect("duties:item_detail", pk=record.item_id)


@perm_required(Perm.PARTY_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    branch, year, _ = _branch_year(request)
    rows = selectors.year_tree(branch, year)
    services.item_export(actor=request.user, branch=branch, year=year,
                         count=sum(1 + len(r.children) for r in rows))
    response = HttpResponse(items_workbook(branch, year, rows), content_type=XLSX)
    name = f"{branch.name}{year}年度党建责任清单-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
