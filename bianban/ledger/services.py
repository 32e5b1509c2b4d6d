"""Writes to the problem ledger. Every status change is a compare-and-swap and leaves a ProblemEvent."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.audit import audit, audit_many, diff, snapshot
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.uploads import original_name, stored_name
from bianban.core.workdays import add_workdays
from bianban.ledger.choices import EventKind, MeasureStatus, ProblemCategory, ProblemSource, ProblemStatus
from bianban.ledger.files import check_evidence_file
from bianban.ledger.models import Evidence, Measure, Problem, ProblemEvent

S = ProblemStatus

MAX_DEADLINE_WORKDAYS = 1000


@dataclass(frozen=True)
class Transition:
    perm: str
    label: str
    note_required: bool = False


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.OPEN, S.IN_PROGRESS): Transition(Perm.LEDGER_CHANGE, "开始整改"),
    (S.IN_PROGRESS, S.AWAITING_REVIEW): Transition(Perm.LEDGER_CHANGE, "申请销号"),
    (S.AWAITING_REVIEW, S.CLOSED): Transition(Perm.LEDGER_CLOSE, "审核销号"),
    (S.AWAITING_REVIEW, S.IN_PROGRESS): Transition(Perm.LEDGER_CLOSE, "退回整改", note_required=True),
    (S.CLOSED, S.IN_PROGRESS): Transition(Perm.LEDGER_CLOSE, "重新打开", note_required=True),
}
EDITABLE = (S.OPEN, S.IN_PROGRESS)
_PROBLEM_FIELDS = ["source", "source_key", "category", "title", "description", "unit", "responsible", "person",
                   "raised_on", "deadline", "status"]
_MEASURE_FIELDS = ["description", "owner", "deadline", "status", "done_on", "note"]


def require(actor: Any, perm: str, unit: Any) -> None:
    """NotFound when the actor cannot see the unit's problems, PermissionDenied when they can but may not
    `perm`. `actor=None` is system work and is allowed."""
    if actor is None:
        return
    # A branch registering what its own work found answers for it through the Party rights on its unit.
    view = Perm.PARTY_VIEW if perm == Perm.PARTY_CHANGE else Perm.UNITS_VIEW
    if not unit_allows(actor, view, unit):
        raise NotFound("问题不存在或无权访问")
    if not unit_allows(actor, perm, unit):
        raise PermissionDenied("没有权限执行此操作" if perm != Perm.LEDGER_CLOSE else "只有编办管理员可以审核销号")


def _require_person_visible(actor: Any, person: Any) -> None:
    """NotFound when the actor may not see the person the problem concerns."""
    if actor is None or person is None:
        return
    from bianban.people.selectors import person_get_for_user

    try:
        person_get_for_user(actor, person.pk)
    except NotFound:
        raise NotFound("涉及人员不存在或无权访问", details={"person": ["涉及人员不存在或无权访问"]}) from None


def _event(problem: Problem, kind: str, actor: Any, *, note: str = "", from_status: str = "",
           to_status: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(problem=problem, kind=kind, note=note, from_status=from_status,
                                       to_status=to_status, actor=actor if getattr(actor, "pk", None) else None)


def _create(*, actor: Any, source: str, title: str, description: str, category: str, unit: Any, person: Any,
            responsible: str, raised_on: date | None, deadline: date | None, deadline_workdays: int | None,
            source_key: str, source_obj: Model | None, authority: str = Perm.LEDGER_CHANGE) -> Problem:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写问题"]
    if source not in ProblemSource.values:
        errors["source"] = ["来源不在允许范围内"]
    if category not in ProblemCategory.values:
        errors["category"] = ["类别不在允许范围内"]
    if deadline_workdays is not None and deadline_workdays < 0:
        errors["deadline_workdays"] = ["整改时限（工作日）不能为负数"]
    elif deadline_workdays is not None and deadline_workdays > MAX_DEADLINE_WORKDAYS:
        # Counting is day by day against the holiday calendar: an absurd figure would hold the request for minutes.
        errors["deadline_workdays"] = [f"整改时限不能超过{MAX_DEADLINE_WORKDAYS}个工作日（约四年）"]
    raised_on = raised_on or timezone.localdate()
    if deadline is not None and deadline < raised_on:
        errors["deadline"] = ["整改时限不能早于发现日期"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)
    require(actor, authority, unit)
    _require_person_visible(actor, person)
    if deadline is None and deadline_workdays is not None:
        deadline = add_workdays(raised_on, deadline_workdays)
    if source_key and Problem.objects.filter(source=source, source_key=source_key).exclude(status=S.CLOSED).exists():
        raise ValidationFailed.on("source_key", "该来源的同一问题尚未销号，不能重复登记")
    problem = Problem.objects.create(
        source=source, source_key=source_key, category=category, title=title, description=description or "",
        unit=unit, person=person, responsible=responsible or "", raised_on=raised_on, deadline=deadline,
        source_type=ContentType.objects.get_for_model(source_obj) if source_obj is not None else None,
        source_id=str(source_obj.pk) if source_obj is not None else "",
    )
    _event(problem, EventKind.CREATED, actor, to_status=problem.status)
    audit(actor=actor, action="problem.create", target=problem, unit_id=problem.unit_id,
          changes=diff({}, snapshot(problem, _PROBLEM_FIELDS)))
    return problem


@transaction.atomic(durable=True)
def problem_create(
    *, actor: Any, source: str, title: str, description: str = "", category: str = ProblemCategory.OTHER,
    unit: Any = None, person: Any = None, responsible: str = "", raised_on: date | None = None,
    deadline: date | None = None, deadline_workdays: int | None = None, source_key: str = "",
    source_obj: Model | None = None, authority: str = Perm.LEDGER_CHANGE,
) -> Problem:
    """Register a problem. `deadline_workdays` counts working days from `raised_on` when no `deadline` is given.
    `authority` is the right on `unit` that entitles the actor: the ledger's own, or — for a problem a Party branch
    found in its own work (a talk) — the right to keep the branch's records (PARTY_CHANGE on its unit)."""
    if authority not in (Perm.LEDGER_CHANGE, Perm.PARTY_CHANGE):
        raise ValueError(f"unexpected authority {authority}")
    return _create(actor=actor, source=source, title=title, description=description, category=category, unit=unit,
                   person=person, responsible=responsible, raised_on=raised_on, deadline=deadline,
                   deadline_workdays=deadline_workdays, source_key=source_key, source_obj=source_obj,
                   authority=authority)


