"""Writes of the branch, its party groups and its members. The committee (terms and seats) is in committee.py and
re-exported here, so every members-area service is imported from this module.

Rules (domain.md §6.1, §6.5): a person is a member of one branch at a time; a new 预备党员's probation is one year
from the 支部大会 that accepted them (党章第七条) and may be extended once by six months to a year; 转正 cannot come
before the probation ends; 党龄 counts from 转正.
"""

import re
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict, unit_allows
from bianban.core.audit import audit, diff, snapshot
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.party.access import require_branch
from bianban.party.choices import LeaveReason, MemberCategory, MemberStatus
from bianban.party.members.checks import Errors, fail, fmt, lock_branch, not_future, party_settings
from bianban.party.members.committee import seat_assign, seat_end, term_elect
from bianban.party.members.terms import add_months
from bianban.party.models import Branch, Member, PartyGroup
from bianban.people.models import Person

__all__ = [
    "branch_create",
    "branch_update",
    "group_create",
    "group_dissolve",
    "group_update",
    "member_admit",
    "member_extend_probation",
    "member_leave",
    "member_make_full",
    "member_transfer_in",
    "member_update",
    "persons_choosable",
    "seat_assign",
    "seat_end",
    "term_elect",
]

_KEEP: Any = object()  # "not given" for partial updates (None is a value: no group, no account)
_BRANCH_FIELDS = ["name", "code", "unit", "parent_committee", "founded_on", "term_years"]
_MEMBER_FIELDS = ["branch", "person", "user", "group", "status", "category", "admitted_on", "probation_ends_on",
                  "probation_extended", "full_on", "joined_on", "joined_from", "left_on", "left_reason", "left_to",
                  "is_mobile", "note"]
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- branch ------------------------------------------------------------------------------------------------------


def _require_unit(actor: Any, unit: Any) -> None:
    if actor is None:
        return
    if unit is None or not unit_allows(actor, Perm.PARTY_VIEW, unit):
        raise NotFound("所在单位不存在或无权访问", details={"unit": ["所在单位不存在或无权访问"]})
    if not unit_allows(actor, Perm.PARTY_CHANGE, unit):
        raise PermissionDenied("没有维护该单位党支部的权限")


def _check_branch(values: dict[str, Any], branch: Branch | None) -> Errors:
    errors: Errors = {}
    values["name"] = (values.get("name") or "").strip()
    values["code"] = (values.get("code") or "").strip().lower()
    values["parent_committee"] = (values.get("parent_committee") or "").strip()
    others = Branch.objects.exclude(pk=branch.pk) if branch is not None else Branch.objects.all()
    if not values["name"]:
        errors["name"] = ["请填写党支部名称"]
    elif others.filter(name=values["name"]).exists():
        errors["name"] = ["已有同名党支部"]
    if not _CODE.match(values["code"]):
        errors["code"] = ["代码只能包含小写字母、数字、下划线和连字符，如 bianban"]
    elif others.filter(code=values["code"]).exists():
        errors["code"] = ["代码已被其他党支部使用"]
    if not values["parent_committee"]:
        errors["parent_committee"] = ["请填写上级党组织"]
    if values.get("founded_on") is None:
        errors["founded_on"] = ["请填写成立日期"]
    not_future(errors, "founded_on", values.get("founded_on"), "成立日期")
    years = values.get("term_years")
    if not isinstance(years, int) or not 3 <= years <= 5:
        errors["term_years"] = ["支委会任期应为3至5年（党章第三十一条）"]
    return errors


@transaction.atomic(durable=True)
def branch_create(*, actor: Any, name: str, code: str, unit: Any, parent_committee: str, founded_on: date,
                  term_years: int | None = None) -> Branch:
    """Set up a 党支部 in `unit`, with the default organisational-life rules (domain.md §6.3)."""
    _require_unit(actor, unit)
    values = {"name": name, "code": code, "parent_committee": parent_committee, "founded_on": founded_on,
              "term_years": party_settings()["TERM_YEARS"] if term_years is None else term_years}
    fail(_check_branch(values, None))
    branch = Branch.objects.create(unit=unit, **values)
    audit(actor=actor, action="branch.create", target=branch, unit_id=unit.pk,
          changes=diff({}, snapshot(branch, _BRANCH_FIELDS)))
    from bianban.party.compliance.services import rules_install_defaults

    rules_install_defaults(actor=actor, branch=branch)
    return branch


