"""Writes of the 书记项目 (issue 6, item 2): the project, its measurable targets, its milestones, and the links to
the establishment records that are its outcomes (what they can be: records.py; what they count to: results.py).

Every write needs PARTY_CHANGE on the project's branch (access.require_branch: 404 outside scope, 403 for readers),
checks its input before writing anything, and leaves one AuditEvent.
"""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, NotFound, ValidationFailed
from bianban.duties.choices import MilestoneStatus, OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectMilestone, ProjectOutcome, ProjectTarget, SecretaryProject
from bianban.duties.projects.records import SOURCES
from bianban.party.access import require_branch
from bianban.party.models import Branch, Member

Errors = dict[str, list[str]]
_KEEP: Any = object()
TEXT_MAX = 200  # the models' CharField length: SQLite would store more, PostgreSQL would fail with a 500
MAX_TARGET_VALUE = 100_000
_PROJECT_FIELDS = ["year", "title", "goal", "lead", "summary"]
_TARGET_FIELDS = ["name", "measure", "target_value"]
_MILESTONE_FIELDS = ["title", "due_on", "note"]
MS = MilestoneStatus
# Which status a milestone may move to from each: a done milestone can be reopened, a cancelled one restored.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    MS.PLANNED: (MS.IN_PROGRESS, MS.DONE, MS.CANCELLED),
    MS.IN_PROGRESS: (MS.DONE, MS.CANCELLED, MS.PLANNED),
    MS.DONE: (MS.IN_PROGRESS,),
    MS.CANCELLED: (MS.PLANNED,),
}


def _raise(errors: Errors) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)


