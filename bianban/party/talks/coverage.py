"""Who has talked with whom in a year, against 条例第十九条: 党支部委员之间、党支部委员和党员之间、党员和党员之间，
每年谈心谈话一般不少于1次 (domain.md §6.3) — that is, every pair of the branch's members, labelled by whether each
held a committee seat that year.

A pair is required when both were members of the branch at the same time during the year (someone who left in
March owes nothing to someone who joined in June). It is covered when both took part — as talker or talked-to — in
one 谈心谈话 of the year; 廉政谈话 and 提醒谈话 do not count. A branch has at most 50 members (条例, domain.md §6.1),
so the ≤1,225 pairs are computed as sets in Python over three queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from django.db.models import Q

from bianban.party.choices import TalkKind
from bianban.party.models import Branch, CommitteeMember, Member, TalkParticipant

COMMITTEE, MIXED, MEMBERS = "committee", "committee_member", "member"
CATEGORY_LABELS = {COMMITTEE: "支委之间", MIXED: "支委与党员", MEMBERS: "党员之间"}
Pair = tuple[int, int]


@dataclass(frozen=True)
class PairGap:
    """A required pair that has not talked this year."""

    a: Member
    b: Member
    category: str

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]


@dataclass(frozen=True)
class MatrixCell:
    member: Member
    state: str  # "self", "covered", "gap" (required, not yet talked) or "none" (never members at the same time)


@dataclass
class Coverage:
    """The year's coverage of the branch. `covered` and `required` count pairs; `by_category` splits them."""

    branch: Branch
    year: int
    members: list[Member]
    committee_ids: frozenset[int]
    required_pairs: frozenset[Pair]
    covered_pairs: frozenset[Pair]
    gaps: list[PairGap] = field(default_factory=list)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def required(self) -> int:
        return len(self.required_pairs)

    @property
    def covered(self) -> int:
        return self.required - len(self.gaps)

    @property
    def percent(self) -> float:
        """Share of the required pairs covered, in %; 100 when nothing is required."""
        return round(100 * self.covered / self.required, 1) if self.required else 100.0

    @property
    def complete(self) -> bool:
        return not self.gaps

    def categories(self) -> list[tuple[str, str, int, int]]:
        """(code, label, covered, required) of each category of pairs, for display."""
        return [(code, label, self.by_category[code]["covered"], self.by_category[code]["required"])
                for code, label in CATEGORY_LABELS.items()]

    def is_covered(self, a: int, b: int) -> bool:
        return _pair(a, b) in self.covered_pairs

    def is_committee(self, member: Member) -> bool:
        return member.pk in self.committee_ids

    def matrix(self) -> list[tuple[Member, list[MatrixCell]]]:
        """Members × members, for the coverage page's grid."""
        rows = []
        for a in self.members:
            cells = []
            for b in self.members:
                pair = _pair(a.pk, b.pk)
                state = ("self" if a.pk == b.pk else "covered" if pair in self.covered_pairs
                         else "gap" if pair in self.required_pairs else "none")
                cells.append(MatrixCell(b, state))
            rows.append((a, cells))
        return rows

    def gaps_of(self, member: Member) -> int:
        return sum(1 for g in self.gaps if member.pk in (g.a.pk, g.b.pk))


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def _span(member: Member, start: date, end: date) -> tuple[date, date]:
    """The days of the year the member belonged to the branch (left_on is the first day out)."""
    last = end if member.left_on is None else min(end, member.left_on - timedelta(days=1))
    return max(start, member.joined_on), last


def talk_coverage(branch: Branch, year: int) -> Coverage:
    """The coverage of 条例第十九条's pairs by the branch's 谈心谈话 in `year`."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    members = list(Member.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=start), branch=branch,
                                         joined_on__lte=end)
                   .select_related("person", "group").order_by("group__sort_order", "group_id", "pk"))
    committee_ids = frozenset(CommitteeMember.objects.filter(
        Q(until__isnull=True) | Q(until__gte=start), term__branch=branch, since__lte=end,
    ).values_list("member_id", flat=True))
    spans = {m.pk: _span(m, start, end) for m in members}
    required = frozenset(
        _pair(a.pk, b.pk) for a, b in combinations(members, 2)
        if spans[a.pk][0] <= spans[b.pk][1] and spans[b.pk][0] <= spans[a.pk][1])

    by_talk: dict[int, list[int]] = defaultdict(list)
    for talk_id, member_id in TalkParticipant.objects.filter(
            talk__branch=branch, talk__kind=TalkKind.HEART_TO_HEART, talk__held_on__range=(start, end),
    ).values_list("talk_id", "member_id"):
        by_talk[talk_id].append(member_id)
    covered = frozenset(_pair(a, b) for ids in by_talk.values() for a, b in combinations(ids, 2))

    def category(a: Member, b: Member) -> str:
        seats = (a.pk in committee_ids) + (b.pk in committee_ids)
        return COMMITTEE if seats == 2 else MIXED if seats == 1 else MEMBERS

    counts = {c: {"required": 0, "covered": 0} for c in CATEGORY_LABELS}
    gaps: list[PairGap] = []
    for a, b in combinations(members, 2):
        pair = _pair(a.pk, b.pk)
        if pair not in required:
            continue
        cat = category(a, b)
        counts[cat]["required"] += 1
        if pair in covered:
            counts[cat]["covered"] += 1
        else:
            gaps.append(PairGap(a, b, cat))
    order = list(CATEGORY_LABELS)
    gaps.sort(key=lambda g: order.index(g.category))  # stable: members' order within a category
    return Coverage(branch=branch, year=year, members=members, committee_ids=committee_ids,
                    required_pairs=required, covered_pairs=covered, gaps=gaps, by_category=counts)
