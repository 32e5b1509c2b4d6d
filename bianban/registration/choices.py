from django.db import models


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "已注销"


class FundingSource(models.TextChoices):
    """经费来源 as the certificate states it (domain.md §1.3, §3.3)."""

    FULL = "full", "财政全额拨款"
    PARTIAL = "partial", "财政差额拨款"
    SELF = "self", "经费自理"


class CopyState(models.TextChoices):
    """Where one copy (正本 or 副本) of a certificate is: with the institution, or collected by the authority on a
    change or cancellation (实施细则 Art. 48)."""

    HELD = "held", "单位持有"
    COLLECTED = "collected", "已收缴"


class FilingKind(models.TextChoices):
    ESTABLISH = "establish", "设立登记"
    CHANGE = "change", "变更登记"
    CANCEL = "cancel", "注销登记"


class FilingStatus(models.TextChoices):
    """The steps of domain.md §3.2: 申请 → 受理/不予受理 → 审查 → 核准/不予登记 → 发证 → 公告; 注销 starts with 清算."""

    LIQUIDATING = "liquidating", "清算中"
    APPLIED = "applied", "已申请"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    REVIEWING = "reviewing", "审查中"
    APPROVED = "approved", "已核准"
    REFUSED = "refused", "不予登记"
    CERTIFIED = "certified", "已发证"
    PUBLISHED = "published", "已公告"


FILING_CLOSED = (FilingStatus.NOT_ACCEPTED, FilingStatus.REFUSED, FilingStatus.PUBLISHED)


class ChangeItem(models.TextChoices):
    """登记事项 whose change needs a 变更登记 (实施细则 Art. 45–48)."""

    NAME = "name", "名称"
    LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
    PURPOSE = "purpose", "宗旨和业务范围"
    ADDRESS = "address", "住所"
    FUNDING_SOURCE = "funding_source", "经费来源"
    CAPITAL = "capital", "开办资金"
    SPONSOR = "sponsor", "举办单位"


class CancelReason(models.TextChoices):
    """注销 triggers (domain.md §3.2)."""

    DISSOLVED = "dissolved", "举办单位决定解散"
    MERGED = "merged", "因合并、分立解散"
    LEGALLY_DISSOLVED = "legally_dissolved", "依法被撤销或决定解散"
    ORDERED = "ordered", "被责令撤销"
    REVOKED = "revoked", "登记被撤销或证书被吊销"
    OTHER = "other", "其他"


class AnnualReportStatus(models.TextChoices):
    """单位填报 → 举办单位审查 → 登记机关形式审查 → 公示, or 退回 to the unit (domain.md §3.4)."""

    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "待举办单位审查"
    SPONSOR_APPROVED = "sponsor_approved", "待登记机关审查"
    PUBLISHED = "published", "已公示"
    RETURNED = "returned", "已退回"
