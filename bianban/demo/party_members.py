"""Who is in the demo 编办 branch and when: its members (the party members among 区委编办's staff in the register,
and a few retired members), its two 党小组 and its committee terms, as plain data. `Roster` answers who was a
member, a committee member or due at an activity on a given day, exactly as the party services will.

The story the dates tell (domain.md §6.5, §6.1–6.2): most members came to the office already 正式党员 (组织关系转入);
the dangyuan login's holder was accepted by the branch's 党员大会 in June 2023 and became 正式 in June 2024; the
register's 预备党员 was accepted in June 2026 and is still on probation. The committee of five elected in March 2022
(第八届, 3 years) was renewed in February 2025 (第九届), with one seat changing hands.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from bianban.demo import catalog as c
from bianban.demo import names
from bianban.demo.people import AS_OF, PersonSpec
from bianban.demo.staffing import StaffingPlan
from bianban.demo.tree import UnitSpec
from bianban.party.choices import ActivityKind, CommitteeRole, MemberCategory
from bianban.party.members.terms import add_months
from bianban.people.choices import Education, PoliticalStatus, RetirementCategory, Sex
from bianban.people.retirement import retirement_month
from bianban.staffing.choices import PostGrade, ReleaseReason

R = CommitteeRole
FOUNDED_ON = date(2001, 4, 20)  # a month after the office itself (catalog.FOUNDING_DATE)
GROUP_NAMES = ("第一党小组", "第二党小组")
# Divisions whose staff meet in the second group; the rest (and the leadership) in the first.
SECOND_GROUP_DIVISIONS = frozenset({"行政机构编制科", "事业机构编制科"})
TARGET_MEMBERS = 15  # about this many, retired members making up what the register lacks
MAX_RETIREES = 4
# A selection holding fewer of the office's party members (the small test districts) gets no branch: there is not
# enough of the office to show, and its register then keeps exactly the persons asked for.
MIN_REGISTER_MEMBERS = 8
# (届次, election day, the 区直机关工委's reply): 第八届 elected 2022, renewed early 2025 when its 3 years ran out.
TERMS = ((8, date(2022, 3, 15), "示直工〔2022〕15号"), (9, date(2025, 2, 25), "示直工〔2025〕9号"))
# The 党员大会 that accepted the dangyuan login's holder, the one that made them 正式, and the one that accepted the
# register's 预备党员 (party_records holds these meetings on these days).
ADMISSION_MEETING = date(2023, 6, 20)
FULL_MEETING = date(2024, 6, 25)
NEWCOMER_MEETING = date(2026, 6, 23)
LATEST_HISTORIC_ADMISSION = date(2020, 12, 31)  # everyone else was 正式 before the records begin
SECRETARY, ORGANISER, PUBLICIST, ADMITTED = "shuji", "bbadmin", "zhiwei", "dangyuan"
SECOND_PUBLICIST = "bbstaff"  # 宣传委员 of the 2025 term

PREVIOUS_BRANCHES = ("中共示例区委组织部机关党支部", "中共示例区发展和改革局机关党支部", "中共示例区财政局机关党支部",
                     "中共示例区人力资源和社会保障局机关党支部", "中共示例区城东街道机关党支部",
                     "中共示例区司法局机关党支部")
UNIVERSITY_BRANCHES = ("浙江大学公共管理学院学生党支部", "浙江工业大学政治与公共管理学院学生党支部",
                       "浙江财经大学公共管理学院学生党支部", "杭州师范大学公共管理学院学生党支部",
                       "浙江工商大学公共管理学院学生党支部")
COMMUNITY_BRANCH = "中共示例区城东街道和平社区委员会"


@dataclass(frozen=True)
class MemberSpec:
    """One member of the branch. `joined_from` empty: accepted by this branch's 党员大会 (member_admit)."""

    key: str  # the person's 公民身份号码
    name: str
    birth_date: date
    group: int  # index into GROUP_NAMES
    admitted_on: date
    joined_on: date
    full_on: date | None  # None: still 预备党员 on the demo's date
    joined_from: str = ""
    category: str = MemberCategory.EMPLOYED
    username: str = ""
    post: str = ""  # "leader" (office leadership), "head" (科长) or ""
    left_on: date | None = None
    left_to: str = ""
    retired_on: date | None = None  # staff who retired from the register: 离退休 from then on
    note: str = ""

    def member_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    def votes_on(self, day: date) -> bool:
        """正式党员 that day (预备党员 have no vote, 党章第七条)."""
        return self.member_on(day) and self.full_on is not None and self.full_on <= day

    def retired_by(self, day: date) -> bool:
        return self.category == MemberCategory.RETIRED or (self.retired_on is not None and self.retired_on <= day)


