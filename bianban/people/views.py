"""People pages: search, detail, create, edit, and the audited export of the current search."""

from datetime import date
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.access import can, perm_required
from bianban.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed
from bianban.core.pagination import paginate
from bianban.core.selectors import audit_events_for_user
from bianban.people import selectors, services
from bianban.people.forms import PersonForm, PersonSearchForm
from bianban.people.models import Person
from bianban.people.retirement import SCHEDULES, format_age, retirement_age, retirement_delay_months

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get(request: HttpRequest, pk: int) -> Person:
    try:
        return selectors.person_get_for_user(request.user, pk)
    except NotFound:
        raise Http404("人员不存在或无权访问") from None


@perm_required(Perm.PEOPLE_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET, user=request.user)
    people = selectors.people_search(request.user, **form.filters())
    context = {
        "form": form,
        "can_change": can(request.user, Perm.PEOPLE_CHANGE),
        **paginate(request, people),
    }
    context["rows"] = [(p, selectors.displayed_id_number(request.user, p)) for p in context["page_obj"]]
    if request.htmx:
        return render(request, "people/list.html#results", context)
    return render(request, "people/list.html", context)


@perm_required(Perm.PEOPLE_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET, user=request.user)
    people = selectors.people_search(request.user, **form.filters())
    content = services.person_export(actor=request.user, people=people, filters=form.described())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(BytesIO(content), as_attachment=True, filename=f"人员名单-{stamp}.xlsx", content_type=XLSX)


def _retirement(person: Person) -> dict[str, Any]:
    schedule = SCHEDULES[person.retirement_category]
    delay = retirement_delay_months(person.birth_date, person.retirement_category)
    today = date.today()
    months_left = (person.retirement_month.year - today.year) * 12 + person.retirement_month.month - today.month
    return {
        "original_age": schedule.original_age,
        "delay": delay,
        "age": format_age(*retirement_age(person.birth_date, person.retirement_category)),
        "final_age": format_age(*divmod(schedule.final_age_months, 12)),
        "step": schedule.step,
        "months_left": months_left,
    }


@perm_required(Perm.PEOPLE_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, pk)
    events = []
    if can(request.user, Perm.AUDIT_VIEW):
        content_type = ContentType.objects.get_for_model(Person)
        events = audit_events_for_user(request.user, target_type_id=content_type.pk, target_id=str(person.pk))[:20]
    return render(request, "people/detail.html", {
        "person": person,
        "show_pii": selectors.pii_visible(request.user, person),
        "shown_id": selectors.displayed_id_number(request.user, person),
        "can_change": selectors.person_changeable(request.user, person),
        "retirement": _retirement(person),
        "events": events,
    })


@perm_required(Perm.PEOPLE_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    units = selectors.units_for_people_change(request.user)
    if request.GET.get("unit", "").isdigit() and units.filter(pk=request.GET["unit"]).exists():
        initial["unit"] = request.GET["unit"]
    form = PersonForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记人员“{person.name}”，法定退休时间{person.retirement_month:%Y年%m月}")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": None})


@perm_required(Perm.PEOPLE_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, pk)
    if not selectors.person_changeable(request.user, person):
        raise DjangoPermissionDenied("没有维护该单位人员的权限")
    show_id = selectors.pii_visible(request.user, person)
    initial = {f: getattr(person, f) for f in services.AUDITED_FIELDS if f not in ("retirement_month", "unit")}
    initial["unit"] = person.unit_id
    form = PersonForm(request.POST or None, user=request.user, edit=True, show_id_number=show_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(actor=request.user, person=person, **form.service_kwargs())
        except (ValidationFailed, PermissionDenied) as exc:
            form.add_domain_error(exc)
        except NotFound:
            raise Http404("人员不存在或无权访问") from None
        else:
            messages.success(request, f"已保存“{person.name}”的信息")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person, "id_locked": not show_id})
