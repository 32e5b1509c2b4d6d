"""The establishment register: approved quota lines and their journal, leadership posts, approvals to hire,
and placements (who occupies which slot, from when to when).

Counters (`QuotaLine.occupied`, `.reserved`, `PostQuota.filled`) are kept by the services under a row lock and
guarded by CheckConstraints, so that no code path can commit an over-quota state on a block-mode line; the
journal (movements, approvals, placements) is the truth they can always be recomputed from (see history.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.units.choices import Funding, QuotaKind


class QuotaLine(models.Model):
    """核定编制 of one (unit, 编制类型, 经费形式). Changes only through QuotaMovement (services)."""

    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="quota_lines")
    kind = models.CharField("编制类型", max_length=32, choices=QuotaKind.choices)
    funding = models.CharField("经费形式", max_length=16, choices=Funding.choices)
    approved = models.PositiveIntegerField("核定数", default=0)
    occupied = models.PositiveIntegerField("实有数", default=0)
    reserved = models.PositiveIntegerField("已核准未入编", default=0)
    enforcement = models.CharField("超编控制", max_length=8, choices=Enforcement.choices, default=Enforcement.BLOCK)
    requires_approval = models.BooleanField("入编须凭用编核准", default=False)
    approved_since = models.DateField("首次核定日期", null=True, blank=True, editable=False,
                                      help_text="该编制第一笔变动的生效日期；此前不能有任何入编或核准")
    exception_document_no = models.CharField(
        "特许文号", max_length=100, blank=True,
        help_text="单位类型本不使用该编制类型（如机关使用事业编制）时，须有明确允许的文件",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "编制"
        ordering = ["unit", "kind", "funding"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "funding"], name="quotaline_unique_unit_kind_funding",
                                    violation_error_message="该单位已有同一编制类型和经费形式的编制"),
            # The backstop: whatever path writes, a block-mode line never commits more people (and reservations)
            # than it has approved slots.
            models.CheckConstraint(
                condition=Q(enforcement=Enforcement.WARN) | Q(approved__gte=F("occupied") + F("reserved")),
                name="quotaline_block_never_over",
                violation_error_message="超出核定编制数",
            ),
        ]

    def __str__(self) -> str:
        if self.funding == Funding.NONE:
            return f"{self.unit}·{self.get_kind_display()}"
        return f"{self.unit}·{self.get_kind_display()}·{self.get_funding_display()}"

    @property
    def vacant(self) -> int:
        return max(self.approved - self.occupied - self.reserved, 0)

    @property
    def over(self) -> int:
        return max(self.occupied - self.approved, 0)


class QuotaMovement(models.Model):
    """One documented change of one line's approved number; `delta` is what it added (negative: removed).
    A 划转 is two rows, out of one line and into another, linked by `counterpart`."""

    line = models.ForeignKey(QuotaLine, verbose_name="编制", on_delete=models.PROTECT, related_name="movements")
    type = models.CharField("类型", max_length=16, choices=MovementType.choices)
    delta = models.IntegerField("变动数")
    approved_after = models.PositiveIntegerField("变动后核定数")
    counterpart = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document_no = models.CharField("文号", max_length=100)
    effective_on = models.DateField("生效日期")
    reason = models.TextField("事由", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "编制变动"
        ordering = ["line", "effective_on", "id"]
        indexes = [models.Index(fields=["line", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.delta:+d}（{self.document_no}）"


class PostQuota(models.Model):
    """核定领导职数: approved 正职 or 副职 posts of a unit (division empty) or of one of its divisions."""

    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="post_quotas")
    division = models.ForeignKey("units.Division", verbose_name="内设机构", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="post_quotas")
    grade = models.CharField("职别", max_length=16, choices=PostGrade.choices)
    approved = models.PositiveIntegerField("核定职数", default=0)
    filled = models.PositiveIntegerField("实配", default=0)
    enforcement = models.CharField("超职数控制", max_length=8, choices=Enforcement.choices, default=Enforcement.BLOCK)
    document_no = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导职数"
        ordering = ["unit", "division", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "grade"], condition=Q(division__isnull=True),
                                    name="postquota_unique_unit_level",
                                    violation_error_message="该单位已有此职别的职数"),
            models.UniqueConstraint(fields=["division", "grade"], condition=Q(division__isnull=False),
                                    name="postquota_unique_division_level",
                                    violation_error_message="该内设机构已有此职别的职数"),
            models.CheckConstraint(condition=Q(enforcement=Enforcement.WARN) | Q(approved__gte=F("filled")),
                                   name="postquota_block_never_over", violation_error_message="超出核定领导职数"),
        ]

    def __str__(self) -> str:
        where = self.division.name if self.division_id else "单位领导"
        return f"{self.unit}·{where}·{self.get_grade_display()}"


class Approval(models.Model):
    """用编核准 (核准使用编制通知单): permission to fill `count` slots of a line, reserving them until used,
    expired or withdrawn."""

    line = models.ForeignKey(QuotaLine, verbose_name="编制", on_delete=models.PROTECT, related_name="approvals")
    count = models.PositiveIntegerField("核准数")
    used = models.PositiveIntegerField("已使用", default=0)
    document_no = models.CharField("通知单号", max_length=100)
    issued_on = models.DateField("核准日期")
    valid_until = models.DateField("有效期至")
    status = models.CharField("状态", max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.OPEN)
    closed_on = models.DateField("终止日期", null=True, blank=True)
    reason = models.TextField("事由", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "用编核准"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="approval_count_positive",
                                   violation_error_message="核准数至少为1"),
            models.CheckConstraint(condition=Q(used__lte=F("count")), name="approval_used_within_count",
                                   violation_error_message="已使用数超过核准数"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("issued_on")), name="approval_valid_after_issue",
                                   violation_error_message="有效期不能早于核准日期"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("issued_on")),
                                   name="approval_closed_after_issue",
                                   violation_error_message="终止日期不能早于核准日期"),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.document_no}（{self.line}，{self.count}名）"

    @property
    def remaining(self) -> int:
        return self.count - self.used if self.status == ApprovalStatus.OPEN else 0


class Placement(models.Model):
    """A named person in a unit from `started_on` until `ended_on` (empty: still there).

    On-quota placements occupy one slot of `line`; 编外 staff (`on_quota=False`) are recorded against the unit
    and never counted. `post` is the leadership post the person fills, if any.
    """

    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="placements")
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="placements")
    line = models.ForeignKey(QuotaLine, verbose_name="编制", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="placements")
    on_quota = models.BooleanField("在编", default=True)
    division = models.ForeignKey("units.Division", verbose_name="内设机构", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(PostQuota, verbose_name="领导职务", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="placements")
    title = models.CharField("职务", max_length=100, blank=True)
    approval = models.ForeignKey(Approval, verbose_name="用编核准", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="placements")
    started_on = models.DateField("入编时间")
    start_document_no = models.CharField("入编文号", max_length=100)
    over_quota_reason = models.TextField("超编说明", blank=True)
    ended_on = models.DateField("出编时间", null=True, blank=True)
    end_reason = models.CharField("出编原因", max_length=16, choices=ReleaseReason.choices, blank=True)
    end_document_no = models.CharField("出编文号", max_length=100, blank=True)
    transferred_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="transferred_to")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员编制"
        ordering = ["unit", "-started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True, on_quota=True),
                                    name="placement_one_active_on_quota",
                                    violation_error_message="该人员已占用编制，一人不能同时占用两个编制"),
            models.CheckConstraint(condition=Q(on_quota=False) | Q(line__isnull=False),
                                   name="placement_on_quota_has_line", violation_error_message="在编人员必须对应编制"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="placement_ends_after_start",
                                   violation_error_message="出编时间不能早于入编时间"),
        ]
        indexes = [
            models.Index(fields=["line", "ended_on"]),
            models.Index(fields=["unit", "ended_on"]),
            models.Index(fields=["person", "ended_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.person}@{self.unit}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


from bianban.staffing.roster.models import *  # noqa: E402, F403  (RosterImport: the roster import runs)
