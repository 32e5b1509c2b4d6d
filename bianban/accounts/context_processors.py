"""Template context for every page: the navigation the user may see, and the permissions they hold."""

from typing import Any

from django.http import HttpRequest

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_perm
from bianban.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "user_perms": frozenset()}
    held = frozenset(p for p in Perm.values if has_perm(user, p))
    return {"nav_menu": menu_for(held.__contains__, request.path), "user_perms": held}
