"""The 党建工作统计表 (.xlsx) of a branch and year: activities by kind and month, attendance by kind, each member's
attendance, study and volunteer hours and talks, the year's talk coverage (条例第十九条) and 人次 by kind of talk,
and the ledger problems the branch's work raised by status. Figures from party_data; every 合计 is computed in
Python and checked against its rows before the file is written."""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from bianban.ledger.choices import ProblemStatus
from bianban.party.choices import STUDY_KINDS, ActivityKind, MemberStatus, TalkKind
from bianban.party.models import Branch
from bianban.reports.workbooks.party_data import PROBLEM_SOURCES, Attended, PartyFigures, party_figures
from bianban.reports.workbooks.sheets import (
    HOURS,
    INT,
    PERCENT,
    TOTAL_LABEL,
    Column,
    Sheet,
    book_bytes,
    new_book,
    ratio,
)

TITLE = "党建工作统计表"
KIND_LABELS = {k.value: str(k.label) for k in ActivityKind}


def _check(sheet: str, rows: list[list[Any]], total: list[Any]) -> None:
    """Each numeric column of the rows adds up to the 合计 (rates and text excepted)."""
    for i, value in enumerate(total):
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            summed = sum((r[i] or 0) for r in rows)
            if summed != value:
                raise RuntimeError(f"{sheet}第{i + 1}列：分项之和 {summed} 与合计 {value} 不符")


def _cells(values: list[Any]) -> list[Any]:
    """Decimals (hours) as floats: a spreadsheet holds binary numbers, shown to one decimal by the format."""
    return [float(v) if isinstance(v, Decimal) else v for v in values]


def _months_sheet(book: Any, data: PartyFigures, heading: str, note: str) -> None:
    columns = [Column("活动类型", 20)] + [Column(f"{m}月", 7, INT) for m in range(1, 13)] + [Column("合计", 8, INT)]
    sheet = Sheet(book, "活动统计", heading, note, columns)
    rows = [[KIND_LABELS.get(kind, kind), *counts, sum(counts)] for kind, counts in data.months.items()]
    total = [TOTAL_LABEL] + [sum(counts[m] for counts in data.months.values()) for m in range(12)] + [data.held]
    _check("活动统计", rows, total)
    sheet.total(total)
    for row in rows:
        sheet.row(row)


def _attendance_cells(name: str, a: Attended, study: bool) -> list[Any]:
    return [name, a.activities, a.due, a.present, a.leave, a.absent, ratio(a.present, a.due),
            a.hours if study else None]


def _attendance_sheet(book: Any, data: PartyFigures, heading: str, note: str) -> None:
    columns = [Column("活动类型", 20), Column("召开次数", 9, INT), Column("应到（人次）", 11, INT),
               Column("实到（人次）", 11, INT), Column("请假（人次）", 11, INT), Column("缺席（人次）", 11, INT),
               Column("出席率", 9, PERCENT), Column("学时（人·小时）", 13, HOURS)]
    note += "应到为出席登记表所列党员，出席率＝实到÷应到；学时只计学习类活动的出席党员。"
    sheet = Sheet(book, "出席情况", heading, note, columns)
    kinds = [k.value for k in ActivityKind if k.value in data.by_kind]
    rows = [_attendance_cells(KIND_LABELS[k], data.by_kind[k], k in STUDY_KINDS) for k in kinds]
    parts = list(data.by_kind.values())
    total = Attended(activities=sum(a.activities for a in parts), due=sum(a.due for a in parts),
                     present=sum(a.present for a in parts), leave=sum(a.leave for a in parts),
                     absent=sum(a.absent for a in parts), hours=sum((a.hours for a in parts), Decimal("0.0")))
    total_cells = _attendance_cells(TOTAL_LABEL, total, True)
    _check("出席情况", rows, total_cells)
    sheet.total(_cells(total_cells))
    for row in rows:
        sheet.row(_cells(row))