@dataclass(frozen=True)
class SeatSpec:
    member: str
    role: str


@dataclass(frozen=True)
class TermSpec:
    number: int
    elected_on: date
    document_no: str
    seats: tuple[SeatSpec, ...]

    @property
    def label(self) -> str:
        return f"第{'一二三四五六七八九十'[self.number - 1]}届" if self.number <= 10 else f"第{self.number}届"


class Roster:
    """The branch on any day, as access.members_on / activities.selectors.due_members see it."""

    def __init__(self, members: list[MemberSpec], terms: list[TermSpec]) -> None:
        self.members = members
        self.by_key = {m.key: m for m in members}
        self.terms = terms

    def on(self, day: date) -> list[MemberSpec]:
        return [m for m in self.members if m.member_on(day)]

    def term_on(self, day: date) -> TermSpec | None:
        current = [t for t in self.terms if t.elected_on <= day]
        return current[-1] if current else None

    def seats_on(self, day: date) -> dict[str, str]:
        """Member key → role, for the seats in force that day (a seat ends with its term or its holder leaving)."""
        term = self.term_on(day)
        if term is None:
            return {}
        return {s.member: s.role for s in term.seats if self.by_key[s.member].member_on(day)}

    def holder(self, role: str, day: date) -> MemberSpec | None:
        key = next((k for k, r in self.seats_on(day).items() if r == role), None)
        return self.by_key[key] if key else None

    def due(self, kind: str, day: date, group: int | None = None) -> list[MemberSpec]:
        if kind == ActivityKind.COMMITTEE_MEETING:
            seats = self.seats_on(day)
            return [m for m in self.on(day) if m.key in seats]
        if kind == ActivityKind.GROUP_MEETING:
            return [m for m in self.on(day) if m.group == group]
        return self.on(day)

    def group_of(self, group: int, day: date) -> list[MemberSpec]:
        return [m for m in self.on(day) if m.group == group]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


@dataclass
class _Register:
    """What the register says of one person that matters to the branch."""

    person: PersonSpec
    came_on: date  # to the office (or its data centre)
    first_job: bool  # came straight from their studies
    division: str | None
    post: str
    left_on: date | None = None
    left_to: str = ""
    retired_on: date | None = None


def _office_keys(units: list[UnitSpec]) -> set[str]:
    return {c.OFFICE_KEY} | {u.key for u in units if u.parent_key == c.OFFICE_KEY}


def _register(rng: random.Random, units: list[UnitSpec], people: list[PersonSpec],
              staffing: StaffingPlan) -> list[_Register]:
    """The party members among the office's staff (those transferred in included), with when they came and left."""
    office = _office_keys(units)
    names_of = {u.key: u.name for u in units}
    enrolments = {e.id_number: e for e in staffing.enrolments}
    transfers = {t.id_number: t for t in staffing.transfers}
    releases = {r.id_number: r for r in staffing.releases}
    found = []
    for person in people:
        if person.political_status not in (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY):
            continue
        enrol, transfer = enrolments.get(person.id_number), transfers.get(person.id_number)
        starts_here = person.unit_key in office
        moves_here = transfer is not None and transfer.to_unit_key in office and not starts_here
        if enrol is None or not (starts_here or moves_here):
            continue
        if moves_here:
            came, first_job = transfer.on, False
        elif enrol.batch:  # at work before the 2019 三定: came some time between their first job and it
            earliest = max(FOUNDED_ON, person.work_started_on or FOUNDED_ON)
            first_job = rng.random() < 0.3 and earliest == person.work_started_on
            came = earliest if first_job else _day_between(rng, earliest, enrol.on)
        else:
            came, first_job = enrol.on, True
        post = ""
        if enrol.post is not None and starts_here:
            post = "leader" if enrol.post[1] is None else ("head" if enrol.post[2] == PostGrade.PRINCIPAL else "")
        entry = _Register(person, came, first_job, enrol.division if starts_here else None, post)
        if transfer is not None and starts_here and transfer.to_unit_key not in office:
            entry.left_on, entry.left_to = transfer.on, f"中共{names_of[transfer.to_unit_key]}机关党支部"
        release = releases.get(person.id_number)
        if release is not None and release.reason == ReleaseReason.RETIREMENT:
            entry.retired_on = release.on
        elif release is not None:  # resigned: the 组织关系 goes to where they live
            entry.left_on, entry.left_to = release.on, COMMUNITY_BRANCH
        found.append(entry)
    return found


