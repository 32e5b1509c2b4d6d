"""Checks shared by the unit services: each returns field-keyed Chinese messages and writes nothing.

The database constraints on the models are the backstop; these checks come first so that users get a
message next to the field that is wrong, and all of them at once.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from bianban.core.exceptions import ValidationFailed, from_django_validation
from bianban.core.validators import parse_uscc
from bianban.units.choices import (
    USCC_PREFIXES,
    Funding,
    InstitutionClass,
    QuotaKind,
    SystemCategory,
    UnitKind,
    UnitRank,
    UnitStatus,
)
from bianban.units.models import Unit

Errors = dict[str, list[str]]

EARLIEST_DATE = date(1900, 1, 1)
# 事业单位 classes apply to 事业单位 and to 参公事业单位 (domain.md §1.4).
CLASSIFIED_KINDS = frozenset({UnitKind.INSTITUTION, UnitKind.CIVIL_SERVICE_MANAGED})
POST_LEVELS = {"unit": "单位领导", "division": "内设机构领导"}


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    """Raise one ValidationFailed carrying every message, so a form can show them all at once."""
    if not errors:
        return
    messages = list(dict.fromkeys(m for msgs in errors.values() for m in msgs))
    raise ValidationFailed("；".join(messages[:5]), details=errors)


def full_clean(instance: Model, exclude: Iterable[str] = ()) -> None:
    """Django's own field checks (lengths, choices, constraints) as the second line, in Chinese."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise from_django_validation(exc) from None


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def check_document_no(errors: Errors, value: str, field: str = "document_no") -> None:
    if len(value) > 100:
        add(errors, field, "文号不能超过100字")


def parent_label(parent: Unit | None) -> str:
    return parent.name if parent is not None else "顶层（无主管部门）"


def check_choice(errors: Errors, field: str, value: str, choices: type, label: str, *, blank: bool) -> None:
    if value == "" and blank:
        return
    if value not in choices.values:
        add(errors, field, f"请选择有效的{label}")


def check_uscc(errors: Errors, unit: Unit) -> None:
    """统一社会信用代码 (GB 32100, domain.md §3.5): the shape is a hard error; a failed check character is
    accepted only with a recorded reason (legal early pilot codes fail it); positions 1–2 must fit the kind."""
    unit.uscc = text(unit.uscc).upper().replace(" ", "")
    unit.uscc_checksum_reason = text(unit.uscc_checksum_reason)
    if not unit.uscc:
        unit.uscc_checksum_reason = ""
        return
    try:
        code = parse_uscc(unit.uscc)
    except ValidationError as exc:
        add(errors, "uscc", exc.messages[0])
        return
    unit.uscc = code.code
    if code.checksum_ok:
        unit.uscc_checksum_reason = ""
    elif not unit.uscc_checksum_reason:
        add(errors, "uscc",
            f"统一社会信用代码校验位不符：按前17位计算，第18位应为“{code.expected_check}”，而不是“{code.code[-1]}”。"
            "请核对代码；如确属合法代码（如早期试点代码），请在“校验未通过的说明”中填写理由并确认后再保存")
    prefixes = USCC_PREFIXES.get(unit.kind)
    if prefixes and code.code[:2] not in prefixes:
        expected = "”或“".join(prefixes)
        add(errors, "uscc",
            f"{UnitKind(unit.kind).label}的统一社会信用代码应以“{expected}”开头（机构编制部门登记），"
            f"当前为“{code.code[:2]}”，请核对代码或单位类型")
    holder = Unit.objects.filter(uscc=code.code).exclude(pk=unit.pk).only("name").first()
    if holder is not None:
        add(errors, "uscc", f"该统一社会信用代码已被“{holder.name}”使用")


def check_unit(errors: Errors, unit: Unit, *, check_name: bool, new_parent: bool) -> None:
    """Everything a unit's own fields must satisfy; `new_parent` when the parent is being set or changed."""
    if not unit.name:
        add(errors, "name", "请填写机构全称")
    elif check_name:
        siblings = Unit.objects.filter(parent_id=unit.parent_id, name=unit.name).exclude(pk=unit.pk)
        if siblings.exists():
            add(errors, "name", f"“{parent_label(unit.parent)}”下已有名为“{unit.name}”的机构")
    check_choice(errors, "kind", unit.kind, UnitKind, "单位类型", blank=False)
    check_choice(errors, "rank", unit.rank, UnitRank, "机构规格", blank=False)
    check_choice(errors, "system_category", unit.system_category, SystemCategory, "系统类别", blank=True)
    check_choice(errors, "institution_class", unit.institution_class, InstitutionClass, "事业单位类别", blank=True)
    if unit.institution_class and unit.kind in UnitKind.values and unit.kind not in CLASSIFIED_KINDS:
        add(errors, "institution_class",
            f"只有事业单位和参公单位才有事业单位类别，{UnitKind(unit.kind).label}请留空")
    if new_parent and unit.parent is not None and unit.parent.status != UnitStatus.ACTIVE:
        add(errors, "parent", f"主管部门“{unit.parent.name}”已撤销，不能在其下设立或调入机构")
    if unit.kind in UnitKind.values:
        check_uscc(errors, unit)
    if unit.established_on is not None:
        if unit.established_on < EARLIEST_DATE:
            add(errors, "established_on", "成立时间不合理，请核对")
        elif unit.abolished_on is not None and unit.established_on > unit.abolished_on:
            add(errors, "established_on", f"成立时间不能晚于撤销时间（{unit.abolished_on:%Y-%m-%d}）")
    if not isinstance(unit.sort_order, int) or isinstance(unit.sort_order, bool):
        add(errors, "sort_order", "排序应为整数")


