"""/api/v1/secretary-projects: 书记项目 with their targets (values counted from the linked outcomes), milestones and
outcomes. Reads are scoped by the branch's unit (404 outside scope); writes need PARTY_CHANGE on it (403 for
readers). Lists are {"items", "count"} with limit/offset, counted for the whole page in a few queries."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from bianban.core.exceptions import ValidationFailed
from bianban.core.params import Id, Limit, Offset, Year
from bianban.duties.choices import MilestoneStatus, OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectMilestone, SecretaryProject
from bianban.duties.projects import results, selectors, services
from bianban.party.access import branch_get_for_user
from bianban.party.models import Member

router = Router(tags=["书记项目"])
MAX_LIMIT = settings.BIANBAN["API_MAX_LIMIT"]


class ProjectMemberRef(Schema):
    id: int
    name: str


class TargetOut(Schema):
    id: int
    name: str
    measure: str
    measure_label: str
    target_value: int
    value: int = Field(description="从关联成果统计的完成值")
    met: bool


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    status: str
    status_label: str
    done_on: date | None
    note: str
    overdue: bool


class OutcomeOut(Schema):
    id: int
    kind: str
    kind_label: str
    record_id: Id
    label: str
    on: date
    note: str


class ProjectOut(Schema):
    id: int
    branch_id: Id
    year: int
    title: str
    goal: str
    lead: ProjectMemberRef | None
    summary: str
    targets: list[TargetOut]
    milestones: list[MilestoneOut]
    outcomes: list[OutcomeOut] | None = Field(None, description="仅详情返回")


class ProjectPage(Schema):
    items: list[ProjectOut]
    count: int


class CandidateOut(Schema):
    kind: str
    record_id: Id
    label: str
    on: date


class ProjectIn(Schema):
    branch_id: Id
    year: Year
    title: str
    goal: str
    lead_id: Id | None = None
    summary: str = ""


class ProjectPatch(Schema):
    year: Year | None = None
    title: str | None = None
    goal: str | None = None
    lead_id: Id | None = None
    summary: str | None = None


class TargetIn(Schema):
    name: str
    measure: TargetMeasure
    # Any: the service says what is wrong with 0, "abc", 1.5 or null in one Chinese message (目标值应为正整数).
    target_value: Any = Field(..., description="正整数")


class TargetPatch(Schema):
    name: str | None = None
    measure: TargetMeasure | None = None
    target_value: Any = None


class MilestoneIn(Schema):
    title: str
    due_on: date
    note: str = ""


class MilestonePatch(Schema):
    title: str | None = None
    due_on: date | None = None
    note: str | None = None
    status: MilestoneStatus | None = None
    done_on: date | None = Field(None, description="状态改为已完成时必填")


class OutcomeIn(Schema):
    kind: OutcomeKind
    record_id: Id | str
    note: str = ""


def _target(p: results.TargetProgress) -> dict[str, Any]:
    t = p.target
    return {"id": t.pk, "name": t.name, "measure": t.measure, "measure_label": t.get_measure_display(),
            "target_value": t.target_value, "value": p.value, "met": p.met}


def _milestone(m: ProjectMilestone) -> dict[str, Any]:
    return {"id": m.pk, "title": m.title, "due_on": m.due_on, "status": m.status,
            "status_label": m.get_status_display(), "done_on": m.done_on, "note": m.note,
            "overdue": bool(getattr(m, "overdue", False))}


def _project(p: SecretaryProject, progress: list[results.TargetProgress], milestones: list[ProjectMilestone],
             outcomes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    lead = {"id": p.lead.pk, "name": str(p.lead)} if p.lead_id else None
    return {"id": p.pk, "branch_id": p.branch_id, "year": p.year, "title": p.title, "goal": p.goal, "lead": lead,
            "summary": p.summary, "targets": [_target(t) for t in progress],
            "milestones": [_milestone(m) for m in milestones], "outcomes": outcomes}


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    project = selectors.project_get_for_user(request.user, pk)
    outcomes = [{"id": o.outcome.pk, "kind": kind, "kind_label": label, "record_id": getattr(
                 o.outcome, f"{results.SOURCES[kind].field}_id"), "label": o.label, "on": o.on,
                 "note": o.outcome.note}
                for kind, label, items in results.outcomes_by_kind(selectors.outcomes_of(project), request.user)
                for o in items]
    return _project(project, results.project_progress(project), list(selectors.milestones_of(project)), outcomes)


def _lead(branch_id: Id, lead_id: Id | None) -> Member | None:
    if lead_id is None:
        return None
    lead = Member.objects.filter(branch_id=branch_id, pk=lead_id).select_related("person").first()
    if lead is None:
        raise ValidationFailed.on("lead_id", f"党员（id {lead_id}）不是本支部党员")
    return lead


@router.get("/secretary-projects", response=ProjectPage, summary="查询书记项目")
def project_list(request: HttpRequest, branch: Id | None = None, year: Year | None = None, limit: Limit = 100,
                 offset: Offset = 0) -> dict[str, Any]:
    limit = min(limit, MAX_LIMIT)
    qs = selectors.projects_for_user(request.user, branch=branch, year=year)
    page = list(qs.prefetch_related(Prefetch(
        "milestones", queryset=selectors.milestones_with_overdue(ProjectMilestone.objects.order_by("due_on", "pk")),
    ))[offset:offset + limit])
    progress = results.progress_by_project(page)
    return {"count": qs.count(),
            "items": [_project(p, progress[p.pk], list(p.milestones.all())) for p in page]}


@router.post("/secretary-projects", response={201: ProjectOut}, summary="新建书记项目")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status:
    branch = branch_get_for_user(request.user, payload.branch_id)
    project = services.project_create(
        actor=request.user, branch=branch, year=payload.year, title=payload.title, goal=payload.goal,
        lead=_lead(branch.pk, payload.lead_id), summary=payload.summary)
    return Status(201, _detail(request, project.pk))


@router.get("/secretary-projects/{project_id}", response=ProjectOut, summary="书记项目详情（含目标完成值、节点、成果）")
def project_detail(request: HttpRequest, project_id: Id) -> dict[str, Any]:
    return _detail(request, project_id)


@router.patch("/secretary-projects/{project_id}", response=ProjectOut, summary="修改书记项目")
def project_update(request: HttpRequest, project_id: Id, payload: ProjectPatch) -> dict[str, Any]:
    project = selectors.project_get_for_user(request.user, project_id)
    given = payload.dict(exclude_unset=True)
    if "lead_id" in given:
        given["lead"] = _lead(project.branch_id, given.pop("lead_id"))
    services.project_update(actor=request.user, project=project, **given)
    return _detail(request, project_id)


@router.get("/secretary-projects/{project_id}/outcome-candidates", response=list[CandidateOut],
            summary="可关联的成果记录（本年度、有权查看、尚未关联）")
def outcome_candidates(request: HttpRequest, project_id: Id, kind: OutcomeKind) -> list[results.Candidate]:
    project = selectors.project_get_for_user(request.user, project_id)
    return results.outcome_candidates(request.user, project, kind)


@router.post("/secretary-projects/{project_id}/targets", response={201: TargetOut}, summary="添加项目目标")
def target_add(request: HttpRequest, project_id: Id, payload: TargetIn) -> Status:
    project = selectors.project_get_for_user(request.user, project_id)
    target = services.target_add(actor=request.user, project=project, **payload.dict())
    return Status(201, next(_target(p) for p in results.project_progress(project) if p.target.pk == target.pk))


@router.patch("/secretary-projects/{project_id}/targets/{target_id}", response=TargetOut, summary="修改项目目标")
def target_update(request: HttpRequest, project_id: Id, target_id: Id, payload: TargetPatch) -> dict[str, Any]:
    project = selectors.project_get_for_user(request.user, project_id)
    target = selectors.target_get(project, target_id)
    services.target_update(actor=request.user, target=target, **payload.dict(exclude_unset=True))
    return next(_target(p) for p in results.project_progress(project) if p.target.pk == target_id)


@router.delete("/secretary-projects/{project_id}/targets/{target_id}", response={204: None}, summary="删除项目目标")
def target_remove(request: HttpRequest, project_id: Id, target_id: Id) -> Status:
    project = selectors.project_get_for_user(request.user, project_id)
    services.target_remove(actor=request.user, target=selectors.target_get(project, target_id))
    return Status(204, None)


@router.post("/secretary-projects/{project_id}/milestones", response={201: MilestoneOut}, summary="添加项目节点")
def milestone_add(request: HttpRequest, project_id: Id, payload: MilestoneIn) -> Status:
    project = selectors.project_get_for_user(request.user, project_id)
    milestone = services.milestone_add(actor=request.user, project=project, **payload.dict())
    return Status(201, _milestone(selectors.milestones_of(project).get(pk=milestone.pk)))


@router.patch("/secretary-projects/{project_id}/milestones/{milestone_id}", response=MilestoneOut,
              summary="修改项目节点或更新其状态")
def milestone_update(request: HttpRequest, project_id: Id, milestone_id: Id,
                     payload: MilestonePatch) -> dict[str, Any]:
    project = selectors.project_get_for_user(request.user, project_id)
    milestone = selectors.milestone_get(project, milestone_id)
    given = payload.dict(exclude_unset=True)
    status = {k: given.pop(k) for k in ("status", "done_on") if k in given}
    services.milestone_change(actor=request.user, milestone=milestone, **status, **given)
    return _milestone(selectors.milestones_of(project).get(pk=milestone_id))


@router.delete("/secretary-projects/{project_id}/milestones/{milestone_id}", response={204: None},
               summary="删除项目节点")
def milestone_remove(request: HttpRequest, project_id: Id, milestone_id: Id) -> Status:
    project = selectors.project_get_for_user(request.user, project_id)
    services.milestone_remove(actor=request.user, milestone=selectors.milestone_get(project, milestone_id))
    return Status(204, None)


@router.post("/secretary-projects/{project_id}/outcomes", response={201: OutcomeOut}, summary="关联项目成果")
def outcome_link(request: HttpRequest, project_id: Id, payload: OutcomeIn) -> Status:
    project = selectors.project_get_for_user(request.user, project_id)
    outcome = services.outcome_link(actor=request.user, project=project, kind=payload.kind,
                                    record_id=payload.record_id, note=payload.note)
    detail = _detail(request, project_id)
    return Status(201, next(o for o in detail["outcomes"] if o["id"] == outcome.pk))


@router.delete("/secretary-projects/{project_id}/outcomes/{outcome_id}", response={204: None},
               summary="取消关联项目成果")
def outcome_unlink(request: HttpRequest, project_id: Id, outcome_id: Id) -> Status:
    project = selectors.project_get_for_user(request.user, project_id)
    services.outcome_unlink(actor=request.user, outcome=selectors.outcome_get(project, outcome_id))
    return Status(204, None)
