"""Activity pages: the list with filters and counts, the one-screen record form (fields, the attendance sheet with
one click per member, the resolutions), an activity's page with its quorum explained, photos and files served only
through a scoped view, the month calendar and the yearly study summary with its xlsx export."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm, unit_allows
from bianban.core.access import perm_required
from bianban.core.downloads import stored_file_response
from bianban.core.exceptions import DomainError, NotFound, ValidationFailed
from bianban.core.pagination import paginate
from bianban.party.access import branches_for_user
from bianban.party.activities import rules, selectors, services
from bianban.party.activities.exports import study_workbook
from bianban.party.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    FileForm,
    ResolutionFormSet,
    StudyFilterForm,
    attendance_from_post,
    form_date,
    resolutions_from_formset,
)
from bianban.party.activities.sheet import Sheet, build_sheet, split_errors
from bianban.party.choices import ActivityKind, ActivityStatus
from bianban.party.models import Activity, Branch, PartyGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INLINE_TYPES = ("image/png", "image/jpeg")


def _activity(request: HttpRequest, pk: int, perm: str = Perm.PARTY_VIEW) -> Activity:
    try:
        return selectors.activity_get_for_user(request.user, pk, perm)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@perm_required(Perm.PARTY_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, user=request.user)
    qs = selectors.activities_for_user(request.user, **form.filters()).order_by("-held_on", "-pk")
    context = {"search": form, "counts": selectors.status_counts(qs), **paginate(request, qs),
               "can_create": has_perm(request.user, Perm.PARTY_CHANGE)}
    template = "party/activities/list.html#results" if _fragment(request) else "party/activities/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _group(branch: Branch | None, raw: Any) -> PartyGroup | None:
    if branch is None or not raw or not str(raw).isdigit():
        return None
    return PartyGroup.objects.filter(pk=raw, branch=branch).first()


def _sheet_for(form: ActivityForm, posted: Any, activity: Activity | None, per_member: dict[int, str] | None = None,
               errors: list[str] | None = None) -> Sheet:
    branch = form.chosen_branch()
    return build_sheet(branch=branch, kind=form.value("kind") or "", held_on=form_date(form.value("held_on")),
                       group=_group(branch, form.value("group")), posted=posted, activity=activity,
                       per_member=per_member, errors=errors)


def _save(request: HttpRequest, form: ActivityForm, formset: Any, activity: Activity | None) -> Activity:
    """Call the service with the form, the sheet (not for a planned or cancelled activity) and the resolutions."""
    data = dict(form.cleaned_data)
    data.pop("branch", None)
    attendance = attendance_from_post(request.POST) if data["status"] == ActivityStatus.HELD else None
    resolutions = resolutions_from_formset(formset)
    if activity is None:
        return services.activity_create(actor=request.user, branch=form.cleaned_data["branch"],
                                        attendance=attendance, resolutions=resolutions, **data)
    # The status the user saw when the form was drawn: a change since then is a conflict.
    seen = request.POST.get("seen_status", "")
    if seen in ActivityStatus.values:
        activity.status = seen
    return services.activity_update(actor=request.user, activity=activity, attendance=attendance,
                                    resolutions=resolutions, **data)


def _form_page(request: HttpRequest, form: ActivityForm, formset: Any, activity: Activity | None) -> HttpResponse:
    per_member: dict[int, str] = {}
    sheet_errors: list[str] = []
    resolution_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = _save(request, form, formset, activity)
        except ValidationFailed as exc:
            rest, sheet_errors, per_member, resolution_errors = split_errors(exc.details)
            if rest or not (sheet_errors or per_member or resolution_errors):
                form.add_domain_error(ValidationFailed(exc.message, details=rest))
            else:
                form.add_error(None, "出席情况或表决事项有误，请按提示修改")
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已保存“{saved.topic}”")
            return redirect("party:activity_detail", pk=saved.pk)
    posted = request.POST if request.method == "POST" else None
    context = {"form": form, "formset": formset, "activity": activity,
               "sheet": _sheet_for(form, posted, activity, per_member, sheet_errors),
               "resolution_errors": resolution_errors}
    return render(request, "party/activities/form.html", context, status=422 if request.method == "POST" else 200)


@perm_required(Perm.PARTY_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    initial = {"held_on": timezone.localdate(), "branch": request.GET.get("branch"),
               "kind": request.GET.get("kind") or ActivityKind.GENERAL_MEETING}
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    formset = ResolutionFormSet(request.POST or None, prefix="res")
    return _form_page(request, form, formset, None)


@perm_required(Perm.PARTY_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk, Perm.PARTY_CHANGE)
    initial = {name: getattr(activity, name) for name in services.FIELDS}
    initial["branch"] = activity.branch
    form = ActivityForm(request.POST or None, user=request.user, activity=activity, initial=initial)
    resolutions = [{"id": r.pk, "text": r.text, "votes_for": r.votes_for, "votes_against": r.votes_against,
                    "votes_abstain": r.votes_abstain} for r in activity.resolutions.order_by("pk")]
    formset = ResolutionFormSet(request.POST or None, prefix="res", initial=resolutions)
    return _form_page(request, form, formset, activity)


@perm_required(Perm.PARTY_CHANGE)
def attendance_rows_view(request: HttpRequest) -> HttpResponse:
    """The sheet alone, redrawn when the branch, kind, date or group changes on the form (htmx); the choices made
    so far are kept for members still due."""
    activity = None
    raw = request.GET.get("activity", "")
    if raw.isdigit():
        activity = _activity(request, int(raw), Perm.PARTY_CHANGE)
    initial = {"branch": activity.branch} if activity is not None else {}
    form = ActivityForm(request.GET, user=request.user, activity=activity, initial=initial)
    return render(request, "party/activities/_sheet.html", {"sheet": _sheet_for(form, request.GET, activity)})


def _detail_context(request: HttpRequest, activity: Activity, file_form: FileForm | None = None) -> dict[str, Any]:
    explanation = rules.quorum_explanation(activity.kind, due=activity.due_count, present=activity.present_count,
                                           voting_due=activity.voting_due, voting_present=activity.voting_present)
    files = list(activity.files.all())
    return {
        "activity": activity,
        "attendance": selectors.attendance_of(activity),
        "absent_count": activity.due_count - activity.present_count - activity.leave_count,
        "quorum_text": explanation if activity.status == ActivityStatus.HELD else "",
        "resolutions": [(r, rules.resolution_explanation(activity.kind, r.votes_for, activity.voting_due))
                        for r in activity.resolutions.order_by("pk")],
        "photos": [f for f in files if f.content_type in INLINE_TYPES],
        "documents": [f for f in files if f.content_type not in INLINE_TYPES],
        "can_change": unit_allows(request.user, Perm.PARTY_CHANGE, activity.branch.unit),
        "file_form": file_form or FileForm(),
        "study": rules.is_study_kind(activity.kind),
        "volunteer": rules.is_volunteer_kind(activity.kind),
        "service_total": activity.attendance.aggregate(total=Sum("service_hours"))["total"] or 0,
    }


@perm_required(Perm.PARTY_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    return render(request, "party/activities/detail.html", _detail_context(request, activity))


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def file_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk, Perm.PARTY_CHANGE)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_file_add(actor=request.user, activity=activity, uploaded_file=form.cleaned_data["file"])
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("party:activity_detail", pk=pk)
        else:
            messages.success(request, "已上传")
            return redirect("party:activity_detail", pk=pk)
    return render(request, "party/activities/detail.html", _detail_context(request, activity, form), status=422)


@perm_required(Perm.PARTY_VIEW)
def file_view(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a photo or file to a user who may see the activity; never through MEDIA_URL. Photos may be shown
    inline (their type was proven by their bytes on upload)."""
    try:
        record = selectors.activity_file_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    inline = request.GET.get("inline") == "1" and record.content_type in INLINE_TYPES
    return stored_file_response(record, inline=inline)


