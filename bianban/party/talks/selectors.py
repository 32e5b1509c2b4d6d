"""Reads of talks, scoped to the user through the branch's unit (access.branches_for_user), and their 人次 counts.
The yearly coverage of 条例第十九条's pairs is in talks/coverage.py."""

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.party.access import branches_for_user, member_for_user
from bianban.party.choices import TalkKind, TalkRole
from bianban.party.models import Branch, Member, Talk, TalkParticipant
from bianban.party.talks.coverage import Coverage, PairGap, talk_coverage

__all__ = ["Coverage", "PairGap", "talk_counts", "talk_coverage", "talk_get_for_user", "talks_for_user"]


def talks_for_user(user: Any, *, branch: Branch | int | None = None, kind: str = "", year: int | None = None,
                   member: Member | int | None = None, perm: str = Perm.PARTY_VIEW) -> QuerySet[Talk]:
    """The talks of the branches the user may `perm`, filtered; `member` takes the talks they took part in (as
    talker or talked-to). Unknown kinds match nothing."""
    qs = Talk.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    own = member_for_user(user)
    if own is not None:
        # What is said in a talk stays with its participants and the committee: a member of the branch who may
        # not change its records reads only the talks they took part in (reviewers from outside read all).
        keeps = branches_for_user(user, Perm.PARTY_CHANGE).values("pk")
        took_part = TalkParticipant.objects.filter(member=own).values("talk_id")
        qs = qs.filter(Q(branch__in=keeps) | ~Q(branch=own.branch_id) | Q(pk__in=took_part))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if kind:
        qs = qs.filter(kind=kind) if kind in TalkKind.values else qs.none()
    if year:
        qs = qs.filter(held_on__year=year)
    if member is not None:
        qs = qs.filter(pk__in=TalkParticipant.objects.filter(member=member).values("talk_id"))
    return qs.select_related("branch", "problem").prefetch_related("participants__member__person")


def talk_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> Talk:
    talk = talks_for_user(user, perm=perm).select_related("branch__unit", "created_by").filter(pk=pk).first()
    if talk is None:
        raise NotFound("谈话记录不存在或无权访问")
    return talk


def talk_counts_of(talks: QuerySet[Talk]) -> dict[str, int]:
    """人次 of the given talks by kind, plus `total` and `talks` (how many talks): one (talk, talked-to person)
    pair is one 人次, the unit the branch reports in (e.g. "开展廉政谈话8人次")."""
    rows = (TalkParticipant.objects.filter(talk__in=talks.order_by().values("pk"), role=TalkRole.TALKED)
            .values("talk__kind").annotate(n=Count("pk")).order_by())
    counts = {kind.value: 0 for kind in TalkKind}
    for row in rows:
        counts[row["talk__kind"]] = row["n"]
    counts["total"] = sum(counts[k.value] for k in TalkKind)
    counts["talks"] = talks.order_by().count()
    return counts


def talk_counts(branch: Branch, year: int) -> dict[str, int]:
    """人次 of the branch's talks held in `year`, by kind (see `talk_counts_of`)."""
    return talk_counts_of(Talk.objects.filter(branch=branch, held_on__year=year))


def talk_years(branch: Branch | None = None) -> list[int]:
    """Years that have talks, newest first (the year filter's choices)."""
    qs = Talk.objects.all() if branch is None else Talk.objects.filter(branch=branch)
    return sorted({d.year for d in qs.dates("held_on", "year")}, reverse=True)


def talk_roles(talk: Talk) -> tuple[Member | None, list[Member]]:
    """The talker and the talked-to of a talk (from the prefetched participants)."""
    participants = list(talk.participants.all())
    talker = next((p.member for p in participants if p.role == TalkRole.TALKER), None)
    return talker, [p.member for p in participants if p.role == TalkRole.TALKED]


def member_choices(branch: Branch) -> QuerySet[Member]:
    """Members who can be picked for a talk: the branch's current members first, then those who have left (a talk
    held before they left may still be recorded); the service checks the day."""
    return (Member.objects.filter(branch=branch).select_related("person", "group")
            .order_by(F("left_on").desc(nulls_first=True), "group__sort_order", "pk"))
