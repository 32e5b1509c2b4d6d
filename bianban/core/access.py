"""The permission test, for core's own pages. core depends on no other app, so accounts registers the
real test here when it loads (accounts/apps.py); until then nobody may do anything."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

_checker: Callable[[Any, str], bool] = lambda user, perm: False  # noqa: E731


def register_checker(checker: Callable[[Any, str], bool]) -> None:
    global _checker
    _checker = checker


def can(user: Any, perm: str) -> bool:
    return bool(user and user.is_authenticated and _checker(user, perm))


def perm_required(perm: str | None = None) -> Callable:
    """Login required; and when `perm` is given, 404 (not 403) without it, so nothing leaks its existence."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if perm and not can(request.user, perm):
                raise Http404("无权访问")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
