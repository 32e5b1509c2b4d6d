from django.db import models


class ProblemSource(models.TextChoices):
    CHECK = "check", "核查"
    VISIT = "visit", "走访"
    TALK = "talk", "谈话"
    INSPECTION = "inspection", "巡察督查"
    MANUAL = "manual", "手工"


class ProblemCategory(models.TextChoices):
    ESTABLISHMENT = "establishment", "机构编制"
    REAL_NAME = "real_name", "实名制"
    PARTY = "party", "党建"
    CONDUCT = "conduct", "作风纪律"
    PUBLIC_DEMAND = "public_demand", "群众诉求"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    AWAITING_REVIEW = "awaiting_review", "申请销号"
    CLOSED = "closed", "已销号"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "未完成"
    DONE = "done", "已完成"


class EventKind(models.TextChoices):
    CREATED = "created", "登记问题"
    EDITED = "edited", "修改问题"
    RAISED_AGAIN = "raised_again", "再次发现"
    DATA_RESOLVED = "data_resolved", "数据已消除"
    TRANSITION = "transition", "状态变更"
    MEASURE_ADDED = "measure_added", "制定整改措施"
    MEASURE_CHANGED = "measure_changed", "修改整改措施"
    MEASURE_DONE = "measure_done", "完成整改措施"
    EVIDENCE_ADDED = "evidence_added", "上传佐证材料"
