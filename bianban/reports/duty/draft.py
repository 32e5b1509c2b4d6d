"""The shape of a composed 述职报告, shared by the composer (compose.py, facts*.py) that builds it from the year's
records and by the stored, editable report (models, services, views, api) and the Word writer that consume it.

A draft is a sequence of blocks in reading order. A block is one paragraph of the document: a level-1 heading
("一、工作总结、成绩和经验") standing alone, or a paragraph that may open with an inline lead ("（一）抓实支部工作，
切实履行党建工作职责。", set in 楷体 by GB/T 9704 §7.3.3) followed by body text. Every figure printed in a generated
block is a `Figure` carrying the records it counted, so a reader can open them.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class BlockOrigin(StrEnum):
    HEADING = "heading"  # a fixed heading of the standard structure (domain.md §7)
    GENERATED = "generated"  # composed from the records; regenerating replaces it unless the secretary edited it
    SECRETARY = "secretary"  # the secretary's own text (problems, next year's plan), prefilled at most once


class Section(StrEnum):
    OPENING = "opening"  # the paragraph before 一、
    SUMMARY = "summary"  # 一、工作总结、成绩和经验 （一）…（七）
    PROBLEMS = "problems"  # 二、抓基层党建方面存在的突出问题
    PLAN = "plan"  # 三、下一年书记抓基层党建工作的思路、重点和措施


@dataclass(frozen=True)
class Source:
    """One record a figure counted."""

    kind: str  # the record's type: "activity", "talk", "visit", "quota_movement", "charter", "problem", …
    record_id: int
    label: str  # how the record is named to a reader: "2023-03-15 专题研讨：学习……"
    url: str  # its page ("" when it has none)


@dataclass(frozen=True)
class Figure:
    """A number printed in the report and the records behind it. `value` is what the sentence prints; `sources`
    are the records it counts (for 人次 or 户 the records are the talks or visits whose sum is the value)."""

    # Stable within a draft and without dots ("study_follow_up", "visits_branch_households"): Block.template names it
    # as "{key}", and str.format_map would read a dot as attribute access.
    key: str
    value: int
    unit: str  # what is printed after the number: "次", "人次", "户", "人", "名", "个", "项", "小时"
    label: str  # what it counts, for the preview: "跟进学习习近平总书记最新重要讲话精神"
    sources: tuple[Source, ...] = ()

    @property
    def text(self) -> str:
        return f"{self.value}{self.unit}"


@dataclass(frozen=True)
class Block:
    key: str  # stable across regenerations of the same branch and year: "summary.visits", "problems.text", …
    section: Section
    origin: BlockOrigin
    level: int = 0  # 1: a standalone "一、" heading (黑体); 2: a paragraph led by "（一）…" (楷体 lead); 0: body
    lead: str = ""  # the inline heading at the start of the paragraph ("（三）落实工作要求，扎实开展集中走访活动。")
    # The body with each figure as "{<its key>}" (str.format_map); `text` renders it. Braces in prose are doubled.
    template: str = ""
    figures: tuple[Figure, ...] = ()
    # For the secretary's sections: what the records suggest writing about ("3 项组织生活逾期未开展" …), shown
    # beside the editor, never printed in the document.
    prompts: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.template.format_map({f.key: f.text for f in self.figures})


@dataclass(frozen=True)
class Draft:
    branch_id: int
    year: int
    title: str  # "中共示例区委编办党支部书记2023年度抓基层党建工作述职报告"
    blocks: tuple[Block, ...]
    signature: str  # 署名: the secretary's name, or the branch's
    dated: date  # 成文日期
    figures_total: int = field(default=0)  # how many figures the generated blocks print
