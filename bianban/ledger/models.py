"""The problem ledger (问题台账): problems from every source, their rectification plans and close-out."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bianban.ledger.choices import EventKind, MeasureStatus, ProblemCategory, ProblemSource, ProblemStatus


class Problem(models.Model):
    """One ledger entry. Machine-raised problems carry a `source_key` (e.g. rule code + subject) so that
    raising the same finding again finds the open problem instead of adding a second."""

    source = models.CharField("来源", max_length=20, choices=ProblemSource.choices)
    source_key = models.CharField("来源标识", max_length=200, blank=True, default="")
    source_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="来源记录类型")
    source_id = models.CharField("来源记录", max_length=64, blank=True, default="")
    category = models.CharField("类别", max_length=20, choices=ProblemCategory.choices,
                                default=ProblemCategory.OTHER)
    title = models.CharField("问题", max_length=200)
    description = models.TextField("问题描述", blank=True, default="")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="problems", verbose_name="责任单位")
    responsible = models.CharField("责任人", max_length=100, blank=True, default="")
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="problems", verbose_name="涉及人员")
    raised_on = models.DateField("发现日期")
    deadline = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    data_resolved_on = models.DateField("数据已消除日期", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="销号人")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~Q(source_key="") & ~Q(status=ProblemStatus.CLOSED),
                name="ledger_problem_open_source_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="ledger_problem_status_dl"),
            models.Index(fields=["unit", "status"], name="ledger_problem_unit_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (self.deadline is not None and self.deadline < timezone.localdate()
                and self.status != ProblemStatus.CLOSED)


class Measure(models.Model):
    """One step of a problem's rectification plan (整改措施)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures", verbose_name="问题")
    description = models.TextField("整改措施")
    owner = models.CharField("责任人", max_length=100, blank=True, default="")
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("进展情况", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description[:50]

    @property
    def is_overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate() and self.status != MeasureStatus.DONE


class Evidence(models.Model):
    """A file proving a measure was done (整改佐证材料). Stored under MEDIA_ROOT/evidence/, which is not
    served directly: downloads go through a view that checks the caller's scope."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evidence", verbose_name="整改措施")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    note = models.TextField("说明", blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ProblemEvent(models.Model):
    """One entry in a problem's timeline."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events", verbose_name="问题")
    kind = models.CharField("事项", max_length=20, choices=EventKind.choices)
    from_status = models.CharField("原状态", max_length=20, choices=ProblemStatus.choices, blank=True, default="")
    to_status = models.CharField("新状态", max_length=20, choices=ProblemStatus.choices, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "问题进展"
        verbose_name_plural = "问题进展"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.get_kind_display()}"