@transaction.atomic(durable=True)
def branch_update(*, actor: Any, branch: Branch, **fields: Any) -> Branch:
    """Correct the branch's details (name, code, unit, parent_committee, founded_on, term_years). A new term length
    applies from the next election; the current term keeps its end date."""
    unknown = set(fields) - set(_BRANCH_FIELDS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], "该字段不能修改")
    require_branch(actor, branch)
    branch = lock_branch(branch)
    if "unit" in fields and fields["unit"] != branch.unit:
        _require_unit(actor, fields["unit"])
    before = snapshot(branch, _BRANCH_FIELDS)
    values = {f: getattr(branch, f) for f in _BRANCH_FIELDS if f != "unit"}
    values.update({k: v for k, v in fields.items() if k != "unit"})
    errors = _check_branch(values, branch)
    first_member = branch.members.order_by("joined_on").values_list("joined_on", flat=True).first()
    if values.get("founded_on") and first_member and values["founded_on"] > first_member:
        errors.setdefault("founded_on", []).append(f"成立日期不能晚于最早转入党员的日期（{fmt(first_member)}）")
    fail(errors)
    for name, value in values.items():
        setattr(branch, name, value)
    if "unit" in fields:
        branch.unit = fields["unit"]
    branch.save()
    changes = diff(before, snapshot(branch, _BRANCH_FIELDS))
    if changes:
        audit(actor=actor, action="branch.update", target=branch, unit_id=branch.unit_id, changes=changes)
    return branch


# --- party groups ------------------------------------------------------------------------------------------------


def _check_leader(errors: Errors, branch: Branch, leader: Member | None) -> None:
    if leader is not None and (leader.branch_id != branch.pk or leader.left_on is not None):
        errors["leader"] = ["组长须是本支部的在册党员"]


def _check_group_name(errors: Errors, branch: Branch, name: str, group: PartyGroup | None) -> None:
    if not name:
        errors["name"] = ["请填写党小组名称"]
        return
    same = PartyGroup.objects.filter(branch=branch, name=name, dissolved_on__isnull=True)
    if group is not None:
        same = same.exclude(pk=group.pk)
    if same.exists():
        errors["name"] = ["本支部已有同名党小组"]


@transaction.atomic(durable=True)
def group_create(*, actor: Any, branch: Branch, name: str, leader: Member | None = None,
                 sort_order: int = 0) -> PartyGroup:
    """Set up a 党小组 of the branch."""
    require_branch(actor, branch)
    branch = lock_branch(branch)
    name = (name or "").strip()
    errors: Errors = {}
    _check_group_name(errors, branch, name, None)
    _check_leader(errors, branch, leader)
    fail(errors)
    group = PartyGroup.objects.create(branch=branch, name=name, leader=leader, sort_order=sort_order or 0)
    audit(actor=actor, action="party_group.create", target=group, unit_id=branch.unit_id,
          changes=diff({}, snapshot(group, ["name", "leader", "sort_order"])))
    return group


@transaction.atomic(durable=True)
def group_update(*, actor: Any, group: PartyGroup, name: Any = _KEEP, leader: Any = _KEEP,
                 sort_order: Any = _KEEP) -> PartyGroup:
    """Rename the group, change its leader or its place in lists."""
    branch = group.branch
    require_branch(actor, branch)
    group = PartyGroup.objects.select_for_update().get(pk=group.pk)
    if group.dissolved_on is not None:
        raise ValidationFailed.on("name", "党小组已撤销，不能修改")
    before = snapshot(group, ["name", "leader", "sort_order"])
    errors: Errors = {}
    if name is not _KEEP:
        group.name = (name or "").strip()
        _check_group_name(errors, branch, group.name, group)
    if leader is not _KEEP:
        _check_leader(errors, branch, leader)
        group.leader = leader
    if sort_order is not _KEEP:
        group.sort_order = sort_order or 0
    fail(errors)
    group.save()
    changes = diff(before, snapshot(group, ["name", "leader", "sort_order"]))
    if changes:
        audit(actor=actor, action="party_group.update", target=group, unit_id=branch.unit_id, changes=changes)
    return group


@transaction.atomic(durable=True)
def group_dissolve(*, actor: Any, group: PartyGroup, on: date) -> PartyGroup:
    """撤销 the group on `on`; its members are left without a group until placed in another one."""
    require_branch(actor, group.branch)
    errors: Errors = {}
    if on is None:
        errors["on"] = ["请填写撤销日期"]
    not_future(errors, "on", on, "撤销日期")
    fail(errors)
    if PartyGroup.objects.filter(pk=group.pk, dissolved_on__isnull=True).update(dissolved_on=on) != 1:
        raise Conflict("党小组已被撤销，请刷新后重试")
    moved = list(Member.objects.filter(group=group, left_on__isnull=True).values_list("pk", flat=True))
    Member.objects.filter(pk__in=moved).update(group=None)
    group.dissolved_on = on
    audit(actor=actor, action="party_group.dissolve", target=group, unit_id=group.branch.unit_id,
          changes={"dissolved_on": [None, on], "members": [moved, []]})
    return group


