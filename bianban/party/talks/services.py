"""Writes of talks (谈心谈话, 廉政谈话, 提醒谈话): recording and correcting a talk with its participants, and linking
the problem a talk brought to light to the ledger.

A talk that raises a problem is three durable steps, each with its own transaction and audit: `talk_create`, then
the ledger's `problem_create` (durable itself, so it cannot run inside ours), then `talk_link_problem`.
`talk_create_with_problem` runs them in that order for the views and the API, and checks beforehand everything that
could make the second step fail, so that a refused problem leaves no talk behind.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.audit import audit, diff, redacted, snapshot
from bianban.core.exceptions import Conflict, ValidationFailed
from bianban.party.access import require_branch
from bianban.party.choices import TalkKind, TalkRole
from bianban.party.models import Branch, Member, Talk, TalkParticipant

_FIELDS = ["kind", "held_on", "place", "topic", "summary", "follow_up"]
# What was said stays with the participants and the committee (selectors.talks_for_user), while the audit trail is
# read by everyone with 查看审计日志, office staff included: only a digest of it is kept, enough to tell a change.
_SAID = ("summary", "follow_up")
Errors = dict[str, list[str]]


@dataclass(frozen=True)
class ProblemDraft:
    """The problem a talk brought to light, to be registered in the ledger (问题台账) after the talk is saved."""

    title: str
    description: str = ""
    category: str = "party"


def _raise(errors: Errors) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)


def _member_on(member: Member, on: date) -> bool:
    """A member of their branch on `on` (access.member_on_q, in memory): joined by then and not yet left."""
    return member.joined_on <= on and (member.left_on is None or member.left_on > on)


def _check(branch: Branch, values: dict[str, Any], talker: Member | None, talked_to: Sequence[Member]) -> Errors:
    errors: Errors = {}
    if values["kind"] not in TalkKind.values:
        errors["kind"] = ["谈话类型不在允许范围内"]
    if not values["topic"]:
        errors["topic"] = ["请填写谈话主题"]
    held_on = values["held_on"]
    if held_on is None:
        errors["held_on"] = ["请填写谈话日期"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["谈话日期不能晚于今天：只登记已经进行的谈话"]
    if talker is None and not talked_to:
        errors["participants"] = ["谈话须有参与人：请选择一名谈话人和至少一名谈话对象"]
        return errors
    if talker is None:
        errors["talker"] = ["请选择谈话人"]
    if not talked_to:
        errors["talked_to"] = ["请至少选择一名谈话对象"]
    if talker is not None and any(m.pk == talker.pk for m in talked_to):
        errors["talked_to"] = [f"谈话人{talker}不能同时是谈话对象"]
    for field, members in (("talker", [talker] if talker else []), ("talked_to", talked_to)):
        strangers = [m for m in members if m.branch_id != branch.pk]
        absent = [m for m in members if m.branch_id == branch.pk and held_on and not _member_on(m, held_on)]
        if strangers:
            errors.setdefault(field, []).append(f"{'、'.join(map(str, strangers))}不是本支部党员")
        if absent:
            errors.setdefault(field, []).append(f"{'、'.join(map(str, absent))}在谈话当日不是本支部党员")
    return errors


def _unique(members: Sequence[Member]) -> list[Member]:
    """The members in the order given, each once (a name ticked twice is one person talked to)."""
    return list({m.pk: m for m in members}.values())


def _trail(talk: Talk) -> dict[str, Any]:
    """The talk's fields and participants for the audit trail, what was said reduced to a digest."""
    values = {**snapshot(talk, _FIELDS), **_participants(talk)}
    for name in _SAID:
        values[name] = redacted(values[name])
    return values


def _participants(talk: Talk) -> dict[str, Any]:
    rows = list(talk.participants.values_list("member_id", "role"))
    return {"talker": next((m for m, r in rows if r == TalkRole.TALKER), None),
            "talked_to": sorted(m for m, r in rows if r == TalkRole.TALKED)}


def _write_participants(talk: Talk, talker: Member, talked_to: Sequence[Member]) -> None:
    TalkParticipant.objects.bulk_create(
        [TalkParticipant(talk=talk, member=talker, role=TalkRole.TALKER)]
        + [TalkParticipant(talk=talk, member=m, role=TalkRole.TALKED) for m in talked_to])


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, **{k: (values.get(k) or "").strip() for k in ("place", "topic", "summary", "follow_up")}}


@transaction.atomic(durable=True)
def talk_create(*, actor: Any, branch: Branch, kind: str, held_on: date | None, topic: str,
                talker: Member | None, talked_to: Sequence[Member], place: str = "", summary: str = "",
                follow_up: str = "") -> Talk:
    """Record a talk that took place: one talker and one or more talked-to, all members of the branch that day."""
    require_branch(actor, branch)
    talked_to = _unique(talked_to)
    values = _clean({"kind": kind, "held_on": held_on, "place": place, "topic": topic, "summary": summary,
                     "follow_up": follow_up})
    _raise(_check(branch, values, talker, talked_to))
    assert talker is not None  # _check refuses a talk without a talker
    talk = Talk.objects.create(branch=branch, created_by=actor if getattr(actor, "pk", None) else None, **values)
    _write_participants(talk, talker, talked_to)
    audit(actor=actor, action="talk.create", target=talk, unit_id=branch.unit_id,
          changes=diff({}, _trail(talk)))
    return talk