@require_POST
@perm_required(Perm.PARTY_CHANGE)
def file_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = selectors.activity_file_get_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    try:
        services.activity_file_delete(actor=request.user, record=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{record.original_name}”")
    return redirect("party:activity_detail", pk=record.activity_id)


def _branch_param(request: HttpRequest) -> Branch | None:
    raw = request.GET.get("branch", "")
    if not raw.isdigit():
        return None
    branch = branches_for_user(request.user).filter(pk=raw).first()
    if branch is None:
        raise Http404("党支部不存在或无权访问")
    return branch


def _int(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw or "")
    except ValueError:
        return default
    return value if low <= value <= high else default


@perm_required(Perm.PARTY_VIEW)
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year, 2000, 2100)
    month = _int(request.GET.get("month"), today.month, 1, 12)
    branch = _branch_param(request)
    prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    context = {"weeks": selectors.month_grid(request.user, year, month, branch), "year": year, "month": month,
               "branch": branch, "branches": branches_for_user(request.user), "today": today,
               "prev": prev_month, "next": next_month, "weekdays": "一二三四五六日"}
    return render(request, "party/activities/calendar.html", context)


def _study(request: HttpRequest) -> tuple[StudyFilterForm, Branch | None, int]:
    form = StudyFilterForm(request.GET or None, user=request.user)
    year = timezone.localdate().year
    branch = form.fields["branch"].queryset.first()
    if form.is_bound:
        form.is_valid()
        if "branch" in form.errors and request.GET.get("branch"):
            raise Http404("党支部不存在或无权访问")
        branch = form.cleaned_data.get("branch") or branch
        year = form.cleaned_data.get("year") or year
    return form, branch, year


@perm_required(Perm.PARTY_VIEW)
def study_view(request: HttpRequest) -> HttpResponse:
    form, branch, year = _study(request)
    rows = selectors.study_summary(branch, year) if branch is not None else []
    totals = {"sessions": sum(r.sessions for r in rows), "hours": sum((r.hours for r in rows), start=0)}
    return render(request, "party/activities/study.html",
                  {"search": form, "branch": branch, "year": year, "rows": rows, "totals": totals})


@perm_required(Perm.PARTY_VIEW)
def study_export_view(request: HttpRequest) -> HttpResponse:
    _, branch, year = _study(request)
    if branch is None:
        raise Http404("党支部不存在或无权访问")
    rows = selectors.study_summary(branch, year)
    services.study_summary_export(actor=request.user, branch=branch, year=year, count=len(rows))
    response = HttpResponse(study_workbook(branch, year, rows), content_type=XLSX)
    name = f"{branch.name}{year}年度党员学习情况-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
