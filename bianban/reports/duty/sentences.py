"""Building the text of a composed block: literal prose and `Figure`s in reading order, so that every number printed
is a figure with its records, and a sentence whose count is zero is left out or rephrased rather than printed as
"0次" (issue 7, item 1).

A block's template refers to each figure as "{key}" (Block.text renders it with str.format_map). format_map reads a
dot in a field name as attribute access, so figure keys use underscores ("visits_branch_households"); block keys,
which never appear in a template, keep the dotted form ("summary.visits").
"""

import re
from collections.abc import Iterable

from bianban.reports.duty.draft import Figure

# The year's Party-wide study campaign, which the seed's follow-up study is tied to ("结合今年主题教育，6次跟进学习").
STUDY_CAMPAIGNS = {2023: "结合今年主题教育", 2024: "结合党纪学习教育", 2025: "结合深入贯彻中央八项规定精神学习教育"}

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_QUOTED = re.compile(r"“([^”]{2,30})”")
_TITLED = re.compile(r"《([^》]{1,30})》")


class Para:
    """The body of one block, assembled piece by piece: `add` takes prose and figures in reading order."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._figures: dict[str, Figure] = {}

    def add(self, *parts: str | Figure) -> "Para":
        for part in parts:
            if isinstance(part, Figure):
                if not _KEY.match(part.key):
                    raise ValueError(f"figure key {part.key!r} must be lower-case letters, digits and underscores")
                known = self._figures.get(part.key)
                if known is not None and known != part:
                    raise ValueError(f"figure key {part.key!r} used for two different figures")
                self._figures[part.key] = part
                self._parts.append("{" + part.key + "}")
            else:
                self._parts.append(part.replace("{", "{{").replace("}", "}}"))
        return self

    def close(self, punctuation: str = "，") -> "Para":
        """Replace the "；" that ends what was added (the end of a list of clauses) by `punctuation`."""
        if self._parts and self._parts[-1].endswith("；"):
            self._parts[-1] = self._parts[-1][:-1] + punctuation
        return self

    @property
    def template(self) -> str:
        return "".join(self._parts)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(self._figures.values())


def listing(names: Iterable[str], *, limit: int = 0, etc: bool = True, sep: str = "、") -> str:
    """Names joined by 、 (distinct, in order), cut to `limit`, then a trailing "等" when some were cut and `etc`
    (pass etc=False where the sentence goes on with its own "等")."""
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    if limit and len(seen) > limit:
        return sep.join(seen[:limit]) + ("等" if etc else "")
    return sep.join(seen)


def quoted(names: Iterable[str]) -> str:
    """“甲”“乙”: names set in quotation marks one after the other (the way the seed lists activity names)."""
    return "".join(f"“{n}”" for n in names)


def quoted_names(text: str) -> list[str]:
    """The names in “…” inside a record's subject ("“学先锋建新功”主题党日" → ["学先锋建新功"])."""
    return _QUOTED.findall(text or "")


def titled_names(text: str) -> list[str]:
    """The titles in 《…》 inside a record's subject ("观看专题纪录片《选择》" → ["选择"])."""
    return _TITLED.findall(text or "")


def clause(text: str) -> str:
    """A record's free text as a clause inside a sentence: the first sentence, without its closing punctuation."""
    first = re.split(r"[。！？；\n]", (text or "").strip(), maxsplit=1)[0]
    return first.strip().rstrip("，、,")


def months_span(months: Iterable[int]) -> str:
    """"4月至7月" for a run of months, "4月" for one."""
    ms = sorted(set(months))
    if not ms:
        return ""
    return f"{ms[0]}月" if ms[0] == ms[-1] else f"{ms[0]}月至{ms[-1]}月"


def study_lead(year: int) -> str:
    return STUDY_CAMPAIGNS.get(year, "坚持把理论学习摆在首位")