def _members_sheet(book: Any, data: PartyFigures, heading: str, note: str) -> None:
    columns = [Column("序号", 6, INT), Column("姓名", 12), Column("党小组", 12), Column("党员身份", 10),
               Column("在册情况", 14), Column("应参加（人次）", 12, INT), Column("出席", 8, INT),
               Column("请假", 8, INT), Column("缺席", 8, INT), Column("出席率", 9, PERCENT),
               Column("应参加学习", 10, INT), Column("参加学习", 10, INT), Column("学时", 9, HOURS),
               Column("志愿服务时长（小时）", 12, HOURS), Column("参加谈心谈话（次）", 12, INT),
               Column("尚未谈心谈话的党员（人）", 14, INT)]
    note += ("列出年度内任何时间属于本支部的党员；“尚未谈心谈话的党员”按条例第十九条计算（同年在支部的每两名党员之间"
             "每年谈心谈话不少于1次）。")
    sheet = Sheet(book, "党员情况", heading, note, columns, frozen_columns=2)
    rows = []
    for index, m in enumerate(data.members, 1):
        member, a = m.member, m.attended
        status = str(MemberStatus(member.status).label) if member.status in MemberStatus.values else member.status
        left = f"{member.left_on:%Y-%m-%d}离开" if member.left_on else "在册"
        rows.append([index, member.person.name, member.group.name if member.group_id else "", status, left,
                     a.due, a.present, a.leave, a.absent, ratio(a.present, a.due), m.study_due, m.study_present,
                     m.study_hours, m.service_hours, m.talks, m.gaps])
    zero = [0, 0, 0, 0, None, 0, 0, Decimal("0.0"), Decimal("0.0"), 0, 0]
    sums = [sum(r[i] for r in rows) if zero[i - 5] is not None else None for i in range(5, 16)] if rows else zero
    sums[4] = ratio(sums[1], sums[0])
    sums[10] = None  # each missing pair counts for both its members: a sum of the column would double it
    total = [TOTAL_LABEL, f"共{len(rows)}人", None, None, None, *sums]
    _check("党员情况", [[None, *r[1:]] for r in rows], total)
    sheet.total(_cells(total))
    for row in rows:
        sheet.row(_cells(row))


def _talks_sheet(book: Any, data: PartyFigures, heading: str, note: str) -> None:
    columns = [Column("类别", 22), Column("应谈（对）", 11, INT), Column("已谈（对）", 11, INT),
               Column("未谈（对）", 11, INT), Column("覆盖率", 9, PERCENT)]
    note += "覆盖按条例第十九条：同年在支部的每两名党员之间每年谈心谈话不少于1次，廉政谈话和提醒谈话不计入覆盖。"
    sheet = Sheet(book, "谈心谈话", heading, note, columns)
    coverage = data.coverage
    rows = [[label, required, covered, required - covered, ratio(covered, required)]
            for _, label, covered, required in coverage.categories()]
    total = [TOTAL_LABEL, coverage.required, coverage.covered, len(coverage.gaps),
             ratio(coverage.covered, coverage.required)]
    _check("谈心谈话", rows, total)
    sheet.total(total)
    for row in rows:
        sheet.row(row)
    sheet.blank()
    sheet.plain(["谈话类型", "谈话次数", "谈话人次（谈话对象）"], bold=True)
    kinds = [[str(kind.label), data.talk_sessions.get(kind.value, 0), data.talks.get(kind.value, 0), None, None]
             for kind in TalkKind]
    kinds_total = [TOTAL_LABEL, data.talks.get("talks", 0), data.talks.get("total", 0), None, None]
    _check("谈心谈话（谈话人次）", kinds, kinds_total)
    for row in [*kinds, kinds_total]:
        sheet.row(row)


def _problems_sheet(book: Any, data: PartyFigures, heading: str, note: str) -> None:
    statuses = list(ProblemStatus)
    columns = ([Column("来源", 14)] + [Column(str(s.label), 10, INT) for s in statuses]
               + [Column("合计", 8, INT), Column("其中逾期", 9, INT), Column("销号率", 9, PERCENT)])
    note += "本年度由支部集中走访、谈心谈话和书记项目登记到问题台账的问题，状态和逾期为制表时情况。"
    sheet = Sheet(book, "问题台账", heading, note, columns)
    rows = []
    for source, label in PROBLEM_SOURCES:
        counts = [data.problems[source].get(s.value, 0) for s in statuses]
        closed = data.problems[source].get(ProblemStatus.CLOSED.value, 0)
        rows.append([label, *counts, sum(counts), data.overdue[source], ratio(closed, sum(counts))])
    sums = [sum(r[i] for r in rows) for i in range(1, len(statuses) + 3)]
    total = [TOTAL_LABEL, *sums, ratio(sums[statuses.index(ProblemStatus.CLOSED)], sums[len(statuses)])]
    _check("问题台账", rows, total)
    sheet.total(total)
    for row in rows:
        sheet.row(row)


def party_workbook(data: PartyFigures) -> bytes:
    heading = f"{data.branch.name}{data.year}年度{TITLE}"
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    note = f"统计{data.year}年1月1日至12月31日已召开的活动和已开展的谈话（制表时间：{made}）。"
    book = new_book()
    _months_sheet(book, data, heading, note)
    _attendance_sheet(book, data, heading, note)
    _members_sheet(book, data, heading, note)
    _talks_sheet(book, data, heading, note)
    _problems_sheet(book, data, heading, note)
    return book_bytes(book)


def file_name(branch: Branch, year: int) -> str:
    return f"{TITLE}-{branch.name}-{year}.xlsx"


def build_party(branch: Branch, year: int) -> tuple[bytes, PartyFigures]:
    """The workbook and its figures; the caller has scoped the branch and checked the year."""
    data = party_figures(branch, year)
    return party_workbook(data), data
