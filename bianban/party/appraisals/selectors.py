"""Reads of the 民主评议党员, scoped to the user through the branch's unit (access.branches_for_user): outside it,
everything is NotFound.

What each reader sees (domain.md §6.4; the secrecy rules are in services.py):
- everyone who may view the branch: the appraisal, its stage and how many ballots are in; their own self-evaluation
  and whether they have voted (`position_of`);
- those who keep the branch's records (维护党建工作): every self-evaluation, who has not voted yet, the tallies once
  voting has closed (never while it runs, so nobody can watch the counts move as each member votes), the
  determination as it is being made;
- everyone who may view the branch, once published: the results.
No read returns a ballot: none is stored.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied
from bianban.party.access import branches_for_user, members_on, voting_on_q
from bianban.party.choices import AppraisalGrade, AppraisalStatus
from bianban.party.models import (
    Appraisal,
    AppraisalResult,
    AppraisalTally,
    AppraisalVoter,
    Member,
    SelfEvaluation,
)

S = AppraisalStatus
PAPER_VOTE_ACTION = "appraisal.vote.paper"
_DIGITS = "零一二三四五六七八九十"


# --- settings ------------------------------------------------------------------------------------------------------


def active_grades() -> list[AppraisalGrade]:
    """The grades in use, from BIANBAN["PARTY"]["APPRAISAL_GRADES"] (default: all four). Some older local rules
    use only 优秀/合格/不合格 (domain.md §6.4)."""
    configured = set(settings.BIANBAN["PARTY"].get("APPRAISAL_GRADES") or AppraisalGrade.values)
    return [AppraisalGrade(g) for g in AppraisalGrade.values if g in configured]


def excellent_share() -> tuple[int, int]:
    numerator, denominator = settings.BIANBAN["PARTY"]["EXCELLENT_MAX_SHARE"]
    return int(numerator), int(denominator)


def excellent_max(roster_size: int) -> int:
    """Most members who may be graded 优秀: the configured share (一般不超过三分之一) of those appraised, rounded
    down."""
    numerator, denominator = excellent_share()
    return roster_size * numerator // denominator


def share_text() -> str:
    """The share in words: 三分之一."""
    numerator, denominator = excellent_share()
    if 0 < numerator <= 10 and 0 < denominator <= 10:
        return f"{_DIGITS[denominator]}分之{_DIGITS[numerator]}"
    return f"{numerator}/{denominator}"


# --- the roster and the ballots in ---------------------------------------------------------------------------------


def roster(appraisal: Appraisal) -> list[Member]:
    """The members appraised: frozen in the tallies once voting has opened, the members on `started_on` before."""
    if appraisal.status == S.SELF:
        qs = members_on(appraisal.branch, appraisal.started_on)
    else:
        ids = AppraisalTally.objects.filter(appraisal=appraisal).values("member_id")
        qs = Member.objects.filter(pk__in=ids).select_related("person", "group")
    return list(qs.order_by("group__sort_order", "group_id", "admitted_on", "pk"))


def voters_due(appraisal: Appraisal, members: list[Member] | None = None) -> list[Member]:
    """The roster members with a vote on `started_on` (正式党员 by then; 预备党员 have no vote, 党章第七条)."""
    members = roster(appraisal) if members is None else members
    voting = set(Member.objects.filter(voting_on_q(appraisal.started_on), pk__in=[m.pk for m in members])
                 .values_list("pk", flat=True))
    return [m for m in members if m.pk in voting]


def paper_ballot_count(appraisal: Appraisal) -> int:
    """Paper ballots entered so far (the counter ballot_enter_paper moves under the appraisal's row lock)."""
    return Appraisal.objects.filter(pk=appraisal.pk).values_list("paper_ballots", flat=True).first() or 0


@dataclass(frozen=True)
class Progress:
    """Ballots in against voters due. `mode` is fixed by the first ballot: "electronic", "paper" or "" (none yet)."""

    voters_due: int
    electronic: int
    paper: int

    @property
    def entered(self) -> int:
        return self.electronic + self.paper

    @property
    def mode(self) -> str:
        return "electronic" if self.electronic else "paper" if self.paper else ""


def ballot_progress(appraisal: Appraisal, members: list[Member] | None = None) -> Progress:
    return Progress(voters_due=len(voters_due(appraisal, members)),
                    electronic=AppraisalVoter.objects.filter(appraisal=appraisal).count(),
                    paper=paper_ballot_count(appraisal))


# --- scoped reads --------------------------------------------------------------------------------------------------


def appraisals_for_user(user: Any, perm: str = Perm.PARTY_VIEW) -> QuerySet[Appraisal]:
    return Appraisal.objects.filter(branch__in=branches_for_user(user, perm).values("pk")).select_related(
        "branch__unit", "meeting")


def appraisal_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> Appraisal:
    appraisal = appraisals_for_user(user, perm).filter(pk=pk).first()
    if appraisal is None:
        raise NotFound("民主评议不存在或无权访问")
    return appraisal


def appraisal_search(user: Any, *, branch: int | None = None, year: int | None = None,
                     status: str = "") -> QuerySet[Appraisal]:
    qs = appraisals_for_user(user)
    if branch is not None:
        qs = qs.filter(branch_id=branch)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status) if status in S.values else qs.none()
    return qs.order_by("-year", "branch__name", "pk")


