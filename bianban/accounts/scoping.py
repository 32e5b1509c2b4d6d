"""The one place that turns a user's grants into query filters. Every selector scopes through here."""

from typing import Any

from django.db.models import Q, QuerySet

from bianban.accounts.choices import ROLE_PERMS
from bianban.accounts.models import Grant

_CACHE_ATTR = "_bianban_grants"


def _grants(user: Any) -> list[Grant]:
    """The user's grants with their units, read once per user object (one request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Grant.objects.filter(user=user).select_related("unit"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the per-object cache after the user's grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_perm(user: Any, perm: str) -> bool:
    """Whether the user may do `perm` anywhere at all (menus, buttons)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(perm in ROLE_PERMS.get(g.role, ()) for g in _grants(user))


def has_district_perm(user: Any, perm: str) -> bool:
    """Whether the user may do `perm` over the whole district (not only a subtree)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(g.unit_id is None and perm in ROLE_PERMS.get(g.role, ()) for g in _grants(user))


def unit_q(user: Any, perm: str, prefix: str = "") -> Q | None:
    """A filter over units (through `prefix`, e.g. "unit__") that the user may `perm`.

    Returns None when the user may not `perm` anywhere, and Q() when everywhere. Subtrees are matched by the
    unit's materialised path, so a grant covers units created under it later.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    q: Q | None = None
    for grant in _grants(user):
        if perm not in ROLE_PERMS.get(grant.role, ()):
            continue
        if grant.unit_id is None:
            return Q()
        part = (
            Q(**{f"{prefix}path__startswith": grant.unit.path})
            if grant.include_descendants
            else Q(**{f"{prefix}pk": grant.unit_id})
        )
        q = part if q is None else q | part
    return q


def restrict(queryset: QuerySet, user: Any, perm: str, prefix: str = "") -> QuerySet:
    """`queryset` narrowed to what the user may `perm` (NetBox's `.restrict`)."""
    q = unit_q(user, perm, prefix)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q else queryset


def unit_allows(user: Any, perm: str, unit: Any) -> bool:
    """Whether the user may `perm` on `unit` (None: records with no unit, district-wide grants only).
    Decided in memory from the cached grants, so templates can ask it per row without queries."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    for grant in _grants(user):
        if perm not in ROLE_PERMS.get(grant.role, ()):
            continue
        if grant.unit_id is None:
            return True
        if unit is None:
            continue
        if grant.unit_id == unit.pk or (grant.include_descendants and unit.path.startswith(grant.unit.path)):
            return True
    return False