def _member(rng: random.Random, entry: _Register, group: int) -> MemberSpec:
    person = entry.person
    common = {"key": person.id_number, "name": person.name, "birth_date": person.birth_date, "group": group,
              "username": person.username, "post": entry.post, "left_on": entry.left_on, "left_to": entry.left_to,
              "retired_on": entry.retired_on}
    if person.username == ADMITTED:
        return MemberSpec(admitted_on=ADMISSION_MEETING, joined_on=ADMISSION_MEETING, full_on=FULL_MEETING,
                          **common)
    if person.political_status == PoliticalStatus.CPC_PROBATIONARY:
        if entry.came_on <= NEWCOMER_MEETING:
            return MemberSpec(admitted_on=NEWCOMER_MEETING, joined_on=NEWCOMER_MEETING, full_on=None, **common)
        # A recruit who came after that meeting, accepted where they were before, still within the year's probation.
        admitted = _day_between(rng, AS_OF - timedelta(days=360), entry.came_on - timedelta(days=1))
        return MemberSpec(admitted_on=admitted, joined_on=entry.came_on, full_on=None,
                          joined_from=rng.choice(UNIVERSITY_BRANCHES if entry.first_job else PREVIOUS_BRANCHES),
                          **common)
    studied = person.education in (Education.DOCTORATE, Education.MASTER, Education.BACHELOR)
    if studied and rng.random() < 0.55:  # accepted at university
        admitted = _day_between(rng, _years(person.birth_date, 20), _years(person.birth_date, 22))
    else:
        admitted = _day_between(rng, _years(person.birth_date, 23), _years(person.birth_date, 36))
    if admitted > LATEST_HISTORIC_ADMISSION:  # the young ones: a few years before the records begin
        earliest = max(_years(person.birth_date, 19), _years(LATEST_HISTORIC_ADMISSION, -4))
        admitted = _day_between(rng, min(earliest, LATEST_HISTORIC_ADMISSION), LATEST_HISTORIC_ADMISSION)
    full = add_months(admitted, 12) + timedelta(days=rng.randint(0, 20))
    if admitted >= entry.came_on:  # accepted by this branch while working in the office
        return MemberSpec(admitted_on=admitted, joined_on=admitted, full_on=full, **common)
    came_from = rng.choice(UNIVERSITY_BRANCHES if entry.first_job else PREVIOUS_BRANCHES)
    return MemberSpec(admitted_on=admitted, joined_on=entry.came_on, full_on=full, joined_from=came_from, **common)


def _retirees(rng: random.Random, count: int, people: list[PersonSpec]) -> list[PersonSpec]:
    """Retired staff of the office who kept their membership here: in the register of persons, without a unit."""
    taken_ids = {p.id_number for p in people}
    taken_names = {p.name for p in people}
    found: list[PersonSpec] = []
    while len(found) < count:
        female = rng.random() < 0.4
        birth = date(rng.randint(1952, 1960), rng.randint(1, 12), rng.randint(1, 28))
        category = RetirementCategory.FEMALE_55 if female else RetirementCategory.MALE_60
        name = names.person_name(rng, female=female, birth_year=birth.year)
        if name in taken_names:
            continue
        taken_names.add(name)
        region, place = names.home_region(rng)
        education = rng.choice((Education.BACHELOR, Education.BACHELOR, Education.JUNIOR_COLLEGE))
        found.append(PersonSpec(
            name=name, id_number=names.id_number(rng, region=region, birth=birth, female=female, taken=taken_ids),
            unit_key="", sex=Sex.FEMALE if female else Sex.MALE, birth_date=birth, ethnicity="汉族",
            native_place=place, education=education, political_status=PoliticalStatus.CPC_MEMBER,
            work_started_on=date(birth.year + rng.randint(19, 22), rng.choice((7, 8, 9)), 1),
            retirement_category=category, phone=names.mobile(rng)))
    return found


def _retiree_member(rng: random.Random, person: PersonSpec, group: int) -> MemberSpec:
    retired = retirement_month(person.birth_date, person.retirement_category)
    admitted = _day_between(rng, _years(person.birth_date, 22), _years(person.birth_date, 30))
    came = _day_between(rng, FOUNDED_ON, min(date(2008, 12, 31), retired - timedelta(days=365)))
    return MemberSpec(
        key=person.id_number, name=person.name, birth_date=person.birth_date, group=group, admitted_on=admitted,
        joined_on=came, full_on=add_months(admitted, 12),
        joined_from=rng.choice(PREVIOUS_BRANCHES), category=MemberCategory.RETIRED,
        note=f"原在区委编办工作，{retired.year}年{retired.month}月退休")