# --- members -----------------------------------------------------------------------------------------------------


def persons_choosable(actor: Any) -> QuerySet[Person]:
    """Persons the actor may enrol as members: those of units where they keep Party work or may see the roster.
    A transfer from outside the district needs the person registered first (people.person_create)."""
    if actor is None:
        return Person.objects.all()
    from bianban.people.selectors import people_for_user

    party = restrict(Person.objects.all(), actor, Perm.PARTY_CHANGE, prefix="unit__")
    return Person.objects.filter(Q(pk__in=party.values("pk")) | Q(pk__in=people_for_user(actor).values("pk")))


def _check_person(errors: Errors, actor: Any, person: Person | None) -> None:
    if person is None:
        errors["person"] = ["请选择人员"]
        return
    if not persons_choosable(actor).filter(pk=person.pk).exists():
        raise NotFound("人员不存在或无权访问", details={"person": ["人员不存在或无权访问"]})
    current = Member.objects.filter(person=person, left_on__isnull=True).select_related("branch").first()
    if current is not None:
        errors["person"] = [f"{person.name}已是{current.branch.name}的党员，须先办理组织关系转出"]


def _check_group(errors: Errors, branch: Branch, group: PartyGroup | None) -> None:
    if group is not None and (group.branch_id != branch.pk or group.dissolved_on is not None):
        errors["group"] = ["党小组须是本支部未撤销的党小组"]


def _check_user(errors: Errors, user: Any, member: Member | None = None) -> None:
    if user is None:
        return
    others = Member.objects.filter(user=user, left_on__isnull=True)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if others.exists():
        errors["user"] = ["该账号已关联其他党员"]


def _check_common(errors: Errors, branch: Branch, category: str, joined_on: date | None) -> None:
    if category not in MemberCategory.values:
        errors["category"] = ["党员类别不在允许范围内"]
    if joined_on is not None and joined_on < branch.founded_on:
        errors.setdefault("joined_on", []).append(f"转入日期不能早于党支部成立日期（{fmt(branch.founded_on)}）")


def _create_member(actor: Any, action: str, member: Member) -> Member:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Another request enrolled the same person (or linked the same account) in another branch meanwhile: the
        # branch lock serialises one branch only, the partial unique constraints guard the rest.
        raise ValidationFailed.on("person", "该人员已是其他（或本）党支部的党员，或该账号已关联其他党员") from None
    audit(actor=actor, action=action, target=member, unit_id=member.branch.unit_id,
          changes={k: [None, v] for k, v in snapshot(member, _MEMBER_FIELDS).items() if v not in ("", None, False)})
    return member


@transaction.atomic(durable=True)
def member_admit(*, actor: Any, branch: Branch, person: Person, admitted_on: date, group: PartyGroup | None = None,
                 category: str = MemberCategory.EMPLOYED, is_mobile: bool = False, note: str = "",
                 user: Any = None) -> Member:
    """接收预备党员: the 支部大会 of `admitted_on` accepted the person; that day is their 入党日期 and starts the
    one-year 预备期 (党章第七条; domain.md §6.7 step 15)."""
    require_branch(actor, branch)
    branch = lock_branch(branch)
    errors: Errors = {}
    _check_person(errors, actor, person)
    if admitted_on is None:
        errors["admitted_on"] = ["请填写支部大会接收日期"]
    not_future(errors, "admitted_on", admitted_on, "接收日期")
    if admitted_on is not None and admitted_on < branch.founded_on:
        errors.setdefault("admitted_on", []).append(f"接收日期不能早于党支部成立日期（{fmt(branch.founded_on)}）")
    _check_group(errors, branch, group)
    _check_common(errors, branch, category, None)
    _check_user(errors, user)
    fail(errors)
    member = Member(branch=branch, person=person, user=user, group=group, status=MemberStatus.PROBATIONARY,
                    category=category, admitted_on=admitted_on, joined_on=admitted_on, is_mobile=bool(is_mobile),
                    probation_ends_on=add_months(admitted_on, party_settings()["PROBATION_MONTHS"]), note=note or "")
    return _create_member(actor, "member.admit", member)


