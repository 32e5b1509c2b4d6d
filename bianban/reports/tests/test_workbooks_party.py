"""The 党建工作统计表: over the party tests' branch (区教育局机关党支部, 7 正式党员 in two groups), a random year of
activities with random absences, study and volunteer hours, talks, and visits raising ledger problems (some closed)
is written through the services and counted as it is written; the workbook, re-read with calamine, shows those
counts, whatever another branch or another year holds, and every 合计 is the sum of its rows."""

import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bianban.duties.tests.visits_fixtures import ISSUES
from bianban.duties.visits.services import VisitorIn, campaign_create, visit_create
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemStatus
from bianban.ledger.models import Problem
from bianban.party.activities import services as activities
from bianban.party.choices import STUDY_KINDS, ActivityKind, AttendanceStatus, TalkKind
from bianban.party.talks.services import ProblemDraft, talk_create, talk_create_with_problem
from bianban.party.tests import activities_fixtures
from bianban.party.tests import conftest as party_fixtures
from bianban.party.tests.activities_fixtures import sheet
from bianban.reports.workbooks.party import build_party

pytestmark = pytest.mark.django_db
branch, make_person, health = party_fixtures.branch, party_fixtures.make_person, activities_fixtures.health  # fixtures
K = ActivityKind
# 支委会 is left out: the fixture's committee was elected only a year ago, so last year's early months have nobody due.
KINDS = [K.GENERAL_MEETING, K.GROUP_MEETING, K.PARTY_LECTURE, K.THEME_DAY, K.SEMINAR, K.FOLLOW_UP_STUDY, K.SCREENING,
         K.VOLUNTEER]
LABELS = {k.value: str(k.label) for k in ActivityKind}


@dataclass
class Made:
    year: int
    months: dict[str, list[int]] = field(default_factory=dict)
    kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # due/present/leave/absent
    hours: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # study hours by kind
    member: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    member_hours: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    service_hours: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    talk_groups: list[list[int]] = field(default_factory=list)  # member ids of each 谈心谈话
    talks: Counter = field(default_factory=Counter)  # kind → talks
    talked: Counter = field(default_factory=Counter)  # kind → 人次
    problems: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # source → status
    open_problems: list[int] = field(default_factory=list)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _record(rng: random.Random, party: SimpleNamespace, kind: str, on: date, made: Made | None) -> None:
    group = rng.choice(party.groups) if kind == K.GROUP_MEETING else None
    entries = sheet(party.branch, on, kind, group)
    away = set(rng.sample(range(len(entries)), k=min(len(entries), rng.randint(0, 2))))
    entries = [replace(e, status=rng.choice([AttendanceStatus.ABSENT, AttendanceStatus.LEAVE])) if i in away else e
               for i, e in enumerate(entries)]
    entries = [replace(e, reason="出差" if e.status == AttendanceStatus.LEAVE else "") for e in entries]
    extra: dict[str, Any] = {}
    hours = Decimal(rng.choice(["1.5", "2", "3"])) if kind in STUDY_KINDS else None
    if hours is not None:
        extra["study_hours"] = hours
        # A member's own hours where recorded (arrived late), else the activity's.
        entries = [replace(e, study_hours=Decimal("0.5")) if e.status == AttendanceStatus.PRESENT and rng.random()
                   < 0.2 else e for e in entries]
    if kind == K.VOLUNTEER:
        extra["service_field"] = "community"
        entries = [replace(e, service_hours=Decimal(rng.choice(["2", "3.5"])))
                   if e.status == AttendanceStatus.PRESENT else e for e in entries]
    activities.activity_create(actor=None, branch=party.branch, kind=kind, held_on=on, topic="学习贯彻党的二十大精神",
                               group=group, attendance=entries, **extra)
    if made is None:
        return
    made.months.setdefault(kind, [0] * 12)[on.month - 1] += 1
    made.kind[kind]["activities"] += 1
    for e in entries:
        key = {"PRESENT": "present", "LEAVE": "leave", "ABSENT": "absent"}[e.status]
        made.kind[kind]["due"] += 1
        made.kind[kind][key] += 1
        made.member[e.member_id]["due"] += 1
        made.member[e.member_id][key] += 1
        if hours is not None:
            made.member[e.member_id]["study_due"] += 1
            if e.status == AttendanceStatus.PRESENT:
                credited = e.study_hours if e.study_hours is not None else hours
                made.hours[kind] += credited
                made.member_hours[e.member_id] += credited
                made.member[e.member_id]["study_present"] += 1
        if kind == K.VOLUNTEER and e.status == AttendanceStatus.PRESENT:
            made.service_hours[e.member_id] += e.service_hours


def _close(problem: Any, admin: Any) -> None:
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.IN_PROGRESS)
    measure = ledger.measure_create(actor=admin, problem=problem, description="协调承办部门答复")
    ledger.measure_complete(actor=admin, measure=measure)
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.AWAITING_REVIEW)
    ledger.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.CLOSED)


