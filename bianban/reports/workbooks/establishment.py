"""The 机构编制统计表 (.xlsx) of a unit subtree as of a date (domain.md §2.5): per unit (单位汇总), per unit and
quota line (编制明细) and per unit's leadership posts (领导职数), then the totals by 编制类型, 经费形式, 单位类型 and
系统类别. The figures are establishment_data's; this module lays them out and proves the totals: every 合计 is
computed in Python, and each grouped sheet's rows must add up to it before the file is written."""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db.models import TextChoices

from bianban.reports.workbooks.establishment_data import (
    POST_KEYS,
    Establishment,
    Reader,
    Tally,
    establishment_figures,
)
from bianban.reports.workbooks.sheets import INT, PERCENT, TOTAL_LABEL, Column, Sheet, book_bytes, new_book, ratio
from bianban.staffing.choices import PostGrade
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, SystemCategory, UnitKind, UnitRank
from bianban.units.models import Unit

TITLE = "机构编制统计表"
NO_LINE = "未核定编制"
UNSET = "未填写"


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


KIND_LABELS = _labels(QuotaKind)
FUNDING_LABELS = {**_labels(Funding), Funding.NONE.value: "不区分经费形式（机关编制）"}
UNIT_KIND_LABELS = _labels(UnitKind)
CLASS_LABELS = _labels(InstitutionClass)
RANK_LABELS = _labels(UnitRank)
SYSTEM_LABELS = _labels(SystemCategory)
LEVEL_LABELS = {"unit": "单位领导", "division": "内设机构领导"}
GRADE_LABELS = _labels(PostGrade)

_FIGURES = [Column("核定编制数", 11, INT), Column("实有人数", 10, INT), Column("已核准未入编", 11, INT),
            Column("空编数", 9, INT), Column("超编数", 9, INT)]
_POSTS = [Column("领导职数核定", 11, INT), Column("领导职数实配", 11, INT), Column("超职数", 9, INT)]
_UNIT = [Column("序号", 7, INT), Column("单位名称", 36), Column("主管部门", 26), Column("系统类别", 10),
         Column("单位类型", 10)]


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


_EXPLAINED = ("空编数＝核定编制数－实有人数－已核准未入编人数（不小于0），超编数＝实有人数－核定编制数（不小于0），"
              "均逐条编制计算后合计。")
_PAST = ("编制数按编制变动、用编核准和人员编制记录还原为基准日数；领导职数核定数为现行数，实配数为基准日在任人数；"
         "单位名称、类型和隶属关系为现状。")


def _note(data: Establishment, extra: str = "") -> str:
    basis = "编制数为编制台账的当日实时数。" if data.current else _PAST
    return f"{basis}{_EXPLAINED}{extra}制表时间：{data.made_at}。"


def _figures(t: Any) -> list[int]:
    return [t.approved, t.occupied, t.reserved, t.vacant, t.over]


def _post_figures(t: Tally) -> list[int]:
    return [t.posts_approved, t.posts_filled, t.posts_over]


def _unit_cells(index: int, unit: Any) -> list[Any]:
    return [index, unit.name, unit.parent_name, SYSTEM_LABELS.get(unit.system, unit.system or UNSET),
            UNIT_KIND_LABELS.get(unit.kind, unit.kind)]


def _check_sums(sheet: str, parts: Iterable[Tally], total: Tally, *, posts: bool) -> None:
    """The grouped rows must add up to the 合计 computed over all rows (a safeguard, not a formula in the file)."""
    columns: list[Callable[[Tally], list[int]]] = [_figures] + ([_post_figures] if posts else [])
    for figures in columns:
        summed = [sum(values) for values in zip(*(figures(p) for p in parts), strict=True)] or [0] * len(
            figures(total))
        if summed != figures(total):
            raise RuntimeError(f"{sheet}：分项之和 {summed} 与合计 {figures(total)} 不符")


def _summary_sheet(book: Any, data: Establishment, heading: str, total: Tally) -> None:
    columns = [*_UNIT, Column("事业单位类别", 12), Column("机构规格", 12), *_FIGURES, *_POSTS]
    sheet = Sheet(book, "单位汇总", heading, _note(data), columns, frozen_columns=2)
    sheet.total([TOTAL_LABEL, f"共{len(data.units)}个单位", None, None, None, None, None, *_figures(total),
                 *_post_figures(total)])
    tallies = data.unit_tallies()
    for index, unit in enumerate(data.units, 1):
        t = tallies[unit.pk]
        sheet.row([*_unit_cells(index, unit), CLASS_LABELS.get(unit.institution_class, unit.institution_class),
                   RANK_LABELS.get(unit.rank, unit.rank), *_figures(t), *_post_figures(t)])


def _lines_sheet(book: Any, data: Establishment, heading: str, total: Tally) -> None:
    sheet = Sheet(book, "编制明细", heading, _note(data, f"没有在基准日生效编制的单位列为“{NO_LINE}”。"),
                  [*_UNIT, Column("编制类型", 14), Column("经费形式", 16), *_FIGURES], frozen_columns=2)
    sheet.total([TOTAL_LABEL, f"共{total.lines}条编制", None, None, None, None, None, *_figures(total)])
    for index, row in enumerate(data.lines, 1):
        kind = KIND_LABELS.get(row.kind, row.kind) if row.kind else NO_LINE
        funding = FUNDING_LABELS.get(row.funding, row.funding) if row.kind else ""
        sheet.row([*_unit_cells(index, row.unit), kind, funding, row.approved, row.occupied, row.reserved,
                   row.vacant, row.over])