def problem_create_within(
    *, actor: Any, source: str, title: str, description: str = "", category: str = ProblemCategory.OTHER,
    unit: Any = None, responsible: str = "", raised_on: date | None = None, deadline_workdays: int | None = None,
    source_obj: Model | None = None, authority: str = Perm.PARTY_CHANGE,
) -> Problem:
    """`problem_create` for another app's service that registers problems as part of its own write (a visit and
    the problems it raised are one transaction: both are saved, or neither). Must run inside that transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("problem_create_within must run inside the caller's transaction")
    if authority not in (Perm.LEDGER_CHANGE, Perm.PARTY_CHANGE):
        raise ValueError(f"unexpected authority {authority}")
    return _create(actor=actor, source=source, title=title, description=description, category=category, unit=unit,
                   person=None, responsible=responsible, raised_on=raised_on, deadline=None,
                   deadline_workdays=deadline_workdays, source_key="", source_obj=source_obj, authority=authority)


@transaction.atomic(durable=True)
def problem_raise(
    *, actor: Any, source: str, source_key: str, title: str, description: str = "",
    category: str = ProblemCategory.OTHER, unit: Any = None, person: Any = None, responsible: str = "",
    raised_on: date | None = None, deadline: date | None = None, deadline_workdays: int | None = None,
    source_obj: Model | None = None,
) -> tuple[Problem, bool]:
    """Open a machine-raised problem, or return the open one with the same key (created=False). A problem that
    had been marked resolved by data is live again."""
    if not source_key:
        raise ValidationFailed.on("source_key", "自动登记的问题须有来源标识")
    existing = (Problem.objects.select_for_update().filter(source=source, source_key=source_key)
                .exclude(status=S.CLOSED).first())
    if existing is not None:
        if existing.data_resolved_on is not None:
            old = existing.data_resolved_on
            Problem.objects.filter(pk=existing.pk).update(data_resolved_on=None, updated_at=timezone.now())
            existing.data_resolved_on = None
            _event(existing, EventKind.RAISED_AGAIN, actor, note="问题再次出现")
            audit(actor=actor, action="problem.raise_again", target=existing, unit_id=existing.unit_id,
                  changes={"data_resolved_on": [old.isoformat(), None]})
        return existing, False
    problem = _create(actor=actor, source=source, title=title, description=description, category=category,
                      unit=unit, person=person, responsible=responsible, raised_on=raised_on, deadline=deadline,
                      deadline_workdays=deadline_workdays, source_key=source_key, source_obj=source_obj)
    return problem, True


@transaction.atomic(durable=True)
def problem_mark_data_resolved(*, actor: Any, source: str, source_key: str, on: date) -> Problem | None:
    """The finding behind an open problem has disappeared: mark it 数据已消除，待销号 (not closed). Returns the
    problem, or None when there is no open one with that key."""
    problem = (Problem.objects.select_for_update().filter(source=source, source_key=source_key)
               .exclude(status=S.CLOSED).first())
    if problem is None or problem.data_resolved_on is not None:
        return problem
    Problem.objects.filter(pk=problem.pk).update(data_resolved_on=on, updated_at=timezone.now())
    problem.data_resolved_on = on
    _event(problem, EventKind.DATA_RESOLVED, actor, note="数据已消除，待销号")
    audit(actor=actor, action="problem.data_resolved", target=problem, unit_id=problem.unit_id,
          changes={"data_resolved_on": [None, on.isoformat()]})
    return problem


def _created_changes(problem: Problem) -> dict[str, list[Any]]:
    """The audit `changes` of a new problem, from its column values (no query per foreign key)."""
    fields = [f for f in _PROBLEM_FIELDS if f not in ("unit", "person")]
    return diff({}, {**snapshot(problem, fields), "unit": problem.unit_id, "person": problem.person_id})


@dataclass(frozen=True)
class Raised:
    """One machine finding for `problems_sync`: the key that identifies it in every run, and the problem text."""

    source_key: str
    title: str
    description: str
    category: str
    unit_id: int | None
    person_id: int | None = None
    source_id: str = ""


@dataclass(frozen=True)
class SyncResult:
    opened: int
    raised_again: int
    data_resolved: int


# Not durable: a check run calls it inside the transaction that also stores its findings and marks it done, so
# that a run killed halfway leaves neither findings nor ledger changes (checks/services.py `_store`).
@transaction.atomic
def problems_sync(*, actor: Any, source: str, found: list[Raised], scope_path: str | None, on: date,
                  source_model: type[Model] | None = None, deadline_workdays: int | None = None) -> SyncResult:
    """Bring the ledger in line with a complete machine scan of `scope_path` (None: everything): open a problem
    for each finding with no open one, make live again those marked 数据已消除, and mark 数据已消除，待销号 every
    open problem of this source in the scope whose finding is gone. Set-based: a handful of statements and bulk
    inserts however many problems change, each with its ProblemEvent and AuditEvent."""
    open_rows = Problem.objects.filter(source=source).exclude(status=S.CLOSED).exclude(source_key="")
    known = {key: (pk, resolved) for key, pk, resolved in
             open_rows.values_list("source_key", "pk", "data_resolved_on").order_by()}
    found_keys = {item.source_key for item in found}
    deadline = add_workdays(on, deadline_workdays) if deadline_workdays is not None else None
    source_type = ContentType.objects.get_for_model(source_model) if source_model is not None else None
    new = [Problem(source=source, source_key=item.source_key, category=item.category, title=item.title[:200],
                   description=item.description, unit_id=item.unit_id, person_id=item.person_id, raised_on=on,
                   deadline=deadline, source_type=source_type, source_id=item.source_id)
           for item in found if item.source_key not in known]
    Problem.objects.bulk_create(new, batch_size=2000)
    again = [known[key][0] for key in found_keys if key in known and known[key][1] is not None]
    in_scope = open_rows.filter(data_resolved_on__isnull=True)
    if scope_path:
        in_scope = in_scope.filter(unit__path__startswith=scope_path)
    gone = [pk for key, pk in in_scope.values_list("source_key", "pk").order_by() if key not in found_keys]
    now = timezone.now()
    for start in range(0, max(len(again), len(gone)), 2000):
        Problem.objects.filter(pk__in=again[start:start + 2000]).update(data_resolved_on=None, updated_at=now)
        Problem.objects.filter(pk__in=gone[start:start + 2000]).update(data_resolved_on=on, updated_at=now)
    system = actor if getattr(actor, "pk", None) else None
    events = [ProblemEvent(problem=p, kind=EventKind.CREATED, to_status=S.OPEN, actor=system) for p in new]
    events += [ProblemEvent(problem_id=pk, kind=EventKind.RAISED_AGAIN, note="问题再次出现", actor=system)
               for pk in again]
    events += [ProblemEvent(problem_id=pk, kind=EventKind.DATA_RESOLVED, note="数据已消除，待销号", actor=system)
               for pk in gone]
    ProblemEvent.objects.bulk_create(events, batch_size=2000)
    audit_many(actor=actor, action="problem.create", targets=new, unit_ids=[p.unit_id for p in new],
               changes=[_created_changes(p) for p in new])
    for action, pks, change in (("problem.raise_again", again, [on.isoformat(), None]),
                                ("problem.data_resolved", gone, [None, on.isoformat()])):
        for start in range(0, len(pks), 2000):
            changed = list(Problem.objects.filter(pk__in=pks[start:start + 2000]).only("pk", "title", "unit_id"))
            audit_many(actor=actor, action=action, targets=changed, unit_ids=[p.unit_id for p in changed],
                       changes=[{"data_resolved_on": change} for _ in changed])
    return SyncResult(opened=len(new), raised_again=len(again), data_resolved=len(gone))


def allowed_transitions(user: Any, problem: Problem) -> list[tuple[str, Transition]]:
    """The transitions this user may start from the problem's current state (for buttons)."""
    return [(to, t) for (frm, to), t in TRANSITIONS.items()
            if frm == problem.status and unit_allows(user, t.perm, problem.unit)]


