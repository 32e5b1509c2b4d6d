"""Who may see and change a branch's records, and the branch's members on a given day. Every party selector and
service starts here; scope follows the branch's unit (a grant over 区委编办 covers the 编办 branch)."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict, unit_allows
from bianban.core.exceptions import NotFound, PermissionDenied
from bianban.party.choices import MemberStatus
from bianban.party.models import Branch, Member


def branches_for_user(user: Any, perm: str = Perm.PARTY_VIEW) -> QuerySet[Branch]:
    return restrict(Branch.objects.select_related("unit"), user, perm, prefix="unit__")


def branch_get_for_user(user: Any, key: int | str, perm: str = Perm.PARTY_VIEW) -> Branch:
    """A branch by id or by code."""
    branches = branches_for_user(user, perm)
    by_id = isinstance(key, int) or str(key).isdigit()
    branch = (branches.filter(pk=key) if by_id else branches.filter(code=key)).first()
    if branch is None:
        raise NotFound("党支部不存在或无权访问")
    return branch


def require_branch(actor: Any, branch: Branch, perm: str = Perm.PARTY_CHANGE) -> None:
    """NotFound when the actor cannot see the branch, PermissionDenied when they may see but not `perm` it.
    `actor=None` is system work (the demo loader, commands) and is allowed."""
    if actor is None:
        return
    if not unit_allows(actor, Perm.PARTY_VIEW, branch.unit):
        raise NotFound("党支部不存在或无权访问")
    if not unit_allows(actor, perm, branch.unit):
        raise PermissionDenied("没有维护党支部工作的权限")


def member_on_q(on: date, prefix: str = "") -> Q:
    """Members of the branch on `on`: joined on or before it and not yet left (a leaving date is the first day out)."""
    return Q(**{f"{prefix}joined_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on}))


def voting_on_q(on: date, prefix: str = "") -> Q:
    """Members with a vote on `on`: 正式党员 by then (预备党员 have no vote, 党章第七条)."""
    return member_on_q(on, prefix) & Q(**{f"{prefix}status": MemberStatus.FULL, f"{prefix}full_on__lte": on})


def members_on(branch: Branch, on: date) -> QuerySet[Member]:
    return Member.objects.filter(member_on_q(on), branch=branch).select_related("person", "group")


def member_for_user(user: Any, branch: Branch | None = None) -> Member | None:
    """The current Member the logged-in user is (Member.user), in `branch` if given."""
    if not getattr(user, "is_authenticated", False):
        return None
    members = Member.objects.filter(user=user, left_on__isnull=True).select_related("person", "branch")
    if branch is not None:
        members = members.filter(branch=branch)
    return members.first()
