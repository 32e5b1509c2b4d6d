"""The workload behind the benchmark "the establishment workbook for 20,000 units ≤ 30 s" (issue 7, Performance):
the 机构编制统计表 of the whole register of the current database, built as the command line builds it (system work,
no user scope), timed from the first query to the last byte of the .xlsx. For `bianban bench` to call inside a
synthesised database; never a test."""

import time
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianban.reports.workbooks.establishment import build_establishment


def establishment_workbook_seconds(*, as_of: date | str | None = None) -> dict[str, Any]:
    """{"seconds", "units", "rows", "bytes", "queries", "as_of"}: one build over the whole register; `rows` counts
    the data rows of every sheet (units, lines, posts and the grouped totals). A past `as_of` times the journal
    path (figures rebuilt from movements, placements and approvals) instead of the live counters."""
    if isinstance(as_of, str):  # from the benchmark's JSON arguments
        as_of = date.fromisoformat(as_of)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data, figures = build_establishment(None, None, as_of)
    seconds = time.perf_counter() - started
    grouped = sum(len(g) for g in (figures.by_line("kind"), figures.by_line("funding"), figures.by_unit("kind"),
                                   figures.by_unit("system")))
    rows = len(figures.units) + len(figures.lines) + len(figures.posts) + grouped
    return {"seconds": round(seconds, 3), "units": len(figures.units), "rows": rows, "bytes": len(data),
            "queries": len(queries), "as_of": figures.as_of.isoformat(), "target_s": 30.0}
