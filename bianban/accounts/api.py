"""API routes about the caller: who am I, and what may I do."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from bianban.accounts.choices import Perm, Role
from bianban.accounts.models import Grant
from bianban.accounts.scoping import has_perm
from bianban.core.params import Id

router = Router(tags=["账号"])


class GrantOut(Schema):
    role: str
    role_label: str
    unit_id: Id | None
    unit_name: str | None
    include_descendants: bool


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_superuser: bool
    grants: list[GrantOut]
    permissions: list[str]


@router.get("/me", response=MeOut, summary="当前用户及其授权")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    grants = Grant.objects.filter(user=user).select_related("unit")
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name() or user.first_name,
        "is_superuser": user.is_superuser,
        "grants": [
            {"role": g.role, "role_label": Role(g.role).label, "unit_id": g.unit_id,
             "unit_name": g.unit.name if g.unit_id else None, "include_descendants": g.include_descendants}
            for g in grants
        ],
        "permissions": sorted(p for p in Perm.values if has_perm(user, p)),
    }
