"""The demo branch's records, year by year, as plain data: every activity with its whole attendance sheet and its
resolutions, the talks, the exemptions and the yearly 民主评议 with its paper ballots. Drawn from the calendar
(party_calendar.py) and the members' dates (party_members.Roster), so that every record passes the services' checks:
the sheet lists exactly who was due that day, 党员大会 and 支委会 that decide have their quorum
(条例第十一条、第十三条), talks are between members of that day, at most a third of the appraised are graded 优秀.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import combinations

import chinese_calendar

from bianban.demo import party_calendar as cal
from bianban.demo.party_members import (
    ADMISSION_MEETING,
    FULL_MEETING,
    GROUP_NAMES,
    NEWCOMER_MEETING,
    MemberSpec,
    Roster,
)
from bianban.demo.people import AS_OF
from bianban.party.choices import ActivityKind as K
from bianban.party.choices import (
    ActivityStatus,
    AppraisalGrade,
    AttendanceStatus,
    CommitteeRole,
    TalkKind,
    VolunteerField,
)

R = CommitteeRole
P, L, A = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT
YEARS = (2023, 2024, 2025, 2026)
APPRAISAL_YEARS = (2023, 2024, 2025)
STUDY_HOURS = {K.STUDY: "3.0", K.FOLLOW_UP_STUDY: "1.5", K.SEMINAR: "2.0", K.PARTY_LECTURE: "2.0", K.BRIEFING: "2.0",
               K.SCREENING: "2.0", K.EDUCATION_VISIT: "4.0", K.INTEGRITY_EDUCATION: "1.5"}
# The seed gives no hours for its volunteer service: half a day in the forest, an afternoon in the community.
SERVICE_HOURS = {VolunteerField.FOREST_FIRE: Decimal("4.0"), VolunteerField.CIVILISED_CITY: Decimal("3.0")}
START_TIMES = {K.COMMITTEE_MEETING: time(9, 0), K.GROUP_MEETING: time(16, 0), K.PARTY_LECTURE: time(14, 30),
               K.THEME_DAY: time(14, 30), K.LIFE_MEETING: time(9, 0), K.VOLUNTEER: time(8, 30),
               K.EDUCATION_VISIT: time(8, 30)}
LEAVE_REASONS = ("出差", "参加区委党校培训", "病假", "年休假", "外出调研", "参加区里专题会议", "事假")
RETIREE_REASONS = ("年老体弱，学习材料已送达本人", "身体原因，已自学", "居住在外地，已线上参学")
# Kinds retired members mostly come to; to the rest they mostly send word.
RETIREES_COME = frozenset({K.GENERAL_MEETING, K.LIFE_MEETING, K.THEME_DAY, K.EDUCATION_VISIT})
# The two rounds of 廉政谈话 a year, before 春节 and before 中秋国庆: the first day of each.
INTEGRITY_ROUNDS = {2023: (date(2023, 1, 9), date(2023, 9, 11)), 2024: (date(2024, 1, 29), date(2024, 9, 2)),
                    2025: (date(2025, 1, 13), date(2025, 9, 15)), 2026: (date(2026, 2, 2), date(2026, 9, 7))}
TALKS_PER_ROUND = 4  # 分管领导和科室负责人开展廉政谈话8人次 (report 一（六）): two rounds of four
PAIRS_DONE_2026 = 0.65  # share of 条例第十九条's pairs that have talked by the demo's date
OFFICE_ROOM = cal.MEETING_ROOM


@dataclass(frozen=True)
class ActivitySpec:
    kind: str
    held_on: date
    topic: str
    status: str = ActivityStatus.HELD
    group: int | None = None
    start_time: time | None = None
    place: str = ""
    host: str = ""  # member keys
    recorder: str = ""
    speaker: str = ""
    content: str = ""
    decisions: str = ""
    materials: str = ""
    study_hours: Decimal | None = None
    service_field: str = ""
    service_hours: Decimal | None = None  # each present member's 志愿服务 hours
    attendance: tuple[tuple[str, str, str], ...] = ()  # (member key, status, reason)
    resolutions: tuple[tuple[str, int], ...] = ()  # (text, votes for)
    key: str = ""


@dataclass(frozen=True)
class TalkSpec:
    kind: str
    held_on: date
    topic: str
    talker: str
    talked: tuple[str, ...]
    place: str = OFFICE_ROOM
    summary: str = ""


@dataclass(frozen=True)
class AppraisalSpec:
    year: int
    started_on: date
    meeting: str  # ActivitySpec.key
    self_evaluations: tuple[tuple[str, str, str], ...]  # (member key, text, grade)
    ballots: tuple[tuple[tuple[str, str], ...], ...]  # one paper ballot: (member key, grade), the voter's own blank
    closed_on: date
    results: tuple[tuple[str, str], ...]
    published_on: date


@dataclass(frozen=True)
class ExemptionSpec:
    rule: str
    year: int
    index: int
    reason: str
    group: int | None = None


@dataclass
class Records:
    activities: list[ActivitySpec]
    talks: list[TalkSpec]
    appraisals: list[AppraisalSpec]
    exemptions: list[ExemptionSpec]


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know yet: Monday to Friday
        return day.weekday() < 5


def workday(day: date) -> date:
    """`day`, or the next working day."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


