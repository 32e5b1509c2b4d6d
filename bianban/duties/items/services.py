"""Writes of the 党建责任清单: tasks and subtasks, ticking a hand-counted task done with evidence, and its evidence.

Rules (issue 6, Deliver 1; seed 一(一) "把党建工作量化、细化到人" "逐月部署重点任务" "一级抓一级"):
- a task has one owner, a member (责任人) or a division of the branch's unit (责任科室);
- it is deployed in at least one month; a quantified target is a positive whole number, and only tasks counted from
  records have one; a hand-ticked task (MANUAL) is ticked with a date, a note and at least one evidence file;
- a subtask is broken out of a top-level task of the same branch and year (one level: 支部 → 科室/责任人 → 人),
  falls within its parent's months and is assigned downward: a division's task is split among persons (members of
  that division where their placement says so), a person's among sections or persons.
Deleting refuses a task with subtasks (those are other people's tasks: delete them one by one first) and a task with
evidence (a record of work done: remove the files first, which a completed task does not allow until reopened).
Everything is checked before anything is written; bad input leaves nothing behind.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.core.uploads import original_name, stored_name
from bianban.duties.choices import DutyMeasure
from bianban.duties.items.progress import month_bits, month_end, month_list
from bianban.duties.models import DutyEvidence, DutyItem
from bianban.ledger.files import check_evidence_file
from bianban.party.access import require_branch
from bianban.party.choices import ActivityKind, TalkKind
from bianban.party.models import Branch, Member
from bianban.staffing.models import Placement
from bianban.units.choices import UnitStatus
from bianban.units.models import Division

FIELDS = ["title", "description", "owner_member", "owner_division", "months", "measure", "activity_kind",
          "talk_kind", "target_count", "due_on"]
_KEEP: Any = object()
MAX_TARGET = 100_000
Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=dict(errors))


def _months(raw: Any, errors: Errors) -> int:
    """The bit set of the months given as a list of 1–12 (ints or their text, as a form posts them)."""
    values = [] if raw in (None, "") else raw if isinstance(raw, list | tuple | set) else [raw]
    months = []
    for value in values:
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 12:
            _add(errors, "months", f"部署月份“{value}”无效，应为1至12月")
            return 0
        months.append(int(text))
    if not months:
        _add(errors, "months", "请至少选择一个部署月份")
    return month_bits(months)


def _target(raw: Any, measure: str, errors: Errors) -> int | None:
    if measure == DutyMeasure.MANUAL:
        if raw not in (None, ""):
            _add(errors, "target_count", "“完成后上传佐证”的任务不设量化目标；有量化目标的请选择按记录计算")
        return None
    text = str(raw).strip() if raw is not None else ""
    if isinstance(raw, bool) or not text.lstrip("-").isdigit() or int(text) <= 0:
        _add(errors, "target_count", "量化目标应为正整数")
        return None
    # A branch's yearly count of activities, 人次 or households is in the tens or hundreds; a bound well above that
    # catches typos and keeps the value inside every database's integer column (no overflow → 500).
    if int(text) > MAX_TARGET:
        _add(errors, "target_count", f"量化目标不能超过{MAX_TARGET}")
        return None
    return int(text)


def _months_label(bits: int) -> str:
    return "、".join(f"{m}月" for m in month_list(bits))


def _check_owner(branch: Branch, v: dict[str, Any], parent: DutyItem | None, item: DutyItem | None,
                 errors: Errors) -> None:
    member, division = v["owner_member"], v["owner_division"]
    if member is None and division is None:
        _add(errors, "owner_member", "请选择责任人或责任科室")
        return
    if member is not None and division is not None:
        _add(errors, "owner_member", "责任人和责任科室只能选择其一")
        return
    # An owner kept from before may have left or been abolished since: the task stays theirs (it is history).
    kept_member = item is not None and member is not None and member.pk == item.owner_member_id
    kept_division = item is not None and division is not None and division.pk == item.owner_division_id
    if member is not None and (member.branch_id != branch.pk or (member.left_on is not None and not kept_member)):
        _add(errors, "owner_member", f"{member}不是本党支部的在册党员")
    if division is not None and (division.unit_id != branch.unit_id
                                 or (division.status != UnitStatus.ACTIVE and not kept_division)):
        _add(errors, "owner_division", f"“{division.name}”不是{branch.unit.name}现有的内设机构")
    if parent is None or errors:
        return
    # 一级抓一级: a section's task goes down to persons, never sideways to another section.
    if parent.owner_division_id and division is not None:
        _add(errors, "owner_division", "科室任务的子任务应分解到人，请选择责任人")
    elif parent.owner_division_id and member is not None:
        placed = set(Placement.objects.filter(person_id=member.person_id, unit_id=branch.unit_id,
                                              ended_on__isnull=True, division__isnull=False)
                     .values_list("division_id", flat=True))
        if placed and parent.owner_division_id not in placed:
            _add(errors, "owner_member", f"{member}不在责任科室“{parent.owner_division.name}”，不能承担其子任务")


def _check(branch: Branch, year: int, v: dict[str, Any], parent: DutyItem | None,
           item: DutyItem | None = None) -> dict[str, Any]:
    """The task's values checked and cleaned; ValidationFailed with every problem found."""
    errors: Errors = {}
    title = (v["title"] or "").strip()
    if not title:
        _add(errors, "title", "请填写任务名称")
    elif len(title) > 200:
        _add(errors, "title", "任务名称不能超过200字")
    bits = _months(v["months"], errors)
    measure = v["measure"]
    if measure not in DutyMeasure.values:
        _add(errors, "measure", "请选择完成情况的计算方式")
    activity_kind = v["activity_kind"] or "" if measure == DutyMeasure.ACTIVITIES else ""
    talk_kind = v["talk_kind"] or "" if measure == DutyMeasure.TALKS else ""
    if measure == DutyMeasure.ACTIVITIES and activity_kind not in ActivityKind.values:
        _add(errors, "activity_kind", "按组织活动计的任务须选择活动类型")
    if talk_kind and talk_kind not in TalkKind.values:
        _add(errors, "talk_kind", "谈话类型不在允许范围内")
    target = _target(v["target_count"], measure, errors)
    _check_owner(branch, v, parent, item, errors)
    due_on = v["due_on"]
    if due_on is None and bits:
        due_on = month_end(year, month_list(bits)[-1])
    elif due_on is not None and due_on.year != year:
        _add(errors, "due_on", f"完成时限应在{year}年内")
    elif due_on is not None and bits and due_on.month < month_list(bits)[0]:
        _add(errors, "due_on", f"完成时限不能早于首个部署月份（{month_list(bits)[0]}月）")
    if item is not None and item.completed_on and measure != item.measure:
        _add(errors, "measure", "任务已确认完成，不能修改计算方式；请先重新打开")
    if parent is not None and bits and bits & ~parent.months:
        _add(errors, "months", f"子任务的部署月份应在上级任务的部署月份（{_months_label(parent.months)}）之内")
    if item is not None and bits:
        for child in item.children.all():
            if child.months & ~bits:
                _add(errors, "months", f"子任务“{child.title}”部署在{_months_label(child.months)}，"
                                       "调整后的部署月份应包含这些月份")
    _raise(errors)
    return {"title": title, "description": (v["description"] or "").strip(), "owner_member": v["owner_member"],
            "owner_division": v["owner_division"], "months": bits, "measure": measure,
            "activity_kind": activity_kind, "talk_kind": talk_kind, "target_count": target, "due_on": due_on}


