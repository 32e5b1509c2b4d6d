"""The 机构编制统计表: over the test district (区教育局 › 区第一中学, 区卫健局 › 区人民医院), a random register is
written through the staffing services — quota set and increased on random days, people entering and leaving, approvals
reserving and withdrawn, leadership posts filled — and logged as it is written. The workbook, re-read with calamine,
shows for every unit, line and post, on any day, the figures the log gives; every 合计 is the sum of its rows; a
liaison's table holds only their own subtree."""

import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bianban.reports.workbooks.establishment import build_establishment
from bianban.staffing import services
from bianban.staffing.choices import Enforcement, PostGrade, ReleaseReason
from bianban.staffing.models import QuotaLine
from bianban.staffing.selectors import unit_staffing
from bianban.staffing.tests.helpers import people
from bianban.units.choices import Funding, QuotaKind

pytestmark = pytest.mark.django_db
KIND_LABELS = {QuotaKind.ADMINISTRATIVE: "行政编制", QuotaKind.SERVICE_WORKER: "工勤编制",
               QuotaKind.INSTITUTION: "事业编制"}
FUNDING_LABELS = {Funding.NONE: "不区分经费形式（机关编制）", Funding.FULL: "全额拨款", Funding.PARTIAL: "差额拨款",
                  Funding.SELF: "自收自支"}


@dataclass
class LineLog:
    unit: str
    kind: str
    funding: str
    moves: list[tuple[date, int]] = field(default_factory=list)
    stays: list[list[Any]] = field(default_factory=list)  # [start, end or None]
    approvals: list[dict[str, Any]] = field(default_factory=list)  # issued, closed, count, uses

    def first(self) -> date:
        return min(d for d, _ in self.moves)

    def at(self, day: date) -> tuple[int, int, int]:
        approved = sum(n for d, n in self.moves if d <= day)
        occupied = sum(1 for start, end in self.stays if start <= day and (end is None or end > day))
        reserved = sum(a["count"] - sum(1 for u in a["uses"] if u <= day) for a in self.approvals
                       if a["issued"] <= day and (a["closed"] is None or a["closed"] > day))
        return approved, occupied, reserved


@dataclass
class PostLog:
    unit: str
    grade: str
    approved: int
    stays: list[list[Any]] = field(default_factory=list)

    def filled(self, day: date) -> int:
        return sum(1 for start, end in self.stays if start <= day and (end is None or end > day))


