"""Reads of units, divisions, charters and history, always scoped to the user."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_district_perm, restrict, unit_allows
from bianban.core.exceptions import NotFound
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Charter, Division, Unit, UnitEvent


def units_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user, perm)


def unit_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Unit:
    unit = units_for_user(user, perm).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise NotFound("机构不存在或无权访问")
    return unit


def unit_search(
    user: Any, *, q: str = "", kind: str = "", status: str = "", parent: int | None = None,
) -> QuerySet[Unit]:
    """Units the user may see, matching `q` in the full name, short name or credit code, filtered by kind,
    status and (direct) parent; in tree order. Unknown filter values match nothing rather than everything."""
    units = units_for_user(user).select_related("parent")
    q = (q or "").strip()
    if q:
        units = units.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(other_names__icontains=q)
            | Q(uscc__icontains=q.upper())
        )
    if kind:
        units = units.filter(kind=kind) if kind in UnitKind.values else units.none()
    if status:
        units = units.filter(status=status) if status in UnitStatus.values else units.none()
    if parent is not None:
        units = units.filter(parent_id=parent)
    return units.order_by("path")


def _with_children_flag(user: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    visible_children = restrict(
        Unit.objects.filter(parent=OuterRef("pk"), status=UnitStatus.ACTIVE), user, Perm.UNITS_VIEW
    )
    return units.annotate(has_children=Exists(visible_children))


def unit_tree_roots(user: Any) -> QuerySet[Unit]:
    """The top of the tree as the user sees it: active top-level units, or for a user granted only part of
    the district, the highest active units of their scope (whose parent they cannot see)."""
    visible = units_for_user(user).filter(status=UnitStatus.ACTIVE)
    if has_district_perm(user, Perm.UNITS_VIEW):
        roots = visible.filter(parent__isnull=True)
    else:
        roots = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=units_for_user(user).values("pk")))
    return _with_children_flag(user, roots).order_by("sort_order", "name", "pk")


def unit_children_for_user(user: Any, parent: Unit) -> QuerySet[Unit]:
    """The active units directly under `parent` that the user may see, with a `has_children` flag."""
    children = units_for_user(user).filter(parent=parent, status=UnitStatus.ACTIVE)
    return _with_children_flag(user, children).order_by("sort_order", "name", "pk")


def unit_ancestors_for_user(user: Any, unit: Unit) -> list[Unit]:
    """The unit's ancestors the user may see, from the top down (for breadcrumbs)."""
    ids = unit.ancestor_ids()
    return list(units_for_user(user).filter(pk__in=ids).order_by("depth")) if ids else []


def unit_parent_choices(user: Any, *, exclude: Unit | None = None) -> QuerySet[Unit]:
    """Active units the user may put a unit under; when editing, never the unit itself or its descendants."""
    units = units_for_user(user, Perm.UNITS_CHANGE).filter(status=UnitStatus.ACTIVE)
    if exclude is not None and exclude.path:
        units = units.exclude(path__startswith=exclude.path)
    return units.order_by("path")


def unit_may_change(user: Any, unit: Unit | None) -> bool:
    """Whether the user may change `unit` (None: add top-level units, which takes a district-wide grant)."""
    if unit is None:
        return has_district_perm(user, Perm.UNITS_CHANGE)
    return unit_allows(user, Perm.UNITS_CHANGE, unit)


def divisions_for_user(user: Any, perm: str = Perm.UNITS_VIEW) -> QuerySet[Division]:
    return restrict(Division.objects.all(), user, perm, prefix="unit__")


def unit_divisions(user: Any, unit: Unit, *, include_abolished: bool = True) -> QuerySet[Division]:
    divisions = divisions_for_user(user).filter(unit=unit)
    if not include_abolished:
        divisions = divisions.filter(status=UnitStatus.ACTIVE)
    return divisions.order_by("-status", "sort_order", "id")  # active ("active" > "abolished") first


def division_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Division:
    division = divisions_for_user(user, perm).select_related("unit").filter(pk=pk).first()
    if division is None:
        raise NotFound("内设机构不存在或无权访问")
    return division


def unit_charters(user: Any, unit: Unit) -> QuerySet[Charter]:
    """All versions of the unit's 三定规定, the newest first."""
    return restrict(Charter.objects.filter(unit=unit), user, Perm.UNITS_VIEW, prefix="unit__").order_by("-version")


def unit_events(user: Any, unit: Unit) -> QuerySet[UnitEvent]:
    """The unit's 沿革, the latest first."""
    events = restrict(UnitEvent.objects.filter(unit=unit), user, Perm.UNITS_VIEW, prefix="unit__")
    return events.select_related("actor").order_by("-occurred_on", "-id")
