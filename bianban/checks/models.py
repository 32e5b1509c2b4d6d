"""Verification runs (核查) over the register and what they found."""

from django.conf import settings
from django.db import models

from bianban.checks.choices import FINISHED, Change, RunStatus, Severity, Subject


class CheckRun(models.Model):
    """One run of every rule over the register as of `as_of`, for the subtree of `root` (None: the whole register).

    A run as of today also feeds the problem ledger; a run as of a past date only records what it found then.
    `previous` is the last finished run over the same scope, which this one is compared with."""

    root = models.ForeignKey("units.Unit", verbose_name="核查范围", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    as_of = models.DateField("核查基准日")
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey("self", verbose_name="上次核查", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    feeds_ledger = models.BooleanField("登记问题台账", default=True)
    rules_done = models.PositiveSmallIntegerField("已完成规则数", default=0)
    rules_total = models.PositiveSmallIntegerField("规则总数", default=0)
    stage = models.CharField("当前步骤", max_length=100, blank=True)
    counts = models.JSONField("各规则发现数", default=dict, blank=True)
    finding_count = models.PositiveIntegerField("发现总数", default=0)
    new_count = models.PositiveIntegerField("新发现", default=0)
    persisting_count = models.PositiveIntegerField("仍存在", default=0)
    resolved_count = models.PositiveIntegerField("已消除", default=0)
    problems_opened = models.PositiveIntegerField("新登记问题", default=0)
    problems_resolved = models.PositiveIntegerField("标记数据已消除的问题", default=0)
    timings = models.JSONField("各步骤用时（秒）", default=dict, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    message = models.TextField("结果说明", blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["root", "status", "-finished_at"])]
        constraints = [
            # One run at a time (services.check_run_request): two runs syncing the ledger would race.
            models.UniqueConstraint(models.Value(1), condition=models.Q(status__in=["queued", "running"]),
                                    name="checkrun_one_active", violation_error_message="已有核查正在进行"),
        ]

    def __str__(self) -> str:
        return f"核查 #{self.pk}（{self.scope_label}，基准日 {self.as_of:%Y-%m-%d}）"

    @property
    def scope_label(self) -> str:
        return self.root.name if self.root_id else "全部机构"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.rules_done / self.rules_total) if self.rules_total else 0


class Finding(models.Model):
    """One rule violated by one subject in one run. `key` ("rule:subject:id") is the same in every run that finds
    it, which is how runs are compared and how the ledger deduplicates."""

    run = models.ForeignKey(CheckRun, verbose_name="核查", on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField("规则", max_length=40)
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices)
    subject = models.CharField("对象类型", max_length=16, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField("对象")
    key = models.CharField("标识", max_length=80)
    unit = models.ForeignKey("units.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    person = models.ForeignKey("people.Person", verbose_name="人员", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    message = models.CharField("说明", max_length=500)
    change = models.CharField("与上次比较", max_length=16, choices=Change.choices, default=Change.NEW)

    class Meta:
        verbose_name = verbose_name_plural = "核查发现"
        ordering = ["run", "rule", "id"]
        indexes = [models.Index(fields=["run", "rule"]), models.Index(fields=["run", "key"])]

    def __str__(self) -> str:
        return self.message