@dataclass
class Register:
    base: date
    lines: list[LineLog] = field(default_factory=list)
    posts: list[PostLog] = field(default_factory=list)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def build_register(seed: int, district: SimpleNamespace) -> Register:
    """A random register of the test district, written through the services and logged as written."""
    rng = random.Random(seed)
    today = timezone.localdate()
    log = Register(base=today - timedelta(days=900))
    specs = [(district.edu, QuotaKind.ADMINISTRATIVE, Funding.NONE),
             (district.edu, QuotaKind.SERVICE_WORKER, Funding.NONE),
             (district.school, QuotaKind.INSTITUTION, Funding.FULL),
             (district.health, QuotaKind.ADMINISTRATIVE, Funding.NONE),
             (district.hospital, QuotaKind.INSTITUTION, Funding.PARTIAL),
             (district.hospital, QuotaKind.INSTITUTION, Funding.SELF)]
    posts = {}
    for unit, grade, n in ((district.edu, PostGrade.PRINCIPAL, 1), (district.edu, PostGrade.DEPUTY, 2),
                           (district.school, PostGrade.DEPUTY, rng.randint(1, 2))):
        post = services.post_quota_set(actor=None, unit=unit, grade=grade, approved=n, document_no="示编〔2024〕9号",
                                       effective_on=log.base)
        posts[post.pk] = (post, PostLog(unit.name, grade, n))
    for unit, kind, funding in specs:
        line_log = LineLog(unit.name, kind, funding)
        log.lines.append(line_log)
        approved = rng.randint(4, 9)
        set_on = _day(rng, log.base, log.base + timedelta(days=200))
        services.quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type="SET", amount=approved,
                                       document_no="示编〔2024〕1号", effective_on=set_on)
        line_log.moves.append((set_on, approved))
        if rng.random() < 0.6:
            more, later = rng.randint(1, 3), _day(rng, set_on, today - timedelta(days=30))
            services.quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type="INCREASE",
                                           amount=more, document_no="示编〔2025〕2号", effective_on=later)
            line_log.moves.append((later, more))
        unit_posts = [(p, plog) for p, plog in posts.values() if p.unit_id == unit.pk]
        reserved = 0
        if rng.random() < 0.5:  # an approval of 2, used once later, the other slot still reserved
            issued = _day(rng, set_on, today - timedelta(days=60))
            approval = services.approval_create(actor=None, unit=unit, kind=kind, funding=funding, count=2,
                                                document_no="示编核〔2025〕1号", issued_on=issued,
                                                valid_until=today + timedelta(days=30))
            use = _day(rng, issued, today)
            person = people(1, unit)[0]
            services.placement_enrol(actor=None, person=person, unit=unit, kind=kind, funding=funding, on=use,
                                     document_no="示编入〔2025〕1号", approval=approval)
            line_log.approvals.append({"issued": issued, "closed": None, "count": 2, "uses": [use]})
            line_log.stays.append([use, None])
            reserved = 1
        if rng.random() < 0.5:  # an approval withdrawn some days after it was issued
            issued = _day(rng, set_on, today - timedelta(days=40))
            approval = services.approval_create(actor=None, unit=unit, kind=kind, funding=funding, count=1,
                                                document_no="示编核〔2025〕2号", issued_on=issued,
                                                valid_until=today + timedelta(days=30))
            closed = _day(rng, issued, today)
            services.approval_withdraw(actor=None, approval=approval, reason="单位调整计划", on=closed)
            line_log.approvals.append({"issued": issued, "closed": closed, "count": 1, "uses": []})
        room = approved - reserved - len(line_log.stays)
        for person in people(rng.randint(1, room), unit):
            start = _day(rng, set_on, today)
            post = None
            free = [(p, plog) for p, plog in unit_posts if plog.filled(today) < plog.approved]
            if free and rng.random() < 0.5:
                post, post_log = rng.choice(free)
            placement = services.placement_enrol(actor=None, person=person, unit=unit, kind=kind, funding=funding,
                                                 on=start, document_no="示编入〔2025〕2号", post=post)
            stay = [start, None]
            if rng.random() < 0.35:
                stay[1] = _day(rng, start, today)
                services.placement_release(actor=None, placement=placement, reason=ReleaseReason.RETIREMENT,
                                           on=stay[1], document_no="示编出〔2025〕1号")
            line_log.stays.append(stay)
            if post is not None:
                post_log.stays.append(list(stay))
    log.posts = [plog for _, plog in posts.values()]
    return log


