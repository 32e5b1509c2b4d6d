from django.db import models


class CommitteeRole(models.TextChoices):
    SECRETARY = "SECRETARY", "书记"
    DEPUTY_SECRETARY = "DEPUTY_SECRETARY", "副书记"
    ORGANISATION = "ORGANISATION", "组织委员"
    PUBLICITY = "PUBLICITY", "宣传委员"
    DISCIPLINE = "DISCIPLINE", "纪检委员"
    MEMBER = "MEMBER", "委员"


# Roles a branch without a committee (fewer than 7 full members, domain.md §6.1) may still fill.
NO_COMMITTEE_ROLES = frozenset({CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY})


class MemberStatus(models.TextChoices):
    FULL = "FULL", "正式党员"
    PROBATIONARY = "PROBATIONARY", "预备党员"


class MemberCategory(models.TextChoices):
    """党员类别 (domain.md §6.5), used for dues and statistics."""

    EMPLOYED = "employed", "在职"
    RETIRED = "retired", "离退休"
    FARMER = "farmer", "农民"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业/低保"
    OTHER = "other", "其他"


class LeaveReason(models.TextChoices):
    TRANSFER_OUT = "transfer_out", "组织关系转出"
    DEATH = "death", "去世"
    REMOVED = "removed", "除名"
    EXPELLED = "expelled", "开除党籍"
    WITHDRAWN = "withdrawn", "退党"
    PROBATION_CANCELLED = "probation_cancelled", "取消预备党员资格"


class ActivityKind(models.TextChoices):
    GENERAL_MEETING = "GENERAL_MEETING", "支部党员大会"
    COMMITTEE_MEETING = "COMMITTEE_MEETING", "支委会"
    GROUP_MEETING = "GROUP_MEETING", "党小组会"
    PARTY_LECTURE = "PARTY_LECTURE", "党课"
    THEME_DAY = "THEME_DAY", "主题党日"
    LIFE_MEETING = "LIFE_MEETING", "组织生活会"
    STUDY = "STUDY", "集中学习"
    FOLLOW_UP_STUDY = "FOLLOW_UP_STUDY", "跟进学习"
    SEMINAR = "SEMINAR", "专题研讨"
    BRIEFING = "BRIEFING", "宣讲"
    EDUCATION_VISIT = "EDUCATION_VISIT", "红色教育/参观"
    SCREENING = "SCREENING", "观看专题片"
    VOLUNTEER = "VOLUNTEER", "志愿服务"
    IDEOLOGY_REVIEW = "IDEOLOGY_REVIEW", "意识形态分析研判会"
    INTEGRITY_EDUCATION = "INTEGRITY_EDUCATION", "廉政教育"


# Kinds whose attendees are credited with study hours (issue 5 "Study").
STUDY_KINDS = frozenset({ActivityKind.STUDY, ActivityKind.FOLLOW_UP_STUDY, ActivityKind.SEMINAR,
                         ActivityKind.PARTY_LECTURE, ActivityKind.BRIEFING, ActivityKind.SCREENING,
                         ActivityKind.EDUCATION_VISIT, ActivityKind.INTEGRITY_EDUCATION})


class VolunteerField(models.TextChoices):
    """What a 志愿服务 activity served (seed 一(七): 护林防火、文明城市创建)."""

    FOREST_FIRE = "forest_fire", "护林防火"
    CIVILISED_CITY = "civilised_city", "文明城市创建"
    COMMUNITY = "community", "社区服务"
    EPIDEMIC = "epidemic", "疫情防控"
    OTHER = "other", "其他"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "取消"


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", "出席"
    LEAVE = "LEAVE", "请假"
    ABSENT = "ABSENT", "缺席"


class TalkKind(models.TextChoices):
    HEART_TO_HEART = "HEART_TO_HEART", "谈心谈话"
    INTEGRITY = "INTEGRITY", "廉政谈话"
    REMINDER = "REMINDER", "提醒谈话"


class TalkRole(models.TextChoices):
    TALKER = "talker", "谈话人"
    TALKED = "talked", "谈话对象"


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "EXCELLENT", "优秀"
    QUALIFIED = "QUALIFIED", "合格"
    BASIC = "BASIC", "基本合格"
    UNQUALIFIED = "UNQUALIFIED", "不合格"


class AppraisalStatus(models.TextChoices):
    """民主评议党员 steps (domain.md §6.4): self-evaluation, then secret mutual evaluation, then the branch's
    determination, then publication."""

    SELF = "self", "个人自评"
    VOTING = "voting", "党员互评"
    CLOSED = "closed", "评定"
    PUBLISHED = "published", "已公布"