@transaction.atomic(durable=True)
def problem_transition(*, actor: Any, problem: Problem, to_status: str, note: str = "") -> Problem:
    """Move the problem from the status the caller saw (`problem.status`) to `to_status`. If someone else
    moved it meanwhile, nothing changes and Conflict is raised."""
    old = problem.status
    note = (note or "").strip()
    if to_status not in S.values:
        raise ValidationFailed.on("to_status", "目标状态不在允许范围内")
    rule = TRANSITIONS.get((old, to_status))
    if rule is None:
        raise ValidationFailed.on(
            "to_status", f"问题当前为“{S(old).label}”，不能改为“{S(to_status).label}”")
    require(actor, rule.perm, problem.unit)
    if rule.note_required and not note:
        raise ValidationFailed.on("note", f"{rule.label}须填写说明")
    if (old, to_status) == (S.IN_PROGRESS, S.AWAITING_REVIEW):
        measures = Measure.objects.filter(problem=problem)
        if not measures.exists():
            raise ValidationFailed.on("to_status", "申请销号前须至少制定一项整改措施")
        if measures.exclude(status=MeasureStatus.DONE).exists():
            raise ValidationFailed.on("to_status", "尚有整改措施未完成，不能申请销号")
    now = timezone.now()
    values: dict[str, Any] = {"status": to_status, "updated_at": now}
    if to_status == S.CLOSED:
        values.update(closed_at=now, closed_by=actor if getattr(actor, "pk", None) else None)
    elif old == S.CLOSED:
        values.update(closed_at=None, closed_by=None)
    try:
        with transaction.atomic():
            updated = Problem.objects.filter(pk=problem.pk, status=old).update(**values)
    except IntegrityError:
        raise ValidationFailed.on("to_status", "同一来源的同一问题已有未销号的记录，不能重新打开") from None
    if updated == 0:
        raise Conflict("问题状态已被他人修改，请刷新后重试")
    for key, value in values.items():
        setattr(problem, key, value)
    _event(problem, EventKind.TRANSITION, actor, note=note, from_status=old, to_status=to_status)
    audit(actor=actor, action=f"problem.{to_status}" if to_status == S.CLOSED else "problem.transition",
          target=problem, unit_id=problem.unit_id, changes={"status": [old, to_status]}, reason=note)
    return problem