def _text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _fresh(model: Any, pk: int) -> Any:
    """The row with its project's branch, or NotFound when someone removed it meanwhile."""
    row = model.objects.select_related("project__branch__unit").filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{model._meta.verbose_name}不存在或已被删除")
    return row


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def positive_int(value: Any) -> int | None:
    """The value as a positive integer (an int, or digits as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = _text(value)
    return int(text) if text.isdigit() and int(text) > 0 else None


def _check_project(errors: Errors, branch: Branch, values: dict[str, Any], *, lead_changed: bool = True) -> None:
    year = values["year"]
    latest = timezone.localdate().year + 1
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= latest:
        errors["year"] = [f"年度应为2000至{latest}之间的年份"]
    if not values["title"]:
        errors["title"] = ["请填写项目名称"]
    elif len(values["title"]) > TEXT_MAX:
        errors["title"] = [f"项目名称不能超过{TEXT_MAX}字"]
    if not values["goal"]:
        errors["goal"] = ["请填写项目目标"]
    lead: Member | None = values["lead"]
    # A lead who has since left stays on record; only a newly chosen lead must be a current member.
    if lead is not None and lead_changed and (lead.branch_id != branch.pk or lead.left_on is not None):
        errors["lead"] = [f"{lead}不是本支部现有党员，不能担任牵头人"]


def _unique_title(branch: Branch, year: int, title: str, exclude: int | None = None) -> None:
    same = SecretaryProject.objects.filter(branch=branch, year=year, title=title).exclude(pk=exclude)
    if same.exists():
        raise ValidationFailed.on("title", "本年度已有同名书记项目")


@transaction.atomic(durable=True)
def project_create(*, actor: Any, branch: Branch, year: int, title: str, goal: str, lead: Member | None = None,
                   summary: str = "") -> SecretaryProject:
    """书记项目: the secretary's project of the year, tied to the office's core work."""
    require_branch(actor, branch)
    values = {"year": year, "title": _text(title), "goal": _text(goal), "lead": lead, "summary": _text(summary)}
    errors: Errors = {}
    _check_project(errors, branch, values)
    _raise(errors)
    _unique_title(branch, year, values["title"])
    project = SecretaryProject.objects.create(branch=branch, created_by=_user(actor), **values)
    audit(actor=actor, action="secretary_project.create", target=project, unit_id=branch.unit_id,
          changes=diff({}, snapshot(project, _PROJECT_FIELDS)))
    return project


@transaction.atomic(durable=True)
def project_update(*, actor: Any, project: SecretaryProject, year: Any = _KEEP, title: Any = _KEEP,
                   goal: Any = _KEEP, lead: Any = _KEEP, summary: Any = _KEEP) -> SecretaryProject:
    """Correct the project or record how it goes (`summary`); fields not given keep their value. The year is fixed
    once milestones or outcomes hang on it: they were checked against it."""
    project = SecretaryProject.objects.select_for_update().select_related("branch__unit").get(pk=project.pk)
    require_branch(actor, project.branch)
    before = snapshot(project, _PROJECT_FIELDS)
    given = {"year": year, "title": title, "goal": goal, "lead": lead, "summary": summary}
    values = {k: getattr(project, k) if v is _KEEP else v for k, v in given.items()}
    values.update({k: _text(values[k]) for k in ("title", "goal", "summary")})
    errors: Errors = {}
    _check_project(errors, project.branch, values, lead_changed=getattr(values["lead"], "pk", None) != project.lead_id)
    if values["year"] != project.year and (project.milestones.exists() or project.outcomes.exists()):
        errors.setdefault("year", []).append("项目已有节点或成果，不能修改年度")
    _raise(errors)
    _unique_title(project.branch, values["year"], values["title"], exclude=project.pk)
    for name, value in values.items():
        setattr(project, name, value)
    changes = diff(before, snapshot(project, _PROJECT_FIELDS))
    if changes:
        project.save(update_fields=list(values))
        audit(actor=actor, action="secretary_project.update", target=project, unit_id=project.branch.unit_id,
              changes=changes)
    return project


def _check_target(errors: Errors, values: dict[str, Any]) -> None:
    if not values["name"]:
        errors["name"] = ["请填写目标"]
    elif len(values["name"]) > TEXT_MAX:
        errors["name"] = [f"目标不能超过{TEXT_MAX}字"]
    if values["measure"] not in TargetMeasure.values:
        errors["measure"] = ["计量方式不在允许范围内"]
    value = positive_int(values["target_value"])
    if value is None:
        errors["target_value"] = ["目标值应为正整数"]
    elif value > MAX_TARGET_VALUE:
        # A project's targets count in tens (quota, charters, problems); the bound catches typos and keeps the
        # value inside every database's integer column (an overflow would be a 500, not a message).
        errors["target_value"] = [f"目标值不能超过{MAX_TARGET_VALUE}"]


@transaction.atomic(durable=True)
def target_add(*, actor: Any, project: SecretaryProject, name: str, measure: str, target_value: Any) -> ProjectTarget:
    """A measurable target: `target_value` of `measure`, counted from the project's linked outcomes (results.py)."""
    require_branch(actor, project.branch)
    values = {"name": _text(name), "measure": measure, "target_value": target_value}
    errors: Errors = {}
    _check_target(errors, values)
    _raise(errors)
    values["target_value"] = positive_int(target_value)
    target = ProjectTarget.objects.create(project=project, **values)
    audit(actor=actor, action="project_target.add", target=target, unit_id=project.branch.unit_id,
          changes=diff({}, snapshot(target, _TARGET_FIELDS)))
    return target


@transaction.atomic(durable=True)
def target_update(*, actor: Any, target: ProjectTarget, name: Any = _KEEP, measure: Any = _KEEP,
                  target_value: Any = _KEEP) -> ProjectTarget:
    target = ProjectTarget.objects.select_for_update().select_related("project__branch__unit").get(pk=target.pk)
    require_branch(actor, target.project.branch)
    before = snapshot(target, _TARGET_FIELDS)
    given = {"name": name, "measure": measure, "target_value": target_value}
    values = {k: getattr(target, k) if v is _KEEP else v for k, v in given.items()}
    values["name"] = _text(values["name"])
    errors: Errors = {}
    _check_target(errors, values)
    _raise(errors)
    values["target_value"] = positive_int(values["target_value"])
    for key, value in values.items():
        setattr(target, key, value)
    changes = diff(before, snapshot(target, _TARGET_FIELDS))
    if changes:
        target.save(update_fields=list(values))
        audit(actor=actor, action="project_target.update", target=target, unit_id=target.project.branch.unit_id,
              changes=changes)
    return target


