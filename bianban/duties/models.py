"""The branch's duties beyond organisational life (issue 6): the 党建责任清单 by month and owner, the 书记项目 with
the establishment records that are its results, household-visit campaigns whose problems go to the ledger, the
ideology risk-point register, integrity reminders at key dates, and each user's reminder list.

Progress and statistics are computed from the records (activities, talks, visits, linked establishment records),
never typed; only a task without a countable target is ticked by hand, with evidence.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianban.duties.choices import (
    DutyMeasure,
    IssueKind,
    IssueTopic,
    KeyDateSource,
    MilestoneStatus,
    OutcomeKind,
    ReminderKind,
    RiskLevel,
    RiskStatus,
    TargetMeasure,
    VisitGroup,
    VisitorRole,
)
from bianban.party.choices import ActivityKind, TalkKind

_USER = settings.AUTH_USER_MODEL


class DutyItem(models.Model):
    """One task of a branch's 党建责任清单 for a year. `months` is a bit set (bit m = month m deployed, 1–12);
    `parent` is the task a subtask was broken out of (一级抓一级). A task with `measure` other than manual counts
    the branch's records of the year (of `activity_kind` / `talk_kind`) against `target_count`."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="duty_items")
    year = models.PositiveSmallIntegerField("年度")
    parent = models.ForeignKey("self", verbose_name="上级任务", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    title = models.CharField("任务", max_length=200)
    description = models.TextField("具体要求", blank=True)
    owner_member = models.ForeignKey("party.Member", verbose_name="责任人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duty_items")
    owner_division = models.ForeignKey("units.Division", verbose_name="责任科室", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="duty_items")
    months = models.PositiveIntegerField("部署月份", default=0, help_text="位集：第m位表示m月")
    measure = models.CharField("完成情况计算", max_length=16, choices=DutyMeasure.choices,
                               default=DutyMeasure.MANUAL)
    activity_kind = models.CharField("活动类型", max_length=24, choices=ActivityKind.choices, blank=True)
    talk_kind = models.CharField("谈话类型", max_length=20, choices=TalkKind.choices, blank=True)
    target_count = models.PositiveIntegerField("量化目标", null=True, blank=True)
    due_on = models.DateField("完成时限", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    completion_note = models.TextField("完成情况说明", blank=True)
    completed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sort_order = models.IntegerField("排序", default=0)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党建责任清单"
        ordering = ["branch", "year", "sort_order", "id"]
        constraints = [
            # Bits 1–12 only, at least one of them: a task is deployed in some month.
            models.CheckConstraint(condition=Q(months__gte=2, months__lt=1 << 13),
                                   name="duty_months_bits", violation_error_message="请至少选择一个部署月份"),
            models.CheckConstraint(condition=Q(owner_member__isnull=False, owner_division__isnull=True)
                                   | Q(owner_member__isnull=True, owner_division__isnull=False),
                                   name="duty_one_owner", violation_error_message="责任人和责任科室只能选择其一"),
            models.CheckConstraint(condition=Q(target_count__isnull=True) | Q(target_count__gt=0),
                                   name="duty_target_positive", violation_error_message="量化目标应为正整数"),
            models.CheckConstraint(
                condition=Q(measure=DutyMeasure.MANUAL, target_count__isnull=True)
                | (~Q(measure=DutyMeasure.MANUAL) & Q(target_count__isnull=False)),
                name="duty_counted_has_target", violation_error_message="按记录计算的任务须有量化目标"),
        ]
        indexes = [models.Index(fields=["branch", "year"])]

    def __str__(self) -> str:
        return self.title

    @property
    def month_list(self) -> list[int]:
        return [m for m in range(1, 13) if self.months & (1 << m)]


class DutyEvidence(models.Model):
    """A file that evidences a hand-ticked task, checked by content, stored outside the web root."""

    item = models.ForeignKey(DutyItem, verbose_name="任务", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="duties/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "责任清单佐证材料"
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.original_name


class SecretaryProject(models.Model):
    """书记项目: the secretary's project of the year, tied to the office's core work."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="secretary_projects")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("项目名称", max_length=200)
    goal = models.TextField("项目目标")
    lead = models.ForeignKey("party.Member", verbose_name="牵头人", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    summary = models.TextField("推进情况", blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "书记项目"
        ordering = ["branch", "-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "title"], name="project_unique_title",
                                    violation_error_message="本年度已有同名书记项目"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度书记项目：{self.title}"


class ProjectTarget(models.Model):
    """A measurable target: `target_value` of `measure`, counted from the project's linked outcomes."""

    project = models.ForeignKey(SecretaryProject, verbose_name="书记项目", on_delete=models.CASCADE,
                                related_name="targets")
    name = models.CharField("目标", max_length=200)
    measure = models.CharField("计量", max_length=20, choices=TargetMeasure.choices)
    target_value = models.PositiveIntegerField("目标值")

    class Meta:
        verbose_name = verbose_name_plural = "书记项目目标"
        ordering = ["project", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gt=0), name="target_value_positive",
                                   violation_error_message="目标值应为正整数"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectMilestone(models.Model):
    project = models.ForeignKey(SecretaryProject, verbose_name="书记项目", on_delete=models.CASCADE,
                                related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("计划完成")
    status = models.CharField("状态", max_length=16, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "书记项目节点"
        ordering = ["project", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status=MilestoneStatus.DONE, done_on__isnull=False)
                                   | (~Q(status=MilestoneStatus.DONE) & Q(done_on__isnull=True)),
                                   name="milestone_done_on_matches_status",
                                   violation_error_message="已完成的节点须有完成日期"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectOutcome(models.Model):
    """An establishment record the project produced. Exactly the foreign key named by `kind` is set."""

    project = models.ForeignKey(SecretaryProject, verbose_name="书记项目", on_delete=models.CASCADE,
                                related_name="outcomes")
    kind = models.CharField("类型", max_length=20, choices=OutcomeKind.choices)
    quota_movement = models.ForeignKey("staffing.QuotaMovement", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    charter = models.ForeignKey("units.Charter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_event = models.ForeignKey("units.UnitEvent", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    check_run = models.ForeignKey("checks.CheckRun", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    problem = models.ForeignKey("ledger.Problem", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)
    added_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "书记项目成果"
        ordering = ["project", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=OutcomeKind.QUOTA_MOVEMENT, quota_movement__isnull=False, charter__isnull=True,
                      unit_event__isnull=True, check_run__isnull=True, problem__isnull=True)
                    | Q(kind=OutcomeKind.CHARTER, quota_movement__isnull=True, charter__isnull=False,
                        unit_event__isnull=True, check_run__isnull=True, problem__isnull=True)
                    | Q(kind=OutcomeKind.DIVISION_CHANGE, quota_movement__isnull=True, charter__isnull=True,
                        unit_event__isnull=False, check_run__isnull=True, problem__isnull=True)
                    | Q(kind=OutcomeKind.CHECK_RUN, quota_movement__isnull=True, charter__isnull=True,
                        unit_event__isnull=True, check_run__isnull=False, problem__isnull=True)
                    | Q(kind=OutcomeKind.PROBLEM, quota_movement__isnull=True, charter__isnull=True,
                        unit_event__isnull=True, check_run__isnull=True, problem__isnull=False)
                ),
                name="outcome_one_record_of_kind"),
            models.UniqueConstraint(fields=["project", "quota_movement"], name="outcome_once_movement"),
            models.UniqueConstraint(fields=["project", "charter"], name="outcome_once_charter"),
            models.UniqueConstraint(fields=["project", "unit_event"], name="outcome_once_event"),
            models.UniqueConstraint(fields=["project", "check_run"], name="outcome_once_run"),
            models.UniqueConstraint(fields=["project", "problem"], name="outcome_once_problem"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.note}"


class VisitCampaign(models.Model):
    """A household-visit campaign (集中走访) with its period and scope."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="visit_campaigns")
    title = models.CharField("活动名称", max_length=200)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    scope = models.TextField("走访范围", help_text="街道、社区，以及重点走访的群体")
    requirement = models.TextField("工作要求", blank=True, help_text="如：村村到、户户进、人人访")
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "集中走访活动"
        ordering = ["branch", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start",
                                   violation_error_message="结束日期不能早于开始日期"),
        ]

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    """One visit: a team (`team_role`, the role statistics count it under) met `people` people in `households`
    households of one group at one place. `circumstances` is personal data, shown masked to readers who are not
    on the branch's committee (design.md: family circumstances of visited households)."""

    campaign = models.ForeignKey(VisitCampaign, verbose_name="走访活动", on_delete=models.PROTECT,
                                 related_name="visits")
    visited_on = models.DateField("走访日期")
    team_role = models.CharField("走访力量", max_length=20, choices=VisitorRole.choices)
    street = models.CharField("街道", max_length=50)
    community = models.CharField("社区", max_length=50)
    group = models.CharField("走访对象群体", max_length=20, choices=VisitGroup.choices)
    households = models.PositiveIntegerField("走访户数")
    people = models.PositiveIntegerField("走访人数")
    circumstances = models.TextField("家庭情况", blank=True)
    summary = models.TextField("走访情况", blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["campaign", "-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(households__gt=0), name="visit_households_positive",
                                   violation_error_message="走访户数应至少为1"),
            models.CheckConstraint(condition=Q(people__gte=F("households")), name="visit_people_cover_households",
                                   violation_error_message="走访人数不能少于户数"),
        ]
        indexes = [models.Index(fields=["campaign", "team_role"])]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.street}{self.community} {self.households}户{self.people}人"


class VisitVisitor(models.Model):
    """Who went: a branch member, or someone outside the branch (a 挂职第一书记) by name."""

    visit = models.ForeignKey(Visit, verbose_name="走访", on_delete=models.CASCADE, related_name="visitors")
    member = models.ForeignKey("party.Member", verbose_name="党员", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="visits")
    name = models.CharField("姓名", max_length=50, blank=True, help_text="非本支部党员填写姓名")
    role = models.CharField("身份", max_length=20, choices=VisitorRole.choices)

    class Meta:
        verbose_name = verbose_name_plural = "走访人员"
        ordering = ["visit", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(name=""), name="visitor_member_or_name",
                                   violation_error_message="请选择党员或填写姓名"),
            models.UniqueConstraint(fields=["visit", "member"], name="visitor_once"),
        ]

    def __str__(self) -> str:
        return str(self.member) if self.member_id else self.name


class VisitIssue(models.Model):
    """A problem or suggestion raised during a visit, classified and assigned to the department that must answer;
    each is registered in the ledger as a problem of source 走访 (`problem`)."""

    visit = models.ForeignKey(Visit, verbose_name="走访", on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField("类型", max_length=12, choices=IssueKind.choices)
    topic = models.CharField("分类", max_length=20, choices=IssueTopic.choices)
    content = models.TextField("反映内容")
    department = models.CharField("承办部门", max_length=100)
    problem = models.OneToOneField("ledger.Problem", verbose_name="台账问题", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "走访收集的问题"
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.content[:40]


class RiskPoint(models.Model):
    """意识形态风险点 under watch, reviewed at 研判会 (RiskReview) until closed."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="risk_points")
    title = models.CharField("风险点", max_length=200)
    description = models.TextField("表现形式")
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    measures = models.TextField("防控措施")
    owner = models.ForeignKey("party.Member", verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="risk_points")
    next_review_on = models.DateField("下次研判")
    status = models.CharField("状态", max_length=8, choices=RiskStatus.choices, default=RiskStatus.WATCHED)
    closed_on = models.DateField("解除日期", null=True, blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "意识形态风险点"
        ordering = ["branch", "status", "next_review_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status=RiskStatus.CLOSED, closed_on__isnull=False)
                                   | Q(status=RiskStatus.WATCHED, closed_on__isnull=True),
                                   name="risk_closed_on_matches_status"),
        ]

    def __str__(self) -> str:
        return self.title


class RiskReview(models.Model):
    """One review of a risk point, normally at an 意识形态分析研判会 (`activity`)."""

    risk_point = models.ForeignKey(RiskPoint, verbose_name="风险点", on_delete=models.CASCADE,
                                   related_name="reviews")
    activity = models.ForeignKey("party.Activity", verbose_name="研判会", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="risk_reviews")
    reviewed_on = models.DateField("研判日期")
    conclusion = models.TextField("研判结论")
    level = models.CharField("研判后等级", max_length=8, choices=RiskLevel.choices)
    next_review_on = models.DateField("下次研判", null=True, blank=True)
    reviewed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "风险点研判"
        ordering = ["risk_point", "-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reviewed_on} {self.risk_point}"


class SensitivePeriod(models.Model):
    """敏感时期 on the branch's calendar: 舆论监管 is stepped up from `starts_on` to `ends_on`."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="sensitive_periods")
    name = models.CharField("名称", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    note = models.TextField("工作要求", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "敏感时期"
        ordering = ["branch", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="sensitive_ends_after_start",
                                   violation_error_message="结束日期不能早于开始日期"),
        ]

    def __str__(self) -> str:
        return self.name


class KeyDate(models.Model):
    """重要节点 (元旦春节、中秋国庆 …) for integrity work: `lead_workdays` working days before `on` (on `remind_on`)
    the assignees are reminded of `actions` (a 廉政提醒 to send, a talk to hold). `done_on` records it was done."""

    branch = models.ForeignKey("party.Branch", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="key_dates")
    name = models.CharField("节点", max_length=50)
    on = models.DateField("日期")
    source = models.CharField("来源", max_length=8, choices=KeyDateSource.choices)
    lead_workdays = models.PositiveSmallIntegerField("提前（工作日）")
    remind_on = models.DateField("提醒日期")
    actions = models.TextField("提醒事项", help_text="如：发送节前廉政提醒；召开廉政谈话")
    talk_required = models.BooleanField("须开展廉政谈话", default=False)
    assignees = models.ManyToManyField("party.Member", verbose_name="落实人", related_name="key_dates")
    done_on = models.DateField("落实日期", null=True, blank=True)
    done_note = models.TextField("落实情况", blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "廉政重要节点"
        ordering = ["branch", "on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name", "on"], name="key_date_once",
                                    violation_error_message="该节点已登记"),
            models.CheckConstraint(condition=Q(remind_on__lte=F("on")), name="key_date_remind_before",
                                   violation_error_message="提醒日期不能晚于节点日期"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.name}"


class Reminder(models.Model):
    """One entry of a user's reminder list: something due soon or overdue, produced by the daily refresh from
    duties, organisational life, ledger deadlines and key dates. `key` identifies what it is about, so a refresh
    updates the entry instead of adding another; an entry whose cause is gone is deleted."""

    user = models.ForeignKey(_USER, verbose_name="用户", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类型", max_length=16, choices=ReminderKind.choices)
    key = models.CharField("标识", max_length=100)
    title = models.CharField("事项", max_length=300)
    due_on = models.DateField("到期日期")
    url = models.CharField("链接", max_length=300, blank=True)
    refreshed_on = models.DateField("更新日期")
    dismissed_at = models.DateTimeField("已知晓", null=True, blank=True)
    emailed_on = models.DateField("邮件发送日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒"
        ordering = ["user", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_key")]
        indexes = [models.Index(fields=["user", "dismissed_at", "due_on"])]

    def __str__(self) -> str:
        return self.title