@transaction.atomic(durable=True)
def problem_update(*, actor: Any, problem: Problem, title: str, description: str, category: str, unit: Any,
                   responsible: str, deadline: date | None) -> Problem:
    """Correct a problem while it is being rectified (待整改 or 整改中). Moving it to another responsible unit
    needs the right on both units."""
    require(actor, Perm.LEDGER_CHANGE, problem.unit)
    problem = Problem.objects.select_for_update(of=("self",)).select_related("unit").get(pk=problem.pk)
    if problem.status not in EDITABLE:
        raise ValidationFailed(f"问题当前为“{problem.get_status_display()}”，不能修改",
                               details={"__all__": ["问题已申请销号或已销号，不能修改"]})
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写问题"]
    if category not in ProblemCategory.values:
        errors["category"] = ["类别不在允许范围内"]
    if deadline is not None and deadline < problem.raised_on:
        errors["deadline"] = ["整改时限不能早于发现日期"]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    if unit != problem.unit:
        require(actor, Perm.LEDGER_CHANGE, unit)
    before = snapshot(problem, _PROBLEM_FIELDS)
    problem.title, problem.description, problem.category = title, (description or "").strip(), category
    problem.unit, problem.responsible, problem.deadline = unit, (responsible or "").strip(), deadline
    problem.save(update_fields=["title", "description", "category", "unit", "responsible", "deadline", "updated_at"])
    changes = diff(before, snapshot(problem, _PROBLEM_FIELDS))
    if changes:
        labels = {f.name: str(f.verbose_name) for f in Problem._meta.fields}
        _event(problem, EventKind.EDITED, actor, note="修改了" + "、".join(labels.get(k, k) for k in changes))
        audit(actor=actor, action="problem.update", target=problem, unit_id=problem.unit_id, changes=changes)
    return problem