def _talks(rng: random.Random, party: SimpleNamespace, year: int, made: Made | None) -> None:
    for _ in range(rng.randint(2, 6)):
        kind = rng.choice([TalkKind.HEART_TO_HEART, TalkKind.HEART_TO_HEART, TalkKind.INTEGRITY])
        people = rng.sample(party.full, k=rng.randint(2, 3))
        on = _day(rng, date(year, 1, 1), date(year, 12, 31))
        values = {"actor": None, "branch": party.branch, "kind": kind, "held_on": on, "topic": "谈心谈话",
                  "talker": people[0], "talked_to": people[1:]}
        if made is not None and rng.random() < 0.3:
            talk = talk_create_with_problem(problem=ProblemDraft(title="反映工作压力大"), **values)
            made.problems["谈心谈话"][ProblemStatus.OPEN] += 1
            made.open_problems.append(talk.problem_id)
        else:
            talk_create(**values)
        if made is not None:
            made.talks[kind] += 1
            made.talked[kind] += len(people) - 1
            if kind == TalkKind.HEART_TO_HEART:
                made.talk_groups.append([m.pk for m in people])


def _visits(rng: random.Random, party: SimpleNamespace, year: int, made: Made | None, admin: Any) -> None:
    campaign = campaign_create(actor=None, branch=party.branch, title=f"{year}年集中走访", starts_on=date(year, 4, 1),
                               ends_on=date(year, 7, 31), scope="海滨街道")
    for _ in range(rng.randint(1, 4)):
        issues = rng.sample(ISSUES, k=rng.randint(0, len(ISSUES)))
        visit = visit_create(actor=None, campaign=campaign, visited_on=_day(rng, date(year, 4, 1), date(year, 7, 31)),
                             team_role="branch_member", street="海滨街道", community="望海社区", group="hardship",
                             households=1, people=2, visitors=[VisitorIn(role="branch_member", member=party.full[0])],
                             issues=issues)
        for row in visit.issues.select_related("problem"):
            closed = rng.random() < 0.5
            if closed:
                _close(row.problem, admin)
            if made is not None:
                made.problems["集中走访"][ProblemStatus.CLOSED if closed else ProblemStatus.OPEN] += 1
                if not closed:
                    made.open_problems.append(row.problem_id)


def build_year(seed: int, party: SimpleNamespace, other: SimpleNamespace, admin: Any) -> Made:
    rng = random.Random(seed)
    made = Made(year=timezone.localdate().year - 1)
    for _ in range(rng.randint(8, 18)):
        _record(rng, party, rng.choice(KINDS), _day(rng, date(made.year, 1, 1), date(made.year, 12, 31)), made)
    _talks(rng, party, made.year, made)
    _visits(rng, party, made.year, made, admin)
    # Not counted: the year before, and another branch's year.
    _record(rng, party, K.SEMINAR, date(made.year - 1, 6, 1), None)
    _talks(rng, party, made.year - 1, None)
    _visits(rng, party, made.year - 1, None, admin)
    _record(rng, other, K.GENERAL_MEETING, date(made.year, 6, 1), None)
    return made


