"""Writes to persons. The ID number is the identity: birth date and sex are derived from it, the statutory
retirement month from those and the retirement category. Every write is audited; bad input writes nothing."""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed, from_django_validation
from bianban.core.validators import mask_id_number, parse_id_number
from bianban.people.choices import ETHNICITY_CHOICES, Education, PoliticalStatus, RetirementCategory, Sex
from bianban.people.models import Person
from bianban.people.retirement import allowed_categories, default_category, retirement_month

AUDITED_FIELDS = [
    "name", "id_number", "sex", "birth_date", "ethnicity", "native_place", "education", "political_status",
    "work_started_on", "retirement_category", "retirement_month", "unit", "phone", "note",
]
# What person_update accepts; sex and birth_date only as a cross-check of the ID number.
UPDATABLE_FIELDS = frozenset(AUDITED_FIELDS) - {"retirement_month"}
_ETHNICITIES = frozenset(value for value, _ in ETHNICITY_CHOICES)
_WHITESPACE = re.compile(r"\s")  # \s covers the full-width space U+3000 too
MIN_WORKING_AGE = 14  # years; 《禁止使用童工规定》 forbids employing anyone under 16, 14 leaves room for old records


# --- scope --------------------------------------------------------------------------------------------------


def _require_change(actor: Any, unit: Any) -> None:
    """The actor may change the people of `unit`: else 404 when they cannot even see them, 403 when they can."""
    if actor is None or unit_allows(actor, Perm.PEOPLE_CHANGE, unit):
        return
    if unit_allows(actor, Perm.PEOPLE_VIEW, unit):
        raise PermissionDenied("没有维护该单位人员的权限")
    raise NotFound("人员不存在或无权访问")


def _check_target_unit(actor: Any, unit: Any) -> None:
    if unit is None:
        if actor is not None and not unit_allows(actor, Perm.PEOPLE_CHANGE, None):
            raise ValidationFailed.on("unit", "请选择所在单位")
        return
    if actor is not None and not unit_allows(actor, Perm.PEOPLE_CHANGE, unit):
        if unit_allows(actor, Perm.PEOPLE_VIEW, unit) or unit_allows(actor, Perm.UNITS_VIEW, unit):
            message = f"没有在“{unit.name}”登记或调入人员的权限"
            raise PermissionDenied(message, details={"unit": [message]})
        raise NotFound("单位不存在或无权访问", details={"unit": ["单位不存在或无权访问"]})
    if getattr(unit, "status", "active") != "active":
        raise ValidationFailed.on("unit", f"“{unit.name}”已撤销，不能再登记人员")


# --- field rules --------------------------------------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            first = next(iter(self.values()))[0]
            raise ValidationFailed(first, details=dict(self))


def _clean_name(raw: Any, errors: _Errors) -> str:
    name = str(raw or "").strip()
    if not name:
        errors.add("name", "请填写姓名")
    elif _WHITESPACE.search(name):
        errors.add("name", "姓名中不能含有空格（实名制要求姓名连续填写）")
    elif not 2 <= len(name) <= 50:
        errors.add("name", "姓名应为2至50个字")
    return name


def _duplicate_message(actor: Any, other: Person) -> str:
    # Never name a person the actor could not look up themselves.
    if actor is None or unit_allows(actor, Perm.PEOPLE_VIEW, other.unit):
        where = f"（{other.unit.name}）" if other.unit_id else ""
        return f"该身份证号码已登记在册：{other.name}{where}"
    return "该身份证号码已登记在册"


def _apply(*, actor: Any, person: Person, values: dict[str, Any]) -> str:
    """Validate `values` and set them on `person` (unsaved). Returns a note on a 15→18-digit upgrade."""
    errors = _Errors()
    upgraded_from = ""
    if "name" in values:
        person.name = _clean_name(values["name"], errors)
    if "id_number" in values:
        try:
            parsed = parse_id_number(str(values["id_number"] or ""))
        except ValidationError as exc:
            errors.add("id_number", exc.messages[0] if str(values["id_number"] or "").strip() else "请填写身份证号码")
        else:
            person.id_number, person.birth_date, person.sex = parsed.number, parsed.birth_date, parsed.sex
            upgraded_from = parsed.upgraded_from
            other = Person.objects.select_related("unit").filter(id_number=parsed.number).exclude(pk=person.pk).first()
            if other is not None:
                errors.add("id_number", _duplicate_message(actor, other))
    if person.id_number and "id_number" not in errors:
        if values.get("sex") not in (None, "") and values["sex"] != person.sex:
            errors.add("sex", f"性别与身份证号码不一致：号码中为{Sex(person.sex).label}")
        if values.get("birth_date") is not None and values["birth_date"] != person.birth_date:
            errors.add("birth_date", f"出生日期与身份证号码不一致：号码中为{person.birth_date.isoformat()}")
    for field, allowed, label in (
        ("ethnicity", _ETHNICITIES, "民族"),
        ("education", {"", *Education.values}, "学历"),
        ("political_status", set(PoliticalStatus.values), "政治面貌"),
    ):
        if field in values:
            value = values[field] or ""
            if not value and field != "education":
                errors.add(field, f"请选择{label}")
            elif value not in allowed:
                errors.add(field, f"{label}“{value}”不在可选范围内")
            else:
                setattr(person, field, value)
    for field in ("native_place", "phone", "note"):
        if field in values:
            setattr(person, field, str(values[field] or "").strip())
    if "work_started_on" in values:
        person.work_started_on = values["work_started_on"] or None
    if "unit" in values:
        person.unit = values["unit"]

    # The category depends on the sex, which an ID change may have changed.
    category = values.get("retirement_category") or None
    if category is not None:
        if category not in RetirementCategory.values:
            errors.add("retirement_category", "未知的退休年龄类别")
        elif person.sex and category not in allowed_categories(person.sex):
            errors.add("retirement_category", "男职工的退休年龄类别只能是“男职工（原60周岁）”" if person.sex == Sex.MALE
                       else "女职工的退休年龄类别应为“女干部（原55周岁）”或“女工人（原50周岁）”")
        else:
            person.retirement_category = category
    elif person.sex and person.retirement_category not in allowed_categories(person.sex):
        person.retirement_category = default_category(person.sex)

    if person.work_started_on and person.birth_date and "id_number" not in errors:
        earliest = _add_years(person.birth_date, MIN_WORKING_AGE)
        if person.work_started_on < earliest:
            errors.add("work_started_on", f"参加工作时间不能早于年满{MIN_WORKING_AGE}周岁（{earliest.isoformat()}）")
    if person.work_started_on and person.work_started_on > date.today():
        errors.add("work_started_on", "参加工作时间不能晚于今天")
    errors.raise_if_any()

    person.retirement_month = retirement_month(person.birth_date, person.retirement_category)
    try:
        person.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    return upgraded_from


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    """Personal data enters the audit trail masked, since reviewers read the trail without people.view_pii:
    the ID number as 110105********002X, the birth date as its month (the day plus the masked number's
    visible parts would rebuild the whole number), the phone number with its middle hidden."""
    masked = dict(values)
    if masked.get("id_number"):
        masked["id_number"] = mask_id_number(masked["id_number"])
    if masked.get("birth_date"):
        masked["birth_date"] = str(masked["birth_date"])[:7]
    if masked.get("phone"):
        phone = masked["phone"]
        masked["phone"] = phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "*" * len(phone)
    return masked