def _measure_errors(description: str, deadline: date | None, problem: Problem) -> None:
    if not (description or "").strip():
        raise ValidationFailed.on("description", "请填写整改措施")
    if deadline is not None and deadline < problem.raised_on:
        raise ValidationFailed.on("deadline", "完成时限不能早于问题发现日期")


def _require_editable(problem: Problem) -> None:
    if problem.status not in EDITABLE:
        raise ValidationFailed(f"问题当前为“{problem.get_status_display()}”，不能修改整改措施",
                               details={"__all__": ["问题已申请销号或已销号"]})


@transaction.atomic(durable=True)
def measure_create(*, actor: Any, problem: Problem, description: str, owner: str = "",
                   deadline: date | None = None, note: str = "") -> Measure:
    require(actor, Perm.LEDGER_CHANGE, problem.unit)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    _require_editable(problem)
    _measure_errors(description, deadline, problem)
    measure = Measure.objects.create(problem=problem, description=description.strip(), owner=owner or "",
                                     deadline=deadline, note=note or "")
    _event(problem, EventKind.MEASURE_ADDED, actor, note=measure.description[:200])
    audit(actor=actor, action="measure.create", target=measure, unit_id=problem.unit_id,
          changes=diff({}, snapshot(measure, _MEASURE_FIELDS)))
    return measure