_KEEP: Any = object()


@transaction.atomic(durable=True)
def talk_update(*, actor: Any, talk: Talk, kind: Any = _KEEP, held_on: Any = _KEEP, topic: Any = _KEEP,
                place: Any = _KEEP, summary: Any = _KEEP, follow_up: Any = _KEEP, talker: Any = _KEEP,
                talked_to: Any = _KEEP) -> Talk:
    """Correct a recorded talk; fields not given keep their value. New participants replace the old ones."""
    talk = Talk.objects.select_for_update().select_related("branch__unit").get(pk=talk.pk)
    branch = talk.branch
    require_branch(actor, branch)
    before = _trail(talk)
    current = list(talk.participants.select_related("member__person"))
    old_talker = next((p.member for p in current if p.role == TalkRole.TALKER), None)
    old_talked = [p.member for p in current if p.role == TalkRole.TALKED]
    given = {"kind": kind, "held_on": held_on, "topic": topic, "place": place, "summary": summary,
             "follow_up": follow_up}
    values = _clean({k: (getattr(talk, k) if v is _KEEP else v) for k, v in given.items()})
    new_talker = old_talker if talker is _KEEP else talker
    new_talked = old_talked if talked_to is _KEEP else _unique(talked_to)
    _raise(_check(branch, values, new_talker, new_talked))
    for name, value in values.items():
        setattr(talk, name, value)
    talk.save(update_fields=list(values))
    if talker is not _KEEP or talked_to is not _KEEP:
        talk.participants.all().delete()
        _write_participants(talk, new_talker, new_talked)
    changes = diff(before, _trail(talk))
    if changes:
        audit(actor=actor, action="talk.update", target=talk, unit_id=branch.unit_id, changes=changes)
    return talk


@transaction.atomic(durable=True)
def talk_link_problem(*, actor: Any, talk: Talk, problem: Any) -> Talk:
    """Point the talk at the ledger problem registered from it. A talk leads to at most one problem: a second link
    (two users registering at once) is a conflict."""
    require_branch(actor, talk.branch)
    updated = Talk.objects.filter(pk=talk.pk, problem__isnull=True).update(problem=problem)
    if updated != 1:
        raise Conflict("该谈话已登记问题，请刷新后查看")
    talk.problem = problem
    audit(actor=actor, action="talk.link_problem", target=talk, unit_id=talk.branch.unit_id,
          changes={"problem": [None, problem.pk]})
    return talk


def _check_problem(actor: Any, branch: Branch, draft: ProblemDraft) -> None:
    """What would make the ledger refuse the problem, checked before anything is written."""
    from bianban.ledger.choices import ProblemCategory

    errors: Errors = {}
    if not (draft.title or "").strip():
        errors["problem_title"] = ["请填写要登记的问题"]
    if draft.category not in ProblemCategory.values:
        errors["problem_category"] = ["问题类别不在允许范围内"]
    _raise(errors)
    # Whoever keeps the branch's records may register what its talks brought to light (the ledger takes
    # PARTY_CHANGE on the branch's unit as the authority for such problems).
    require_branch(actor, branch)


def talk_raise_problem(*, actor: Any, talk: Talk, draft: ProblemDraft) -> Any:
    """Register the problem a recorded talk brought to light and link it to the talk: two durable steps, so not a
    transaction itself. Race accepted: two users raising a problem for the same talk at once both reach the
    ledger; the second link is refused (Conflict) and its problem stays in the ledger without a talk."""
    from bianban.ledger.choices import ProblemSource
    from bianban.ledger.services import problem_create

    require_branch(actor, talk.branch)
    if talk.problem_id is not None:
        raise Conflict("该谈话已登记问题，请刷新后查看")
    _check_problem(actor, talk.branch, draft)
    problem = problem_create(
        actor=actor, source=ProblemSource.TALK, title=draft.title.strip(), description=draft.description,
        category=draft.category, unit=talk.branch.unit, raised_on=talk.held_on, source_obj=talk,
        authority=Perm.PARTY_CHANGE)
    talk_link_problem(actor=actor, talk=talk, problem=problem)
    return problem


def talk_create_with_problem(*, actor: Any, problem: ProblemDraft | None = None, **talk_values: Any) -> Talk:
    """`talk_create`, then (when `problem` is given) the ledger problem and the link, in that order: see the
    module docstring. Input and permissions of both steps are checked before the talk is written."""
    branch: Branch = talk_values["branch"]
    if problem is not None:
        require_branch(actor, branch)
        _check_problem(actor, branch, problem)
    talk = talk_create(actor=actor, **talk_values)
    if problem is not None:
        talk_raise_problem(actor=actor, talk=talk, draft=problem)
    return talk
