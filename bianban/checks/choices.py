from django.db import models


class Severity(models.TextChoices):
    ERROR = "error", "严重"
    WARNING = "warning", "一般"


class Subject(models.TextChoices):
    """What a finding is about; each links to its page."""

    UNIT = "unit", "机构"
    LINE = "line", "编制"
    POST = "post", "领导职数"
    PERSON = "person", "人员"
    PLACEMENT = "placement", "人员编制"
    APPROVAL = "approval", "用编核准"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "核查中"
    DONE = "done", "已完成"
    FAILED = "failed", "出错"


class Change(models.TextChoices):
    """A finding compared with the previous run over the same scope."""

    NEW = "new", "新发现"
    PERSISTING = "persisting", "仍存在"


FINISHED = frozenset({RunStatus.DONE, RunStatus.FAILED})
