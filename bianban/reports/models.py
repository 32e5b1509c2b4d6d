"""The stored, editable 述职报告: one draft per branch and year, composed from the records (duty/compose.py) and then
edited paragraph by paragraph by the secretary.

A block keeps two texts: `lead`/`text` as the secretary sees and edits them, and `generated_lead`/`generated_text`
as the composer last produced them. Regenerating replaces the first with the second only while the secretary has
not edited the block (`edited`); otherwise it refreshes the second and flags the block `stale` when it changed, so
her wording survives and she learns that the numbers behind it moved. Every text a block has had is a
ReportBlockVersion; `version` on the block is the latest number, which editors send back (compare-and-swap).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianban.reports.duty.draft import BlockOrigin, Section

_USER = settings.AUTH_USER_MODEL

# Plain strings (not the enums) so the migrations do not import draft.py.
SECTION_CHOICES = [(Section.OPENING.value, "开头"), (Section.SUMMARY.value, "工作总结、成绩和经验"),
                   (Section.PROBLEMS.value, "存在的突出问题"), (Section.PLAN.value, "下一年思路、重点和措施")]
ORIGIN_CHOICES = [(BlockOrigin.HEADING.value, "标题"), (BlockOrigin.GENERATED.value, "根据记录生成"),
                  (BlockOrigin.SECRETARY.value, "书记撰写")]


class VersionOrigin(models.TextChoices):
    GENERATED = "generated", "根据记录生成"
    EDITED = "edited", "修改"
    RESTORED = "restored", "恢复"


class DutyReport(models.Model):
    """党支部书记抓基层党建工作述职报告: the draft of one branch for one year (domain.md §7)."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="duty_reports")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    signature = models.CharField("署名", max_length=100, blank=True)
    dated = models.DateField("成文日期")
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    generated_at = models.DateTimeField("数据生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "述职报告"
        ordering = ["branch", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="duty_report_one_per_year",
                                    violation_error_message="该党支部本年度的述职报告已存在"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="duty_report_year_range",
                                   violation_error_message="年度应在2000年至2100年之间"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportBlock(models.Model):
    """One paragraph of a stored report (a draft.Block plus what the secretary made of it)."""

    report = models.ForeignKey(DutyReport, verbose_name="述职报告", on_delete=models.CASCADE, related_name="blocks")
    key = models.CharField("段落标识", max_length=100)
    section = models.CharField("部分", max_length=16, choices=SECTION_CHOICES)
    origin = models.CharField("来源", max_length=16, choices=ORIGIN_CHOICES)
    level = models.PositiveSmallIntegerField("层级", default=0)
    position = models.PositiveIntegerField("顺序")
    lead = models.CharField("段首标题", max_length=200, blank=True)
    text = models.TextField("正文", blank=True)
    # What the composer produced last time: the template with "{figure.key}" placeholders (for highlighting the
    # figures while the text is the generated one), the figures with their sources, and the rendered lead and text.
    template = models.TextField("生成模板", blank=True)
    figures = models.JSONField("统计数字", default=list, blank=True)
    prompts = models.JSONField("写作提示", default=list, blank=True)
    generated_lead = models.CharField("生成的段首标题", max_length=200, blank=True)
    generated_text = models.TextField("生成的正文", blank=True)
    edited = models.BooleanField("已修改", default=False)
    stale = models.BooleanField("数据已更新", default=False)
    # An edited block whose key the latest composition no longer produces: kept (it is the secretary's text) until
    # she removes it.
    vanished = models.BooleanField("最新数据中已无此段", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "述职报告段落"
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_block_unique_key",
                                    violation_error_message="同一份述职报告中段落标识不能重复"),
            models.CheckConstraint(condition=Q(level__lte=4), name="report_block_level_0_to_4",
                                   violation_error_message="段落层级应为0至4"),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_block_version_positive",
                                   violation_error_message="版本号应为正整数"),
            # Only the secretary's own wording can fall behind the records; an unedited block is simply replaced.
            models.CheckConstraint(condition=Q(edited=True) | Q(stale=False, vanished=False),
                                   name="report_block_stale_only_if_edited",
                                   violation_error_message="只有修改过的段落才会标记为数据已更新"),
        ]

    def __str__(self) -> str:
        return f"{self.report}·{self.lead or self.key}"

    @property
    def composed(self) -> bool:
        """Whether the composer owns the text (headings and generated paragraphs), as opposed to the secretary."""
        return self.origin != BlockOrigin.SECRETARY


class ReportBlockVersion(models.Model):
    """One text a block has had, numbered from 1: as generated, as the secretary edited it, or restored."""

    block = models.ForeignKey(ReportBlock, verbose_name="段落", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    lead = models.CharField("段首标题", max_length=200, blank=True)
    text = models.TextField("正文", blank=True)
    origin = models.CharField("方式", max_length=16, choices=VersionOrigin.choices)
    restored_from = models.PositiveIntegerField("恢复自版本", null=True, blank=True)
    author = models.ForeignKey(_USER, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "述职报告段落版本"
        ordering = ["block", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="report_block_version_unique",
                                    violation_error_message="该段落已有此版本号"),
        ]

    def __str__(self) -> str:
        return f"{self.block.key} v{self.number}"
