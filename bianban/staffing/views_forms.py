"""Staffing pages that write: one page per documented transaction (编制变动, 控制方式, 领导职数, 用编核准 and its
撤回, 入编, 出编, 调动, 职务变动). Each checks the right to do staffing business in the unit, lets the service
decide everything else, and shows a service's over-quota refusal as an alert above the form."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.access import perm_required
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.people import selectors as people_selectors
from bianban.staffing import selectors, services
from bianban.staffing.choices import ApprovalStatus, MovementType, ReleaseReason
from bianban.staffing.forms import (
    ApprovalForm,
    ApprovalWithdrawForm,
    ChangePostForm,
    EnrolForm,
    PostQuotaForm,
    QuotaLineConfigureForm,
    QuotaMovementForm,
    ReleaseForm,
    TransferForm,
    staffing_units,
)
from bianban.staffing.models import Placement
from bianban.staffing.views import get_unit
from bianban.units.models import Unit

# Service fields that the forms offer under another name (a line is chosen instead of kind + funding).
LINE_ALIASES = {"kind": "line", "funding": "line"}


def require_change(request: HttpRequest, unit: Unit) -> None:
    """403 for a user who sees the unit but may not do staffing business there."""
    if not unit_allows(request.user, Perm.STAFFING_CHANGE, unit):
        raise DjangoPermissionDenied("您没有在该单位办理编制业务的权限")


def unit_for_change(request: HttpRequest, pk: int) -> Unit:
    unit = get_unit(request, pk)
    require_change(request, unit)
    return unit


def placement_for_change(request: HttpRequest, pk: int) -> Placement:
    try:
        placement = selectors.placement_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    require_change(request, placement.unit)
    return placement


def attempt(form: Form, call: Callable[[], Any], aliases: dict[str, str] | None = None) -> tuple[Any, str]:
    """Run a service. Its validation errors go next to the form's fields; a conflict (超编, 超职数) comes back as
    the message for the alert above the form."""
    try:
        return call(), ""
    except Conflict as exc:
        return None, exc.message
    except ValidationFailed as exc:
        details: dict[str, list] = {}
        for field, found in (exc.details or {}).items():
            target = details.setdefault((aliases or {}).get(field, field), [])
            target.extend(m for m in (found if isinstance(found, list) else [found]) if m not in target)
        form.add_domain_error(ValidationFailed(exc.message, details=details))  # type: ignore[attr-defined]
        return None, ""
    except NotFound as exc:
        raise Http404(exc.message) from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def form_page(request: HttpRequest, *, form: Form, unit: Unit, title: str, submit: str, conflict: str = "",
              **extra: Any) -> HttpResponse:
    """One transaction's page; 409 when the service refused for want of quota or posts."""
    context = {"form": form, "unit": unit, "title": title, "submit": submit, "conflict": conflict, **extra}
    return render(request, "staffing/form.html", context, status=409 if conflict else 200)


def back(unit_pk: int) -> HttpResponse:
    return redirect("staffing:unit", pk=unit_pk)


def refuse_if_abolished(request: HttpRequest, unit: Unit) -> HttpResponse | None:
    if unit.is_active:
        return None
    messages.error(request, f"“{unit.name}”已撤销，不能再办理编制事项")
    return back(unit.pk)


@perm_required(Perm.STAFFING_CHANGE)
def movement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """编制变动: 核定、核增、核减、划转、收回."""
    unit = unit_for_change(request, pk)
    if refused := refuse_if_abolished(request, unit):
        return refused
    initial = {k: request.GET[k] for k in ("type", "kind", "funding") if k in request.GET}
    form = QuotaMovementForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.quota_movement_create(actor=request.user, unit=unit, **form.service_kwargs())  # noqa: E731
        movement, conflict = attempt(form, call)
        if movement is not None:
            if movement.type == MovementType.TRANSFER:
                text = f"已划转 {-movement.delta} 名编制：{movement.line} → {movement.counterpart.line}"
            else:
                text = f"已办理{movement.get_type_display()}：{movement.line}现核定 {movement.approved_after} 名"
            messages.success(request, text)
            return back(unit.pk)
    return form_page(request, form=form, unit=unit, title="编制变动", submit="办理", conflict=conflict)


