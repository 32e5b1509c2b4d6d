"""Writes of the annual 民主评议党员 (条例第二十条; domain.md §6.4): start, 个人自评, the secret 党员互评 ballots, the
branch's 评定, publication.

Who takes part. The roster is the branch's members on `started_on` (access.members_on), 正式 and 预备 alike: both
are appraised. It is frozen when voting opens (one AppraisalTally row per member), so a member recorded late with
an earlier joining date can still be added while the appraisal is in 个人自评. Only members with a vote on
`started_on` (正式党员, access.voting_on_q) cast ballots: 预备党员 have no vote (党章第七条, domain.md §6.3). A voter
grades every other member on the roster and never themselves.

Secrecy. A ballot is never stored. Casting one inserts AppraisalVoter (that the member voted; unique, so nobody
votes twice) and adds one to the tally of each graded member, in one transaction that holds the appraisal's row
lock; the audit event names the voter but not the grades. Paper ballots (纸质票录入) are typed in by the secretary
without a voter: they add to the tallies only, and are counted through their audit events (see
`paper_ballot_count`). The two ways cannot be mixed in one appraisal: the first ballot fixes the way, since a paper
ballot cannot be matched to a voter and so could not stop that voter voting again online.

Stages move forward only, SELF → VOTING → CLOSED → PUBLISHED, each a compare-and-swap on the status the caller saw.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.audit import audit, redacted
from bianban.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from bianban.party.access import members_on, require_branch
from bianban.party.appraisals.selectors import (
    PAPER_VOTE_ACTION,
    active_grades,
    excellent_max,
    own_member,
    paper_ballot_count,
    roster,
    share_text,
    voters_due,
)
from bianban.party.choices import ActivityStatus, AppraisalGrade, AppraisalStatus
from bianban.party.models import (
    Activity,
    Appraisal,
    AppraisalResult,
    AppraisalTally,
    AppraisalVoter,
    Branch,
    Member,
    SelfEvaluation,
)

S = AppraisalStatus
Errors = dict[str, list[str]]

VOTE_ACTION = "appraisal.vote"
# The tally column of each grade.
TALLY_FIELD = {AppraisalGrade.EXCELLENT: "excellent", AppraisalGrade.QUALIFIED: "qualified",
               AppraisalGrade.BASIC: "basic", AppraisalGrade.UNQUALIFIED: "unqualified"}
# Forward only: the stage each stage moves on to.
NEXT = {S.SELF: S.VOTING, S.VOTING: S.CLOSED, S.CLOSED: S.PUBLISHED}

__all__ = [
    "ResultEntry",
    "appraisal_export",
    "appraisal_start",
    "appraisal_transition",
    "appraisal_update",
    "ballot_cast",
    "ballot_enter_paper",
    "result_determine",
    "self_evaluation_save",
]


# --- small helpers ---------------------------------------------------------------------------------------------------


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _fail(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)


def _lock(appraisal: Appraisal) -> Appraisal:
    """The appraisal's row, locked: ballots, results and stage changes of one appraisal run one at a time
    (PostgreSQL row lock; SQLite serialises writers with IMMEDIATE transactions)."""
    return Appraisal.objects.select_for_update(of=("self",)).select_related("branch__unit").get(pk=appraisal.pk)


def _names(members: Iterable[Member]) -> str:
    names = [m.person.name for m in members]
    return "、".join(names[:5]) + (f"等{len(names)}人" if len(names) > 5 else "")


# --- start and details ---------------------------------------------------------------------------------------------


def _check_meeting(errors: Errors, branch: Branch, meeting: Activity | None) -> None:
    if meeting is None:
        return
    if meeting.branch_id != branch.pk:
        errors.setdefault("meeting", []).append("评议会议须是本支部的活动")
    elif meeting.status == ActivityStatus.CANCELLED:
        errors.setdefault("meeting", []).append("评议会议已取消，不能作为评议会议")


def _once_a_year(branch: Branch, year: int) -> str:
    return f"{branch.name}{year}年度已开展民主评议，每年只开展一次（条例第二十条）"


@transaction.atomic(durable=True)
def appraisal_start(*, actor: Any, branch: Branch, year: int, started_on: date, note: str = "",
                    meeting: Activity | None = None) -> Appraisal:
    """Start the year's 民主评议党员 (条例第二十条: once a year) with 个人自评. The appraisal of a year is usually held
    late in that year or early in the next, so `started_on` falls in `year` or the year after."""
    require_branch(actor, branch)
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    errors: Errors = {}
    today = timezone.localdate()
    if branch.dissolved_on is not None:
        errors["branch"] = [f"{branch.name}已于{fmt(branch.dissolved_on)}撤销"]
    if not isinstance(year, int) or year < branch.founded_on.year or year > today.year:
        errors["year"] = [f"评议年度应在{branch.founded_on.year}年（党支部成立）至{today.year}年之间"]
    elif Appraisal.objects.filter(branch=branch, year=year).exists():
        errors["year"] = [_once_a_year(branch, year)]
    if started_on is None:
        errors["started_on"] = ["请填写开始日期"]
    elif started_on > today:
        errors["started_on"] = ["开始日期不能晚于今天"]
    elif "year" not in errors and started_on.year not in (year, year + 1):
        errors["started_on"] = [f"{year}年度的评议应在{year}年或{year + 1}年开展"]
    elif not members_on(branch, started_on).exists():
        errors["started_on"] = [f"{fmt(started_on)}本支部没有党员，无法开展评议"]
    _check_meeting(errors, branch, meeting)
    _fail(errors)
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(branch=branch, year=year, started_on=started_on,
                                                 note=(note or "").strip(), meeting=meeting)
    except IntegrityError:  # a concurrent start of the same year, past the lock (constraint backstop)
        raise ValidationFailed.on("year", _once_a_year(branch, year)) from None
    audit(actor=actor, action="appraisal.start", target=appraisal, unit_id=branch.unit_id,
          changes={"year": [None, year], "started_on": [None, started_on], "meeting": [None, meeting],
                   "note": [None, appraisal.note]})
    return appraisal


@transaction.atomic(durable=True)
def appraisal_update(*, actor: Any, appraisal: Appraisal, note: str, meeting: Activity | None) -> Appraisal:
    """Record the meeting the appraisal was held at (党员大会 or 组织生活会) and its note."""
    require_branch(actor, appraisal.branch)
    appraisal = _lock(appraisal)
    errors: Errors = {}
    _check_meeting(errors, appraisal.branch, meeting)
    _fail(errors)
    note = (note or "").strip()
    changes = {}
    if appraisal.meeting_id != (meeting.pk if meeting else None):
        changes["meeting"] = [appraisal.meeting_id, meeting]
    if appraisal.note != note:
        changes["note"] = [appraisal.note, note]
    if changes:
        Appraisal.objects.filter(pk=appraisal.pk).update(note=note, meeting=meeting)
        appraisal.note, appraisal.meeting = note, meeting
        audit(actor=actor, action="appraisal.update", target=appraisal, unit_id=appraisal.branch.unit_id,
              changes=changes)
    return appraisal


# --- stages --------------------------------------------------------------------------------------------------------


def _check_open_voting(appraisal: Appraisal) -> list[Member]:
    members = roster(appraisal)
    if not voters_due(appraisal, members):
        raise ValidationFailed.on("to_status", f"{fmt(appraisal.started_on)}本支部没有有表决权的党员，无法开展互评")
    return members


def _check_close(appraisal: Appraisal, on: date) -> None:
    if on < appraisal.started_on:
        raise ValidationFailed.on("on", f"互评截止日期不能早于开始日期（{fmt(appraisal.started_on)}）")
    if not AppraisalVoter.objects.filter(appraisal=appraisal).exists() and not paper_ballot_count(appraisal):
        raise ValidationFailed.on("to_status", "尚未收到任何互评票，不能结束互评")


def _check_publish(appraisal: Appraisal, on: date) -> None:
    if appraisal.voting_closed_on and on < appraisal.voting_closed_on:
        raise ValidationFailed.on("on", f"公布日期不能早于互评截止日期（{fmt(appraisal.voting_closed_on)}）")
    members = roster(appraisal)
    graded = dict(AppraisalResult.objects.filter(appraisal=appraisal).values_list("member_id", "grade"))
    missing = [m for m in members if m.pk not in graded]
    if missing:
        raise ValidationFailed.on("to_status", f"尚有{len(missing)}名党员未评定等次（{_names(missing)}），不能公布")
    _check_excellent_cap(len(members), sum(1 for g in graded.values() if g == AppraisalGrade.EXCELLENT),
                         "to_status")


@transaction.atomic(durable=True)
def appraisal_transition(*, actor: Any, appraisal: Appraisal, to_status: str, on: date | None = None) -> Appraisal:
    """Move the appraisal on from the stage the caller saw (`appraisal.status`): open the mutual evaluation (the
    roster is frozen), close it (`on`: 互评截止, default today; ballots are refused from then on), publish the
    branch's determination (`on`: 公布日期). Someone else having moved it meanwhile gives Conflict, nothing else
    changes."""
    require_branch(actor, appraisal.branch)
    seen = appraisal.status
    if to_status not in S.values:
        raise ValidationFailed.on("to_status", "目标阶段不在允许范围内")
    if NEXT.get(seen) != to_status:
        raise ValidationFailed.on("to_status", f"民主评议当前为“{S(seen).label}”阶段，不能改为“{S(to_status).label}”")
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationFailed.on("on", "日期不能晚于今天")
    current = _lock(appraisal)
    if current.status != seen:
        raise Conflict("民主评议阶段已被他人变更，请刷新后重试")
    values: dict[str, Any] = {"status": to_status}
    members: list[Member] = []
    if to_status == S.VOTING:
        members = _check_open_voting(current)
    elif to_status == S.CLOSED:
        _check_close(current, on)
        values["voting_closed_on"] = on
    else:
        _check_publish(current, on)
        values["published_on"] = on
    # Compare-and-swap as well as the lock: the status must still be the one the caller saw.
    if Appraisal.objects.filter(pk=current.pk, status=seen).update(**values) != 1:
        raise Conflict("民主评议阶段已被他人变更，请刷新后重试")
    if members:
        AppraisalTally.objects.bulk_create([AppraisalTally(appraisal=current, member=m) for m in members])
    for key, value in values.items():
        setattr(appraisal, key, value)
    changes = {key: [getattr(current, key), value] for key, value in values.items()}
    if members:
        changes["roster"] = [None, [m.pk for m in members]]
    audit(actor=actor, action=f"appraisal.{to_status}", target=appraisal, unit_id=current.branch.unit_id,
          changes=changes)
    return appraisal


# --- 个人自评 ------------------------------------------------------------------------------------------------------


def _masked(value: str | None, field: str) -> str | None:
    """A self-evaluation's text or grade for the audit trail. Only the member and those who keep the branch's
    records may read it (selectors.self_evaluations_for_user), while the trail is read by everyone with 查看审计日志
    (office staff, reviewers): only a digest of the text is kept, enough to tell that it changed (a grade, one of
    four words, would be guessed from its digest, so it is starred out)."""
    if not value:
        return value
    return redacted(value) if field == "text" else "***"


@transaction.atomic(durable=True)
def self_evaluation_save(*, actor: Any, appraisal: Appraisal, member: Member, text: str,
                         grade: str = "") -> SelfEvaluation:
    """A member's 个人自评 (text and, optionally, the grade they give themselves). Written by the member (their
    login account, Member.user) or, from a paper self-evaluation, by whoever keeps the branch's records. Open during
    自评 and 互评; fixed once the branch starts its determination."""
    require_branch(actor, appraisal.branch, Perm.PARTY_VIEW)
    appraisal = _lock(appraisal)
    members = roster(appraisal)
    if member.pk not in {m.pk for m in members}:
        raise ValidationFailed.on("member", f"{member.person.name}不在本次民主评议的党员名单中")
    own = own_member(actor, appraisal, members)
    if own is None or own.pk != member.pk:
        require_branch(actor, appraisal.branch, Perm.PARTY_CHANGE)
    if appraisal.status not in (S.SELF, S.VOTING):
        raise ValidationFailed.on("text", "民主评议已进入评定阶段，个人自评不能再修改")
    errors: Errors = {}
    text = (text or "").strip()
    grade = grade or ""
    if not text:
        errors["text"] = ["请填写个人自评"]
    if grade and grade not in active_grades():
        errors["grade"] = [f"自评等次应为{'、'.join(g.label for g in active_grades())}之一"]
    _fail(errors)
    existing = SelfEvaluation.objects.filter(appraisal=appraisal, member=member).first()
    before = {"text": existing.text, "grade": existing.grade} if existing else {"text": None, "grade": None}
    evaluation, _ = SelfEvaluation.objects.update_or_create(appraisal=appraisal, member=member,
                                                            defaults={"text": text, "grade": grade})
    changes = {k: [_masked(before[k], k), _masked(v, k)] for k, v in (("text", text), ("grade", grade))
               if before[k] != v}
    if changes:
        audit(actor=actor, action="appraisal.self_evaluation", target=evaluation,
              unit_id=appraisal.branch.unit_id, changes=changes)
    return evaluation


# --- ballots -------------------------------------------------------------------------------------------------------


def _check_voting_open(appraisal: Appraisal) -> None:
    if appraisal.status == S.SELF:
        raise ValidationFailed.on("grades", "党员互评尚未开始，暂不能投票")
    if appraisal.status != S.VOTING:
        raise ValidationFailed.on("grades", f"党员互评已于{fmt(appraisal.voting_closed_on)}结束，不能再投票"
                                  if appraisal.voting_closed_on else "党员互评已结束，不能再投票")


def _clean_grades(grades: Mapping[Any, Any], members: list[Member]) -> dict[int, str]:
    """`grades` (member id → grade) checked against the roster and the grades in use; blanks dropped."""
    by_id = {m.pk: m for m in members}
    allowed = active_grades()
    cleaned: dict[int, str] = {}
    for key, grade in grades.items():
        try:
            member_id = int(key)
        except (TypeError, ValueError):
            raise ValidationFailed.on("grades", "被评议党员无效") from None
        if member_id not in by_id:
            raise ValidationFailed.on("grades", "选票中有不在本次评议名单中的党员")
        if grade in (None, ""):
            continue
        if grade not in allowed:
            raise ValidationFailed.on("grades", f"{by_id[member_id].person.name}的等次应为"
                                                f"{'、'.join(g.label for g in allowed)}之一")
        cleaned[member_id] = str(grade)
    return cleaned


def _add_to_tallies(appraisal: Appraisal, grades: dict[int, str]) -> None:
    """One more ballot in the counts: one UPDATE per grade, members in key order. Only the counts change; nothing
    records which ballot gave which grade."""
    by_grade: dict[str, list[int]] = {}
    for member_id, grade in sorted(grades.items()):
        by_grade.setdefault(grade, []).append(member_id)
    for grade, ids in sorted(by_grade.items()):
        field = TALLY_FIELD[AppraisalGrade(grade)]
        updated = AppraisalTally.objects.filter(appraisal=appraisal, member_id__in=ids).update(**{field: F(field) + 1})
        if updated != len(ids):  # the roster is frozen in the tallies, so this means a bug: roll the ballot back
            raise Conflict("评议名单与计票不一致，请刷新后重试")


@transaction.atomic(durable=True)
def ballot_cast(*, actor: Any, appraisal: Appraisal, grades: Mapping[Any, str]) -> None:
    """The actor's own mutual-evaluation ballot, cast online: a grade for every other member on the roster. The
    actor must be a member of the branch with a vote on `started_on` (Member.user links the login account). Only
    that they voted is kept; the grades only add to the counts (see the module's docstring)."""
    require_branch(actor, appraisal.branch, Perm.PARTY_VIEW)
    appraisal = _lock(appraisal)
    _check_voting_open(appraisal)
    members = roster(appraisal)
    voter = own_member(actor, appraisal, members)
    if voter is None:
        raise PermissionDenied("您不在本次民主评议的党员名单中（或登录账号未关联党员），不能投票")
    if voter.pk not in {m.pk for m in voters_due(appraisal, members)}:
        # On the roster without a vote: a 预备党员 on `started_on`.
        raise PermissionDenied("预备党员没有表决权，不参加互评投票（党章第七条）")
    if paper_ballot_count(appraisal):
        raise ValidationFailed.on("grades", "本次互评采用纸质选票，请将选票交支部统一录入")
    if AppraisalVoter.objects.filter(appraisal=appraisal, member=voter).exists():
        raise ValidationFailed.on("grades", "您已提交互评票，不能重复投票")
    if str(voter.pk) in {str(k) for k, v in grades.items() if v}:
        raise ValidationFailed.on("grades", "互评不评议本人，请勿为自己选择等次")
    others = [m for m in members if m.pk != voter.pk]
    cleaned = _clean_grades({k: v for k, v in grades.items() if str(k) != str(voter.pk)}, others)
    missing = [m for m in others if m.pk not in cleaned]
    if missing:
        raise ValidationFailed.on("grades", f"请为每位党员选择等次，尚未评议：{_names(missing)}")
    try:
        with transaction.atomic():
            AppraisalVoter.objects.create(appraisal=appraisal, member=voter)
    except IntegrityError:  # the unique constraint backs the check up
        raise ValidationFailed.on("grades", "您已提交互评票，不能重复投票") from None
    _add_to_tallies(appraisal, cleaned)
    # The voter, never the grades (secret ballot).
    audit(actor=actor, action=VOTE_ACTION, target=appraisal, unit_id=appraisal.branch.unit_id,
          changes={"voter": [None, voter.pk]})


@transaction.atomic(durable=True)
def ballot_enter_paper(*, actor: Any, appraisal: Appraisal, grades: Mapping[Any, str]) -> int:
    """纸质票录入: one collected, anonymous paper ballot typed in by whoever keeps the branch's records. It grades
    every member on the roster, except that one line may be blank (the voter's own: voters do not grade
    themselves), and that line must be a member with a vote. No more ballots than voters due. Returns the number
    of paper ballots entered so far."""
    require_branch(actor, appraisal.branch)
    appraisal = _lock(appraisal)
    _check_voting_open(appraisal)
    if AppraisalVoter.objects.filter(appraisal=appraisal).exists():
        raise ValidationFailed.on("grades", "本次互评已有党员在线投票，不能再录入纸质选票")
    members = roster(appraisal)
    due = voters_due(appraisal, members)
    entered = paper_ballot_count(appraisal)
    if entered >= len(due):
        raise ValidationFailed.on("grades", f"已录入{entered}张选票，已达应投票人数（{len(due)}人），不能再录入")
    cleaned = _clean_grades(grades, members)
    missing = [m for m in members if m.pk not in cleaned]
    if len(missing) > 1:
        raise ValidationFailed.on("grades", f"选票中只有投票人本人一栏可以空白，尚未录入：{_names(missing)}")
    if missing and missing[0].pk not in {m.pk for m in due}:
        raise ValidationFailed.on("grades", f"{missing[0].person.name}没有表决权，其一栏不应空白，请录入等次")
    _add_to_tallies(appraisal, cleaned)
    Appraisal.objects.filter(pk=appraisal.pk).update(paper_ballots=F("paper_ballots") + 1)
    audit(actor=actor, action=PAPER_VOTE_ACTION, target=appraisal, unit_id=appraisal.branch.unit_id,
          changes={"paper_ballots": [entered, entered + 1]})
    return entered + 1


# --- 评定 ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultEntry:
    """One line of the branch's determination as submitted."""

    member_id: int
    grade: str
    note: str = ""


def _check_excellent_cap(roster_size: int, excellent: int, field: str) -> None:
    most = excellent_max(roster_size)
    if excellent > most:
        raise ValidationFailed.on(
            field, f"评为优秀的党员一般不超过参加评议党员总数的{share_text()}：本次评议{roster_size}名党员，"
                   f"优秀最多{most}名，现为{excellent}名")


@transaction.atomic(durable=True)
def result_determine(*, actor: Any, appraisal: Appraisal, results: Iterable[ResultEntry]) -> list[AppraisalResult]:
    """The branch's 评定 (支委会 or 党员大会), informed by the tallies and the self-evaluations: `results` replaces the
    whole determination (members left out have none yet; all must have one to publish). 优秀 is limited to the
    configured share of the roster (domain.md §6.4: 一般不超过三分之一); 不合格 needs its reason."""
    require_branch(actor, appraisal.branch)
    appraisal = _lock(appraisal)
    if appraisal.status in (S.SELF, S.VOTING):
        raise ValidationFailed.on("results", "党员互评结束后才能评定等次")
    if appraisal.status == S.PUBLISHED:
        raise ValidationFailed.on("results", "评议结果已公布，不能修改")
    members = roster(appraisal)
    by_id = {m.pk: m for m in members}
    allowed = active_grades()
    errors: Errors = {}
    wanted: dict[int, ResultEntry] = {}
    for entry in results:
        member = by_id.get(entry.member_id)
        if member is None:
            errors.setdefault("results", []).append("评定中有不在本次评议名单中的党员")
            continue
        if entry.member_id in wanted:
            errors.setdefault("results", []).append(f"{member.person.name}重复评定")
        if entry.grade not in allowed:
            errors.setdefault("results", []).append(
                f"{member.person.name}的评定等次应为{'、'.join(g.label for g in allowed)}之一")
        note = (entry.note or "").strip()
        if len(note) > 200:
            errors.setdefault("results", []).append(f"{member.person.name}的说明不能超过200字")
        if entry.grade == AppraisalGrade.UNQUALIFIED and not note:
            errors.setdefault("results", []).append(f"{member.person.name}评定为不合格，须说明理由")
        wanted[entry.member_id] = ResultEntry(entry.member_id, entry.grade, note)
    _fail(errors)
    _check_excellent_cap(len(members), sum(1 for e in wanted.values() if e.grade == AppraisalGrade.EXCELLENT),
                         "results")
    existing = {r.member_id: r for r in AppraisalResult.objects.filter(appraisal=appraisal)}
    changes: dict[str, list[Any]] = {}
    for member_id, old in existing.items():
        if member_id not in wanted:
            changes[f"member_{member_id}"] = [[old.grade, old.note], None]
    AppraisalResult.objects.filter(appraisal=appraisal).exclude(member_id__in=list(wanted)).delete()
    saved = []
    for member_id, entry in wanted.items():
        old = existing.get(member_id)
        if old is None:
            saved.append(AppraisalResult.objects.create(appraisal=appraisal, member_id=member_id, grade=entry.grade,
                                                        note=entry.note))
            changes[f"member_{member_id}"] = [None, [entry.grade, entry.note]]
            continue
        if (old.grade, old.note) != (entry.grade, entry.note):
            changes[f"member_{member_id}"] = [[old.grade, old.note], [entry.grade, entry.note]]
            old.grade, old.note = entry.grade, entry.note
            old.save(update_fields=["grade", "note"])
        saved.append(old)
    if changes:
        audit(actor=actor, action="appraisal.determine", target=appraisal, unit_id=appraisal.branch.unit_id,
              changes=changes)
    return saved


@transaction.atomic(durable=True)
def appraisal_export(*, actor: Any, appraisal: Appraisal, with_tallies: bool) -> None:
    """Record that the actor exported the appraisal's results (and, for those who keep the records, the tallies)."""
    audit(actor=actor, action="appraisal.export", target=appraisal, unit_id=appraisal.branch.unit_id,
          changes={"tallies": [None, with_tallies]})