class _Planner:
    def __init__(self, rng: random.Random, roster: Roster, leaders: list[str]) -> None:
        self.rng, self.roster, self.leaders = rng, roster, leaders
        self.activities: list[ActivitySpec] = []
        self.talks: list[TalkSpec] = []
        on = roster.members
        self.admitted = [m for m in on if m.admitted_on == ADMISSION_MEETING and not m.joined_from]
        self.newcomers = [m for m in on if m.admitted_on == NEWCOMER_MEETING and not m.joined_from]

    # --- attendance ---------------------------------------------------------------------------------------------

    def _status(self, kind: str, member: MemberSpec, day: date, full: bool) -> tuple[str, str]:
        roll = self.rng.random()
        if member.retired_by(day):
            come = 0.75 if full else 0.6 if kind in RETIREES_COME else 0.25
            return (P, "") if roll < come else (L, self.rng.choice(RETIREE_REASONS))
        if full or roll < 0.9:
            return P, ""
        return (L, self.rng.choice(LEAVE_REASONS)) if roll < 0.99 else (A, "")

    def sheet(self, kind: str, day: date, group: int | None, keep: set[str], *, full: bool = False,
              inquorate: bool = False) -> tuple[tuple[str, str, str], ...]:
        """The whole sheet for who is due; `keep` (host, recorder) present; the quorum made up from those on leave
        (they came after all) unless the meeting is `inquorate` on purpose."""
        due = self.roster.due(kind, day, group)
        rows = {m.key: self._status(kind, m, day, full) for m in due}
        for key in keep & rows.keys():
            rows[key] = (P, "")
        if inquorate:  # only the host and the recorder came
            for key in [m.key for m in due if m.key not in keep]:
                rows[key] = (L, self.rng.choice(("出差", "参加区里专题会议", "外出调研")))
        elif kind in (K.GENERAL_MEETING, K.COMMITTEE_MEETING):
            counted = [m for m in due if kind == K.COMMITTEE_MEETING or m.votes_on(day)]
            staff_first = sorted(counted, key=lambda m: m.retired_by(day))
            while 2 * sum(rows[m.key][0] == P for m in counted) <= len(counted):
                rows[next(m.key for m in staff_first if rows[m.key][0] != P)] = (P, "")
        return tuple((m.key, *rows[m.key]) for m in due)

    def voters_present(self, sheet: tuple[tuple[str, str, str], ...], day: date) -> int:
        return sum(1 for key, status, _ in sheet if status == P and self.roster.by_key[key].votes_on(day))

    # --- activities ---------------------------------------------------------------------------------------------

    def holder(self, role: str, day: date) -> str:
        member = self.roster.holder(role, day)
        return member.key if member else ""

    def add(self, kind: str, day: date, topic: str, *, group: int | None = None, place: str = "", speaker: str = "",
            content: str = "", materials: str = "", resolutions: tuple[str, ...] = (), key: str = "",
            full: bool = False, inquorate: bool = False, host: str | None = None,
            recorder: str | None = None, service_field: str = "") -> ActivitySpec | None:
        """A held activity (none after the demo's date). Host and recorder default to the secretary and the
        组织委员 of the day; "" for nobody."""
        if day > AS_OF:
            return None
        host = self.holder(R.SECRETARY, day) if host is None else host
        recorder = self.holder(R.ORGANISATION, day) if recorder is None else recorder
        keep = {k for k in (host, recorder) if k}
        attendance = self.sheet(kind, day, group, keep, full=full, inquorate=inquorate)
        if kind == K.COMMITTEE_MEETING:
            votes = sum(1 for _, status, _ in attendance if status == P)
        else:
            votes = self.voters_present(attendance, day)
        hours = STUDY_HOURS.get(kind)
        spec = ActivitySpec(
            kind=kind, held_on=day, topic=topic, group=group, start_time=START_TIMES.get(kind, time(15, 0)),
            place=place or (cal.ACTIVITY_ROOM if kind == K.THEME_DAY else OFFICE_ROOM), host=host,
            recorder=recorder, speaker=speaker, content=content, materials=materials,
            decisions="；".join(resolutions), study_hours=Decimal(hours) if hours else None, attendance=attendance,
            resolutions=tuple((text, votes) for text in resolutions), key=key, service_field=service_field,
            service_hours=SERVICE_HOURS.get(service_field))
        self.activities.append(spec)
        return spec

    def planned(self, kind: str, day: date, topic: str) -> None:
        self.activities.append(ActivitySpec(kind=kind, held_on=day, topic=topic, status=ActivityStatus.PLANNED,
                                            start_time=START_TIMES.get(kind, time(15, 0)), place=OFFICE_ROOM))

    def names(self, members: list[MemberSpec]) -> str:
        return "、".join(m.name for m in members)

    def text(self, template: str) -> str:
        """A calendar topic with the names filled in ("发展对象" where the selection has nobody to name)."""
        for field, members in (("admitted", self.admitted), ("newcomer", self.newcomers)):
            if not members:
                template = template.replace(f"{{{field}}}同志", "发展对象")
        return template.format(admitted=self.names(self.admitted), newcomer=self.names(self.newcomers),
                               term=self.roster.terms[-1].label)

    def month(self, year: int, month: int) -> None:
        rng = self.rng
        topic = self.text(cal.COMMITTEE_TOPICS[year][month - 1])
        election = next((t for t in self.roster.terms if (t.elected_on.year, t.elected_on.month) == (year, month)
                         and year >= cal.FIRST_YEAR), None)
        day = election.elected_on if election else workday(date(year, month, rng.randint(3, 7)))
        if day > AS_OF and (year, month) == (AS_OF.year, AS_OF.month):
            self.planned(K.COMMITTEE_MEETING, day, topic)
        elif (year, month) not in cal.MISSED_COMMITTEE:
            resolutions: tuple[str, ...] = ()
            if election:
                secretary = self.roster.holder(R.SECRETARY, day)
                resolutions = (f"选举{secretary.name}同志为支部书记，报区直机关工委批准",) if secretary else ()
            elif "提交支部党员大会" in topic:
                resolutions = ("同意提交支部党员大会讨论",)
            inquorate = (year, month) == cal.INQUORATE_COMMITTEE
            content = ("三名支委因出差、参加区里专题会议请假，到会支委未过半数，会议仅通报情况，"
                       "议题顺延至下次支委会研究。" if inquorate else "")
            self.add(K.COMMITTEE_MEETING, day, topic, resolutions=() if inquorate else resolutions,
                     inquorate=inquorate, content=content)
        theme = cal.THEME_DAYS[year][month - 1]
        if theme:
            day = workday(date(year, month, 10))
            if day > AS_OF and (year, month) == (AS_OF.year, AS_OF.month):
                self.planned(K.THEME_DAY, day, theme)
            else:
                self.add(K.THEME_DAY, day, theme,
                         content="按照主题党日“固定时间、固定主题”的要求开展，会后抓好议定事项落实。")
        for group, name in enumerate(GROUP_NAMES):
            if (year, group, month) in cal.MISSED_GROUP or (year, month) == cal.GROUP_EXEMPT[:2]:
                continue
            day = workday(date(year, month, 18 + 3 * group + rng.randint(0, 2)))
            leader = self.leaders[group]
            host = leader if self.roster.by_key[leader].member_on(day) else ""
            others = [m.key for m in self.roster.group_of(group, day) if m.key != host and not m.retired_by(day)]
            self.add(K.GROUP_MEETING, day, f"{name}会：{rng.choice(cal.GROUP_TOPICS)}", group=group,
                     host=host, recorder=others[0] if others else "")

    def quarter(self, year: int, quarter: int) -> None:
        rng = self.rng
        last = 3 * quarter
        topic = self.text(cal.GENERAL_TOPICS[year][quarter - 1])
        special = {ADMISSION_MEETING: self.admitted, FULL_MEETING: self.admitted, NEWCOMER_MEETING: self.newcomers}
        election = next((t for t in self.roster.terms if t.elected_on.year == year and year >= cal.FIRST_YEAR
                         and (t.elected_on.month - 1) // 3 + 1 == quarter), None)
        day = next((d for d in special if (d.year, (d.month - 1) // 3 + 1) == (year, quarter)), None)
        resolutions: tuple[str, ...] = ()
        full = False
        if election:
            day, full = election.elected_on, True
            seated = [self.roster.by_key[s.member] for s in election.seats]
            resolutions = (f"选举产生{election.label}支部委员会，委员{len(seated)}名：{self.names(seated)}",)
        elif day == ADMISSION_MEETING:
            resolutions = tuple(f"接收{m.name}同志为中共预备党员" for m in self.admitted)
        elif day == FULL_MEETING:
            resolutions = tuple(f"同意{m.name}同志按期转为中共正式党员" for m in self.admitted)
        elif day == NEWCOMER_MEETING:
            resolutions = tuple(f"接收{m.name}同志为中共预备党员" for m in self.newcomers)
        else:
            day = workday(date(year, last, rng.randint(18, 22)))
            if quarter == 1:
                resolutions = (f"通过支部{year}年度党建工作计划",)
            elif quarter == 4:
                resolutions = (f"通过支部{year}年度工作总结",)
        self.add(K.GENERAL_MEETING, day, f"支部党员大会：{topic}", resolutions=resolutions, full=full)

        lecture, by = cal.LECTURES[year][quarter - 1]
        day = workday(date(year, last - 1, rng.randint(12, 16)))
        speaker = self.roster.holder(R.SECRETARY if by == "secretary" else by, day)
        role = "支部书记" if by == "secretary" else CommitteeRole(by).label
        self.add(K.PARTY_LECTURE, day, lecture, speaker=f"{speaker.name}（{role}）" if speaker else "",
                 content="结合理论学习和机构编制工作实际讲授专题党课，党员交流学习体会。")
        day = workday(date(year, last, rng.randint(8, 12)))
        self.add(K.IDEOLOGY_REVIEW, day, cal.IDEOLOGY_TOPIC.format(quarter=cal.QUARTERS[quarter - 1]),
                 content="分析研判本季度意识形态领域情况，梳理风险点，研究网络热点、舆论风向和重要节点的应对措施。")

    def year(self, year: int) -> None:
        for month in range(1, 13):
            self.month(year, month)
        for quarter in range(1, 5):
            self.quarter(year, quarter)
        for event in cal.EVENTS[year]:
            self.add(event.kind, workday(event.day), event.topic, place=event.place, speaker=event.speaker,
                     content=event.content, materials=event.materials, key=event.key,
                     service_field=event.service_field)
        if year in APPRAISAL_YEARS:
            self.add(K.LIFE_MEETING, workday(date(year, 12, 26)), cal.LIFE_MEETING_TOPIC.format(year=year),
                     key=f"life-{year}", full=True,
                     content="会前开展谈心谈话、广泛征求意见；会上支部书记代表支委会作对照检查，党员逐一发言，"
                             "开展批评和自我批评，进行民主评议党员；会后建立整改清单。")

    # --- talks --------------------------------------------------------------------------------------------------

    def _rank(self, member: MemberSpec, day: date) -> tuple[int, date]:
        """Who leads a talk between two: the secretary, then a committee member, then the office's leadership,
        then the elder."""
        role = self.roster.seats_on(day).get(member.key)
        rank = 0 if role == R.SECRETARY else 1 if role else 2 if member.post == "leader" else 3
        return rank, member.birth_date

    def talk(self, kind: str, day: date, topic: str, talker: MemberSpec, talked: MemberSpec,
             summary: str = "") -> None:
        retired = next((m for m in (talked, talker) if m.retired_by(day)), None)
        place = f"{retired.name}同志家中" if retired and kind == TalkKind.HEART_TO_HEART else OFFICE_ROOM
        self.talks.append(TalkSpec(kind, day, topic, talker.key, (talked.key,), place,
                                   summary or "交流思想、工作和生活情况，互相提出意见建议。"))

    def integrity_round(self, first: date, topic: str) -> None:
        """分管领导 talk with 科室负责人 (report 一（六）): one talk each, on successive working days."""
        day = workday(first)
        on = [m for m in self.roster.on(day) if m.votes_on(day) and not m.retired_by(day)]
        leaders = [m for m in on if m.post == "leader"] or [self.roster.by_key[self.holder(R.SECRETARY, day)]]
        secretary = self.holder(R.SECRETARY, day)
        heads = sorted((m for m in on if m not in leaders and m.key != secretary),
                       key=lambda m: (m.post != "head", m.birth_date))
        for n, talked in enumerate(heads[:TALKS_PER_ROUND]):
            self.talk(TalkKind.INTEGRITY, day, topic, leaders[n % len(leaders)], talked,
                      "提醒严守廉洁纪律，把好机构编制审核关口，对苗头性问题早提醒、早纠正。")
            day = workday(day + timedelta(days=1))

    def heart_2023(self) -> None:
        """召集班子成员开展谈话4人次 (report 一（六）): the secretary with each other member of the committee."""
        day = workday(date(2023, 11, 6))
        secretary = self.roster.holder(R.SECRETARY, day)
        for key, role in self.roster.seats_on(day).items():
            if role != R.SECRETARY and secretary is not None:
                self.talk(TalkKind.HEART_TO_HEART, day, "书记与支委谈心谈话：交流思想和履职情况，征求对支部班子的意见",
                          secretary, self.roster.by_key[key])
                day = workday(day + timedelta(days=1))

    def pairs(self, year: int, share: float) -> None:
        """条例第十九条: every two members of the year talk once (with `share` < 1, only that many so far)."""
        start, end = date(year, 1, 1), min(date(year, 12, 31), AS_OF - timedelta(days=1))
        for a, b in combinations(self.roster.members, 2):
            first = max(a.joined_on, b.joined_on, start)
            last = min([end] + [m.left_on - timedelta(days=1) for m in (a, b) if m.left_on])
            if first > last or self.rng.random() >= share:
                continue
            window = (max(first, date(year, 1, 4)), min(last, date(year, 12, 20)))
            low, high = window if window[0] <= window[1] else (first, last)
            day = low + timedelta(days=self.rng.randint(0, (high - low).days))
            for _ in range(7):  # the next working day inside the overlap, if any
                if is_workday(day) or day >= high:
                    break
                day += timedelta(days=1)
            talker, talked = sorted((a, b), key=lambda m: self._rank(m, day))
            rank = self._rank(talker, day)[0]
            pool = "secretary" if rank == 0 else "committee" if rank == 1 and self._rank(talked, day)[0] == 1 \
                else "member"
            self.talk(TalkKind.HEART_TO_HEART, day, self.rng.choice(cal.HEART_TALK_TOPICS[pool]), talker, talked)

    def reminder(self, year: int) -> None:
        """A 提醒谈话 with the member of staff who missed most of the year's activities."""
        missed: Counter[str] = Counter()
        for activity in self.activities:
            if activity.held_on.year == year:
                missed.update(key for key, status, _ in activity.attendance if status == A)
        staff = [k for k, _ in missed.most_common() if not self.roster.by_key[k].retired_by(AS_OF)]
        day = workday(date(year, 7, 8))
        secretary = self.roster.holder(R.SECRETARY, day)
        if staff and secretary is not None and staff[0] != secretary.key:
            self.talk(TalkKind.REMINDER, day, "提醒谈话：按时参加组织生活，认真履行党员义务", secretary,
                      self.roster.by_key[staff[0]], "指出缺席组织生活的问题，本人表示今后按时参加。")

    # --- 民主评议 ------------------------------------------------------------------------------------------------

    def appraisal(self, year: int) -> AppraisalSpec:
        rng = self.rng
        meeting = next(a for a in self.activities if a.key == f"life-{year}")
        started = workday(date(year, 12, 4))
        members = self.roster.on(started)
        voters = [m for m in members if m.votes_on(started)]
        most = len(members) // 3  # 优秀一般不超过三分之一 (domain.md §6.4)
        staff = [m for m in voters if not m.retired_by(started)]
        favourites = {m.key for m in rng.sample(staff, min(most, len(staff)))}
        ballots = []
        for voter in voters:
            ballot = []
            for m in members:
                if m.key == voter.key:
                    continue
                roll = rng.random()
                grade = (AppraisalGrade.EXCELLENT if roll < (0.8 if m.key in favourites else 0.05)
                         else AppraisalGrade.BASIC if roll > 0.985 else AppraisalGrade.QUALIFIED)
                ballot.append((m.key, grade.value))
            ballots.append(tuple(ballot))
        excellent = Counter(k for ballot in ballots for k, g in ballot if g == AppraisalGrade.EXCELLENT)
        chosen = [k for k, n in sorted(excellent.items(), key=lambda kv: (-kv[1], kv[0]))
                  if 2 * n > len(ballots)][:most]
        evaluations = tuple((m.key, rng.choice(cal.SELF_EVALUATIONS),
                             "" if rng.random() < 0.2 else AppraisalGrade.QUALIFIED.value) for m in members)
        results = tuple((m.key, (AppraisalGrade.EXCELLENT if m.key in chosen else AppraisalGrade.QUALIFIED).value)
                        for m in members)
        return AppraisalSpec(year, started, meeting.key, evaluations, tuple(ballots), meeting.held_on, results,
                             workday(meeting.held_on + timedelta(days=7)))


def plan_records(rng: random.Random, roster: Roster, leaders: list[str]) -> Records:
    """Everything the branch recorded from 2023 to the demo's date."""
    planner = _Planner(rng, roster, leaders)
    for year in YEARS:
        planner.year(year)
    planner.activities.sort(key=lambda a: (a.held_on, a.start_time or time(0), a.kind))
    for year in YEARS:
        first, second = INTEGRITY_ROUNDS[year]
        planner.integrity_round(first, cal.INTEGRITY_TALK_TOPICS[0])
        if year == cal.FIRST_YEAR:
            planner.heart_2023()
        else:
            planner.pairs(year, PAIRS_DONE_2026 if year == AS_OF.year else 1.0)
        if second <= AS_OF:
            planner.integrity_round(second, cal.INTEGRITY_TALK_TOPICS[1])
    planner.reminder(2024)
    planner.talks.sort(key=lambda t: (t.held_on, t.talker, t.talked))
    appraisals = [planner.appraisal(year) for year in APPRAISAL_YEARS]
    year, month, reason = cal.GROUP_EXEMPT
    exemptions = [ExemptionSpec("group_meeting", year, month, reason)]
    return Records(planner.activities, planner.talks, appraisals, exemptions)