def can_change(user: Any, appraisal: Appraisal) -> bool:
    return unit_allows(user, Perm.PARTY_CHANGE, appraisal.branch.unit)


@dataclass(frozen=True)
class Position:
    """Where the user stands in the appraisal: the roster member they are (Member.user), whether they vote and
    have voted, their own self-evaluation."""

    member: Member | None
    may_vote: bool
    has_voted: bool
    self_evaluation: SelfEvaluation | None
    voting_open: bool
    self_open: bool
    paper_mode: bool

    @property
    def appraised(self) -> bool:
        return self.member is not None

    @property
    def can_vote_now(self) -> bool:
        return self.may_vote and self.voting_open and not self.has_voted and not self.paper_mode

    @property
    def can_write_self_evaluation(self) -> bool:
        return self.appraised and self.self_open


def own_member(user: Any, appraisal: Appraisal, members: list[Member]) -> Member | None:
    """The roster member the user is, through their login account (Member.user)."""
    if not getattr(user, "pk", None):
        return None
    own = set(Member.objects.filter(user=user, branch=appraisal.branch).values_list("pk", flat=True))
    return next((m for m in members if m.pk in own), None)


def position_of(user: Any, appraisal: Appraisal, members: list[Member] | None = None) -> Position:
    members = roster(appraisal) if members is None else members
    member = own_member(user, appraisal, members)
    may_vote = member is not None and member.pk in {m.pk for m in voters_due(appraisal, members)}
    return Position(
        member=member,
        may_vote=may_vote,
        has_voted=member is not None and AppraisalVoter.objects.filter(appraisal=appraisal, member=member).exists(),
        self_evaluation=SelfEvaluation.objects.filter(appraisal=appraisal, member=member).first() if member else None,
        voting_open=appraisal.status == S.VOTING,
        self_open=appraisal.status in (S.SELF, S.VOTING),
        paper_mode=appraisal.status == S.VOTING and paper_ballot_count(appraisal) > 0,
    )


def self_evaluations_for_user(user: Any, appraisal: Appraisal) -> list[SelfEvaluation]:
    """Every self-evaluation for those who keep the records; otherwise only the user's own."""
    qs = SelfEvaluation.objects.filter(appraisal=appraisal).select_related("member__person")
    if not can_change(user, appraisal):
        qs = qs.filter(member__user=user) if getattr(user, "pk", None) else qs.none()
    return list(qs.order_by("member__group__sort_order", "member__admitted_on", "member_id"))