@transaction.atomic(durable=True)
def member_transfer_in(*, actor: Any, branch: Branch, person: Person, status: str, admitted_on: date,
                       joined_on: date, joined_from: str, full_on: date | None = None,
                       probation_ends_on: date | None = None, group: PartyGroup | None = None,
                       category: str = MemberCategory.EMPLOYED, is_mobile: bool = False, note: str = "",
                       user: Any = None) -> Member:
    """组织关系转入: a member of another Party organisation joins the branch on `joined_on`, keeping their dates.
    A 预备党员's probation ends one year after `admitted_on` unless it was extended (then at most one more year)."""
    require_branch(actor, branch)
    branch = lock_branch(branch)
    errors: Errors = {}
    _check_person(errors, actor, person)
    joined_from = (joined_from or "").strip()
    if not joined_from:
        errors["joined_from"] = ["请填写原所在党组织"]
    if status not in MemberStatus.values:
        errors["status"] = ["党员身份不在允许范围内"]
    for field, day, label in (("admitted_on", admitted_on, "入党日期"), ("joined_on", joined_on, "转入日期"),
                              ("full_on", full_on, "转正日期")):
        not_future(errors, field, day, label)
    if admitted_on is None:
        errors["admitted_on"] = ["请填写入党日期"]
    if joined_on is None:
        errors["joined_on"] = ["请填写转入本支部日期"]
    elif admitted_on is not None and joined_on < admitted_on:
        errors.setdefault("joined_on", []).append("转入日期不能早于入党日期")
    extended = False
    if status == MemberStatus.FULL:
        probation_ends_on = None
        if full_on is None:
            errors["full_on"] = ["正式党员请填写转正日期"]
        elif admitted_on is not None and full_on < add_months(admitted_on, party_settings()["PROBATION_MONTHS"]):
            errors.setdefault("full_on", []).append("转正日期不能早于预备期满（入党日期起1年）")
    elif status == MemberStatus.PROBATIONARY and admitted_on is not None:
        full_on = None
        normal_end = add_months(admitted_on, party_settings()["PROBATION_MONTHS"])
        latest = add_months(normal_end, max(party_settings()["PROBATION_EXTENSION_MONTHS"]))
        probation_ends_on = probation_ends_on or normal_end
        if not normal_end <= probation_ends_on <= latest:
            errors["probation_ends_on"] = [f"预备期满日期应在{fmt(normal_end)}至{fmt(latest)}之间"
                                           "（预备期1年，延长不超过1年）"]
        extended = probation_ends_on > normal_end
    _check_group(errors, branch, group)
    _check_common(errors, branch, category, joined_on)
    _check_user(errors, user)
    fail(errors)
    member = Member(branch=branch, person=person, user=user, group=group, status=status, category=category,
                    admitted_on=admitted_on, probation_ends_on=probation_ends_on, probation_extended=extended,
                    full_on=full_on, joined_on=joined_on, joined_from=joined_from, is_mobile=bool(is_mobile),
                    note=note or "")
    return _create_member(actor, "member.transfer_in", member)


def _current(member: Member) -> None:
    if member.left_on is not None:
        raise ValidationFailed.on("member", f"{member.person.name}已于{fmt(member.left_on)}离开本支部")


@transaction.atomic(durable=True)
def member_make_full(*, actor: Any, member: Member, on: date) -> Member:
    """转正: the 支部大会 turns a 预备党员 into a 正式党员 from `on`, no earlier than the end of probation. 党龄
    counts from this day (党章第七条)."""
    require_branch(actor, member.branch)
    _current(member)
    errors: Errors = {}
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationFailed.on("on", f"{member.person.name}已是正式党员")
    if on is None:
        errors["on"] = ["请填写转正日期"]
    elif member.probation_ends_on and on < member.probation_ends_on:
        errors["on"] = [f"预备期至{fmt(member.probation_ends_on)}届满，转正日期不能早于预备期满"]
    not_future(errors, "on", on, "转正日期")
    fail(errors)
    updated = Member.objects.filter(pk=member.pk, status=MemberStatus.PROBATIONARY, left_on__isnull=True).update(
        status=MemberStatus.FULL, full_on=on)
    if updated != 1:
        raise Conflict("党员信息已被他人修改，请刷新后重试")
    member.status, member.full_on = MemberStatus.FULL, on
    audit(actor=actor, action="member.make_full", target=member, unit_id=member.branch.unit_id,
          changes={"status": [MemberStatus.PROBATIONARY, MemberStatus.FULL], "full_on": [None, on]})
    return member


