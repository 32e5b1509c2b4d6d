"""Reads of accounts data, always for a given user."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.models import ApiToken, Grant
from bianban.accounts.scoping import has_perm
from bianban.core.exceptions import NotFound

User = get_user_model()


def api_tokens_for_user(user: Any) -> QuerySet[ApiToken]:
    """A user's own tokens; nobody lists anyone else's."""
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(user: Any, pk: int) -> ApiToken:
    token = api_tokens_for_user(user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def users_for_user(user: Any) -> QuerySet:
    """Accounts the user may manage: all for office admins, none otherwise."""
    if not has_perm(user, Perm.ACCOUNTS_MANAGE):
        return User.objects.none()
    return User.objects.order_by("username").prefetch_related(
        Prefetch("grants", queryset=Grant.objects.select_related("unit").order_by("role"))
    )


def user_get_for_user(user: Any, pk: int) -> Any:
    found = users_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found