@transaction.atomic(durable=True)
def measure_update(*, actor: Any, measure: Measure, description: str | None = None, owner: str | None = None,
                   deadline: date | None = None, note: str | None = None) -> Measure:
    """Change a planned measure; fields left None keep their value."""
    problem = measure.problem
    require(actor, Perm.LEDGER_CHANGE, problem.unit)
    _require_editable(problem)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    before = snapshot(measure, _MEASURE_FIELDS)
    for field, value in (("description", description), ("owner", owner), ("deadline", deadline), ("note", note)):
        if value is not None:
            setattr(measure, field, value.strip() if isinstance(value, str) else value)
    _measure_errors(measure.description, measure.deadline, problem)
    measure.save()
    changes = diff(before, snapshot(measure, _MEASURE_FIELDS))
    if changes:
        _event(problem, EventKind.MEASURE_CHANGED, actor, note=measure.description[:200])
        audit(actor=actor, action="measure.update", target=measure, unit_id=problem.unit_id, changes=changes)
    return measure


@transaction.atomic(durable=True)
def measure_complete(*, actor: Any, measure: Measure, done_on: date | None = None, note: str = "") -> Measure:
    problem = measure.problem
    require(actor, Perm.LEDGER_CHANGE, problem.unit)
    _require_editable(problem)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationFailed.on("done_on", "完成日期不能晚于今天")
    updated = Measure.objects.filter(pk=measure.pk, status=MeasureStatus.PLANNED).update(
        status=MeasureStatus.DONE, done_on=done_on, note=note.strip() if note else measure.note)
    if updated == 0:
        raise Conflict("该整改措施已完成或已被他人修改，请刷新后重试")
    measure.refresh_from_db()
    _event(problem, EventKind.MEASURE_DONE, actor, note=measure.description[:200])
    audit(actor=actor, action="measure.complete", target=measure, unit_id=problem.unit_id,
          changes={"status": [MeasureStatus.PLANNED, MeasureStatus.DONE], "done_on": [None, done_on.isoformat()]})
    return measure


@transaction.atomic(durable=True)
def evidence_add(*, actor: Any, measure: Measure, uploaded_file: Any, note: str = "") -> Evidence:
    """Attach a file to a measure after checking its size and its type by content."""
    problem = measure.problem
    require(actor, Perm.LEDGER_CHANGE, problem.unit)
    if problem.status == S.CLOSED:
        raise ValidationFailed.on("file", "问题已销号，不能再上传佐证材料")
    content_type = check_evidence_file(uploaded_file)
    name = original_name(uploaded_file)
    evidence = Evidence(measure=measure, original_name=name, content_type=content_type,
                        size=uploaded_file.size, note=note or "",
                        uploaded_by=actor if getattr(actor, "pk", None) else None)
    evidence.file.save(stored_name(name), uploaded_file, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    _event(problem, EventKind.EVIDENCE_ADDED, actor, note=name)
    audit(actor=actor, action="evidence.add", target=evidence, unit_id=problem.unit_id,
          changes={"file": [None, name], "size": [None, evidence.size]})
    return evidence


@transaction.atomic(durable=True)
def problem_export(*, actor: Any, filters: dict[str, Any], count: int) -> None:
    """Record that the actor exported the ledger (the filters used and how many rows)."""
    audit(actor=actor, action="problem.export", changes={"filters": [None, filters], "count": [None, count]})
