"""Reads of the integrity key dates, scoped to the user through the branch's unit (access.branches_for_user), and
the integrity talks counted in 人次 (seed 一(六): "分管领导和科室负责人开展廉政谈话8人次").

One 人次 is one person talked to in one talk (a TalkParticipant of role TALKED), as in party/talks/selectors.py.
A key date that requires a talk counts the 廉政谈话 held in its window: from its reminder date to the date itself.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.duties.choices import KeyDateSource
from bianban.duties.models import KeyDate
from bianban.party.access import branches_for_user
from bianban.party.choices import TalkKind, TalkRole
from bianban.party.models import Branch, Talk, TalkParticipant

# Talks that count as integrity work, each reported apart (廉政谈话, 提醒谈话).
INTEGRITY_KINDS = (TalkKind.INTEGRITY, TalkKind.REMINDER)


def year_q(year: int) -> Q:
    """Key dates of `year`. A 元旦 period starting in December belongs to the next year (holidays.py): 2023's 元旦
    key date is on 2022-12-31, and the 2024 one on 2023-12-30 is not 2023's."""
    new_year = Q(source=KeyDateSource.HOLIDAY, name="元旦", on__month=12)
    return (Q(on__year=year) & ~new_year) | (Q(on__year=year - 1) & new_year)


def keydate_year(key_date: KeyDate) -> int:
    """The year a key date belongs to (see `year_q`)."""
    december_new_year = key_date.source == KeyDateSource.HOLIDAY and key_date.name == "元旦" and key_date.on.month == 12
    return key_date.on.year + 1 if december_new_year else key_date.on.year


def keydates_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                      perm: str = Perm.PARTY_VIEW) -> QuerySet[KeyDate]:
    qs = KeyDate.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if year:
        qs = qs.filter(year_q(year))
    return (with_window_talks(qs).select_related("branch").prefetch_related("assignees__person")
            .order_by("on", "pk"))


def _count(qs: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated subquery, 0 when it matches nothing."""
    counted = qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_window_talks(qs: QuerySet[KeyDate]) -> QuerySet[KeyDate]:
    """Annotate each key date with the 廉政谈话 of its window (`window_talk_count`) and their 人次
    (`window_person_times`), in the list's own query: a page of key dates costs no query per row."""
    talks = Talk.objects.filter(branch_id=OuterRef("branch_id"), kind=TalkKind.INTEGRITY,
                                held_on__gte=OuterRef("remind_on"), held_on__lte=OuterRef("on"))
    persons = TalkParticipant.objects.filter(
        role=TalkRole.TALKED, talk__branch_id=OuterRef("branch_id"), talk__kind=TalkKind.INTEGRITY,
        talk__held_on__gte=OuterRef("remind_on"), talk__held_on__lte=OuterRef("on"))
    return qs.annotate(window_talk_count=_count(talks), window_person_times=_count(persons))


def keydate_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> KeyDate:
    key_date = keydates_for_user(user, perm=perm).select_related("branch__unit").filter(pk=pk).first()
    if key_date is None:
        raise NotFound("节点不存在或无权访问")
    return key_date


def _person_times(talks: QuerySet[Talk]) -> dict[str, int]:
    rows = (TalkParticipant.objects.filter(talk__in=talks.order_by().values("pk"), role=TalkRole.TALKED)
            .values("talk__kind").annotate(n=Count("pk")).order_by())
    counts = {kind.value: 0 for kind in INTEGRITY_KINDS}
    for row in rows:
        counts[row["talk__kind"]] = row["n"]
    return counts


def integrity_talk_counts(branch: Branch, year: int) -> dict[str, int]:
    """人次 of the branch's 廉政谈话 and 提醒谈话 held in `year`, by kind, plus how many talks of each
    ("INTEGRITY_talks")."""
    talks = Talk.objects.filter(branch=branch, held_on__year=year, kind__in=INTEGRITY_KINDS)
    counts = _person_times(talks)
    for kind in INTEGRITY_KINDS:
        counts[f"{kind.value}_talks"] = talks.filter(kind=kind).count()
    return counts


def window_talks(key_date: KeyDate) -> QuerySet[Talk]:
    """The branch's 廉政谈话 held from the key date's reminder date to the date itself."""
    return Talk.objects.filter(branch_id=key_date.branch_id, kind=TalkKind.INTEGRITY,
                               held_on__range=(key_date.remind_on, key_date.on))


@dataclass(frozen=True)
class KeyDateRow:
    """A key date as the index shows it."""

    key_date: KeyDate
    overdue: bool  # the reminder date has passed and it is not marked done
    talk_persons: int  # 人次 of the 廉政谈话 held in its window
    talks: int  # how many such talks

    @property
    def talk_missing(self) -> bool:
        return self.key_date.talk_required and self.talks == 0


def is_overdue(key_date: KeyDate, today: date) -> bool:
    return key_date.done_on is None and key_date.remind_on < today


def keydate_rows(key_dates: list[KeyDate], today: date | None = None) -> list[KeyDateRow]:
    """The rows of the index: each key date with its overdue flag and the integrity talks of its window. One query
    for the talks of all the windows, whatever their number."""
    today = today or timezone.localdate()
    if not key_dates:
        return []
    start, end = min(k.remind_on for k in key_dates), max(k.on for k in key_dates)
    talks = list(Talk.objects.filter(branch_id__in={k.branch_id for k in key_dates}, kind=TalkKind.INTEGRITY,
                                     held_on__range=(start, end))
                 .annotate(persons=Count("participants", filter=Q(participants__role=TalkRole.TALKED)))
                 .values_list("branch_id", "held_on", "persons"))
    rows = []
    for k in key_dates:
        inside = [n for branch_id, held_on, n in talks if branch_id == k.branch_id and k.remind_on <= held_on <= k.on]
        rows.append(KeyDateRow(key_date=k, overdue=is_overdue(k, today), talk_persons=sum(inside),
                               talks=len(inside)))
    return rows


def keydate_years(branch: Branch) -> list[int]:
    """Years with key dates, and this year and next (the year picker), newest first."""
    this_year = timezone.localdate().year
    years = {d.year for d in KeyDate.objects.filter(branch=branch).dates("on", "year")}
    return sorted(years | {this_year, this_year + 1}, reverse=True)
