"""The registration register: one `Registration` per 事业单位, its `Certificate`s, the `Filing`s that change it (with
their timeline), and its `AnnualReport`s. The legal deadlines are computed from these dates (deadlines.py), never
stored, so a changed holiday calendar or setting moves them everywhere at once."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianban.registration.choices import (
    AnnualReportStatus,
    CancelReason,
    CopyState,
    FilingKind,
    FilingStatus,
    FundingSource,
    RegistrationStatus,
)


class Registration(models.Model):
    """登记事项 of one 事业单位 as the 法人证书 states them (domain.md §3.3). Set up by an approved 设立 filing or by
    importing the registrations that exist; changed only by approved 变更 filings; closed by a 注销 filing."""

    unit = models.OneToOneField("units.Unit", verbose_name="事业单位", on_delete=models.PROTECT,
                                related_name="registration")
    uscc = models.CharField("统一社会信用代码", max_length=18)
    uscc_checksum_reason = models.CharField("校验码不符的确认说明", max_length=200, blank=True)
    name = models.CharField("名称", max_length=100)
    other_names = models.CharField("其他名称", max_length=200, blank=True)
    purpose = models.TextField("宗旨和业务范围")
    address = models.CharField("住所", max_length=200)
    legal_representative = models.CharField("法定代表人", max_length=50)
    capital = models.DecimalField("开办资金（万元）", max_digits=12, decimal_places=2)
    funding_source = models.CharField("经费来源", max_length=16, choices=FundingSource.choices)
    sponsor = models.ForeignKey("units.Unit", verbose_name="举办单位", on_delete=models.PROTECT,
                                related_name="sponsored_registrations")
    authority = models.CharField("登记管理机关", max_length=100)
    registered_on = models.DateField("设立登记日期")
    status = models.CharField("状态", max_length=16, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.ACTIVE)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "事业单位登记"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=Q(status=RegistrationStatus.ACTIVE),
                                    name="registration_uscc_unique_active",
                                    violation_error_message="该统一社会信用代码已登记给另一存续的事业单位"),
            # GB 32100-2015: 1 = 机构编制 department, 2 = 事业单位 (domain.md §3.5).
            models.CheckConstraint(condition=Q(uscc__startswith="12"), name="registration_uscc_institution",
                                   violation_error_message="事业单位的统一社会信用代码应以“12”开头"),
            models.CheckConstraint(condition=Q(capital__gte=0), name="registration_capital_not_negative",
                                   violation_error_message="开办资金不能为负数"),
            models.CheckConstraint(
                condition=Q(status=RegistrationStatus.ACTIVE, cancelled_on__isnull=True)
                | Q(status=RegistrationStatus.CANCELLED, cancelled_on__isnull=False),
                name="registration_cancelled_has_date", violation_error_message="已注销的登记须有注销日期"),
        ]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """《事业单位法人证书》: valid 5 years (setting), a 正本 and a 副本, each collected on a change or cancellation."""

    registration = models.ForeignKey(Registration, verbose_name="登记", on_delete=models.CASCADE,
                                     related_name="certificates")
    number = models.CharField("证书号", max_length=50)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至")
    original_state = models.CharField("正本", max_length=16, choices=CopyState.choices, default=CopyState.HELD)
    duplicate_state = models.CharField("副本", max_length=16, choices=CopyState.choices, default=CopyState.HELD)
    is_current = models.BooleanField("现行证书", default=True)
    collected_on = models.DateField("收缴日期", null=True, blank=True)
    filing = models.ForeignKey("Filing", verbose_name="发证登记", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="certificates")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "法人证书"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["registration"], condition=Q(is_current=True),
                                    name="certificate_one_current",
                                    violation_error_message="每个事业单位只有一份现行证书"),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="certificate_validity_order",
                                   violation_error_message="有效期止应晚于有效期起"),
        ]

    def __str__(self) -> str:
        return self.number


class Filing(models.Model):
    """One 设立 / 变更 / 注销 登记 going through the authority's steps. `changes` holds, for a 变更, each changed
    登记事项 as {item: [old, new]}; approving it writes them to the registration and the unit's 沿革."""

    unit = models.ForeignKey("units.Unit", verbose_name="事业单位", on_delete=models.PROTECT, related_name="filings")
    registration = models.ForeignKey(Registration, verbose_name="登记", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField("登记类型", max_length=16, choices=FilingKind.choices)
    status = models.CharField("状态", max_length=16, choices=FilingStatus.choices)
    # 设立: the date the establishment was approved; 变更: the date the change happened; 注销: the end of 清算.
    occurred_on = models.DateField("事项发生日期", null=True, blank=True)
    applied_on = models.DateField("申请日期", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decided_on = models.DateField("核准（不予登记）日期", null=True, blank=True)
    certified_on = models.DateField("发证日期", null=True, blank=True)
    published_on = models.DateField("公告日期", null=True, blank=True)
    changes = models.JSONField("变更事项", default=dict, blank=True)
    proposed = models.JSONField("设立登记事项", default=dict, blank=True)
    cancel_reason = models.CharField("注销原因", max_length=32, choices=CancelReason.choices, blank=True)
    liquidation_started_on = models.DateField("清算开始日期", null=True, blank=True)
    materials = models.JSONField("已提交材料", default=list, blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "登记申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind=FilingKind.ESTABLISH) | Q(registration__isnull=False),
                                   name="filing_change_cancel_has_registration",
                                   violation_error_message="变更、注销登记须对应已有的登记"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}{self.get_kind_display()}"


class FilingEvent(models.Model):
    """The filing's timeline: each step, who recorded it and when."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=FilingStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=FilingStatus.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.filing}：{self.get_to_status_display()}"


class AnnualReport(models.Model):
    """年度报告 of one institution for one year, reported 1 January – 31 March of the next (domain.md §3.4)."""

    registration = models.ForeignKey(Registration, verbose_name="登记", on_delete=models.PROTECT,
                                     related_name="annual_reports")
    year = models.PositiveSmallIntegerField("报告年度")
    status = models.CharField("状态", max_length=20, choices=AnnualReportStatus.choices,
                              default=AnnualReportStatus.DRAFT)
    business_activities = models.TextField("开展业务活动情况", blank=True)
    net_assets_start = models.DecimalField("净资产年初数（万元）", max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    net_assets_end = models.DecimalField("净资产年末数（万元）", max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    revenue = models.DecimalField("收入（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    expenditure = models.DecimalField("支出（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    staff_count = models.PositiveIntegerField("从业人员（在编实有）", null=True, blank=True)
    online_name = models.CharField("网上名称", max_length=100, blank=True)
    change_compliance = models.TextField("执行变更登记规定情况", blank=True)
    performance = models.TextField("绩效和受奖惩情况", blank=True)
    litigation = models.TextField("涉及诉讼情况", blank=True)
    complaints = models.TextField("社会投诉情况", blank=True)
    donations = models.TextField("接受捐赠资助及使用情况", blank=True)
    other = models.TextField("其他", blank=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    sponsor_reviewed_on = models.DateField("举办单位审查日期", null=True, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    returned_reason = models.TextField("退回原因", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        ordering = ["-year", "registration__name"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "year"], name="annual_report_one_per_year",
                                    violation_error_message="该单位该年度的年度报告已存在"),
        ]

    def __str__(self) -> str:
        return f"{self.registration}{self.year}年度报告"