@transaction.atomic(durable=True)
def target_remove(*, actor: Any, target: ProjectTarget) -> None:
    target = _fresh(ProjectTarget, target.pk)
    require_branch(actor, target.project.branch)
    audit(actor=actor, action="project_target.remove", target=target, unit_id=target.project.branch.unit_id,
          changes=diff(snapshot(target, _TARGET_FIELDS), {}))
    target.delete()


def _check_milestone(errors: Errors, project: SecretaryProject, values: dict[str, Any]) -> None:
    if not values["title"]:
        errors["title"] = ["请填写节点"]
    elif len(values["title"]) > TEXT_MAX:
        errors["title"] = [f"节点不能超过{TEXT_MAX}字"]
    due_on = values["due_on"]
    if not isinstance(due_on, date):
        errors["due_on"] = ["请填写计划完成日期"]
    elif due_on.year != project.year:
        # The project is the secretary's project of one year (the seed: 2023年度“书记项目”): its plan stays in it.
        errors["due_on"] = [f"节点日期应在项目年度内（{project.year}年）"]


@transaction.atomic(durable=True)
def milestone_add(*, actor: Any, project: SecretaryProject, title: str, due_on: date | None,
                  note: str = "") -> ProjectMilestone:
    """A step of the project's plan, due within the project's year; it starts 未开始."""
    require_branch(actor, project.branch)
    values = {"title": _text(title), "due_on": due_on, "note": _text(note)}
    errors: Errors = {}
    _check_milestone(errors, project, values)
    _raise(errors)
    milestone = ProjectMilestone.objects.create(project=project, **values)
    audit(actor=actor, action="project_milestone.add", target=milestone, unit_id=project.branch.unit_id,
          changes=diff({}, snapshot(milestone, [*_MILESTONE_FIELDS, "status"])))
    return milestone


@transaction.atomic(durable=True)
def milestone_update(*, actor: Any, milestone: ProjectMilestone, title: Any = _KEEP, due_on: Any = _KEEP,
                     note: Any = _KEEP) -> ProjectMilestone:
    """Correct a milestone's title, date or note (its status moves through `milestone_set_status`)."""
    return _milestone_update(actor=actor, milestone=milestone, title=title, due_on=due_on, note=note)


@transaction.atomic(durable=True)
def milestone_change(*, actor: Any, milestone: ProjectMilestone, status: Any = _KEEP, done_on: date | None = None,
                     **fields: Any) -> ProjectMilestone:
    """`milestone_update` and then, when `status` is given and differs, `milestone_set_status`, in one transaction
    (the API's PATCH): a refused status leaves the other fields unchanged too. The caller's right is checked first,
    so that a patch changing nothing is refused like any other to those who may not keep the branch's records."""
    require_branch(actor, SecretaryProject.objects.select_related("branch__unit").get(pk=milestone.project_id).branch)
    if fields:
        milestone = _milestone_update(actor=actor, milestone=milestone, **fields)
    if status is not _KEEP and status != milestone.status:
        milestone = _milestone_status(actor=actor, milestone=milestone, status=status, done_on=done_on)
    elif done_on is not None and done_on != milestone.done_on:
        milestone = _milestone_done_on(actor=actor, milestone=milestone, done_on=done_on)
    return milestone


