"""Writes to accounts: users, grants, API tokens, failed-login records. Each writes an AuditEvent."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bianban.accounts.choices import UNIT_BOUND_ROLES, Role
from bianban.accounts.models import ApiToken, Grant, LoginFailure
from bianban.accounts.scoping import forget_grants
from bianban.core.audit import audit
from bianban.core.exceptions import Conflict, ValidationFailed, from_django_validation

User = get_user_model()
TOKEN_PREFIX = "bb_"


def _user_add(*, actor: Any, username: str, password: str, full_name: str, email: str, is_superuser: bool) -> Any:
    username = username.strip()
    if not username:
        raise ValidationFailed.on("username", "请填写用户名")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed.on("username", f"用户名“{username}”已被使用")
    user = User(username=username, first_name=full_name.strip()[:150], email=email.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], details={"password": exc.messages}) from None
    user.set_password(password)
    user.is_superuser = user.is_staff = is_superuser
    user.save()
    audit(actor=actor, action="user.create", target=user, changes={"username": [None, username]})
    return user


@transaction.atomic(durable=True)
def user_create(
    *, actor: Any, username: str, password: str, full_name: str = "", email: str = "", is_superuser: bool = False
) -> Any:
    """Create a login. The password is checked against the configured validators."""
    return _user_add(
        actor=actor, username=username, password=password, full_name=full_name, email=email, is_superuser=is_superuser
    )


def _grant_add(*, actor: Any, user: Any, role: str, unit: Any = None, include_descendants: bool = True) -> Grant:
    if role not in Role.values:
        raise ValidationFailed.on("role", "未知的角色")
    if role in UNIT_BOUND_ROLES and unit is None:
        raise ValidationFailed.on("unit", "单位联络员必须指定所联络的单位")
    if Grant.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationFailed.on("role", "该用户已有此项授权")
    grant = Grant(user=user, role=role, unit=unit, include_descendants=include_descendants)
    try:
        grant.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    grant.save()
    forget_grants(user)
    audit(
        actor=actor, action="grant.create", target=grant, unit_id=getattr(unit, "pk", None),
        changes={"role": [None, role], "unit": [None, getattr(unit, "pk", None)]},
    )
    return grant


@transaction.atomic(durable=True)
def grant_create(*, actor: Any, user: Any, role: str, unit: Any = None, include_descendants: bool = True) -> Grant:
    """Give `user` the `role` over `unit` (None: the whole district)."""
    return _grant_add(actor=actor, user=user, role=role, unit=unit, include_descendants=include_descendants)


@transaction.atomic(durable=True)
def user_create_with_grants(
    *, actor: Any, username: str, password: str, full_name: str = "", grants: list[tuple[str, Any]]
) -> Any:
    """A login and its grants in one transaction (the demo loader and the account form use it)."""
    user = _user_add(
        actor=actor, username=username, password=password, full_name=full_name, email="", is_superuser=False
    )
    for role, unit in grants:
        _grant_add(actor=actor, user=user, role=role, unit=unit)
    return user


@transaction.atomic(durable=True)
def grant_delete(*, actor: Any, grant: Grant) -> None:
    deleted, _ = Grant.objects.filter(pk=grant.pk).delete()
    if not deleted:
        raise Conflict("该授权已被删除")
    forget_grants(grant.user)
    audit(
        actor=actor, action="grant.delete", target=grant.user, unit_id=grant.unit_id,
        changes={"role": [grant.role, None], "unit": [grant.unit_id, None]},
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic(durable=True)
def api_token_create(*, actor: Any, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user`. Returns the row and the token itself, which is never stored or shown again."""
    if not user.is_active:
        raise ValidationFailed.on("user", "该账号已停用，不能创建令牌")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=raw[:10], digest=_digest(raw))
    audit(actor=actor, action="api_token.create", target=token, changes={"user": [None, user.pk]})
    return token, raw


@transaction.atomic(durable=True)
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated != 1:
        raise Conflict("该令牌已被吊销")
    token.refresh_from_db()
    audit(actor=actor, action="api_token.revoke", target=token)
    return token


def api_token_authenticate(raw: str) -> Any | None:
    """The active user behind a token, or None. Marks the token used (at most once a minute, unaudited:
    it is bookkeeping, not a change of anyone's data)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.BIANBAN["LOGIN_FAILURE_WINDOW_MINUTES"])


def login_is_throttled(*, username: str, ip: str | None) -> bool:
    """Too many recent failures for this username, or from this address."""
    limit = settings.BIANBAN["LOGIN_MAX_FAILURES"]
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username__iexact=username.strip()).count() >= limit:
        return True
    # An address gets a wider allowance: several people may log in from one office NAT.
    return bool(ip) and recent.filter(ip=ip).count() >= limit * 4


@transaction.atomic(durable=True)
def login_failure_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.strip()[:150], ip=ip or None)
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=30)).delete()
    audit(actor=None, action="login.failed", changes={"username": [None, username.strip()[:150]], "ip": [None, ip]})


@transaction.atomic(durable=True)
def login_failures_clear(*, user: Any) -> None:
    """After a successful login the user's failure count starts again."""
    LoginFailure.objects.filter(username__iexact=user.username).delete()
    audit(actor=user, action="login.succeeded", target=user)