def sheets_of(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def table(rows: list[list[Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the 合计 row, the data rows) as dicts by column header; the headers are the third row."""
    headers = rows[2]
    assert rows[3][0] == "合计"
    return dict(zip(headers, rows[3], strict=True)), [dict(zip(headers, r, strict=True)) for r in rows[4:]]


FIGURES = ("核定编制数", "实有人数", "已核准未入编", "空编数", "超编数")


def expected_lines(log: Register, day: date) -> dict[tuple[str, str, str], tuple[int, ...]]:
    found = {}
    for line in log.lines:
        if line.first() <= day:
            approved, occupied, reserved = line.at(day)
            found[(line.unit, KIND_LABELS[line.kind], FUNDING_LABELS[line.funding])] = (
                approved, occupied, reserved, max(approved - occupied - reserved, 0), max(occupied - approved, 0))
    return found


def assert_totals_are_sums(total: dict[str, Any], rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    for column in columns:
        assert total[column] == sum(r[column] for r in rows), column


@pytest.mark.parametrize("seed", [1, 5, 12])
def test_every_line_on_every_day_shows_the_figures_the_register_was_written_with(seed: int,
                                                                                 district: SimpleNamespace) -> None:
    log = build_register(seed, district)
    today = timezone.localdate()
    rng = random.Random(seed)
    days = [None, today, log.base - timedelta(days=1)] + [_day(rng, log.base, today) for _ in range(4)]
    for day in days:
        data, _ = build_establishment(None, None, day)
        on = day or today
        total, rows = table(sheets_of(data)["编制明细"])
        shown = {(r["单位名称"], r["编制类型"], r["经费形式"]): tuple(int(r[c]) for c in FIGURES) for r in rows
                 if r["编制类型"] != "未核定编制"}
        expected = expected_lines(log, on)
        assert shown == expected, on
        # Units without a line in force that day are listed once, with nothing counted.
        bare = {r["单位名称"] for r in rows if r["编制类型"] == "未核定编制"}
        assert bare == {u.name for u in vars(district).values()} - {k[0] for k in expected}
        assert_totals_are_sums(total, rows, FIGURES)
        assert tuple(int(total[c]) for c in FIGURES) == tuple(
            sum(v[i] for v in expected.values()) for i in range(5))


@pytest.mark.parametrize("seed", [3, 8])
def test_unit_totals_and_posts_agree_with_the_registers_own_panel_and_the_log(seed: int,
                                                                               district: SimpleNamespace) -> None:
    log = build_register(seed, district)
    today = timezone.localdate()
    day = _day(random.Random(seed), log.base + timedelta(days=200), today - timedelta(days=1))
    for on in (day, today):
        sheets = sheets_of(build_establishment(None, None, on)[0])
        total, units = table(sheets["单位汇总"])
        names = [u["单位名称"] for u in units]
        # Tree order, as the unit tree lists them: siblings by sort order and name, each followed by its children.
        assert sorted(names) == sorted(u.name for u in vars(district).values())
        assert names.index("示例区第一中学") == names.index("示例区教育局") + 1
        assert names.index("示例区人民医院") == names.index("示例区卫生健康局") + 1
        assert [u["主管部门"] for u in units if u["单位名称"] == "示例区第一中学"] == ["示例区教育局"]
        for row in units:
            unit = next(u for u in vars(district).values() if u.name == row["单位名称"])
            panel = unit_staffing(unit, None if on == today else on)  # the register's own 沿革 reconstruction
            states = [state for line, state in panel["lines"] if line.approved_since and line.approved_since <= on]
            assert int(row["核定编制数"]) == sum(s.approved for s in states)
            assert int(row["实有人数"]) == sum(s.occupied for s in states)
            assert int(row["已核准未入编"]) == sum(s.reserved for s in states)
            assert int(row["空编数"]) == sum(s.vacant for s in states)
            unit_posts = [p for p in log.posts if p.unit == unit.name]
            assert int(row["领导职数核定"]) == sum(p.approved for p in unit_posts)
            assert int(row["领导职数实配"]) == sum(p.filled(on) for p in unit_posts)
        assert_totals_are_sums(total, units, (*FIGURES, "领导职数核定", "领导职数实配", "超职数"))
        assert total["单位名称"] == "共4个单位"

        post_total, post_rows = table(sheets["领导职数"])
        by_unit = {r["单位名称"]: r for r in post_rows}
        assert set(by_unit) == {"示例区教育局", "示例区第一中学"}
        for p in log.posts:
            grade = "正职" if p.grade == PostGrade.PRINCIPAL else "副职"
            assert int(by_unit[p.unit][f"单位领导{grade}·核定"]) == p.approved
            assert int(by_unit[p.unit][f"单位领导{grade}·实配"]) == p.filled(on)
        assert_totals_are_sums(post_total, post_rows, tuple(c for c in post_rows[0] if "·" in c))


@pytest.mark.parametrize("seed", [2, 6])
def test_the_grouped_sheets_add_up_to_the_same_totals(seed: int, district: SimpleNamespace) -> None:
    log = build_register(seed, district)
    today = timezone.localdate()
    sheets = sheets_of(build_establishment(None, None, today)[0])
    expected = expected_lines(log, today)
    grand = tuple(sum(v[i] for v in expected.values()) for i in range(5))
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    by_funding: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for (_, kind, funding), values in expected.items():
        for i, v in enumerate(values):
            by_kind[kind][i] += v
            by_funding[funding][i] += v
    for name, label, groups in (("按编制类型", "编制类型", by_kind), ("按经费形式", "经费形式", by_funding)):
        total, rows = table(sheets[name])
        assert {r[label]: [int(r[c]) for c in FIGURES] for r in rows} == dict(groups)
        assert tuple(int(total[c]) for c in FIGURES) == grand
        assert_totals_are_sums(total, rows, FIGURES)
    total, rows = table(sheets["按单位类型"])
    assert {r["单位类型"]: int(r["单位数"]) for r in rows} == {"机关": 2, "事业单位": 2}
    assert tuple(int(total[c]) for c in FIGURES) == grand
    assert_totals_are_sums(total, rows, (*FIGURES, "单位数", "领导职数核定", "领导职数实配"))
    total, rows = table(sheets["按系统类别"])
    assert [r["系统类别"] for r in rows] == ["未填写"] and int(total["单位数"]) == 4
    for row in rows:
        rate = row["编制使用率"]
        assert rate == pytest.approx(row["实有人数"] / row["核定编制数"], abs=1e-4)


def test_a_warned_line_over_its_quota_shows_the_surplus(district: SimpleNamespace) -> None:
    on = timezone.localdate() - timedelta(days=10)
    services.quota_movement_create(actor=None, unit=district.school, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                                   type="SET", amount=1, document_no="示编〔2024〕1号", effective_on=on)
    line = QuotaLine.objects.get(unit=district.school)
    services.quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="划转过渡期")
    for person in people(3, district.school):
        services.placement_enrol(actor=None, person=person, unit=district.school, kind=line.kind,
                                 funding=line.funding, on=on, document_no="示编入〔2025〕3号",
                                 over_quota_reason="划转人员随编过渡")
    _, rows = table(sheets_of(build_establishment(None, district.school)[0])["编制明细"])
    shown = [(int(r["核定编制数"]), int(r["实有人数"]), int(r["空编数"]), int(r["超编数"])) for r in rows]
    assert shown == [(1, 3, 0, 2)]


def test_a_liaison_gets_only_their_subtree(district: SimpleNamespace, liaison: Any) -> None:
    build_register(4, district)
    _, rows = table(sheets_of(build_establishment(liaison, None)[0])["单位汇总"])
    assert [r["单位名称"] for r in rows] == ["示例区教育局", "示例区第一中学"]
    _, rows = table(sheets_of(build_establishment(liaison, district.school)[0])["编制明细"])
    assert {r["单位名称"] for r in rows} == {"示例区第一中学"}


def test_headers_and_totals_are_frozen_and_figures_formatted(district: SimpleNamespace) -> None:
    build_register(7, district)
    book = load_workbook(io.BytesIO(build_establishment(None, None)[0]))
    assert book.sheetnames == ["单位汇总", "编制明细", "领导职数", "按编制类型", "按经费形式", "按单位类型",
                               "按系统类别"]
    for ws in book.worksheets:
        assert ws.freeze_panes in ("B5", "C5")
        assert ws["A4"].value == "合计" and ws["A4"].font.b
    summary = book["单位汇总"]
    assert summary.freeze_panes == "C5"
    assert summary.column_dimensions["B"].width == 36
    assert summary["H4"].number_format == "#,##0" and summary["H5"].number_format == "#,##0"
    assert book["按编制类型"]["I4"].number_format == "0.0%"
    assert "基准日" in summary["A1"].value