@perm_required(Perm.STAFFING_CHANGE)
def line_configure_view(request: HttpRequest, pk: int) -> HttpResponse:
    """控制方式: block or warn, and whether 入编 needs an approval."""
    line = selectors.quota_lines_for_user(request.user).filter(pk=pk).first()
    if line is None:
        raise Http404("编制不存在或无权访问")
    require_change(request, line.unit)
    initial = {"enforcement": line.enforcement, "requires_approval": line.requires_approval}
    form = QuotaLineConfigureForm(request.POST or None, initial=initial)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.quota_line_configure(actor=request.user, line=line, **form.cleaned_data)  # noqa: E731
        done, conflict = attempt(form, call)
        if done is not None:
            messages.success(request, f"已保存{done}的控制方式：{done.get_enforcement_display()}")
            return back(line.unit_id)
    return form_page(request, form=form, unit=line.unit, title=f"控制方式：{line}", submit="保存", conflict=conflict)


@perm_required(Perm.STAFFING_CHANGE)
def post_quota_view(request: HttpRequest, pk: int) -> HttpResponse:
    """领导职数: approve the 正职 or 副职 posts of the unit or one of its divisions (`?post=` prefills one)."""
    unit = unit_for_change(request, pk)
    if refused := refuse_if_abolished(request, unit):
        return refused
    initial: dict[str, Any] = {}
    if request.GET.get("post", "").isdigit():
        post = selectors.post_quotas_for_user(request.user).filter(unit=unit, pk=request.GET["post"]).first()
        if post is not None:
            initial = {"division": post.division_id, "grade": post.grade, "approved": post.approved}
    form = PostQuotaForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.post_quota_set(actor=request.user, unit=unit, **form.service_kwargs())  # noqa: E731
        post, conflict = attempt(form, call)
        if post is not None:
            messages.success(request, f"已核定{post}职数 {post.approved} 名")
            return back(unit.pk)
    return form_page(request, form=form, unit=unit, title="核定领导职数", submit="保存", conflict=conflict)


@perm_required(Perm.STAFFING_CHANGE)
def approval_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """用编核准: reserve slots of a line for people to be recruited (核准使用编制通知单)."""
    unit = unit_for_change(request, pk)
    if refused := refuse_if_abolished(request, unit):
        return refused
    form = ApprovalForm(request.POST or None, user=request.user, unit=unit)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.approval_create(actor=request.user, unit=unit, **form.service_kwargs())  # noqa: E731
        approval, conflict = attempt(form, call, LINE_ALIASES)
        if approval is not None:
            messages.success(request, f"已登记用编核准{approval.document_no}（{approval.line}，{approval.count}名）")
            return back(unit.pk)
    return form_page(request, form=form, unit=unit, title="用编核准", submit="登记", conflict=conflict)


@perm_required(Perm.STAFFING_CHANGE)
def approval_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        approval = selectors.approval_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    unit = approval.line.unit
    require_change(request, unit)
    if approval.status != ApprovalStatus.OPEN:
        messages.error(request, f"用编核准{approval.document_no}已{approval.get_status_display()}，不能撤回")
        return redirect("staffing:approvals", pk=unit.pk)
    form = ApprovalWithdrawForm(request.POST or None)
    conflict, remaining = "", approval.remaining
    if request.method == "POST" and form.is_valid():
        call = lambda: services.approval_withdraw(actor=request.user, approval=approval, **form.cleaned_data)  # noqa: E731
        done, conflict = attempt(form, call)
        if done is not None:
            messages.success(request, f"已撤回用编核准{done.document_no}，释放 {remaining} 名预留编制")
            return back(unit.pk)
    return form_page(request, form=form, unit=unit, title=f"撤回用编核准{approval.document_no}", submit="确认撤回",
                     conflict=conflict, danger=True, approval=approval,
                     confirm=f"确定撤回用编核准{approval.document_no}？未使用的预留编制将被释放。")