def _save(person: Person, actor: Any, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            person.save(**kwargs)
    except IntegrityError:
        # Another request registered the same number between our check and our insert.
        other = Person.objects.select_related("unit").filter(id_number=person.id_number).exclude(pk=person.pk).first()
        if other is None:
            raise
        raise ValidationFailed.on("id_number", _duplicate_message(actor, other)) from None


def _describe(filters: dict[str, Any]) -> str:
    parts = [f"{k}={mask_id_number(str(v)) if k == 'id_number' else v}"
             for k, v in filters.items() if v not in ("", None)]
    return "；".join(parts) or "全部"


# --- services -----------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def person_create(
    *,
    actor: Any,
    name: str,
    id_number: str,
    unit: Any = None,
    sex: str | None = None,
    birth_date: date | None = None,
    ethnicity: str = "汉族",
    native_place: str = "",
    education: str = "",
    political_status: str = PoliticalStatus.MASSES,
    work_started_on: date | None = None,
    retirement_category: str | None = None,
    phone: str = "",
    note: str = "",
) -> Person:
    """Register a person. `sex` and `birth_date`, when given, must agree with the ID number; a 15-digit
    number is upgraded to 18 digits. The retirement category defaults from the sex (women: 55)."""
    _check_target_unit(actor, unit)
    person = Person()
    values = {
        "name": name, "id_number": id_number, "unit": unit, "sex": sex, "birth_date": birth_date,
        "ethnicity": ethnicity, "native_place": native_place, "education": education,
        "political_status": political_status, "work_started_on": work_started_on,
        "retirement_category": retirement_category, "phone": phone, "note": note,
    }
    upgraded_from = _apply(actor=actor, person=person, values=values)
    _save(person, actor)
    changes = {k: [None, v] for k, v in _audit_values(snapshot(person, AUDITED_FIELDS)).items() if v not in ("", None)}
    reason = ""
    if upgraded_from:
        changes["id_number_upgraded_from"] = [None, mask_id_number(upgraded_from)]
        reason = "15位旧身份证号码已按GB 11643-1999升级为18位"
    audit(actor=actor, action="person.create", target=person, unit_id=person.unit_id, changes=changes, reason=reason)
    return person


@transaction.atomic(durable=True)
def person_update(*, actor: Any, person: Person, reason: str = "", **fields: Any) -> Person:
    """Change any of the fields person_create takes. A new ID number re-derives birth date and sex; the
    retirement month is recomputed. Moving a person needs people.change on both units."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"person_update() got unexpected fields: {', '.join(sorted(unknown))}")
    person = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    _require_change(actor, person.unit)
    if "unit" in fields and getattr(fields["unit"], "pk", None) != person.unit_id:
        _check_target_unit(actor, fields["unit"])
    before = _audit_values(snapshot(person, AUDITED_FIELDS))
    upgraded_from = _apply(actor=actor, person=person, values=fields)
    changes = diff(before, _audit_values(snapshot(person, AUDITED_FIELDS)))
    if not changes:
        return person
    _save(person, actor)
    if upgraded_from:
        changes["id_number_upgraded_from"] = [None, mask_id_number(upgraded_from)]
        reason = reason or "15位旧身份证号码已按GB 11643-1999升级为18位"
    audit(actor=actor, action="person.update", target=person, unit_id=person.unit_id, changes=changes, reason=reason)
    return person


@transaction.atomic(durable=True)
def person_export(*, actor: Any, people: QuerySet[Person], filters: dict[str, Any]) -> bytes:
    """The people as an .xlsx workbook. Exports of personal data are audited, with the search that chose
    them and how many full ID numbers left the system."""
    from bianban.people.exports import people_workbook

    content, count, unmasked = people_workbook(actor, people)
    changes = {"count": [None, count], "unmasked_id_numbers": [None, unmasked]}
    audit(actor=actor, action="person.export", changes=changes,
          reason="导出人员名单，查询条件：" + _describe(filters))
    return content
