"""The branch's talks of the year in 人次, as the talks and duties apps count them: one 人次 is one person talked to
in one talk (a TalkParticipant of role TALKED; party/talks/selectors.py talk_counts, duties/integrity/selectors.py
integrity_talk_counts). Two queries: every participant of the year's talks, and the committee's seats.

The seed's "召集班子成员开展谈话4人次" is the 谈心谈话 the secretary held with the members of the committee: a talk
whose talker held the 书记 seat that day, counted for each talked-to who held a committee seat that day. The
secretary's other 谈心谈话 and those between other members are reported apart, so the three add up to every
谈心谈话人次 of the year (what a 责任清单 task of kind 谈心谈话 counts).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from bianban.party.choices import CommitteeRole, TalkKind, TalkRole
from bianban.party.models import Branch, CommitteeMember, TalkParticipant
from bianban.reports.duty import facts_sources as src
from bianban.reports.duty.draft import Figure, Source


@dataclass
class TalkRow:
    pk: int
    kind: str
    held_on: date
    talker: int | None = None
    talked: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Seat:
    member_id: int
    role: str
    since: date
    until: date | None

    def held_on(self, day: date) -> bool:
        # `until` is the day the seat was left (the demo's and the committee pages' reading: held while until > day).
        return self.since <= day and (self.until is None or self.until > day)


@dataclass
class TalkFacts:
    talks: list[TalkRow]
    seats: list[Seat]

    def _seated(self, member_id: int | None, day: date, role: str | None = None) -> bool:
        return any(s.member_id == member_id and s.held_on(day) and (role is None or s.role == role)
                   for s in self.seats)

    def _figure(self, key: str, label: str, pairs: list[tuple[TalkRow, int]]) -> Figure:
        """人次 of (talk, talked-to) pairs; the sources are the talks, each with its own 人次."""
        per_talk: dict[int, int] = defaultdict(int)
        rows: dict[int, TalkRow] = {}
        for talk, _member in pairs:
            per_talk[talk.pk] += 1
            rows[talk.pk] = talk
        sources: list[Source] = [src.talk(pk, rows[pk].held_on, rows[pk].kind, n)
                                 for pk, n in sorted(per_talk.items(), key=lambda kv: (rows[kv[0]].held_on, kv[0]))]
        return src.figure(key, len(pairs), "人次", label, sources)

    def kind_figure(self, key: str, label: str, kind: str) -> Figure:
        return self._figure(key, label, [(t, m) for t in self.talks if t.kind == kind for m in t.talked])

    def heart_split(self) -> tuple[Figure, Figure, Figure]:
        """(secretary with the committee, secretary with other members, other members between themselves)."""
        committee, members, others = [], [], []
        for t in self.talks:
            if t.kind != TalkKind.HEART_TO_HEART:
                continue
            by_secretary = self._seated(t.talker, t.held_on, CommitteeRole.SECRETARY)
            for m in t.talked:
                if not by_secretary:
                    others.append((t, m))
                elif self._seated(m, t.held_on):
                    committee.append((t, m))
                else:
                    members.append((t, m))
        return (self._figure("talks_secretary_committee", "书记召集班子成员谈心谈话", committee),
                self._figure("talks_secretary_members", "书记与党员谈心谈话", members),
                self._figure("talks_members", "党员之间谈心谈话", others))


def talk_facts(branch: Branch, year: int) -> TalkFacts:
    start, end = date(year, 1, 1), date(year, 12, 31)
    talks: dict[int, TalkRow] = {}
    rows = (TalkParticipant.objects.filter(talk__branch=branch, talk__held_on__range=(start, end))
            .order_by("talk__held_on", "talk_id", "pk")
            .values_list("talk_id", "talk__kind", "talk__held_on", "member_id", "role"))
    for talk_id, kind, held_on, member_id, role in rows:
        row = talks.setdefault(talk_id, TalkRow(talk_id, kind, held_on))
        if role == TalkRole.TALKER:
            row.talker = member_id
        else:
            row.talked.append(member_id)
    seats = [Seat(*s) for s in CommitteeMember.objects.filter(term__branch=branch, since__lte=end)
             .exclude(until__lte=start).values_list("member_id", "role", "since", "until")]
    return TalkFacts(list(talks.values()), seats)