def self_evaluation_for_user(user: Any, appraisal: Appraisal, member_id: int) -> tuple[Member, SelfEvaluation | None]:
    """A roster member and their self-evaluation, for the member themselves or those who keep the records."""
    member = next((m for m in roster(appraisal) if m.pk == member_id), None)
    if member is None or not (can_change(user, appraisal) or (getattr(user, "pk", None)
                                                              and member.user_id == user.pk)):
        raise NotFound("党员不在本次评议名单中或无权访问")
    return member, SelfEvaluation.objects.filter(appraisal=appraisal, member=member).first()


def voters_pending(appraisal: Appraisal, members: list[Member] | None = None) -> list[Member]:
    """Voters due who have not voted online yet (for reminders). Says who voted, never how."""
    voted = set(AppraisalVoter.objects.filter(appraisal=appraisal).values_list("member_id", flat=True))
    return [m for m in voters_due(appraisal, members) if m.pk not in voted]


@dataclass(frozen=True)
class TallyRow:
    member: Member
    excellent: int
    qualified: int
    basic: int
    unqualified: int

    @property
    def total(self) -> int:
        return self.excellent + self.qualified + self.basic + self.unqualified

    def count(self, grade: str) -> int:
        return {AppraisalGrade.EXCELLENT: self.excellent, AppraisalGrade.QUALIFIED: self.qualified,
                AppraisalGrade.BASIC: self.basic, AppraisalGrade.UNQUALIFIED: self.unqualified}[AppraisalGrade(grade)]


def may_see_tallies(user: Any, appraisal: Appraisal) -> bool:
    return appraisal.status in (S.CLOSED, S.PUBLISHED) and can_change(user, appraisal)


def tallies_for_user(user: Any, appraisal: Appraisal) -> list[TallyRow]:
    """The counts per member and grade, in roster order: for those who keep the records, once voting has closed."""
    if not can_change(user, appraisal):
        raise PermissionDenied("只有维护党建工作的人员可以查看互评计票")
    if appraisal.status not in (S.CLOSED, S.PUBLISHED):
        raise Conflict("党员互评结束后才能查看计票结果")
    members = roster(appraisal)
    tallies = {t.member_id: t for t in AppraisalTally.objects.filter(appraisal=appraisal)}
    return [TallyRow(m, t.excellent, t.qualified, t.basic, t.unqualified)
            for m in members if (t := tallies.get(m.pk)) is not None]


def may_see_results(user: Any, appraisal: Appraisal) -> bool:
    if appraisal.status == S.PUBLISHED:
        return True  # the appraisal was fetched through the user's scope: they may view the branch
    return appraisal.status == S.CLOSED and can_change(user, appraisal)


def results_for_user(user: Any, appraisal: Appraisal) -> list[AppraisalResult]:
    """The determination in roster order: for everyone who may view the branch once published; before that only
    for those who keep the records."""
    if not may_see_results(user, appraisal):
        raise PermissionDenied("评议结果公布后才能查看")
    order = {m.pk: i for i, m in enumerate(roster(appraisal))}
    results = AppraisalResult.objects.filter(appraisal=appraisal).select_related("member__person", "member__group")
    return sorted(results, key=lambda r: order.get(r.member_id, len(order)))


@dataclass(frozen=True)
class DeterminationRow:
    """One member on the determination page: the counts, the grade they gave themselves, the current result."""

    member: Member
    tally: TallyRow | None
    self_grade: str
    result: AppraisalResult | None


def determination_rows(user: Any, appraisal: Appraisal) -> list[DeterminationRow]:
    tallies = {row.member.pk: row for row in tallies_for_user(user, appraisal)}
    self_grades = dict(SelfEvaluation.objects.filter(appraisal=appraisal).values_list("member_id", "grade"))
    results = {r.member_id: r for r in AppraisalResult.objects.filter(appraisal=appraisal)}
    return [DeterminationRow(m, tallies.get(m.pk), self_grades.get(m.pk, ""), results.get(m.pk))
            for m in roster(appraisal)]


def default_year(today: date) -> int:
    """The year an appraisal started today is most likely for: the last one in the first quarter."""
    return today.year - 1 if today.month <= 3 else today.year
