"""What the GB/T 9704 writer takes: a titled document of paragraphs, with a 署名 and a 成文日期. Kept free of any
report's notions so any office document (a 述职报告, a 通知) can be written with it."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DocParagraph:
    text: str = ""  # body, 3号仿宋, first line indented 2 characters
    lead: str = ""  # an inline heading before the body, set in the font of `level`
    # 0: body; 1: "一、" 黑体 (standalone heading); 2: "（一）" 楷体; 3: "1." 仿宋; 4: "（1）" 仿宋 (GB/T 9704 §7.3.3)
    level: int = 0


@dataclass(frozen=True)
class OfficialDocument:
    title: str  # 2号小标宋, centred
    paragraphs: tuple[DocParagraph, ...]
    signature: str = ""  # 署名, right-aligned above the date (no seal: right-indented 2 characters)
    dated: date | None = None  # 成文日期, "2023年12月25日"
    addressee: str = ""  # 主送机关, flush left after the title, ending in "："