@pytest.fixture
def other(health: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(branch=health.branch, groups=[], full=health.members, user=health.secretary_user)


def sheets_of(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def table(rows: list[list[Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    headers = rows[2]
    assert rows[3][0] == "合计"
    return dict(zip(headers, rows[3], strict=True)), [dict(zip(headers, r, strict=True)) for r in rows[4:]]


def sums_match(total: dict[str, Any], rows: list[dict[str, Any]], columns: list[str]) -> None:
    for column in columns:
        assert total[column] == pytest.approx(sum(r[column] or 0 for r in rows)), column


@pytest.mark.parametrize("seed", [2, 9, 14])
def test_its_figures_equal_independent_counts(seed: int, branch: SimpleNamespace, other: SimpleNamespace,
                                              admin: Any) -> None:
    made = build_year(seed, branch, other, admin)
    sheets = sheets_of(build_party(branch.branch, made.year)[0])

    total, rows = table(sheets["活动统计"])
    months = [f"{m}月" for m in range(1, 13)]
    shown = {r["活动类型"]: [int(r[m]) for m in months] for r in rows}
    assert list(shown) == [str(k.label) for k in ActivityKind]  # every kind listed, the empty ones with zeros
    assert {k: v for k, v in shown.items() if any(v)} == {LABELS[k]: v for k, v in made.months.items()}
    sums_match(total, rows, [*months, "合计"])
    assert int(total["合计"]) == sum(sum(v) for v in made.months.values())

    total, rows = table(sheets["出席情况"])
    assert {r["活动类型"]: (int(r["召开次数"]), int(r["应到（人次）"]), int(r["实到（人次）"]), int(r["请假（人次）"]),
                            int(r["缺席（人次）"])) for r in rows} == {
        LABELS[k]: (c["activities"], c["due"], c["present"], c["leave"], c["absent"]) for k, c in made.kind.items()}
    for r in rows:
        kind = next(k for k, label in LABELS.items() if label == r["活动类型"])
        assert r["出席率"] == pytest.approx(made.kind[kind]["present"] / made.kind[kind]["due"], abs=1e-4)
        assert r["学时（人·小时）"] == (float(made.hours[kind]) if kind in STUDY_KINDS else "")
    sums_match(total, rows, ["召开次数", "应到（人次）", "实到（人次）", "请假（人次）", "缺席（人次）",
                             "学时（人·小时）"])

    total, rows = table(sheets["党员情况"])
    by_name = {r["姓名"]: r for r in rows}
    assert set(by_name) == {m.person.name for m in branch.full}  # the 预备党员 joined this year, not last
    partners: dict[int, set[int]] = defaultdict(set)
    for ids in made.talk_groups:
        for a, b in combinations(ids, 2):
            partners[a].add(b)
            partners[b].add(a)
    for m in branch.full:
        r, c = by_name[m.person.name], made.member[m.pk]
        assert (int(r["应参加（人次）"]), int(r["出席"]), int(r["请假"]), int(r["缺席"])) == (
            c["due"], c["present"], c["leave"], c["absent"])
        assert (int(r["应参加学习"]), int(r["参加学习"])) == (c["study_due"], c["study_present"])
        assert r["学时"] == pytest.approx(float(made.member_hours[m.pk]))
        assert r["志愿服务时长（小时）"] == pytest.approx(float(made.service_hours[m.pk]))
        assert int(r["参加谈心谈话（次）"]) == sum(1 for ids in made.talk_groups if m.pk in ids)
        assert int(r["尚未谈心谈话的党员（人）"]) == len(branch.full) - 1 - len(partners[m.pk])
    sums_match(total, rows, ["应参加（人次）", "出席", "请假", "缺席", "应参加学习", "参加学习", "学时",
                             "志愿服务时长（小时）", "参加谈心谈话（次）"])

    rows = sheets["谈心谈话"]
    total, categories = table(rows[:7])
    pairs = {tuple(sorted(p)) for ids in made.talk_groups for p in combinations(ids, 2)}
    assert (int(total["应谈（对）"]), int(total["已谈（对）"])) == (21, len(pairs))  # C(7, 2) pairs all year
    sums_match(total, categories, ["应谈（对）", "已谈（对）", "未谈（对）"])
    kinds = {r[0]: (int(r[1]), int(r[2])) for r in rows[9:]}
    assert kinds == {**{str(k.label): (made.talks[k], made.talked[k]) for k in TalkKind},
                     "合计": (sum(made.talks.values()), sum(made.talked.values()))}

    total, rows = table(sheets["问题台账"])
    statuses = [str(s.label) for s in ProblemStatus]
    assert {r["来源"]: {s.label: int(r[str(s.label)]) for s in ProblemStatus} for r in rows} == {
        source: {s.label: made.problems[source][s] for s in ProblemStatus}
        for source in ("集中走访", "谈心谈话", "书记项目")}
    sums_match(total, rows, [*statuses, "合计", "其中逾期"])
    today = timezone.localdate()
    late = Problem.objects.filter(pk__in=made.open_problems, deadline__lt=today).count()
    assert int(total["其中逾期"]) == late


def test_an_empty_year_is_a_table_of_zeros(branch: SimpleNamespace) -> None:
    sheets = sheets_of(build_party(branch.branch, 2001)[0])
    total, rows = table(sheets["活动统计"])
    assert int(total["合计"]) == 0 and len(rows) == len(ActivityKind)
    total, rows = table(sheets["出席情况"])
    assert rows == [] and total["出席率"] == ""
    total, rows = table(sheets["问题台账"])
    assert int(total["合计"]) == 0 and total["销号率"] == ""


def test_its_sheets_are_frozen_and_formatted(branch: SimpleNamespace, other: SimpleNamespace, admin: Any) -> None:
    made = build_year(3, branch, other, admin)
    book = load_workbook(io.BytesIO(build_party(branch.branch, made.year)[0]))
    assert book.sheetnames == ["活动统计", "出席情况", "党员情况", "谈心谈话", "问题台账"]
    assert book["党员情况"].freeze_panes == "C5" and book["活动统计"].freeze_panes == "B5"
    attendance = book["出席情况"]
    assert attendance["G4"].number_format == "0.0%" and attendance["H4"].number_format == "#,##0.0"
    assert attendance["C5"].number_format == "#,##0"
    assert book["活动统计"]["A1"].value == f"示例区教育局机关党支部{made.year}年度党建工作统计表"
