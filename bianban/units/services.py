"""Writes to the unit register: units, their internal divisions and 三定 charters.

Every service runs in one transaction, records the change in the unit's 沿革 (UnitEvent, read by users) and
in the audit trail (AuditEvent), and raises ValidationFailed with field-keyed Chinese messages before writing
anything when the input is wrong.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import forget_grants, has_district_perm, unit_allows
from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import PermissionDenied, ValidationFailed
from bianban.units import validation as v
from bianban.units.choices import UnitEventKind, UnitRank, UnitStatus
from bianban.units.models import Charter, Division, Unit, UnitEvent

UNIT_FIELDS = (
    "name", "short_name", "other_names", "kind", "institution_class", "rank", "system_category", "uscc",
    "uscc_checksum_reason", "established_on", "functions", "sort_order", "parent",
)
_UNIT_TEXT_FIELDS = frozenset(UNIT_FIELDS) - {"established_on", "sort_order", "parent"}
DIVISION_FIELDS = ("name", "rank", "functions", "sort_order", "established_on", "document_no")
PATH_MAX = Unit._meta.get_field("path").max_length


def _today() -> date:
    return timezone.localdate()


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(*, actor: Any, unit: Unit, kind: str, occurred_on: date, document_no: str, summary: str,
           changes: dict[str, Any] | None = None) -> UnitEvent:
    return UnitEvent.objects.create(
        unit=unit, kind=kind, occurred_on=occurred_on, document_no=document_no, summary=summary[:300],
        changes=changes or {}, actor=_actor(actor),
    )


def unit_event_record_within(*, actor: Any, unit: Unit, kind: str, occurred_on: date, document_no: str,
                             summary: str, changes: dict[str, Any] | None = None) -> UnitEvent:
    """A 沿革 entry written inside the caller's transaction by another register that changes what the unit is
    (事业单位登记: an approved 变更 of 住所, 法定代表人 …); the caller audits its own write."""
    return _event(actor=actor, unit=unit, kind=kind, occurred_on=occurred_on, document_no=document_no,
                  summary=summary, changes=changes)


def _save(instance: Any, **kwargs: Any) -> None:
    """Save behind a savepoint: a constraint that a concurrent writer broke first becomes a clear message."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed("保存失败：数据与已有记录冲突（可能刚被他人修改），请刷新后重试") from None


def _require_change_under(actor: Any, parent: Unit | None) -> None:
    """The new or moved unit must land inside the actor's own scope (system work, actor None, may do anything)."""
    if actor is None:
        return
    if parent is None and not has_district_perm(actor, Perm.UNITS_CHANGE):
        raise PermissionDenied("只有全区范围授权的用户才能设立或调入顶层机构")
    if parent is not None and not unit_allows(actor, Perm.UNITS_CHANGE, parent):
        raise PermissionDenied(f"没有维护“{parent.name}”的权限，不能在其下设立或调入机构")


def _refuse_unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        message = f"以下字段不能修改：{'、'.join(unknown)}"
        raise ValidationFailed(message, details={f: ["该字段不能修改"] for f in unknown})