def _milestone_done_on(*, actor: Any, milestone: ProjectMilestone, done_on: Any) -> ProjectMilestone:
    """Correct the day a done milestone was done; a milestone not done has no such day (silently dropping the
    value would tell the caller it was saved)."""
    project = SecretaryProject.objects.select_related("branch__unit").get(pk=milestone.project_id)
    require_branch(actor, project.branch)
    if milestone.status != MS.DONE:
        raise ValidationFailed.on("done_on", "只有已完成的节点才有完成日期；请同时将状态改为“已完成”")
    done_on = _check_done_on(project, done_on)
    if ProjectMilestone.objects.filter(pk=milestone.pk, status=MS.DONE).update(done_on=done_on) != 1:
        raise Conflict("节点状态已被他人修改，请刷新后重试")
    old, milestone.done_on = milestone.done_on, done_on
    audit(actor=actor, action="project_milestone.update", target=milestone, unit_id=project.branch.unit_id,
          changes={"done_on": [old, done_on]})
    return milestone


def _milestone_update(*, actor: Any, milestone: ProjectMilestone, title: Any = _KEEP, due_on: Any = _KEEP,
                      note: Any = _KEEP) -> ProjectMilestone:
    milestone = (ProjectMilestone.objects.select_for_update().select_related("project__branch__unit")
                 .get(pk=milestone.pk))
    project = milestone.project
    require_branch(actor, project.branch)
    before = snapshot(milestone, _MILESTONE_FIELDS)
    given = {"title": title, "due_on": due_on, "note": note}
    values = {k: getattr(milestone, k) if v is _KEEP else v for k, v in given.items()}
    values.update(title=_text(values["title"]), note=_text(values["note"]))
    errors: Errors = {}
    _check_milestone(errors, project, values)
    _raise(errors)
    for key, value in values.items():
        setattr(milestone, key, value)
    changes = diff(before, snapshot(milestone, _MILESTONE_FIELDS))
    if changes:
        milestone.save(update_fields=list(values))
        audit(actor=actor, action="project_milestone.update", target=milestone, unit_id=project.branch.unit_id,
              changes=changes)
    return milestone


def _check_done_on(project: SecretaryProject, done_on: Any) -> date:
    if not isinstance(done_on, date):
        raise ValidationFailed.on("done_on", "请填写完成日期")
    if done_on > timezone.localdate():
        raise ValidationFailed.on("done_on", "完成日期不能晚于今天：只登记已经完成的节点")
    if done_on.year < project.year:
        raise ValidationFailed.on("done_on", f"完成日期不能早于项目年度（{project.year}年）")
    return done_on


@transaction.atomic(durable=True)
def milestone_set_status(*, actor: Any, milestone: ProjectMilestone, status: str, done_on: date | None = None,
                         note: str | None = None) -> ProjectMilestone:
    """Move a milestone from the status the caller saw (`milestone.status`) to `status` (see TRANSITIONS); 已完成
    takes the day it was done. If someone else moved it meanwhile, nothing changes and Conflict is raised."""
    return _milestone_status(actor=actor, milestone=milestone, status=status, done_on=done_on, note=note)


def _milestone_status(*, actor: Any, milestone: ProjectMilestone, status: str, done_on: date | None = None,
                      note: str | None = None) -> ProjectMilestone:
    old = milestone.status
    project = SecretaryProject.objects.select_related("branch__unit").get(pk=milestone.project_id)
    require_branch(actor, project.branch)
    if status not in MS.values:
        raise ValidationFailed.on("status", "节点状态不在允许范围内")
    if status not in TRANSITIONS[old]:
        raise ValidationFailed.on("status", f"节点当前为“{MS(old).label}”，不能改为“{MS(status).label}”")
    done_on = _check_done_on(project, done_on) if status == MS.DONE else None
    values: dict[str, Any] = {"status": status, "done_on": done_on}
    if note is not None:
        values["note"] = _text(note)
    try:
        with transaction.atomic():
            updated = ProjectMilestone.objects.filter(pk=milestone.pk, status=old).update(**values)
    except IntegrityError:  # the done_on/status CheckConstraint: unreachable after the checks above
        raise ValidationFailed.on("done_on", "已完成的节点须有完成日期") from None
    if updated != 1:
        raise Conflict("节点状态已被他人修改，请刷新后重试")
    changes = {"status": [old, status], "done_on": [milestone.done_on, done_on]}
    for key, value in values.items():
        setattr(milestone, key, value)
    audit(actor=actor, action="project_milestone.status", target=milestone, unit_id=project.branch.unit_id,
          changes=changes)
    return milestone


