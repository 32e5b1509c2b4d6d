"""Cross-cutting records with no domain of their own: the audit trail and the working-day overrides."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    """Inserts only. `bulk_update` goes through `update` and is refused with it; an upsert (`bulk_create` with
    `update_conflicts`) would overwrite existing rows and is refused too."""

    def update(self, **kwargs):
        raise TypeError("AuditEvent is append-only")

    def delete(self):
        raise TypeError("AuditEvent is append-only")

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, update_fields=None,
                    unique_fields=None):
        if update_conflicts:
            raise TypeError("AuditEvent is append-only")
        return super().bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)


class AuditEvent(models.Model):
    """One write, recorded by the service that made it, inside the same transaction. Append-only.

    `unit_id` is a plain integer (not a foreign key) so that core depends on no domain app and the trail
    survives the unit it names; `changes` maps each field to `[old, new]`.
    """

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    request_id = models.CharField("请求编号", max_length=64, blank=True, db_index=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    unit_id = models.BigIntegerField("单位", null=True, blank=True, db_index=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    reason = models.TextField("原因", blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        # Django's own lookups (related objects, refresh_from_db) use the base manager: the guarded one too.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AuditEvent is append-only")


class WorkdayOverride(models.Model):
    """An admin-entered correction to the holiday calendar: a date that is (or is not) a working day.

    chinese-calendar only knows the years the State Council has announced (to 2026 in version 1.11); the
    office enters each new year's 国务院办公厅 notice here, and any local adjustment.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"