def _locked(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _labels(fields: Iterable[str]) -> str:
    return "、".join(str(Unit._meta.get_field(f).verbose_name) for f in fields)


@transaction.atomic(durable=True)
def unit_create(
    *, actor: Any, name: str, kind: str, parent: Unit | None = None, short_name: str = "", other_names: str = "",
    institution_class: str = "", rank: str = UnitRank.UNRANKED, system_category: str = "", uscc: str = "",
    uscc_checksum_reason: str = "", established_on: date | None = None, document_no: str = "",
    functions: str = "", sort_order: int = 0,
) -> Unit:
    """设立: add a unit under `parent` (None: a top-level unit) and record its establishment in its 沿革."""
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    unit = Unit(
        name=v.text(name), kind=v.text(kind), parent=parent, short_name=v.text(short_name),
        other_names=v.text(other_names), institution_class=v.text(institution_class), rank=v.text(rank),
        system_category=v.text(system_category), uscc=uscc, uscc_checksum_reason=uscc_checksum_reason,
        established_on=established_on, document_no=v.text(document_no), functions=v.text(functions),
        sort_order=sort_order,
    )
    errors: v.Errors = {}
    v.check_unit(errors, unit, check_name=True, new_parent=True)
    v.raise_if(errors)
    v.full_clean(unit, exclude=["path"])
    _require_change_under(actor, parent)
    _save(unit)
    # The path holds the unit's own pk, known only after the insert.
    unit.path = (parent.path if parent else "/") + f"{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    values = snapshot(unit, list(UNIT_FIELDS))
    where = f"，主管部门为“{parent.name}”" if parent else ""
    _event(actor=actor, unit=unit, kind=UnitEventKind.ESTABLISH, occurred_on=established_on or _today(),
           document_no=unit.document_no, summary=f"设立“{unit.name}”{where}", changes=values)
    audit(actor=actor, action="unit.create", target=unit, unit_id=unit.pk,
          changes={k: [None, val] for k, val in values.items() if val not in ("", None)})
    return unit


def _move_subtree(unit: Unit, new_parent: Unit | None) -> None:
    """Rewrite path and depth of the unit and all its descendants in one UPDATE."""
    old_path = unit.path
    new_path = (new_parent.path if new_parent else "/") + f"{unit.pk}/"
    new_depth = new_parent.depth + 1 if new_parent else 0
    subtree = Unit.objects.filter(path__startswith=old_path)
    longest = subtree.aggregate(m=Max(Length("path")))["m"] or len(old_path)
    if longest - len(old_path) + len(new_path) > PATH_MAX:
        raise ValidationFailed.on("parent", "调整后机构层级过深，无法保存")
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()),
        depth=F("depth") + (new_depth - unit.depth),
    )
    unit.path, unit.depth = new_path, new_depth


@transaction.atomic(durable=True)
def unit_update(
    *, actor: Any, unit: Unit, document_no: str = "", occurred_on: date | None = None, reason: str = "",
    **fields: Any,
) -> Unit:
    """Change a unit's fields. A new name is recorded as 更名, a new parent as 调整隶属关系 (the whole subtree
    follows), anything else as 变更; all with the same document and date. No change: nothing is written."""
    return unit_update_within(actor=actor, unit=unit, document_no=document_no, occurred_on=occurred_on,
                              reason=reason, **fields)


def unit_update_within(
    *, actor: Any, unit: Unit, document_no: str = "", occurred_on: date | None = None, reason: str = "",
    **fields: Any,
) -> Unit:
    """`unit_update` inside the caller's transaction (an approved 变更登记 renames the institution in the same
    write as the registration)."""
    _refuse_unknown(fields, UNIT_FIELDS)
    unit = _locked(unit)
    if unit.status != UnitStatus.ACTIVE:
        raise ValidationFailed("已撤销的机构不能修改", details={"__all__": ["已撤销的机构不能修改"]})
    before = snapshot(unit, list(UNIT_FIELDS))
    old_parent = unit.parent
    for name, value in fields.items():
        if name == "parent":
            unit.parent = Unit.objects.select_for_update().get(pk=value.pk) if value is not None else None
        else:
            setattr(unit, name, v.text(value) if name in _UNIT_TEXT_FIELDS else value)
    moved = unit.parent_id != before["parent"]
    errors: v.Errors = {}
    if moved and unit.parent is not None and (unit.parent.pk == unit.pk or unit.parent.path.startswith(unit.path)):
        v.add(errors, "parent", "不能将机构调整到其自身或其下级机构之下")
    v.check_unit(errors, unit, check_name=moved or unit.name != before["name"], new_parent=moved)
    v.check_document_no(errors, v.text(document_no))
    v.raise_if(errors)
    v.full_clean(unit, exclude=["path"])
    changes = diff(before, snapshot(unit, list(UNIT_FIELDS)))
    if not changes:
        return unit
    if moved:
        _require_change_under(actor, unit.parent)
    document_no, reason = v.text(document_no), v.text(reason)
    if document_no:
        changes["document_no"] = [unit.document_no, document_no]
        unit.document_no = document_no
    _save(unit)
    if moved:
        _move_subtree(unit, unit.parent)
        if actor is not None:
            forget_grants(actor)  # cached grant units may carry the old paths
    on = occurred_on or _today()
    if "name" in changes:
        _event(actor=actor, unit=unit, kind=UnitEventKind.RENAME, occurred_on=on, document_no=document_no,
               summary=f"由“{before['name']}”更名为“{unit.name}”", changes={"name": changes["name"]})
    if moved:
        _event(actor=actor, unit=unit, kind=UnitEventKind.MOVE, occurred_on=on, document_no=document_no,
               summary=f"隶属关系由“{v.parent_label(old_parent)}”调整为“{v.parent_label(unit.parent)}”",
               changes={"parent": changes["parent"],
                        "parent_name": [getattr(old_parent, "name", None), getattr(unit.parent, "name", None)]})
    other = {k: pair for k, pair in changes.items() if k not in ("name", "parent", "document_no")}
    if other:
        _event(actor=actor, unit=unit, kind=UnitEventKind.CHANGE, occurred_on=on, document_no=document_no,
               summary=f"变更{_labels(other)}", changes=other)
    audit(actor=actor, action="unit.update", target=unit, unit_id=unit.pk, changes=changes, reason=reason)
    return unit


