"""The Party branch and its organisational life: the branch, its committee and groups, its members, every activity
with per-member attendance, talks, the compliance rules, and the annual 民主评议党员.

Sources: 《中国共产党支部工作条例（试行）》 (2018, "条例"), 党章; see domain.md §6. Counts a report relies on (应到,
实到, 有表决权) are derived from attendance by the services, never typed.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianban.party.choices import (
    ActivityKind,
    ActivityStatus,
    AppraisalGrade,
    AppraisalStatus,
    AttendanceStatus,
    CommitteeRole,
    LeaveReason,
    MemberCategory,
    MemberStatus,
    Period,
    TalkKind,
    TalkRole,
    VolunteerField,
)


class Branch(models.Model):
    """党支部: set up in a unit (its members are mostly that unit's staff), under a higher Party organisation."""

    name = models.CharField("名称", max_length=100, unique=True)
    code = models.SlugField("代码", max_length=40, unique=True, help_text="命令行和接口中使用的简短代码，如 bianban")
    unit = models.ForeignKey("units.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="branches")
    parent_committee = models.CharField("上级党组织", max_length=100)
    founded_on = models.DateField("成立日期")
    term_years = models.PositiveSmallIntegerField(
        "支委会每届任期（年）", default=3, help_text="党章第三十一条：三至五年；机关党支部一般3年，村、社区5年")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党支部"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=3, term_years__lte=5), name="branch_term_3_to_5",
                                   violation_error_message="支委会任期应为3至5年"),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeTerm(models.Model):
    """One 届 of the branch committee (or, with fewer than 7 full members, of its secretary). The term runs from the
    electing 党员大会; a committee appointed by the higher level (`appointed`) has no fixed term."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    elected_on = models.DateField("选举日期")
    years = models.PositiveSmallIntegerField("任期（年）")
    ends_on = models.DateField("任期届满")
    appointed = models.BooleanField("上级指派", default=False)
    has_committee = models.BooleanField("设支部委员会", default=True,
                                        help_text="正式党员不足7人的，不设支部委员会，只设书记（可设副书记）")
    document_no = models.CharField("批复文号", max_length=100, blank=True)
    closed_on = models.DateField("换届日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "支委会届次"
        ordering = ["branch", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "number"], name="term_unique_number"),
            models.UniqueConstraint(fields=["branch"], condition=Q(closed_on__isnull=True), name="term_one_current",
                                    violation_error_message="一个党支部只能有一届现任支委会"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("elected_on")), name="term_ends_after_election",
                                   violation_error_message="任期届满日期应晚于选举日期"),
        ]

    def __str__(self) -> str:
        return f"{self.branch}第{self.number}届"


class PartyGroup(models.Model):
    """党小组."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="groups")
    name = models.CharField("名称", max_length=50)
    leader = models.ForeignKey("party.Member", verbose_name="组长", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    sort_order = models.IntegerField("排序", default=0)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "党小组"
        ordering = ["branch", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], condition=Q(dissolved_on__isnull=True),
                                    name="group_unique_name", violation_error_message="本支部已有同名党小组"),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """党员 of a branch: the same `Person` as in the real-name register where they are staff.

    `admitted_on` is the day the 支部大会 accepted them (预备期 counts from it); `full_on` the day they became
    正式党员 (党龄 counts from it, 党章第七条). A member who leaves (transfer out, …) keeps their row with `left_on`;
    a person is a member of at most one branch at a time."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT,
                               related_name="party_memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="party_memberships",
                             help_text="该党员登录本系统所用的账号（个人自评、互评投票、查看本人情况）")
    group = models.ForeignKey(PartyGroup, verbose_name="党小组", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="members")
    status = models.CharField("党员身份", max_length=16, choices=MemberStatus.choices)
    category = models.CharField("党员类别", max_length=16, choices=MemberCategory.choices,
                                default=MemberCategory.EMPLOYED)
    admitted_on = models.DateField("入党日期（接收为预备党员）")
    probation_ends_on = models.DateField("预备期满", null=True, blank=True)
    probation_extended = models.BooleanField("延长预备期", default=False)
    full_on = models.DateField("转正日期", null=True, blank=True)
    joined_on = models.DateField("转入本支部日期")
    joined_from = models.CharField("转入自", max_length=100, blank=True)
    left_on = models.DateField("离开本支部日期", null=True, blank=True)
    left_reason = models.CharField("离开原因", max_length=24, choices=LeaveReason.choices, blank=True)
    left_to = models.CharField("转往", max_length=100, blank=True)
    is_mobile = models.BooleanField("流动党员", default=False)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        ordering = ["branch", "group", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(left_on__isnull=True), name="member_one_branch",
                                    violation_error_message="该人员已是其他（或本）党支部的党员"),
            models.UniqueConstraint(fields=["user"], condition=Q(left_on__isnull=True, user__isnull=False),
                                    name="member_one_user", violation_error_message="该账号已关联其他党员"),
            models.CheckConstraint(
                condition=Q(status=MemberStatus.PROBATIONARY, full_on__isnull=True)
                | Q(status=MemberStatus.FULL, full_on__isnull=False),
                name="member_full_on_matches_status", violation_error_message="正式党员须有转正日期，预备党员不能有"),
            models.CheckConstraint(condition=Q(full_on__isnull=True) | Q(full_on__gte=F("admitted_on")),
                                   name="member_full_after_admitted",
                                   violation_error_message="转正日期不能早于入党日期"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                                   name="member_left_after_joined",
                                   violation_error_message="离开日期不能早于转入日期"),
        ]
        indexes = [models.Index(fields=["branch", "left_on"])]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def party_years(self, on: date) -> int:
        """党龄 in whole years on `on`, from the day they became 正式党员 (0 for 预备党员)."""
        if self.full_on is None or on < self.full_on:
            return 0
        years = on.year - self.full_on.year
        return years - 1 if (on.month, on.day) < (self.full_on.month, self.full_on.day) else years


class CommitteeMember(models.Model):
    """A member's seat on one term of the committee, from `since` until `until` (补选 and 调整 start and end seats
    without restarting the term)."""

    term = models.ForeignKey(CommitteeTerm, verbose_name="届次", on_delete=models.PROTECT, related_name="seats")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="seats")
    role = models.CharField("职务", max_length=20, choices=CommitteeRole.choices)
    since = models.DateField("任职日期")
    until = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "支委会成员"
        ordering = ["term", "role", "since"]
        constraints = [
            models.UniqueConstraint(fields=["term", "role"], condition=Q(until__isnull=True)
                                    & Q(role__in=[CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY,
                                                  CommitteeRole.ORGANISATION, CommitteeRole.PUBLICITY,
                                                  CommitteeRole.DISCIPLINE]),
                                    name="seat_one_holder_per_role", violation_error_message="该职务已有在任人选"),
            models.UniqueConstraint(fields=["term", "member"], condition=Q(until__isnull=True),
                                    name="seat_one_per_member", violation_error_message="该党员已在本届支委会任职"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member}"


class Activity(models.Model):
    """One branch activity of any kind (三会一课, 主题党日, study …). `held` activities have attendance; the
    counts are written by the services from it."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField("类型", max_length=24, choices=ActivityKind.choices)
    group = models.ForeignKey(PartyGroup, verbose_name="党小组", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="activities", help_text="党小组会须注明党小组")
    status = models.CharField("状态", max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.HELD)
    held_on = models.DateField("日期")
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    topic = models.CharField("主题", max_length=200)
    host = models.ForeignKey(Member, verbose_name="主持人", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    recorder = models.ForeignKey(Member, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    speaker = models.CharField("主讲人", max_length=100, blank=True)
    content = models.TextField("内容（会议记录）", blank=True)
    decisions = models.TextField("决定事项", blank=True)
    materials = models.TextField("学习材料", blank=True)
    study_hours = models.DecimalField("学时（每人）", max_digits=4, decimal_places=1, null=True, blank=True)
    service_field = models.CharField("服务领域", max_length=20, choices=VolunteerField.choices, blank=True,
                                     help_text="志愿服务活动填写")
    # Derived from attendance by the services (never typed): 应到, 实到, 请假, and the voting-rights counts.
    due_count = models.PositiveIntegerField("应到", default=0)
    present_count = models.PositiveIntegerField("实到", default=0)
    leave_count = models.PositiveIntegerField("请假", default=0)
    voting_due = models.PositiveIntegerField("应到有表决权", default=0)
    voting_present = models.PositiveIntegerField("实到有表决权", default=0)
    quorum_met = models.BooleanField("达到法定人数", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织活动"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind=ActivityKind.GROUP_MEETING) | Q(group__isnull=False),
                                   name="activity_group_meeting_has_group",
                                   violation_error_message="党小组会须注明党小组"),
        ]
        indexes = [models.Index(fields=["branch", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class Attendance(models.Model):
    """One member at one activity. `voting` records whether they held a vote that day (正式党员)."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField("出席情况", max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField("请假事由", max_length=200, blank=True)
    voting = models.BooleanField("有表决权", default=False)
    study_hours = models.DecimalField("学时", max_digits=4, decimal_places=1, null=True, blank=True)
    service_hours = models.DecimalField("志愿服务时长（小时）", max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "出席情况"
        ordering = ["activity", "member"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_once_per_member"),
            models.CheckConstraint(condition=~Q(status=AttendanceStatus.LEAVE) | ~Q(reason=""),
                                   name="attendance_leave_has_reason", violation_error_message="请假须注明事由"),
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} {self.get_status_display()}"


class Resolution(models.Model):
    """A decision voted at a 支部党员大会 (or 支委会). Passed when the votes for are more than half of the members
    with voting rights who were due to attend (条例第十一条; domain.md §6.3)."""

    activity = models.ForeignKey(Activity, verbose_name="会议", on_delete=models.CASCADE, related_name="resolutions")
    text = models.CharField("表决事项", max_length=300)
    votes_for = models.PositiveIntegerField("赞成")
    votes_against = models.PositiveIntegerField("反对", default=0)
    votes_abstain = models.PositiveIntegerField("弃权", default=0)
    passed = models.BooleanField("通过")

    class Meta:
        verbose_name = verbose_name_plural = "表决事项"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.text


class ActivityFile(models.Model):
    """A photo or document of an activity, checked by content, stored outside the web root."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="party/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动材料"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.original_name


class Talk(models.Model):
    """谈心谈话, 廉政谈话 or 提醒谈话: one talker, one or more talked-to (TalkParticipant)."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="talks")
    kind = models.CharField("类型", max_length=20, choices=TalkKind.choices)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    topic = models.CharField("主题", max_length=200)
    summary = models.TextField("谈话内容", blank=True)
    follow_up = models.TextField("后续跟进", blank=True)
    problem = models.ForeignKey("ledger.Problem", verbose_name="登记的问题", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "谈话"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["branch", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class TalkParticipant(models.Model):
    talk = models.ForeignKey(Talk, verbose_name="谈话", on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="talks")
    role = models.CharField("角色", max_length=8, choices=TalkRole.choices)

    class Meta:
        verbose_name = verbose_name_plural = "谈话参与人"
        ordering = ["talk", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "member"], name="talk_participant_once"),
            models.UniqueConstraint(fields=["talk"], condition=Q(role=TalkRole.TALKER), name="talk_one_talker",
                                    violation_error_message="一次谈话只有一名谈话人"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member}"


class ComplianceRule(models.Model):
    """One requirement of the branch's organisational life: at least `min_count` activities of `activity_kind` (or,
    for `code` "talks", the pairs of 条例第十九条; for "appraisal", the year's 民主评议) each `period`, per party
    group when `per_group`. Created from the defaults of domain.md §6.3; each is configurable."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.CASCADE, related_name="rules")
    code = models.CharField("代码", max_length=32)
    title = models.CharField("要求", max_length=100)
    activity_kind = models.CharField("活动类型", max_length=24, choices=ActivityKind.choices, blank=True)
    period = models.CharField("周期", max_length=8, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField("每周期至少（次）", default=1)
    per_group = models.BooleanField("每个党小组分别计", default=False)
    enabled = models.BooleanField("启用", default=True)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织生活要求"
        ordering = ["branch", "id"]
        constraints = [models.UniqueConstraint(fields=["branch", "code"], name="rule_unique_code")]

    def __str__(self) -> str:
        return self.title


class ComplianceExemption(models.Model):
    """A period in which a rule does not apply (e.g. a 支委会 not held in the month of the 换届 election), with the
    reason. `index` is the month (1–12), the quarter (1–4) or 1 for a yearly rule."""

    rule = models.ForeignKey(ComplianceRule, verbose_name="要求", on_delete=models.CASCADE, related_name="exemptions")
    year = models.PositiveSmallIntegerField("年度")
    index = models.PositiveSmallIntegerField("期次")
    group = models.ForeignKey(PartyGroup, verbose_name="党小组", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    reason = models.CharField("原因", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "免除"
        ordering = ["rule", "year", "index"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "year", "index", "group"], name="exemption_unique_period"),
            # NULL groups are distinct to a plain unique index: a whole-period exemption needs its own.
            models.UniqueConstraint(fields=["rule", "year", "index"], condition=Q(group__isnull=True),
                                    name="exemption_unique_whole_period", violation_error_message="该期已免除"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.year}-{self.index}"


class Appraisal(models.Model):
    """民主评议党员 of one year. Ballots are secret: who voted is kept (`AppraisalVoter`, so no one votes twice) apart
    from what was voted, which exists only as counts per member and grade (`AppraisalTally`)."""

    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("阶段", max_length=16, choices=AppraisalStatus.choices, default=AppraisalStatus.SELF)
    started_on = models.DateField("开始日期")
    voting_closed_on = models.DateField("互评截止", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    meeting = models.ForeignKey(Activity, verbose_name="评议会议", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    paper_ballots = models.PositiveIntegerField("已录入纸质选票", default=0)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "民主评议党员"
        ordering = ["branch", "-year"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="appraisal_once_a_year",
                                               violation_error_message="本年度已开展民主评议")]

    def __str__(self) -> str:
        return f"{self.branch}{self.year}年度民主评议党员"


class SelfEvaluation(models.Model):
    appraisal = models.ForeignKey(Appraisal, verbose_name="评议", on_delete=models.CASCADE,
                                  related_name="self_evaluations")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("个人自评")
    grade = models.CharField("自评等次", max_length=16, choices=AppraisalGrade.choices, blank=True)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人自评"
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="self_evaluation_once")]

    def __str__(self) -> str:
        return f"{self.member}的个人自评"


class AppraisalVoter(models.Model):
    """That a member has cast their mutual-evaluation ballot (not what it said)."""

    appraisal = models.ForeignKey(Appraisal, verbose_name="评议", on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey(Member, verbose_name="投票人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "已投票"
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraisal_vote_once",
                                               violation_error_message="已提交互评票，不能重复投票")]

    def __str__(self) -> str:
        return f"{self.member}已投票"


class AppraisalTally(models.Model):
    """How many ballots gave `member` each grade: the only trace of the ballots' content."""

    appraisal = models.ForeignKey(Appraisal, verbose_name="评议", on_delete=models.CASCADE, related_name="tallies")
    member = models.ForeignKey(Member, verbose_name="被评议党员", on_delete=models.PROTECT, related_name="+")
    excellent = models.PositiveIntegerField("优秀", default=0)
    qualified = models.PositiveIntegerField("合格", default=0)
    basic = models.PositiveIntegerField("基本合格", default=0)
    unqualified = models.PositiveIntegerField("不合格", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "互评计票"
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="tally_once_per_member")]

    def __str__(self) -> str:
        return f"{self.member}的互评计票"


class AppraisalResult(models.Model):
    """The branch's determination (评定) for one member."""

    appraisal = models.ForeignKey(Appraisal, verbose_name="评议", on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="appraisal_results")
    grade = models.CharField("评定等次", max_length=16, choices=AppraisalGrade.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评定结果"
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="result_once_per_member")]

    def __str__(self) -> str:
        return f"{self.member}：{self.get_grade_display()}"