def _check_year(branch: Branch, year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", "年度应为2000至2100之间的整数")
    if year < branch.founded_on.year:
        raise ValidationFailed.on("year", f"党支部成立于{branch.founded_on.year}年，不能早于该年度")
    return year


def _check_parent(branch: Branch, year: int, parent: DutyItem | None) -> DutyItem | None:
    if parent is None:
        return None
    parent = DutyItem.objects.select_for_update(of=("self",)).select_related("owner_division").get(pk=parent.pk)
    if parent.branch_id != branch.pk or parent.year != year:
        raise ValidationFailed.on("parent", "上级任务应属于同一党支部、同一年度的责任清单")
    if parent.parent_id is not None:
        raise ValidationFailed.on("parent", "子任务不能再分解子任务")
    return parent


@transaction.atomic(durable=True)
def item_create(*, actor: Any, branch: Branch, year: int, title: str, months: list[int], measure: str,
                owner_member: Member | None = None, owner_division: Division | None = None, description: str = "",
                activity_kind: str = "", talk_kind: str = "", target_count: int | str | None = None,
                due_on: date | None = None, parent: DutyItem | None = None) -> DutyItem:
    """Add a task (or, with `parent`, a subtask) to the branch's 责任清单 of `year`."""
    require_branch(actor, branch)
    year = _check_year(branch, year)
    parent = _check_parent(branch, year, parent)
    values = _check(branch, year, {
        "title": title, "description": description, "owner_member": owner_member, "owner_division": owner_division,
        "months": months, "measure": measure, "activity_kind": activity_kind, "talk_kind": talk_kind,
        "target_count": target_count, "due_on": due_on}, parent)
    last = DutyItem.objects.filter(branch=branch, year=year).order_by("-sort_order").first()
    item = DutyItem(branch=branch, year=year, parent=parent, sort_order=(last.sort_order + 1) if last else 1,
                    created_by=actor if getattr(actor, "pk", None) else None, **values)
    item.full_clean()
    item.save()
    audit(actor=actor, action="duty_item.create", target=item, unit_id=branch.unit_id,
          changes={k: [None, v] for k, v in {**snapshot(item, FIELDS), "year": year,
                                              "parent": parent.pk if parent else None}.items()})
    return item


@transaction.atomic(durable=True)
def item_update(*, actor: Any, item: DutyItem, title: Any = _KEEP, description: Any = _KEEP,
                owner_member: Any = _KEEP, owner_division: Any = _KEEP, months: Any = _KEEP, measure: Any = _KEEP,
                activity_kind: Any = _KEEP, talk_kind: Any = _KEEP, target_count: Any = _KEEP,
                due_on: Any = _KEEP) -> DutyItem:
    """Change a task; fields not given keep their value. Branch, year and parent are fixed once created."""
    item = (DutyItem.objects.select_for_update(of=("self",))
            .select_related("branch__unit", "parent__owner_division").get(pk=item.pk))
    require_branch(actor, item.branch)
    before = snapshot(item, FIELDS)
    given = {"title": title, "description": description, "owner_member": owner_member,
             "owner_division": owner_division, "months": months, "measure": measure,
             "activity_kind": activity_kind, "talk_kind": talk_kind, "target_count": target_count, "due_on": due_on}
    current = {**{k: getattr(item, k) for k in FIELDS}, "months": month_list(item.months)}
    values = {k: current[k] if v is _KEEP else v for k, v in given.items()}
    if months is not _KEEP and due_on is _KEEP and item.months and item.due_on == month_end(
            item.year, month_list(item.months)[-1]):
        values["due_on"] = None  # the default deadline follows the months
    if measure is not _KEEP and measure != item.measure and target_count is _KEEP:
        values["target_count"] = None if measure == DutyMeasure.MANUAL else item.target_count
    values = _check(item.branch, item.year, values, item.parent, item)
    for name, value in values.items():
        setattr(item, name, value)
    item.full_clean()
    item.save(update_fields=list(values))
    changes = diff(before, snapshot(item, FIELDS))
    if changes:
        audit(actor=actor, action="duty_item.update", target=item, unit_id=item.branch.unit_id, changes=changes)
    return item


@transaction.atomic(durable=True)
def item_delete(*, actor: Any, item: DutyItem) -> None:
    """Remove a task that has neither subtasks nor evidence (see the module's docstring for why)."""
    item = DutyItem.objects.select_for_update(of=("self",)).select_related("branch").filter(pk=item.pk).first()
    if item is None:
        raise Conflict("该任务已被删除")
    require_branch(actor, item.branch)
    children = item.children.count()
    if children:
        raise ValidationFailed.on("item", f"该任务有{children}项子任务，请先逐项删除子任务")
    if item.evidence.exists():
        raise ValidationFailed.on("item", "该任务已上传佐证材料，请先删除佐证材料（已完成的任务须先重新打开）")
    audit(actor=actor, action="duty_item.delete", target=item, unit_id=item.branch.unit_id,
          changes={k: [v, None] for k, v in {**snapshot(item, FIELDS), "year": item.year}.items()})
    item.delete()


def _store_evidence(actor: Any, item: DutyItem, uploaded_file: Any, note: str, content_type: str) -> DutyEvidence:
    """Save a checked file and its row; the stored file is removed again if the row cannot be saved, and when the
    surrounding transaction rolls back after this (the caller's `_discard`)."""
    name = original_name(uploaded_file)
    evidence = DutyEvidence(item=item, original_name=name, content_type=content_type, size=uploaded_file.size,
                            note=(note or "").strip()[:200], uploaded_by=actor if getattr(actor, "pk", None) else None)
    evidence.file.save(stored_name(name), uploaded_file, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    audit(actor=actor, action="duty_evidence.add", target=evidence, unit_id=item.branch.unit_id,
          changes={"item": [None, item.pk], "file": [None, name], "size": [None, evidence.size]})
    return evidence


def _require_manual(item: DutyItem, field: str) -> None:
    if item.measure != DutyMeasure.MANUAL:
        raise ValidationFailed.on(field, "按记录计算的任务由系统根据活动、谈话、走访记录计算完成情况，"
                                         "无需上传佐证或手动确认")


@transaction.atomic(durable=True)
def evidence_add(*, actor: Any, item: DutyItem, uploaded_file: Any, note: str = "") -> DutyEvidence:
    """Attach a file evidencing a hand-ticked task, its type checked by content (the ledger's evidence rules)."""
    item = DutyItem.objects.select_for_update(of=("self",)).select_related("branch__unit").get(pk=item.pk)
    require_branch(actor, item.branch)
    _require_manual(item, "file")
    content_type = check_evidence_file(uploaded_file)
    return _store_evidence(actor, item, uploaded_file, note, content_type)


@transaction.atomic(durable=True)
def evidence_delete(*, actor: Any, evidence: DutyEvidence) -> None:
    """Remove a file of a task not yet ticked done (the stored file goes once the removal is committed)."""
    item = DutyItem.objects.select_for_update(of=("self",)).select_related("branch").get(pk=evidence.item_id)
    require_branch(actor, item.branch)
    if item.completed_on is not None:
        raise ValidationFailed.on("file", "任务已确认完成，不能删除佐证材料；请先重新打开")
    deleted, _ = DutyEvidence.objects.filter(pk=evidence.pk).delete()
    if not deleted:
        raise Conflict("该材料已被删除")
    storage, path = evidence.file.storage, evidence.file.name
    transaction.on_commit(lambda: storage.delete(path))
    audit(actor=actor, action="duty_evidence.delete", target=item, unit_id=item.branch.unit_id,
          changes={"file": [evidence.original_name, None]})


@transaction.atomic(durable=True)
def item_complete(*, actor: Any, item: DutyItem, completed_on: date | None, note: str,
                  uploaded_file: Any = None, file_note: str = "") -> DutyItem:
    """Tick a hand-counted task done: a date not in the future, what was done, and at least one evidence file
    (already uploaded, or `uploaded_file` given here)."""
    item = DutyItem.objects.select_for_update(of=("self",)).select_related("branch__unit").get(pk=item.pk)
    require_branch(actor, item.branch)
    _require_manual(item, "completed_on")
    errors: Errors = {}
    today = timezone.localdate()
    if item.completed_on is not None:
        raise Conflict("该任务已确认完成")
    if completed_on is None:
        _add(errors, "completed_on", "请填写完成日期")
    elif completed_on > today:
        _add(errors, "completed_on", "完成日期不能晚于今天")
    elif completed_on.year < item.year:
        _add(errors, "completed_on", f"完成日期不能早于{item.year}年")
    note = (note or "").strip()
    if not note:
        _add(errors, "note", "请填写完成情况说明")
    content_type = ""
    if uploaded_file is not None:
        try:
            content_type = check_evidence_file(uploaded_file)
        except ValidationFailed as exc:
            _add(errors, "file", exc.message)
    elif not item.evidence.exists():
        _add(errors, "file", "请至少上传一份佐证材料后再确认完成")
    _raise(errors)
    evidence = _store_evidence(actor, item, uploaded_file, file_note, content_type) if uploaded_file else None
    try:
        updated = DutyItem.objects.filter(pk=item.pk, completed_on__isnull=True).update(
            completed_on=completed_on, completion_note=note, completed_by=actor if getattr(actor, "pk", None) else None)
        if updated != 1:
            raise Conflict("该任务已被他人确认完成，请刷新后查看")
    except Exception:
        if evidence is not None:
            evidence.file.delete(save=False)
        raise
    item.refresh_from_db()
    audit(actor=actor, action="duty_item.complete", target=item, unit_id=item.branch.unit_id,
          changes={"completed_on": [None, completed_on], "completion_note": ["", note]})
    return item


@transaction.atomic(durable=True)
def item_reopen(*, actor: Any, item: DutyItem, reason: str) -> DutyItem:
    """Undo a tick (the work turned out not done, or was ticked by mistake); the evidence stays."""
    item = DutyItem.objects.select_related("branch__unit").get(pk=item.pk)
    require_branch(actor, item.branch)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", "请填写重新打开的原因")
    before = snapshot(item, ["completed_on", "completion_note"])
    updated = DutyItem.objects.filter(pk=item.pk, completed_on__isnull=False).update(
        completed_on=None, completion_note="", completed_by=None)
    if updated != 1:
        raise Conflict("该任务尚未确认完成或已被他人重新打开，请刷新后查看")
    item.refresh_from_db()
    audit(actor=actor, action="duty_item.reopen", target=item, unit_id=item.branch.unit_id,
          changes=diff(before, snapshot(item, ["completed_on", "completion_note"])), reason=reason)
    return item


@transaction.atomic(durable=True)
def item_export(*, actor: Any, branch: Branch, year: int, count: int) -> None:
    """Record that the actor exported the branch's 责任清单 of the year."""
    audit(actor=actor, action="duty_item.export", target=branch, unit_id=branch.unit_id,
          changes={"year": [None, year], "count": [None, count]})