def _posts_sheet(book: Any, data: Establishment, heading: str) -> None:
    pairs = [Column(f"{LEVEL_LABELS[level]}{GRADE_LABELS[grade]}·{what}", 11, INT)
             for level, grade in POST_KEYS for what in ("核定", "实配")]
    note = _note(data, "只列核定有领导职数的单位；超职数按单位领导、内设机构领导的正职、副职逐项计算后合计。")
    columns = [*_UNIT, *pairs, Column("合计·核定", 10, INT), Column("合计·实配", 10, INT), Column("超职数", 9, INT)]
    sheet = Sheet(book, "领导职数", heading, note, columns, frozen_columns=2)
    sums = {key: [0, 0] for key in POST_KEYS}
    for posts in data.posts.values():
        for key in POST_KEYS:
            sums[key][0] += posts.figures[key][0]
            sums[key][1] += posts.figures[key][1]
    over = sum(p.over for p in data.posts.values())
    sheet.total([TOTAL_LABEL, f"共{len(data.posts)}个单位", None, None, None]
                + [n for key in POST_KEYS for n in sums[key]]
                + [sum(v[0] for v in sums.values()), sum(v[1] for v in sums.values()), over])
    for index, posts in enumerate(data.posts.values(), 1):
        sheet.row(_unit_cells(index, posts.unit) + [n for key in POST_KEYS for n in posts.figures[key][:2]]
                  + [posts.approved, posts.filled, posts.over])


def _ordered(groups: dict[str, Tally], labels: dict[str, str]) -> list[tuple[str, Tally]]:
    known = [(labels[k], groups[k]) for k in labels if k in groups]
    other = [(k or UNSET, groups[k]) for k in sorted(groups) if k not in labels]
    return known + other


def _group_sheet(book: Any, data: Establishment, heading: str, title: str, label: str,
                 groups: dict[str, Tally], labels: dict[str, str], total: Tally, *, posts: bool) -> None:
    note = "单位数按不重复的单位计，一个单位有几类编制时分别计入各类，各行之和可能大于合计。" if not posts else ""
    columns = [Column(label, 26), Column("单位数", 9, INT)] + ([] if posts else [Column("编制数（条）", 11, INT)])
    columns += [*_FIGURES, Column("编制使用率", 11, PERCENT)] + (_POSTS if posts else [])
    sheet = Sheet(book, title, heading, _note(data, note), columns, frozen_columns=1)
    rows = _ordered(groups, labels)
    _check_sums(title, [t for _, t in rows], total, posts=posts)

    def cells(name: str, t: Tally, units: int) -> list[Any]:
        counts = [units] if posts else [units, t.lines]
        return [name, *counts, *_figures(t), ratio(t.occupied, t.approved)] + (_post_figures(t) if posts else [])

    # 单位数 of the 合计: every unit of the table, or (per line) the units that have any line.
    units = len(total.units) if posts else len({pk for t in groups.values() for pk in t.units})
    sheet.total(cells(TOTAL_LABEL, total, units))
    for name, t in rows:
        sheet.row(cells(name, t, len(t.units)))


def establishment_workbook(data: Establishment) -> bytes:
    heading = f"{TITLE}（{data.scope_label}，基准日{_date(data.as_of)}）"
    book = new_book()
    total = data.total()
    _summary_sheet(book, data, heading, total)
    _lines_sheet(book, data, heading, total)
    _posts_sheet(book, data, heading)
    _group_sheet(book, data, heading, "按编制类型", "编制类型", data.by_line("kind"), KIND_LABELS, total, posts=False)
    _group_sheet(book, data, heading, "按经费形式", "经费形式", data.by_line("funding"), FUNDING_LABELS, total,
                 posts=False)
    _group_sheet(book, data, heading, "按单位类型", "单位类型", data.by_unit("kind"), UNIT_KIND_LABELS, total,
                 posts=True)
    _group_sheet(book, data, heading, "按系统类别", "系统类别", data.by_unit("system"), SYSTEM_LABELS, total,
                 posts=True)
    return book_bytes(book)


def scope_label(user: Any, root: Unit | None, units: int) -> str:
    if root is not None:
        return f"{root.name}及下属单位" if units > 1 else root.name
    return "全部单位" if user is None else "本人权限范围内全部单位"


def file_name(root: Unit | None, as_of: date) -> str:
    return f"{TITLE}-{root.name if root is not None else '全部单位'}-{as_of:%Y%m%d}.xlsx"


def build_establishment(user: Any, root: Unit | None = None, as_of: date | None = None) -> tuple[bytes, Establishment]:
    """The workbook and its figures for `user` (None: system work over the whole register) under `root`. The
    caller has checked that `root` is one the user may see and that `as_of` is not in the future."""
    data = establishment_figures(Reader(user, root), as_of)
    data.scope_label = scope_label(user, root, len(data.units))
    return establishment_workbook(data), data
