"""/api/v1/check-runs and /api/v1/check-rules: verification. A run is started with POST and runs as a task;
poll GET /check-runs/{id} until `finished`. Findings are narrowed to the caller's units."""

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bianban.checks import selectors, services
from bianban.checks.choices import Change
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import RULES, Rule
from bianban.checks.tasks import run_check
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import Id, Pagination
from bianban.units.selectors import unit_get_for_user

router = Router(tags=["编制核查"])


class RuleOut(Schema):
    code: str
    title: str
    explanation: str
    severity: str
    subject: str
    category: str


class RuleCountOut(Schema):
    rule: str
    title: str
    count: int
    new: int


class CheckRunOut(Schema):
    id: int
    root_id: Id | None
    scope: str
    as_of: date
    status: str
    status_label: str
    finished: bool
    progress: int = Field(description="进度百分比")
    stage: str
    feeds_ledger: bool
    finding_count: int = Field(description="发现数（非全区授权的用户：只计其有权查看的单位）")
    new_count: int
    persisting_count: int
    resolved_count: int | None = Field(description="上次以来已消除；非全区授权用户在列表中为空")
    problems_opened: int
    problems_resolved: int
    previous_id: Id | None
    seconds: float | None
    message: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_scope(obj: CheckRun) -> str:
        return obj.scope_label

    @staticmethod
    def resolve_status_label(obj: CheckRun) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_progress(obj: CheckRun) -> int:
        return obj.percent

    # Readers without a district-wide grant get the run's figures over their own units (runs_for_user).
    @staticmethod
    def resolve_finding_count(obj: CheckRun) -> int:
        return getattr(obj, "visible_findings", obj.finding_count)

    @staticmethod
    def resolve_new_count(obj: CheckRun) -> int:
        return getattr(obj, "visible_new", obj.new_count)

    @staticmethod
    def resolve_persisting_count(obj: CheckRun) -> int:
        if hasattr(obj, "visible_findings"):
            return obj.visible_findings - obj.visible_new
        return obj.persisting_count

    @staticmethod
    def resolve_resolved_count(obj: CheckRun) -> int | None:
        if hasattr(obj, "visible_findings"):
            return getattr(obj, "visible_resolved", None)
        return obj.resolved_count

    @staticmethod
    def resolve_message(obj: CheckRun) -> str:
        if hasattr(obj, "visible_findings") and obj.status == "done":
            return f"您有权查看的单位中发现 {obj.visible_findings} 项问题（新发现 {obj.visible_new} 项）"
        return obj.message


class CheckRunDetailOut(CheckRunOut):
    rules: list[RuleCountOut] = Field(description="各规则的发现数（限调用者可见的单位）")


class FindingOut(Schema):
    id: int
    rule: str
    severity: str
    subject: str
    subject_id: Id
    key: str
    unit_id: Id | None
    person_id: Id | None
    message: str
    change: str


class CheckRunIn(Schema):
    root_unit_id: Id | None = Field(None, description="核查范围：该机构及其下属；不填为全部机构（须全区范围授权）")
    as_of: date | None = Field(None, description="核查基准日，默认今天；历史日期只记录发现，不登记问题台账")


def _rule_out(rule: Rule) -> dict[str, Any]:
    return {"code": rule.code, "title": rule.title, "explanation": rule.explanation, "severity": rule.severity,
            "subject": rule.subject, "category": rule.category}


def _detail(request: HttpRequest, run: CheckRun) -> CheckRun:
    run.rules = [{"rule": row["rule"].code, "title": row["rule"].title, "count": row["count"], "new": row["new"]}
                 for row in selectors.rule_summary(request.user, run)]
    if hasattr(run, "visible_findings"):
        run.visible_resolved = selectors.resolved_since_previous(request.user, run).count()
    return run


@router.get("/check-rules", response=list[RuleOut], summary="核查规则")
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule_out(rule) for rule in RULES]


@router.get("/check-runs", response=list[CheckRunOut], summary="核查记录")
@paginate(Pagination)
def run_list(request: HttpRequest) -> QuerySet[CheckRun]:
    return selectors.runs_for_user(request.user)


@router.post("/check-runs", response={202: CheckRunDetailOut}, summary="发起核查")
def run_create(request: HttpRequest, payload: CheckRunIn) -> Status:
    root = None
    if payload.root_unit_id is not None:
        try:
            root = unit_get_for_user(request.user, payload.root_unit_id)
        except NotFound:
            raise NotFound("机构不存在或无权访问", details={"root_unit_id": ["机构不存在或无权访问"]}) from None
    try:
        run = services.check_run_request(actor=request.user, root=root, as_of=payload.as_of)
    except ValidationFailed as exc:
        if "root" in (exc.details or {}):  # the service's field is this API's root_unit_id
            raise ValidationFailed(exc.message, details={"root_unit_id": exc.details["root"]}) from None
        raise
    run_check.enqueue(run.pk)
    return Status(202, _detail(request, selectors.run_get_for_user(request.user, run.pk)))


@router.get("/check-runs/{run_id}", response=CheckRunDetailOut, summary="核查详情（进度与各规则发现数）")
def run_detail(request: HttpRequest, run_id: Id) -> CheckRun:
    return _detail(request, selectors.run_get_for_user(request.user, run_id))


@router.get("/check-runs/{run_id}/findings", response=list[FindingOut], summary="核查发现")
@paginate(Pagination)
def finding_list(request: HttpRequest, run_id: Id, rule: str = "", change: Change | None = None,
                 q: str = "") -> QuerySet[Finding]:
    run = selectors.run_get_for_user(request.user, run_id)
    return selectors.findings_search(request.user, run, rule=rule, change=change or "", q=q)