def count(value: Any) -> int | None:
    """A whole number ≥ 0 from JSON or a form (digits as text allowed), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _rows(errors: Errors, field: str, rows: Any, label: str) -> list[dict[str, Any]]:
    if rows is None:
        return []
    if not isinstance(rows, list | tuple) or not all(isinstance(r, dict) for r in rows):
        add(errors, field, f"{label}应为列表，每项为一个对象")
        return []
    return list(rows)


def clean_quota(errors: Errors, rows: Any) -> list[dict[str, Any]]:
    """三定 quota lines: [{"kind": QuotaKind, "funding": Funding, "count": int ≥ 0}], one per (kind, funding)."""
    cleaned: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(_rows(errors, "quota", rows, "编制"), start=1):
        kind, funding, n = row.get("kind"), row.get("funding", Funding.NONE), count(row.get("count"))
        if kind not in QuotaKind.values:
            add(errors, "quota", f"编制第{i}行：请选择有效的编制类型")
            continue
        if funding not in Funding.values:
            add(errors, "quota", f"编制第{i}行：请选择有效的经费形式")
            continue
        if n is None:
            add(errors, "quota", f"编制第{i}行：编制数应为不小于0的整数")
            continue
        # domain.md §1.2–1.3: 事业编制 is split by funding form; 机关 quota (行政、政法专项) carries none.
        if kind == QuotaKind.INSTITUTION and funding == Funding.NONE:
            add(errors, "quota", f"编制第{i}行：事业编制须注明经费形式")
            continue
        if kind in (QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL) and funding != Funding.NONE:
            add(errors, "quota", f"编制第{i}行：{QuotaKind(kind).label}不区分经费形式")
            continue
        if (kind, funding) in seen:
            add(errors, "quota", f"编制第{i}行：{QuotaKind(kind).label}（{Funding(funding).label}）重复填写")
            continue
        seen.add((kind, funding))
        cleaned.append({"kind": kind, "funding": funding, "count": n})
    return cleaned


def clean_posts(errors: Errors, rows: Any) -> list[dict[str, Any]]:
    """领导职数 (domain.md §1.5): [{"level": "unit"|"division", "principal": int ≥ 0, "deputy": int ≥ 0}]."""
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(_rows(errors, "posts", rows, "领导职数"), start=1):
        level, principal, deputy = row.get("level"), count(row.get("principal")), count(row.get("deputy"))
        if level not in POST_LEVELS:
            add(errors, "posts", f"领导职数第{i}行：层级应为单位领导（unit）或内设机构领导（division）")
            continue
        if principal is None or deputy is None:
            add(errors, "posts", f"领导职数第{i}行：正职数、副职数应为不小于0的整数")
            continue
        if level in seen:
            add(errors, "posts", f"领导职数第{i}行：{POST_LEVELS[level]}重复填写")
            continue
        seen.add(level)
        cleaned.append({"level": level, "principal": principal, "deputy": deputy})
    return cleaned


def clean_charter_divisions(errors: Errors, rows: Any) -> list[dict[str, Any]]:
    """The 内设机构 a charter names: [{"name", "principal", "deputy"}], names unique."""
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(_rows(errors, "divisions", rows, "内设机构"), start=1):
        name = text(row.get("name"))
        principal, deputy = count(row.get("principal", 0)), count(row.get("deputy", 0))
        if not name:
            add(errors, "divisions", f"内设机构第{i}行：请填写名称")
            continue
        if len(name) > 100:
            add(errors, "divisions", f"内设机构第{i}行：名称不能超过100字")
            continue
        if principal is None or deputy is None:
            add(errors, "divisions", f"内设机构第{i}行：正职数、副职数应为不小于0的整数")
            continue
        if name in seen:
            add(errors, "divisions", f"内设机构第{i}行：“{name}”重复填写")
            continue
        seen.add(name)
        cleaned.append({"name": name, "principal": principal, "deputy": deputy})
    return cleaned