@transaction.atomic(durable=True)
def unit_abolish(*, actor: Any, unit: Unit, on: date, document_no: str, reason: str = "") -> Unit:
    """撤销: only a unit with no active child units and no active divisions; it stays in the register."""
    unit = _locked(unit)
    errors: v.Errors = {}
    if unit.status != UnitStatus.ACTIVE:
        raise ValidationFailed("该机构已撤销", details={"__all__": ["该机构已撤销"]})
    document_no, reason = v.text(document_no), v.text(reason)
    if not document_no:
        v.add(errors, "document_no", "撤销机构须填写批准文号")
    if on is None:
        v.add(errors, "on", "请填写撤销日期")
    elif on > _today():
        v.add(errors, "on", "撤销日期不能晚于今天")
    elif unit.established_on and on < unit.established_on:
        v.add(errors, "on", f"撤销日期不能早于成立时间（{unit.established_on:%Y-%m-%d}）")
    children = list(unit.children.filter(status=UnitStatus.ACTIVE).values_list("name", flat=True)[:4])
    if children:
        names = "、".join(children[:3]) + ("等" if len(children) > 3 else "")
        v.add(errors, "__all__", f"该机构下还有存续的下级机构（{names}），请先撤销或调整其隶属关系")
    divisions = list(unit.divisions.filter(status=UnitStatus.ACTIVE).values_list("name", flat=True)[:4])
    if divisions:
        names = "、".join(divisions[:3]) + ("等" if len(divisions) > 3 else "")
        v.add(errors, "__all__", f"该机构还有存续的内设机构（{names}），请先撤销内设机构")
    v.raise_if(errors)
    before = snapshot(unit, ["status", "abolished_on", "document_no"])
    unit.status, unit.abolished_on, unit.document_no = UnitStatus.ABOLISHED, on, document_no
    v.full_clean(unit, exclude=["path"])
    _save(unit)
    changes = diff(before, snapshot(unit, ["status", "abolished_on", "document_no"]))
    _event(actor=actor, unit=unit, kind=UnitEventKind.ABOLISH, occurred_on=on, document_no=document_no,
           summary=f"撤销“{unit.name}”" + (f"：{reason}" if reason else ""), changes=changes)
    audit(actor=actor, action="unit.abolish", target=unit, unit_id=unit.pk, changes=changes, reason=reason)
    return unit