@perm_required(Perm.STAFFING_CHANGE)
def enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    """入编 (or the record of a 编外 person); `?person=` prefills the person by id."""
    unit = unit_for_change(request, pk)
    if refused := refuse_if_abolished(request, unit):
        return refused
    initial: dict[str, Any] = {}
    if request.GET.get("person", "").isdigit():
        person = people_selectors.people_for_user(request.user).filter(pk=request.GET["person"]).first()
        if person is not None:
            initial["person"] = person.id_number
    form = EnrolForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.placement_enrol(actor=request.user, unit=unit, **form.service_kwargs())  # noqa: E731
        placement, conflict = attempt(form, call, LINE_ALIASES)
        if placement is not None:
            where = placement.line if placement.on_quota else "编外"
            messages.success(request, f"{placement.person.name}已入编（{where}）" if placement.on_quota
                             else f"已登记编外人员{placement.person.name}")
            return back(unit.pk)
    return form_page(request, form=form, unit=unit, title="入编", submit="办理入编", conflict=conflict)


def _ended(request: HttpRequest, placement: Placement) -> HttpResponse | None:
    if placement.ended_on is None:
        return None
    messages.error(request, f"{placement.person.name}已于{placement.ended_on:%Y-%m-%d}出编，不能再办理")
    return back(placement.unit_id)


@perm_required(Perm.STAFFING_CHANGE)
def release_view(request: HttpRequest, pk: int) -> HttpResponse:
    """出编: 退休、辞职、辞退、死亡、调出、开除…"""
    placement = placement_for_change(request, pk)
    if refused := _ended(request, placement):
        return refused
    form = ReleaseForm(request.POST or None)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.placement_release(actor=request.user, placement=placement, **form.cleaned_data)  # noqa: E731
        done, conflict = attempt(form, call)
        if done is not None:
            messages.success(request, f"{done.person.name}已出编（{ReleaseReason(done.end_reason).label}）")
            return back(done.unit_id)
    name = placement.person.name
    return form_page(request, form=form, unit=placement.unit, title=f"出编：{name}", submit="办理出编",
                     conflict=conflict, danger=True, placement=placement,
                     confirm=f"确定为{name}办理出编？出编后不能撤销。")


@perm_required(Perm.STAFFING_CHANGE)
def transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """调动: out of this unit's slot and into another unit's, in one transaction. Choosing the target unit
    reloads the form (htmx) so that its lines, approvals and posts are offered."""
    placement = placement_for_change(request, pk)
    if refused := _ended(request, placement):
        return refused
    if not placement.on_quota:
        messages.error(request, "编外人员不办理编制调动")
        return back(placement.unit_id)
    data = request.POST if request.method == "POST" else None
    chosen = (data or request.GET).get("to_unit", "")
    target = staffing_units(request.user).filter(pk=chosen).first() if chosen.isdigit() else None
    initial = {k: v for k, v in request.GET.items() if k in TransferForm.base_fields}
    form = TransferForm(data, user=request.user, unit=target, initial=initial)
    form.fields["to_unit"].widget.attrs.update({
        "hx-get": request.path, "hx-target": "#staffing-form", "hx-select": "#staffing-form",
        "hx-swap": "outerHTML", "hx-include": "closest form", "hx-params": "not csrfmiddlewaretoken",
    })
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.placement_transfer(actor=request.user, placement=placement, **form.service_kwargs())  # noqa: E731
        new, conflict = attempt(form, call, LINE_ALIASES)
        if new is not None:
            messages.success(request, f"{new.person.name}已调动至{new.unit.name}（{new.line}）")
            return back(placement.unit_id)
    return form_page(request, form=form, unit=placement.unit, title=f"调动：{placement.person.name}",
                     submit="办理调动", conflict=conflict, placement=placement)


@perm_required(Perm.STAFFING_CHANGE)
def change_post_view(request: HttpRequest, pk: int) -> HttpResponse:
    """职务变动: another leadership post (or none), division or title in the same unit."""
    placement = placement_for_change(request, pk)
    if refused := _ended(request, placement):
        return refused
    form = ChangePostForm(request.POST or None, user=request.user, unit=placement.unit,
                          initial=ChangePostForm.initial_for(placement))
    conflict = ""
    if request.method == "POST" and form.is_valid():
        call = lambda: services.placement_change_post(actor=request.user, placement=placement, **form.cleaned_data)  # noqa: E731
        done, conflict = attempt(form, call)
        if done is not None:
            messages.success(request, f"已办理{done.person.name}的职务变动：{done.post or '非领导职务'}")
            return back(done.unit_id)
    return form_page(request, form=form, unit=placement.unit, title=f"职务变动：{placement.person.name}",
                     submit="保存", conflict=conflict, placement=placement)
