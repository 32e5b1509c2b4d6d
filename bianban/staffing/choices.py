from django.db import models


class MovementType(models.TextChoices):
    """How an approved quota changes (核定/核增/核减/划转/收回); each needs a document no."""

    SET = "SET", "核定"
    INCREASE = "INCREASE", "核增"
    DECREASE = "DECREASE", "核减"
    TRANSFER = "TRANSFER", "划转"
    WITHDRAW = "WITHDRAW", "收回"


class Enforcement(models.TextChoices):
    """What happens when a transaction would take a line over its approved number."""

    BLOCK = "block", "拦截"
    WARN = "warn", "预警（须说明理由）"


class PostGrade(models.TextChoices):
    PRINCIPAL = "PRINCIPAL", "正职"
    DEPUTY = "DEPUTY", "副职"


class ApprovalStatus(models.TextChoices):
    OPEN = "open", "有效"
    USED = "used", "已用完"
    EXPIRED = "expired", "已过期"
    WITHDRAWN = "withdrawn", "已撤回"


class ReleaseReason(models.TextChoices):
    RETIREMENT = "RETIREMENT", "退休"
    RESIGNATION = "RESIGNATION", "辞职"
    DISMISSAL = "DISMISSAL", "辞退/解聘"
    DEATH = "DEATH", "死亡"
    TRANSFER_OUT = "TRANSFER_OUT", "调出"
    EXPULSION = "EXPULSION", "开除"
    OTHER = "OTHER", "其他"