def _check_division(errors: v.Errors, division: Division) -> None:
    if not division.name:
        v.add(errors, "name", "请填写内设机构名称")
    else:
        same = Division.objects.filter(unit_id=division.unit_id, name=division.name, status=UnitStatus.ACTIVE)
        if same.exclude(pk=division.pk).exists():
            v.add(errors, "name", f"本单位已有名为“{division.name}”的内设机构")
    v.check_choice(errors, "rank", division.rank, UnitRank, "规格", blank=False)
    if division.established_on is not None and division.established_on < v.EARLIEST_DATE:
        v.add(errors, "established_on", "设立时间不合理，请核对")
    if not isinstance(division.sort_order, int) or isinstance(division.sort_order, bool):
        v.add(errors, "sort_order", "排序应为整数")


def _active_unit_for_division(unit: Unit) -> Unit:
    unit = _locked(unit)
    if unit.status != UnitStatus.ACTIVE:
        raise ValidationFailed("已撤销的机构不能调整内设机构", details={"__all__": ["已撤销的机构不能调整内设机构"]})
    return unit


@transaction.atomic(durable=True)
def division_create(
    *, actor: Any, unit: Unit, name: str, rank: str = UnitRank.UNRANKED, functions: str = "", sort_order: int = 0,
    established_on: date | None = None, document_no: str = "",
) -> Division:
    """设立内设机构 (domain.md §1.6): approved by the office, recorded in the unit's 沿革."""
    unit = _active_unit_for_division(unit)
    division = Division(unit=unit, name=v.text(name), rank=v.text(rank), functions=v.text(functions),
                        sort_order=sort_order, established_on=established_on, document_no=v.text(document_no))
    errors: v.Errors = {}
    _check_division(errors, division)
    v.raise_if(errors)
    v.full_clean(division)
    _save(division)
    values = snapshot(division, list(DIVISION_FIELDS))
    _event(actor=actor, unit=unit, kind=UnitEventKind.DIVISION_ADD, occurred_on=established_on or _today(),
           document_no=division.document_no, summary=f"设立内设机构“{division.name}”",
           changes={"division": division.pk, **{k: [None, val] for k, val in values.items()}})
    audit(actor=actor, action="division.create", target=division, unit_id=unit.pk,
          changes={k: [None, val] for k, val in values.items() if val not in ("", None)})
    return division


@transaction.atomic(durable=True)
def division_update(*, actor: Any, division: Division, occurred_on: date | None = None, reason: str = "",
                    **fields: Any) -> Division:
    """调整内设机构: rename or change rank, duties, order. `document_no` is the approving document."""
    _refuse_unknown(fields, DIVISION_FIELDS)
    unit = _active_unit_for_division(division.unit)
    division = Division.objects.select_for_update().get(pk=division.pk)
    if division.status != UnitStatus.ACTIVE:
        raise ValidationFailed("已撤销的内设机构不能修改", details={"__all__": ["已撤销的内设机构不能修改"]})
    before = snapshot(division, list(DIVISION_FIELDS))
    for name, value in fields.items():
        setattr(division, name, v.text(value) if name in ("name", "rank", "functions", "document_no") else value)
    errors: v.Errors = {}
    _check_division(errors, division)
    v.raise_if(errors)
    v.full_clean(division)
    changes = diff(before, snapshot(division, list(DIVISION_FIELDS)))
    if not changes:
        return division
    _save(division)
    labels = "、".join(str(Division._meta.get_field(f).verbose_name) for f in changes if f != "document_no")
    old_name = before["name"]
    summary = f"内设机构“{old_name}”更名为“{division.name}”" if "name" in changes else f"调整内设机构“{old_name}”"
    if labels and "name" not in changes:
        summary += f"的{labels}"
    _event(actor=actor, unit=unit, kind=UnitEventKind.DIVISION_CHANGE, occurred_on=occurred_on or _today(),
           document_no=division.document_no, summary=summary, changes={"division": division.pk, **changes})
    audit(actor=actor, action="division.update", target=division, unit_id=unit.pk, changes=changes,
          reason=v.text(reason))
    return division


