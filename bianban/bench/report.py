"""The results of `bianban bench`: one `Result` per figure, printed as a table (指标 / 结果 / 目标 / 是否达标) and
written to benchmarks/results.json with the machine they were measured on."""

import json
import os
import platform
import sqlite3
import sys
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

LOWER, HIGHER, EQUAL = "lower", "higher", "equal"  # which way a figure must lie against its target


@dataclass
class Result:
    """One measured figure. `value` None: not measured (the note says why). `target` None: no target (shown
    for information; `ok` is then None too)."""

    name: str
    label: str
    value: float | None
    unit: str
    target: float | None = None
    better: str = LOWER
    note: str = ""
    ok: bool | None = None
    checks_ok: bool = True  # other conditions of the figure (e.g. zero over-quota) held

    def __post_init__(self) -> None:
        self.ok = judge(self.value, self.target, self.better, self.checks_ok)


def judge(value: float | None, target: float | None, better: str, checks_ok: bool = True) -> bool | None:
    if value is None:
        return None if checks_ok else False
    if target is None:
        return None if checks_ok else False
    if better == LOWER:
        met = value <= target
    elif better == HIGHER:
        met = value >= target
    else:
        met = value == target
    return met and checks_ok


def _number(value: float, unit: str) -> str:
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 100):
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"


def format_value(result: Result) -> str:
    if result.value is None:
        return result.note or "未运行"
    return f"{_number(result.value, result.unit)} {result.unit}".strip()


def format_target(result: Result) -> str:
    if result.target is None:
        return "—"
    sign = {LOWER: "≤", HIGHER: "≥", EQUAL: "="}[result.better]
    return f"{sign} {_number(result.target, result.unit)} {result.unit}".strip()


def format_ok(result: Result) -> str:
    return {True: "达标", False: "未达标", None: "—"}[result.ok]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(results: list[Result]) -> str:
    """The results as an aligned text table (Chinese characters count double in a terminal)."""
    rows = [("指标", "结果", "目标", "是否达标")]
    rows += [(r.label, format_value(r), format_target(r), format_ok(r)) for r in results]
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"- {r.label}：{r.note}" for r in results if r.note and r.value is not None]
    return "\n".join(lines + (["", *notes] if notes else []))


def machine(db_vendor: str = "sqlite", sqlite_version: str | None = None) -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        memory_gb = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite_version or sqlite3.sqlite_version,
        "db_vendor": db_vendor,
        # Other work on the machine skews every figure: the 1/5/15-minute load averages when the run began.
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def document(results: list[Result], *, quick: bool, machine_info: dict[str, Any],
             started: datetime, seconds: float) -> dict[str, Any]:
    return {
        "machine": machine_info,
        "date": started.isoformat(timespec="seconds"),
        "quick": quick,
        "seconds": round(seconds, 1),
        "results": [asdict(r) | {"value": _rounded(r.value), "target_text": format_target(r)} for r in results],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
