"""The only writes to the establishment register. Each is one transaction that locks the quota lines (and
posts) it touches in primary-key order, checks, writes, moves the counters, and records a UnitEvent and an
AuditEvent. The CheckConstraints on the counters are the backstop behind these checks."""

from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from bianban.core.audit import audit
from bianban.core.exceptions import ValidationFailed
from bianban.people.models import Person
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade, ReleaseReason
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.staffing.rules import (
    PostsExceeded,
    QuotaExceeded,
    check_line_identity,
    ensure_line_id,
    find_line,
    line_id,
    lock_lines,
    lock_or_create_line,
    require_count,
    require_document_no,
    require_line_in_force,
    require_past_date,
    require_staffing_right,
    today,
)
from bianban.units.choices import UnitEventKind
from bianban.units.models import Division, Unit, UnitEvent


def _event(*, actor: Any, unit: Unit, kind: str, on: date, document_no: str, summary: str,
           changes: dict | None = None) -> None:
    UnitEvent.objects.create(unit=unit, kind=kind, occurred_on=on, document_no=document_no, summary=summary[:300],
                             changes=changes or {}, actor=actor if getattr(actor, "pk", None) else None)


def _move(line: QuotaLine, *, actor: Any, type: str, delta: int, document_no: str, effective_on: date,
          reason: str) -> QuotaMovement:
    last = line.movements.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if last is not None and effective_on < last:
        message = f"生效日期不能早于该编制上一次变动的生效日期（{last:%Y-%m-%d}）"
        raise ValidationFailed.on("effective_on", message)
    new_approved = line.approved + delta
    if new_approved < 0:
        raise ValidationFailed.on("amount", f"{line}现核定 {line.approved} 名，核减数不能超过核定数")
    if line.enforcement == Enforcement.BLOCK and new_approved < line.occupied + line.reserved:
        raise QuotaExceeded(
            f"{line}：变动后核定数 {new_approved} 名将少于实有 {line.occupied} 名"
            f"与已核准未入编 {line.reserved} 名之和，"
            "拦截模式下不能办理；请先出编或撤回用编核准，或改为预警模式",
            details={"line": line.pk, "approved_after": new_approved, "occupied": line.occupied,
                     "reserved": line.reserved},
        )
    if line.approved_since is None:
        line.approved_since = effective_on
    QuotaLine.objects.filter(pk=line.pk).update(approved=new_approved, approved_since=line.approved_since)
    line.approved = new_approved
    return QuotaMovement.objects.create(
        line=line, type=type, delta=delta, approved_after=new_approved, document_no=document_no,
        effective_on=effective_on, reason=reason, actor=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic(durable=True)
def quota_movement_create(
    *, actor: Any, unit: Unit, kind: str, funding: str, type: str, amount: int, document_no: str,
    effective_on: date, reason: str = "", to_unit: Unit | None = None, to_kind: str | None = None,
    to_funding: str | None = None, exception_document_no: str = "",
) -> QuotaMovement:
    """核定/核增/核减/划转/收回 one line's approved number. A 划转 moves `amount` to (to_unit, to_kind, to_funding)
    and returns the outgoing row (its `counterpart` is the incoming one)."""
    if type not in MovementType.values:
        raise ValidationFailed.on("type", "未知的编制变动类型")
    amount = require_count(amount, "amount", minimum=0 if type == MovementType.SET else 1)
    document_no = require_document_no(document_no)
    effective_on = require_past_date(effective_on, "effective_on", "生效日期")
    require_staffing_right(actor, unit)
    check_line_identity(unit, kind, funding, exception_document_no)

    if type == MovementType.TRANSFER:
        target_unit, target_kind, target_funding = to_unit or unit, to_kind or kind, to_funding or funding
        if (target_unit.pk, target_kind, target_funding) == (unit.pk, kind, funding):
            raise ValidationFailed.on("to_unit", "划转的目标编制不能与原编制相同")
        require_staffing_right(actor, target_unit)
        check_line_identity(target_unit, target_kind, target_funding, exception_document_no,
                            fields=("to_unit", "to_kind", "to_funding"))
        source_id = line_id(unit, kind, funding)
        if source_id is None:
            raise ValidationFailed.on("kind", f"{unit.name}没有该类编制，无法划出")
        target_id = ensure_line_id(target_unit, target_kind, target_funding, exception_document_no)
        lines = lock_lines(source_id, target_id)  # both at once, in pk order: no deadlock with a reverse transfer
        source, target = lines[source_id], lines[target_id]
        out = _move(source, actor=actor, type=type, delta=-amount, document_no=document_no,
                    effective_on=effective_on, reason=reason)
        into = _move(target, actor=actor, type=type, delta=amount, document_no=document_no,
                     effective_on=effective_on, reason=reason)
        QuotaMovement.objects.filter(pk=out.pk).update(counterpart=into)
        QuotaMovement.objects.filter(pk=into.pk).update(counterpart=out)
        out.counterpart = into
        for line, sign, other in ((source, "划出", target), (target, "划入", source)):
            _event(actor=actor, unit=line.unit, kind=UnitEventKind.QUOTA, on=effective_on, document_no=document_no,
                   summary=f"{line.get_kind_display()}{sign} {amount} 名（{'至' if sign == '划出' else '自'}{other}）",
                   changes={"approved": [line.approved - (amount if sign == "划入" else -amount), line.approved]})
        audit(actor=actor, action="quota.transfer", target=out, unit_id=unit.pk, reason=reason,
              changes={"from": [None, source.pk], "to": [None, target.pk], "amount": [None, amount]})
        return out

    if type == MovementType.SET or type == MovementType.INCREASE:
        line = lock_or_create_line(unit, kind, funding, exception_document_no)
    else:
        line = find_line(unit, kind, funding)
        if line is None:
            raise ValidationFailed.on("kind", f"{unit.name}没有该类编制，无法核减或收回")
    before = line.approved
    delta = {MovementType.SET: amount - before, MovementType.INCREASE: amount}.get(type, -amount)
    movement = _move(line, actor=actor, type=type, delta=delta, document_no=document_no, effective_on=effective_on,
                     reason=reason)
    _event(actor=actor, unit=unit, kind=UnitEventKind.QUOTA, on=effective_on, document_no=document_no,
           summary=f"{MovementType(type).label}{line.get_kind_display()}：{before} → {line.approved} 名",
           changes={"approved": [before, line.approved]})
    audit(actor=actor, action=f"quota.{type.lower()}", target=movement, unit_id=unit.pk, reason=reason,
          changes={"approved": [before, line.approved]})
    return movement


@transaction.atomic(durable=True)
def quota_line_configure(*, actor: Any, line: QuotaLine, enforcement: str | None = None,
                         requires_approval: bool | None = None, reason: str = "") -> QuotaLine:
    """Switch a line between block and warn mode, or require approvals for 入编."""
    require_staffing_right(actor, line.unit)
    line = lock_lines(line.pk)[line.pk]
    before = {"enforcement": line.enforcement, "requires_approval": line.requires_approval}
    if enforcement is not None:
        if enforcement not in Enforcement.values:
            raise ValidationFailed.on("enforcement", "未知的超编控制方式")
        if enforcement == Enforcement.BLOCK and line.occupied + line.reserved > line.approved:
            raise ValidationFailed.on("enforcement", f"{line}目前已超编，须先消化超编人员才能改为拦截模式")
        if enforcement == Enforcement.WARN and not reason.strip():
            raise ValidationFailed.on("reason", "改为预警模式须说明理由")
        line.enforcement = enforcement
    if requires_approval is not None:
        line.requires_approval = bool(requires_approval)
    QuotaLine.objects.filter(pk=line.pk).update(enforcement=line.enforcement,
                                                 requires_approval=line.requires_approval)
    after = {"enforcement": line.enforcement, "requires_approval": line.requires_approval}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit(actor=actor, action="quota_line.configure", target=line, unit_id=line.unit_id, changes=changes,
              reason=reason)
    return line


@transaction.atomic(durable=True)
def post_quota_set(*, actor: Any, unit: Unit, grade: str, approved: int, document_no: str, effective_on: date,
                   division: Division | None = None, enforcement: str | None = None, reason: str = "") -> PostQuota:
    """核定领导职数 of a unit (or one of its divisions) for 正职 or 副职; optionally switch its control mode
    (预警 needs a reason, as for quota lines)."""
    if grade not in PostGrade.values:
        raise ValidationFailed.on("grade", "职别应为正职或副职")
    approved = require_count(approved, "approved", minimum=0)
    document_no = require_document_no(document_no)
    effective_on = require_past_date(effective_on, "effective_on", "生效日期")
    require_staffing_right(actor, unit)
    if division is not None and division.unit_id != unit.pk:
        raise ValidationFailed.on("division", "该内设机构不属于本单位")
    # order_by("pk"): the default ordering joins the division, and PostgreSQL cannot lock across an outer join.
    posts = PostQuota.objects.select_for_update().filter(unit=unit, division=division, grade=grade)
    post = posts.order_by("pk").first()
    if post is None:
        post = PostQuota.objects.create(unit=unit, division=division, grade=grade, document_no=document_no)
        post = PostQuota.objects.select_for_update().get(pk=post.pk)
    before = {"approved": post.approved, "enforcement": post.enforcement}
    if enforcement is not None and enforcement != post.enforcement:
        if enforcement not in Enforcement.values:
            raise ValidationFailed.on("enforcement", "未知的超职数控制方式")
        if enforcement == Enforcement.WARN and not reason.strip():
            raise ValidationFailed.on("reason", "改为预警模式须说明理由")
        post.enforcement = enforcement
    if post.enforcement == Enforcement.BLOCK and approved < post.filled:
        raise PostsExceeded(f"{post}现实配 {post.filled} 名，核定职数不能少于实配数（拦截模式）",
                            details={"post": post.pk, "filled": post.filled, "approved": approved})
    PostQuota.objects.filter(pk=post.pk).update(approved=approved, document_no=document_no,
                                                enforcement=post.enforcement)
    post.approved, post.document_no = approved, document_no
    after = {"approved": approved, "enforcement": post.enforcement}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    _event(actor=actor, unit=unit, kind=UnitEventKind.POSTS, on=effective_on, document_no=document_no,
           summary=f"{post}：{before['approved']} → {approved} 名", changes=changes)
    audit(actor=actor, action="post_quota.set", target=post, unit_id=unit.pk, changes=changes, reason=reason)
    return post


def _lock_post(post: PostQuota | None, unit: Unit, over_quota_reason: str) -> PostQuota | None:
    if post is None:
        return None
    post = PostQuota.objects.select_for_update().get(pk=post.pk)
    if post.unit_id != unit.pk:
        raise ValidationFailed.on("post", "该领导职数不属于本单位")
    if post.filled + 1 > post.approved:
        if post.enforcement == Enforcement.BLOCK:
            raise PostsExceeded(f"{post}：核定 {post.approved} 名，已配 {post.filled} 名，不能超职数配备",
                                details={"post": post.pk, "approved": post.approved, "filled": post.filled})
        if not over_quota_reason.strip():
            raise ValidationFailed.on("over_quota_reason", f"{post}已配满，预警模式下须填写超职数说明")
    return post


def _take_slot(line: QuotaLine, approval: Approval | None, on: date, over_quota_reason: str) -> Approval | None:
    """Check there is room on the (locked) line for one more person, consuming the approval if given."""
    if approval is not None:
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if approval.line_id != line.pk:
            raise ValidationFailed.on("approval", "该用编核准不是本编制的")
        if approval.status != ApprovalStatus.OPEN or approval.remaining < 1:
            message = f"用编核准{approval.document_no}已{approval.get_status_display()}，不能再使用"
            raise ValidationFailed.on("approval", message)
        if not approval.issued_on <= on <= approval.valid_until:
            message = (f"入编时间不在用编核准{approval.document_no}的有效期内"
                       f"（{approval.issued_on}至{approval.valid_until}）")
            raise ValidationFailed.on("approval", message)
        return approval
    if line.requires_approval:
        raise ValidationFailed.on("approval", f"{line}入编须凭用编核准通知单（先核编、后进人）")
    if line.occupied + line.reserved + 1 > line.approved:
        if line.enforcement == Enforcement.BLOCK:
            raise QuotaExceeded.for_line(line)
        if not over_quota_reason.strip():
            raise ValidationFailed.on("over_quota_reason", f"{line}已无空编，预警模式下须填写超编说明")
    return None


def _occupy(line: QuotaLine, approval: Approval | None, on: date) -> None:
    if approval is None:
        # The hottest write of the register (入编 at ≥ 500/s): one plain statement instead of an ORM update.
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {QuotaLine._meta.db_table} SET occupied = occupied + 1 WHERE id = %s", [line.pk])
        line.occupied += 1
        return
    QuotaLine.objects.filter(pk=line.pk).update(occupied=F("occupied") + 1, reserved=F("reserved") - 1)
    line.occupied, line.reserved = line.occupied + 1, line.reserved - 1
    used = approval.used + 1
    done = used == approval.count
    Approval.objects.filter(pk=approval.pk).update(
        used=used, status=ApprovalStatus.USED if done else ApprovalStatus.OPEN, closed_on=on if done else None
    )


def _place(*, actor: Any, person: Person, unit: Unit, line: QuotaLine | None, on: date, document_no: str,
           approval: Approval | None, post: PostQuota | None, division: Division | None, title: str,
           over_quota_reason: str, transferred_from: Placement | None = None) -> Placement:
    if division is not None and division.unit_id != unit.pk:
        raise ValidationFailed.on("division", "该内设机构不属于本单位")
    placement = Placement(
        person=person, unit=unit, line=line, on_quota=line is not None, division=division, post=post,
        title=title.strip()[:100], approval=approval, started_on=on, start_document_no=document_no,
        over_quota_reason=over_quota_reason.strip(), transferred_from=transferred_from,
    )
    try:
        # No savepoint: the refusal below leaves the whole (durable) transaction at once, which rolls it back,
        # so nothing runs on a transaction PostgreSQL has marked aborted.
        placement.save()
    except IntegrityError:
        raise ValidationFailed.on("person", f"{person.name}已占用编制，一人不能同时占用两个编制") from None
    if post is not None:
        PostQuota.objects.filter(pk=post.pk).update(filled=F("filled") + 1)
    if person.unit_id != unit.pk:
        Person.objects.filter(pk=person.pk).update(unit=unit)
    return placement


def _check_person(person: Person, on: date) -> None:
    # A second active on-quota placement is refused by the unique constraint when the row is inserted (_place):
    # one statement fewer on the hot path, and no race between a check and the insert.
    if on < person.birth_date:
        raise ValidationFailed.on("on", "入编时间不能早于出生日期")


@transaction.atomic(durable=True)
def placement_enrol(
    *, actor: Any, person: Person, unit: Unit, kind: str | None, funding: str | None, on: date, document_no: str,
    approval: Approval | None = None, post: PostQuota | None = None, division: Division | None = None,
    title: str = "", on_quota: bool = True, over_quota_reason: str = "",
) -> Placement:
    """入编: the person starts to occupy one slot of the unit's (kind, funding) line — or, with
    `on_quota=False`, is recorded as 编外 staff of the unit, counted against nothing."""
    document_no = require_document_no(document_no)
    on = require_past_date(on, "on", "入编时间")
    require_staffing_right(actor, unit)
    if not unit.is_active:
        raise ValidationFailed.on("unit", f"{unit.name}已撤销，不能入编")
    line = None
    if on_quota:
        _check_person(person, on)
        check_line_identity(unit, kind or "", funding or "")
        line = find_line(unit, kind, funding)
        if line is None:
            raise ValidationFailed.on("kind", f"{unit.name}没有核定该类编制")
        require_line_in_force(line, on, "on")
        approval = _take_slot(line, approval, on, over_quota_reason)
    elif approval is not None:
        raise ValidationFailed.on("approval", "编外人员不使用用编核准")
    post = _lock_post(post, unit, over_quota_reason)
    placement = _place(actor=actor, person=person, unit=unit, line=line, on=on, document_no=document_no,
                       approval=approval, post=post, division=division, title=title,
                       over_quota_reason=over_quota_reason)
    if line is not None:
        _occupy(line, approval, on)
    label = f"{line.get_kind_display()}" if line else "编外"
    _event(actor=actor, unit=unit, kind=UnitEventKind.ENROL, on=on, document_no=document_no,
           summary=f"{person.name}入编（{label}）" if line else f"{person.name}进入（编外）")
    audit(actor=actor, action="placement.enrol", target=placement, unit_id=unit.pk, reason=over_quota_reason,
          changes={"person": [None, person.pk], "line": [None, getattr(line, "pk", None)],
                   "approval": [None, getattr(approval, "pk", None)]})
    return placement


def _end(placement: Placement, *, reason: str, on: date, document_no: str) -> Placement:
    """Close an active placement (compare-and-swap) and free its slot and post."""
    if on < placement.started_on:
        raise ValidationFailed.on("on", f"出编时间不能早于入编时间（{placement.started_on:%Y-%m-%d}）")
    updated = Placement.objects.filter(pk=placement.pk, ended_on__isnull=True).update(
        ended_on=on, end_reason=reason, end_document_no=document_no
    )
    if updated != 1:
        raise ValidationFailed.on("placement", f"{placement.person.name}已于此前出编，不能重复办理")
    if placement.on_quota:
        QuotaLine.objects.filter(pk=placement.line_id).update(occupied=F("occupied") - 1)
    if placement.post_id:
        PostQuota.objects.filter(pk=placement.post_id).update(filled=F("filled") - 1)
    placement.ended_on, placement.end_reason, placement.end_document_no = on, reason, document_no
    return placement


def _fresh(placement: Placement) -> Placement:
    return Placement.objects.select_related("person", "unit", "line").get(pk=placement.pk)


@transaction.atomic(durable=True)
def placement_release(*, actor: Any, placement: Placement, reason: str, on: date, document_no: str) -> Placement:
    """出编: the person stops occupying the slot (退休、辞职、辞退、死亡、调出、开除…)."""
    if reason not in ReleaseReason.values:
        raise ValidationFailed.on("reason", "请选择出编原因")
    document_no = require_document_no(document_no)
    on = require_past_date(on, "on", "出编时间")
    placement = _fresh(placement)
    require_staffing_right(actor, placement.unit)
    if placement.line_id:
        lock_lines(placement.line_id)
    placement = _end(placement, reason=reason, on=on, document_no=document_no)
    _event(actor=actor, unit=placement.unit, kind=UnitEventKind.RELEASE, on=on, document_no=document_no,
           summary=f"{placement.person.name}出编（{ReleaseReason(reason).label}）")
    audit(actor=actor, action="placement.release", target=placement, unit_id=placement.unit_id,
          changes={"ended_on": [None, on], "end_reason": [None, reason]})
    return placement


@transaction.atomic(durable=True)
def placement_transfer(
    *, actor: Any, placement: Placement, to_unit: Unit, kind: str, funding: str, on: date, document_no: str,
    approval: Approval | None = None, post: PostQuota | None = None, division: Division | None = None,
    title: str = "", over_quota_reason: str = "",
) -> Placement:
    """调动 / 人员划转: release from the current slot and enrol in another, as one transaction."""
    document_no = require_document_no(document_no)
    on = require_past_date(on, "on", "调动时间")
    placement = _fresh(placement)
    require_staffing_right(actor, placement.unit)
    require_staffing_right(actor, to_unit)
    if not placement.on_quota:
        raise ValidationFailed.on("placement", "编外人员不办理编制调动")
    if placement.ended_on is not None:
        raise ValidationFailed.on("placement", f"{placement.person.name}已出编，不能调动")
    check_line_identity(to_unit, kind, funding, fields=("to_unit", "kind", "funding"))
    target_id = line_id(to_unit, kind, funding)
    if target_id is None:
        raise ValidationFailed.on("kind", f"{to_unit.name}没有核定该类编制")
    if target_id == placement.line_id:
        raise ValidationFailed.on("to_unit", "调动的目标编制与原编制相同")
    target = lock_lines(placement.line_id, target_id)[target_id]  # both at once, in pk order
    require_line_in_force(target, on, "on")
    approval = _take_slot(target, approval, on, over_quota_reason)
    post = _lock_post(post, to_unit, over_quota_reason)
    old = _end(placement, reason=ReleaseReason.TRANSFER_OUT, on=on, document_no=document_no)
    new = _place(actor=actor, person=placement.person, unit=to_unit, line=target, on=on, document_no=document_no,
                 approval=approval, post=post, division=division, title=title, over_quota_reason=over_quota_reason,
                 transferred_from=old)
    _occupy(target, approval, on)
    name = placement.person.name
    _event(actor=actor, unit=old.unit, kind=UnitEventKind.TRANSFER_OUT, on=on, document_no=document_no,
           summary=f"{name}调出至{to_unit.name}")
    _event(actor=actor, unit=to_unit, kind=UnitEventKind.TRANSFER_IN, on=on, document_no=document_no,
           summary=f"{name}自{old.unit.name}调入（{target.get_kind_display()}）")
    audit(actor=actor, action="placement.transfer", target=new, unit_id=to_unit.pk, reason=over_quota_reason,
          changes={"placement": [old.pk, new.pk], "line": [old.line_id, target.pk]})
    return new


@transaction.atomic(durable=True)
def placement_change_post(*, actor: Any, placement: Placement, post: PostQuota | None, on: date, document_no: str,
                          title: str | None = None, division: Division | None = None,
                          over_quota_reason: str = "") -> Placement:
    """职务变动: the person takes another leadership post (or none) in the same unit."""
    document_no = require_document_no(document_no)
    on = require_past_date(on, "on", "任职时间")
    placement = _fresh(placement)
    require_staffing_right(actor, placement.unit)
    if placement.ended_on is not None:
        raise ValidationFailed.on("placement", "该人员已出编")
    if division is not None and division.unit_id != placement.unit_id:
        raise ValidationFailed.on("division", "该内设机构不属于本单位")
    old_post_id = placement.post_id
    if post is not None and post.pk == old_post_id:
        raise ValidationFailed.on("post", "新职务与原职务相同")
    ids = sorted(pk for pk in (old_post_id, getattr(post, "pk", None)) if pk)
    list(PostQuota.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    post = _lock_post(post, placement.unit, over_quota_reason)
    if old_post_id:
        PostQuota.objects.filter(pk=old_post_id).update(filled=F("filled") - 1)
    if post is not None:
        PostQuota.objects.filter(pk=post.pk).update(filled=F("filled") + 1)
    fields = {"post": post}
    if title is not None:
        fields["title"] = title.strip()[:100]
    if division is not None:
        fields["division"] = division
    Placement.objects.filter(pk=placement.pk).update(**fields)
    placement = _fresh(placement)
    _event(actor=actor, unit=placement.unit, kind=UnitEventKind.POST_CHANGE, on=on, document_no=document_no,
           summary=f"{placement.person.name}任{post or '非领导职务'}")
    audit(actor=actor, action="placement.change_post", target=placement, unit_id=placement.unit_id,
          changes={"post": [old_post_id, getattr(post, "pk", None)]}, reason=over_quota_reason)
    return placement


@transaction.atomic(durable=True)
def approval_create(*, actor: Any, unit: Unit, kind: str, funding: str, count: int, document_no: str,
                    valid_until: date, issued_on: date | None = None, reason: str = "") -> Approval:
    """用编核准: reserve `count` slots of the line until `valid_until` (核准使用编制通知单)."""
    count = require_count(count, "count", minimum=1)
    document_no = require_document_no(document_no)
    issued_on = require_past_date(issued_on or today(), "issued_on", "核准日期")
    if not isinstance(valid_until, date) or valid_until < issued_on:
        raise ValidationFailed.on("valid_until", "有效期不能早于核准日期")
    require_staffing_right(actor, unit)
    check_line_identity(unit, kind, funding)
    line = find_line(unit, kind, funding)
    if line is None:
        raise ValidationFailed.on("kind", f"{unit.name}没有核定该类编制")
    require_line_in_force(line, issued_on, "issued_on")
    if line.occupied + line.reserved + count > line.approved:
        if line.enforcement == Enforcement.BLOCK:
            raise QuotaExceeded.for_line(line, count)
        if not reason.strip():
            raise ValidationFailed.on("reason", f"{line}空编不足，预警模式下须说明理由")
    approval = Approval.objects.create(line=line, count=count, document_no=document_no, issued_on=issued_on,
                                       valid_until=valid_until, reason=reason.strip())
    QuotaLine.objects.filter(pk=line.pk).update(reserved=F("reserved") + count)
    audit(actor=actor, action="approval.create", target=approval, unit_id=unit.pk,
          changes={"reserved": [line.reserved, line.reserved + count]}, reason=reason)
    return approval


def _close_approval(approval: Approval, *, status: str, on: date) -> int:
    lock_lines(approval.line_id)
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    last_use = approval.placements.order_by("-started_on").values_list("started_on", flat=True).first()
    earliest = max(approval.issued_on, last_use or approval.issued_on)
    if on < earliest:
        raise ValidationFailed.on("on", f"终止日期不能早于{earliest:%Y-%m-%d}（核准日期或最近一次使用日期）")
    remaining = approval.remaining
    updated = Approval.objects.filter(pk=approval.pk, status=ApprovalStatus.OPEN).update(status=status, closed_on=on)
    if updated != 1:
        raise ValidationFailed.on("approval", f"用编核准{approval.document_no}已{approval.get_status_display()}")
    QuotaLine.objects.filter(pk=approval.line_id).update(reserved=F("reserved") - remaining)
    return remaining


@transaction.atomic(durable=True)
def approval_withdraw(*, actor: Any, approval: Approval, reason: str, on: date | None = None) -> Approval:
    """撤回 an approval: its unused reservations are released."""
    require_staffing_right(actor, approval.line.unit)
    on = require_past_date(on or today(), "on", "撤回日期")
    if not reason.strip():
        raise ValidationFailed.on("reason", "请说明撤回理由")
    released = _close_approval(approval, status=ApprovalStatus.WITHDRAWN, on=on)
    approval.refresh_from_db()
    audit(actor=actor, action="approval.withdraw", target=approval, unit_id=approval.line.unit_id, reason=reason,
          changes={"status": [ApprovalStatus.OPEN, ApprovalStatus.WITHDRAWN], "released": [None, released]})
    return approval


@transaction.atomic(durable=True)
def approval_expire(*, approval: Approval, on: date) -> int:
    """Close one approval whose validity has passed (system work, run by the daily task)."""
    released = _close_approval(approval, status=ApprovalStatus.EXPIRED, on=on)
    audit(actor=None, action="approval.expire", target=approval, unit_id=approval.line.unit_id,
          changes={"status": [ApprovalStatus.OPEN, ApprovalStatus.EXPIRED], "released": [None, released]})
    return released


def approvals_expire_due(*, on: date | None = None) -> int:
    """Expire every open approval valid until before `on` (default today), each in its own transaction so a
    long run holds no lock for long. Returns how many were expired."""
    on = on or today()
    due = list(Approval.objects.filter(status=ApprovalStatus.OPEN, valid_until__lt=on).select_related("line"))
    expired = 0
    for approval in due:
        try:
            approval_expire(approval=approval, on=on)
            expired += 1
        except ValidationFailed:
            continue  # closed by someone else meanwhile
    return expired
