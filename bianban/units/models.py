"""The unit tree of the district, internal divisions, 三定 charters and each unit's history (沿革)."""

from typing import Any

from django.db import models
from django.db.models import Q

from bianban.units.choices import (
    Funding,
    InstitutionClass,
    QuotaKind,
    SystemCategory,
    UnitEventKind,
    UnitKind,
    UnitRank,
    UnitStatus,
)


def _label(choices: type[models.TextChoices], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class Unit(models.Model):
    """An agency or public institution (机构/单位). `parent` is its 主管部门.

    `path` is the materialised path of primary keys ("/1/7/42/"), maintained by the services, so that a
    subtree (a grant's scope, a statistics roll-up) is one indexed prefix query at province scale.
    """

    name = models.CharField("机构全称", max_length=100)
    short_name = models.CharField("规范简称", max_length=50, blank=True)
    other_names = models.CharField("其他名称（加挂牌子）", max_length=200, blank=True)
    kind = models.CharField("单位类型", max_length=32, choices=UnitKind.choices)
    institution_class = models.CharField(
        "事业单位类别", max_length=32, choices=InstitutionClass.choices, blank=True
    )
    rank = models.CharField("机构规格", max_length=32, choices=UnitRank.choices, default=UnitRank.UNRANKED)
    system_category = models.CharField("系统类别", max_length=32, choices=SystemCategory.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField("排序", default=0)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    uscc_checksum_reason = models.CharField(
        "校验未通过的说明", max_length=200, blank=True,
        help_text="统一社会信用代码校验位不符但确属合法代码时（如早期试点代码），须说明理由",
    )
    status = models.CharField("状态", max_length=16, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    established_on = models.DateField("成立时间", null=True, blank=True)
    abolished_on = models.DateField("撤销时间", null=True, blank=True)
    document_no = models.CharField("最新机构编制文号", max_length=100, blank=True)
    functions = models.TextField("主要职责", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="unit_unique_name_in_parent",
                violation_error_message="同一主管部门下已有同名机构",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="unit_unique_root_name",
                violation_error_message="已有同名的顶层机构",
            ),
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="unit_unique_uscc",
                violation_error_message="该统一社会信用代码已被其他机构使用",
            ),
            models.CheckConstraint(
                condition=Q(kind=UnitKind.INSTITUTION) | Q(kind=UnitKind.CIVIL_SERVICE_MANAGED)
                | Q(institution_class=""),
                name="unit_class_only_for_institutions",
                violation_error_message="只有事业单位才有事业单位类别",
            ),
            models.CheckConstraint(
                condition=Q(abolished_on__isnull=True) | Q(established_on__isnull=True)
                | Q(abolished_on__gte=models.F("established_on")),
                name="unit_abolished_after_established",
                violation_error_message="撤销时间不能早于成立时间",
            ),
        ]
        indexes = [models.Index(fields=["parent", "sort_order", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Division(models.Model):
    """内设机构: a 科/股/室 inside a unit, with its own rank and duties."""

    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField("名称", max_length=100)
    rank = models.CharField("规格", max_length=32, choices=UnitRank.choices, default=UnitRank.UNRANKED)
    functions = models.TextField("职责", blank=True)
    sort_order = models.IntegerField("排序", default=0)
    status = models.CharField("状态", max_length=16, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    established_on = models.DateField("设立时间", null=True, blank=True)
    abolished_on = models.DateField("撤销时间", null=True, blank=True)
    document_no = models.CharField("批准文号", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "内设机构"
        ordering = ["unit", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], condition=Q(status=UnitStatus.ACTIVE), name="division_unique_active_name",
                violation_error_message="本单位已有同名的内设机构",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}·{self.name}"


class Charter(models.Model):
    """三定规定: the document fixing a unit's functions, divisions, quota and leadership posts. Versioned:
    a new charter supersedes the current one; the old versions stay readable.

    `quota` is a list of {"kind", "funding", "count"} and `posts` of {"level", "principal", "deputy"} as the
    document states them; the register's binding figures live in staffing's quota lines (issue 3).
    """

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="charters")
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("文件名称", max_length=200)
    document_no = models.CharField("文号", max_length=100)
    issued_on = models.DateField("印发日期")
    effective_on = models.DateField("施行日期")
    functions = models.TextField("主要职责", blank=True)
    divisions = models.JSONField("内设机构", default=list, blank=True)
    quota = models.JSONField("编制", default=list, blank=True)
    posts = models.JSONField("领导职数", default=list, blank=True)
    note = models.TextField("其他事项", blank=True)
    is_current = models.BooleanField("现行", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "三定规定"
        ordering = ["unit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "version"], name="charter_unique_version"),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(is_current=True), name="charter_one_current",
                violation_error_message="一个单位只能有一份现行三定规定",
            ),
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("issued_on")), name="charter_effective_after_issue",
                violation_error_message="施行日期不能早于印发日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_no}）"

    def quota_rows(self) -> list[dict[str, Any]]:
        """The quota lines with their labels, for display."""
        return [
            {**row, "kind_label": _label(QuotaKind, row.get("kind")),
             "funding_label": _label(Funding, row.get("funding"))}
            for row in self.quota
        ]

    def post_rows(self) -> list[dict[str, Any]]:
        labels = {"unit": "单位领导", "division": "内设机构领导"}
        return [{**row, "level_label": labels.get(row.get("level"), row.get("level"))} for row in self.posts]

    def quota_total(self) -> int:
        return sum(int(row.get("count") or 0) for row in self.quota)


class UnitEvent(models.Model):
    """沿革: one dated, documented change in a unit's history, written by the service that made it."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("类型", max_length=32, choices=UnitEventKind.choices)
    occurred_on = models.DateField("日期")
    document_no = models.CharField("文号", max_length=100, blank=True)
    summary = models.CharField("摘要", max_length=300)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    actor = models.ForeignKey(
        "auth.User", verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "沿革"
        ordering = ["unit", "-occurred_on", "-id"]
        indexes = [models.Index(fields=["unit", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.summary}"