def _balanced(groups: list[int]) -> list[int]:
    """Move members from the larger group to the smaller until they differ by at most one (last ones first)."""
    groups = list(groups)
    while abs(groups.count(0) - groups.count(1)) > 1:
        big = 0 if groups.count(0) > groups.count(1) else 1
        last = max(i for i, g in enumerate(groups) if g == big)
        groups[last] = 1 - big
    return groups


def _candidates(members: list[MemberSpec], day: date, taken: set[str]) -> list[MemberSpec]:
    """Who may take a seat on `day`: employed 正式党员 not seated yet, staying; leaders, heads, then the eldest."""
    rank = {"leader": 0, "head": 1, "": 2}
    able = [m for m in members if m.votes_on(day) and not m.retired_by(AS_OF) and m.left_on is None
            and m.key not in taken]
    return sorted(able, key=lambda m: (rank[m.post], m.birth_date))


def _term(members: list[MemberSpec], number: int, elected_on: date, document_no: str,
          wanted: list[tuple[str, str | None]]) -> TermSpec:
    """Fill `wanted` (role, preferred holder's login or a member key) with eligible members, in order."""
    by_user = {m.username: m for m in members if m.username}
    by_key = {m.key: m for m in members}
    full = sum(1 for m in members if m.votes_on(elected_on))
    seats: list[SeatSpec] = []
    taken: set[str] = set()
    for role, preferred in wanted:
        if full < 7 and role != R.SECRETARY:  # 条例: fewer than 7 正式党员 elect only a 书记 (domain.md §6.1)
            continue
        able = _candidates(members, elected_on, taken)
        choice = by_user.get(preferred or "") or by_key.get(preferred or "")
        if choice is None or choice not in able:
            choice = able[0] if able else None
        if choice is not None:
            seats.append(SeatSpec(choice.key, role))
            taken.add(choice.key)
    return TermSpec(number, elected_on, document_no, tuple(seats))


def plan_members(rng: random.Random, units: list[UnitSpec], people: list[PersonSpec],
                 staffing: StaffingPlan) -> tuple[list[MemberSpec], list[PersonSpec], list[TermSpec]] | None:
    """The members (register first, then retired), the retired members' persons and the committee terms; None when
    the selection holds too little of the office."""
    register = _register(rng, units, people, staffing)
    if len(register) < MIN_REGISTER_MEMBERS:
        return None
    retirees = _retirees(rng, max(0, min(MAX_RETIREES, TARGET_MEMBERS - len(register))), people)
    groups = [1 if r.division in SECOND_GROUP_DIVISIONS or (r.division is None and r.person.unit_key != c.OFFICE_KEY)
              else 0 for r in register]
    groups += [i % 2 for i in range(len(retirees))]
    groups = _balanced(groups)
    members = [_member(rng, entry, group) for entry, group in zip(register, groups, strict=False)]
    members += [_retiree_member(rng, person, group)
                for person, group in zip(retirees, groups[len(register):], strict=True)]
    members.sort(key=lambda m: (m.joined_on, m.key))

    first_no, first_on, first_doc = TERMS[0]
    first = _term(members, first_no, first_on, first_doc,
                  [(R.SECRETARY, SECRETARY), (R.ORGANISATION, ORGANISER), (R.PUBLICITY, PUBLICIST),
                   (R.DISCIPLINE, None), (R.MEMBER, None)])
    discipline = next((s.member for s in first.seats if s.role == R.DISCIPLINE), None)
    second_no, second_on, second_doc = TERMS[1]
    second = _term(members, second_no, second_on, second_doc,
                   [(R.SECRETARY, SECRETARY), (R.ORGANISATION, PUBLICIST), (R.PUBLICITY, SECOND_PUBLICIST),
                    (R.DISCIPLINE, discipline), (R.MEMBER, ORGANISER)])
    return members, retirees, [first, second]


def group_leaders(roster: Roster) -> list[str]:
    """Each group's leader: its member on the current committee (not the secretary), else its eldest 正式 staff."""
    seats = roster.seats_on(AS_OF)
    leaders = []
    for group in range(len(GROUP_NAMES)):
        in_group = [m for m in roster.on(AS_OF) if m.group == group and m.votes_on(AS_OF)]
        seated = [m for m in in_group if seats.get(m.key) not in (None, R.SECRETARY)]
        staff = sorted((m for m in in_group if not m.retired_by(AS_OF)), key=lambda m: m.birth_date)
        leader = (seated or staff or in_group)[0]
        leaders.append(leader.key)
    return leaders