@transaction.atomic(durable=True)
def member_extend_probation(*, actor: Any, member: Member, months: int, reason: str = "") -> Member:
    """延长预备期 by the 支部大会: at least six months and at most one year, once (党章第七条; domain.md §6.5)."""
    require_branch(actor, member.branch)
    _current(member)
    low, high = party_settings()["PROBATION_EXTENSION_MONTHS"]
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationFailed.on("months", f"{member.person.name}已是正式党员，不能延长预备期")
    if member.probation_extended:
        raise ValidationFailed.on("months", f"预备期只能延长一次，已延长至{fmt(member.probation_ends_on)}")
    if not isinstance(months, int) or not low <= months <= high:
        raise ValidationFailed.on("months", f"延长预备期应为{low}至{high}个月")
    old = member.probation_ends_on
    new = add_months(old, months)
    updated = Member.objects.filter(pk=member.pk, status=MemberStatus.PROBATIONARY, probation_ends_on=old,
                                    probation_extended=False, left_on__isnull=True).update(
        probation_ends_on=new, probation_extended=True)
    if updated != 1:
        raise Conflict("党员信息已被他人修改，请刷新后重试")
    member.probation_ends_on, member.probation_extended = new, True
    audit(actor=actor, action="member.extend_probation", target=member, unit_id=member.branch.unit_id,
          changes={"probation_ends_on": [old, new], "probation_extended": [False, True]}, reason=reason or "")
    return member


@transaction.atomic(durable=True)
def member_update(*, actor: Any, member: Member, group: Any = _KEEP, category: Any = _KEEP, is_mobile: Any = _KEEP,
                  note: Any = _KEEP, user: Any = _KEEP, joined_from: Any = _KEEP) -> Member:
    """Change a current member's group, category, 流动党员 flag, login account or note."""
    require_branch(actor, member.branch)
    member = Member.objects.select_for_update().select_related("branch", "person").get(pk=member.pk)
    _current(member)
    before = snapshot(member, _MEMBER_FIELDS)
    errors: Errors = {}
    if group is not _KEEP:
        _check_group(errors, member.branch, group)
        member.group = group
    if category is not _KEEP:
        _check_common(errors, member.branch, category, None)
        member.category = category
    if user is not _KEEP:
        _check_user(errors, user, member)
        member.user = user
    if is_mobile is not _KEEP:
        member.is_mobile = bool(is_mobile)
    if note is not _KEEP:
        member.note = note or ""
    if joined_from is not _KEEP:
        member.joined_from = (joined_from or "").strip()
    fail(errors)
    member.save()
    changes = diff(before, snapshot(member, _MEMBER_FIELDS))
    if changes:
        audit(actor=actor, action="member.update", target=member, unit_id=member.branch.unit_id, changes=changes)
    return member


@transaction.atomic(durable=True)
def member_leave(*, actor: Any, member: Member, on: date, reason: str, destination: str = "") -> Member:
    """The member leaves the branch on `on` (组织关系转出, death, 除名 …): the row stays, with the date and where they
    went; their open committee seats end and they stop leading a group."""
    from bianban.party.models import CommitteeMember

    require_branch(actor, member.branch)
    _current(member)
    errors: Errors = {}
    destination = (destination or "").strip()
    if reason not in LeaveReason.values:
        errors["reason"] = ["离开原因不在允许范围内"]
    elif reason == LeaveReason.TRANSFER_OUT and not destination:
        errors["destination"] = ["组织关系转出请填写转往的党组织"]
    elif reason == LeaveReason.PROBATION_CANCELLED and member.status != MemberStatus.PROBATIONARY:
        errors["reason"] = ["只有预备党员才能取消预备党员资格"]
    if on is None:
        errors["on"] = ["请填写离开日期"]
    elif on < member.joined_on:
        errors["on"] = [f"离开日期不能早于转入本支部日期（{fmt(member.joined_on)}）"]
    elif CommitteeMember.objects.filter(member=member, until__isnull=True, since__gt=on).exists():
        errors["on"] = ["离开日期不能早于其在支委会的任职日期"]
    not_future(errors, "on", on, "离开日期")
    fail(errors)
    updated = Member.objects.filter(pk=member.pk, left_on__isnull=True).update(
        left_on=on, left_reason=reason, left_to=destination)
    if updated != 1:
        raise Conflict("该党员已办理离开，请刷新后重试")
    seats = list(CommitteeMember.objects.filter(member=member, until__isnull=True).values_list("pk", flat=True))
    CommitteeMember.objects.filter(pk__in=seats).update(until=on)
    PartyGroup.objects.filter(leader=member).update(leader=None)
    member.left_on, member.left_reason, member.left_to = on, reason, destination
    audit(actor=actor, action="member.leave", target=member, unit_id=member.branch.unit_id,
          changes={"left_on": [None, on], "left_reason": ["", reason], "left_to": ["", destination],
                   **({"seats_ended": [seats, []]} if seats else {})})
    return member