@transaction.atomic(durable=True)
def milestone_remove(*, actor: Any, milestone: ProjectMilestone) -> None:
    milestone = _fresh(ProjectMilestone, milestone.pk)
    require_branch(actor, milestone.project.branch)
    audit(actor=actor, action="project_milestone.remove", target=milestone,
          unit_id=milestone.project.branch.unit_id,
          changes=diff(snapshot(milestone, [*_MILESTONE_FIELDS, "status", "done_on"]), {}))
    milestone.delete()


def _find_record(actor: Any, project: SecretaryProject, kind: Any, record_id: Any) -> Any:
    """The record to link, if the actor may see it and it is of the right sort and year; else ValidationFailed."""
    if kind not in OutcomeKind.values:
        raise ValidationFailed.on("kind", "成果类型不在允许范围内")
    source = SOURCES[kind]
    pk = positive_int(record_id)
    if pk is None:
        raise ValidationFailed.on("record_id", "请选择要关联的记录")
    # Seen through the owning app's scoping: a record the actor may not read does not exist for them.
    record = source.records(actor).filter(pk=pk).first()
    if record is None:
        raise ValidationFailed.on("record_id", f"未找到该{OutcomeKind(kind).label}记录，或无权查看")
    if source.misfit and not source.all().filter(source.fits, pk=pk).exists():
        raise ValidationFailed.on("record_id", source.misfit)
    if not source.all().filter(source.in_year(project.year), pk=pk).exists():
        raise ValidationFailed.on(
            "record_id", f"该记录的{source.year_rule}不在项目年度（{project.year}年）内，不能作为本项目的成果")
    return record


@transaction.atomic(durable=True)
def outcome_link(*, actor: Any, project: SecretaryProject, kind: str, record_id: Any,
                 note: str = "") -> ProjectOutcome:
    """Count an establishment record of the project's year as one of its results (issue 6, item 2: "its results
    are counted from the register"). The actor must be able to see the record in its own app; a record is linked
    to a project once."""
    project = SecretaryProject.objects.select_for_update().select_related("branch__unit").get(pk=project.pk)
    require_branch(actor, project.branch)
    record = _find_record(actor, project, kind, record_id)
    field = SOURCES[kind].field
    if ProjectOutcome.objects.filter(project=project, **{field: record}).exists():
        raise ValidationFailed.on("record_id", "该记录已关联")
    note = _text(note)
    if len(note) > 200:
        raise ValidationFailed.on("note", "说明不能超过200字")
    try:
        with transaction.atomic():  # the unique constraint is the backstop for two links racing past the check
            outcome = ProjectOutcome.objects.create(project=project, kind=kind, note=note, added_by=_user(actor),
                                                    **{field: record})
    except IntegrityError:
        raise ValidationFailed.on("record_id", "该记录已关联") from None
    audit(actor=actor, action="project_outcome.link", target=outcome, unit_id=project.branch.unit_id,
          changes={"kind": [None, kind], field: [None, record.pk], "note": [None, note]})
    return outcome


@transaction.atomic(durable=True)
def outcome_unlink(*, actor: Any, outcome: ProjectOutcome) -> None:
    """Stop counting a record as the project's outcome; the record itself is untouched."""
    outcome = _fresh(ProjectOutcome, outcome.pk)
    require_branch(actor, outcome.project.branch)
    field = SOURCES[outcome.kind].field
    audit(actor=actor, action="project_outcome.unlink", target=outcome, unit_id=outcome.project.branch.unit_id,
          changes={"kind": [outcome.kind, None], field: [getattr(outcome, f"{field}_id"), None]})
    outcome.delete()
