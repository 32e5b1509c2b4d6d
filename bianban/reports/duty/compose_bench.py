"""The workload behind the benchmark "composing the 述职报告 and writing the .docx ≤ 2 s for a branch with a full year
of records" (issue 7, Performance): the demo branch's 2023 (a full year of organisational life, talks, visits, the
书记项目 and its register records) is composed and written `repeat` times; the median of each step is reported,
with the queries one composition makes. For `bianban bench` to call inside a demo database; never a test."""

import statistics
import time
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianban.party.models import Branch
from bianban.reports.duty.compose import compose_draft


def compose_workload(*, branch_code: str = "bianban", year: int = 2023, repeat: int = 5) -> dict[str, Any]:
    from bianban.reports.duty.document import docx_bytes  # the Word writer is optional for the composer

    branch = Branch.objects.get(code=branch_code)
    today = date(year + 1, 1, 15)
    compose_draft(branch, year, today=today)  # warm: URL resolver, imports
    compose_s, write_s, size = [], [], 0
    with CaptureQueriesContext(connection) as queries:
        draft = compose_draft(branch, year, today=today)
    for _ in range(repeat):
        started = time.perf_counter()
        draft = compose_draft(branch, year, today=today)
        composed = time.perf_counter()
        size = len(docx_bytes(draft))
        compose_s.append(composed - started)
        write_s.append(time.perf_counter() - composed)
    total = [c + w for c, w in zip(compose_s, write_s, strict=True)]
    return {"compose_s": statistics.median(compose_s), "docx_s": statistics.median(write_s),
            "total_s": statistics.median(total), "queries": len(queries), "figures": draft.figures_total,
            "docx_bytes": size, "target_s": 2.0}
