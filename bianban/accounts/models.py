"""Who may do what where: grants of a role over a unit subtree, API tokens, and failed logins."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianban.accounts.choices import Role


class Grant(models.Model):
    """A user holds `role` over `unit` (and its descendants when `include_descendants`), or over the whole
    district when `unit` is empty. A user's rights are the union of their grants."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    include_descendants = models.BooleanField("含下级单位", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], name="grant_unique_user_role_unit",
                violation_error_message="该用户已有此单位的同一角色授权",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(unit__isnull=True), name="grant_unique_user_role_district",
                violation_error_message="该用户已有全区范围的同一角色授权",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.UNIT_LIAISON) | Q(unit__isnull=False), name="grant_liaison_needs_unit",
                violation_error_message="单位联络员必须指定所联络的单位",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else "全区"
        return f"{self.user} · {self.get_role_display()} · {where}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginFailure(models.Model):
    """One failed login, kept for throttling (see accounts/services.py: login_failure_record)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"
