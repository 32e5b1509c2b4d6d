from django.db import models


class DutyMeasure(models.TextChoices):
    """How a 责任清单 task's progress is counted: from the branch's records, or ticked by hand with evidence."""

    ACTIVITIES = "activities", "按组织活动计（次）"
    TALKS = "talks", "按谈话计（人次）"
    VISITS = "visits", "按走访计（户）"
    MANUAL = "manual", "完成后上传佐证"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "取消"


class OutcomeKind(models.TextChoices):
    """Establishment records a 书记项目 counts as its results (issue 6, item 2)."""

    QUOTA_MOVEMENT = "quota_movement", "编制调整"
    CHARTER = "charter", "印发三定规定"
    DIVISION_CHANGE = "division_change", "内设机构调整"
    CHECK_RUN = "check_run", "编制核查"
    PROBLEM = "problem", "问题整改"


class TargetMeasure(models.TextChoices):
    """What a 书记项目 target counts among the project's linked outcomes."""

    QUOTA_ADDED = "quota_added", "核增编制（名）"
    CHARTERS = "charters", "印发三定规定（个）"
    DIVISION_CHANGES = "division_changes", "调整内设机构（项）"
    CHECK_RUNS = "check_runs", "开展核查（次）"
    PROBLEMS_CLOSED = "problems_closed", "问题整改销号（个）"


class VisitorRole(models.TextChoices):
    """Who visits: the seed counts the branch's members apart from the leadership and the 挂职第一书记."""

    BRANCH_MEMBER = "branch_member", "支部党员"
    LEADERSHIP = "leadership", "领导班子成员"
    FIRST_SECRETARY = "first_secretary", "挂职第一书记"


class VisitGroup(models.TextChoices):
    """The group the visited household belongs to."""

    HARDSHIP = "hardship", "特殊困难群体"
    WOMEN_CHILDREN = "women_children", "妇女儿童"
    ELDERLY = "elderly", "老年人"
    DISABLED = "disabled", "残疾人"
    VETERANS = "veterans", "退役军人"
    GENERAL = "general", "普通群众"


class IssueKind(models.TextChoices):
    PROBLEM = "problem", "问题"
    SUGGESTION = "suggestion", "意见建议"


class IssueTopic(models.TextChoices):
    """How raised problems are classified (分类建立台账)."""

    ASSISTANCE = "assistance", "救助帮扶"
    RIGHTS = "rights", "妇女儿童权益保障"
    EMPLOYMENT = "employment", "就业创业"
    HEALTH = "health", "医疗卫生"
    EDUCATION = "education", "教育"
    HOUSING = "housing", "住房保障"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    ENVIRONMENT = "environment", "环境卫生"
    OTHER = "other", "其他"


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class RiskStatus(models.TextChoices):
    WATCHED = "watched", "监测中"
    CLOSED = "closed", "已解除"


class KeyDateSource(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日"
    CUSTOM = "custom", "自定义"


class ReminderKind(models.TextChoices):
    DUTY = "duty", "责任清单"
    COMPLIANCE = "compliance", "组织生活"
    PROBLEM = "problem", "问题整改"
    KEY_DATE = "key_date", "廉政提醒"
    RISK_REVIEW = "risk_review", "风险点研判"
    MILESTONE = "milestone", "书记项目"
    TERM = "term", "换届"
    REGISTRATION = "registration", "事业单位登记"
