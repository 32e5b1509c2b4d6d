"""An uploaded roster and the background run that validates or imports it (shown with its progress in the UI)."""

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    REJECTED = "rejected", "未通过校验"
    FAILED = "failed", "处理出错"


class ImportPhase(models.TextChoices):
    READ = "read", "读取文件"
    VALIDATE = "validate", "逐行校验"
    WRITE = "write", "写入"


__all__ = ["FINISHED", "ImportPhase", "ImportStatus", "RosterImport"]

FINISHED = frozenset({ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED})


class RosterImport(models.Model):
    """One upload of a 实名制 roster: the file (under MEDIA_ROOT/imports/, served only through the access-checked
    views since it holds ID numbers), the run's status and progress, its counts, and the error workbook when the
    file was rejected. `dry_run`: 仅校验, nothing is written even when the file is valid."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    dry_run = models.BooleanField("仅校验", default=False)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    phase = models.CharField("阶段", max_length=16, choices=ImportPhase.choices, blank=True)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    counts = models.JSONField("统计", default=dict, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误（前若干条）", default=list, blank=True)
    error_file = models.FileField("错误标注工作簿", upload_to="imports/errors/%Y/%m/", max_length=255, blank=True)
    message = models.TextField("结果说明", blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        app_label = "staffing"
        verbose_name = verbose_name_plural = "花名册导入"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        """Progress for the bar: reading 0–5 %, validating 5–80 %, writing 80–100 %."""
        if self.finished:
            return 100
        if not self.rows_total:
            return 0 if self.status == ImportStatus.QUEUED else 5
        share = min(self.rows_done / self.rows_total, 1)
        if self.phase == ImportPhase.WRITE:
            return int(80 + 20 * share)
        if self.phase == ImportPhase.VALIDATE:
            return int(5 + 75 * share)
        return 5