@transaction.atomic(durable=True)
def division_abolish(*, actor: Any, division: Division, on: date, document_no: str) -> Division:
    """撤销内设机构: it stays on record with its abolition date; its name becomes free for a new one."""
    division = Division.objects.select_for_update().select_related("unit").get(pk=division.pk)
    document_no = v.text(document_no)
    errors: v.Errors = {}
    if division.status != UnitStatus.ACTIVE:
        raise ValidationFailed("该内设机构已撤销", details={"__all__": ["该内设机构已撤销"]})
    if not document_no:
        v.add(errors, "document_no", "撤销内设机构须填写批准文号")
    v.check_document_no(errors, document_no)
    if on is None:
        v.add(errors, "on", "请填写撤销日期")
    elif on > _today():
        v.add(errors, "on", "撤销日期不能晚于今天")
    elif division.established_on and on < division.established_on:
        v.add(errors, "on", f"撤销日期不能早于设立时间（{division.established_on:%Y-%m-%d}）")
    v.raise_if(errors)
    before = snapshot(division, ["status", "abolished_on", "document_no"])
    division.status, division.abolished_on, division.document_no = UnitStatus.ABOLISHED, on, document_no
    _save(division)
    changes = diff(before, snapshot(division, ["status", "abolished_on", "document_no"]))
    _event(actor=actor, unit=division.unit, kind=UnitEventKind.DIVISION_ABOLISH, occurred_on=on,
           document_no=document_no, summary=f"撤销内设机构“{division.name}”",
           changes={"division": division.pk, **changes})
    audit(actor=actor, action="division.abolish", target=division, unit_id=division.unit_id, changes=changes)
    return division


@transaction.atomic(durable=True)
def charter_create(
    *, actor: Any, unit: Unit, title: str, document_no: str, issued_on: date, effective_on: date,
    functions: str = "", divisions: Iterable[dict[str, Any]] = (), quota: Iterable[dict[str, Any]] = (),
    posts: Iterable[dict[str, Any]] = (), note: str = "",
) -> Charter:
    """印发三定规定: a new version (previous + 1) that becomes the current one; older versions stay readable."""
    unit = _locked(unit)
    errors: v.Errors = {}
    if unit.status != UnitStatus.ACTIVE:
        v.add(errors, "__all__", "已撤销的机构不能印发三定规定")
    title, document_no = v.text(title), v.text(document_no)
    if not title:
        v.add(errors, "title", "请填写文件名称")
    if not document_no:
        v.add(errors, "document_no", "请填写三定规定的文号")
    if issued_on is None:
        v.add(errors, "issued_on", "请填写印发日期")
    elif issued_on > _today():
        v.add(errors, "issued_on", "印发日期不能晚于今天")
    if effective_on is None:
        v.add(errors, "effective_on", "请填写施行日期")
    elif issued_on is not None and effective_on < issued_on:
        v.add(errors, "effective_on", "施行日期不能早于印发日期")
    clean = {
        "divisions": v.clean_charter_divisions(errors, list(divisions) if divisions is not None else []),
        "quota": v.clean_quota(errors, list(quota) if quota is not None else []),
        "posts": v.clean_posts(errors, list(posts) if posts is not None else []),
    }
    v.raise_if(errors)
    version = (unit.charters.aggregate(m=Max("version"))["m"] or 0) + 1
    previous = unit.charters.filter(is_current=True).first()
    unit.charters.filter(is_current=True).update(is_current=False)
    charter = Charter(unit=unit, version=version, title=title, document_no=document_no, issued_on=issued_on,
                      effective_on=effective_on, functions=v.text(functions), note=v.text(note), is_current=True,
                      **clean)
    v.full_clean(charter)
    _save(charter)
    replaced = f"，替代第{previous.version}版" if previous else ""
    _event(actor=actor, unit=unit, kind=UnitEventKind.CHARTER, occurred_on=issued_on, document_no=document_no,
           summary=f"印发三定规定《{title}》（第{version}版{replaced}）",
           changes={"charter": charter.pk, "version": [getattr(previous, "version", None), version]})
    audit(actor=actor, action="charter.create", target=charter, unit_id=unit.pk,
          changes={"version": [getattr(previous, "version", None), version], "document_no": [None, document_no],
                   "quota": [None, clean["quota"]], "posts": [None, clean["posts"]]})
    return charter
