"""The roster import benchmark (issue 3: 100,000 rows ≤ 20 s end to end and ≤ 600 MB peak memory, SQLite).

`bench_roster_import(rows)` creates what it needs in the configured database (a parent 机关 and `units` 事业单位
under it, each with a 事业编制·全额拨款 line roomy enough), writes a valid workbook of `rows` new persons, and
imports it. By default the import runs in a fresh Python process, so that the peak resident memory it reports
(`ru_maxrss`) is the import's own and not the set-up's; `isolated=False` runs it in this process and measures the
Python heap with tracemalloc instead (tests, whose database another process cannot see).
"""

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import Workbook
from stdnum.cn import ric

from bianban.people.models import Person
from bianban.staffing.roster.columns import HEADERS, SHEET
from bianban.staffing.roster.validate import chunked
from bianban.staffing.services import quota_movement_create
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, UnitKind
from bianban.units.services import unit_create

EPOCH = date(1965, 1, 1)
DAYS = 12_000  # birth dates 1965–1997

_CHILD = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianban.settings")
import django
django.setup()
from bianban.staffing.roster.importer import roster_import
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
result = roster_import(actor=None, path_or_file=sys.argv[1])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak / 1024, "baseline_rss_mb": baseline / 1024,
                  "imported": result.placements, "errors": [e.message for e in result.errors[:5]]}))
"""


def _id_numbers(count: int) -> list[str]:
    """`count` valid ID numbers in a random region (1100xx–1199xx), checked not to be registered yet."""
    for _ in range(20):
        region = f"11{random.randint(0, 9999):04d}"
        numbers = []
        for i in range(count):
            body = f"{region}{EPOCH + timedelta(days=i % DAYS):%Y%m%d}{i // DAYS:03d}"
            numbers.append(body + ric.calc_check_digit(body + "0"))
        if not any(Person.objects.filter(id_number__in=batch).exists() for batch in chunked(numbers)):
            return numbers
    raise RuntimeError("could not find an unused region code for the benchmark's ID numbers")


def prepare(rows: int, directory: Path, units: int = 50) -> Path:
    """Units and lines for `rows` people, and the workbook that places them (write-only openpyxl)."""
    tag = f"{int(time.time())}{random.randint(0, 999):03d}"
    parent = unit_create(actor=None, name=f"花名册基准测试{tag}", kind=UnitKind.ORGAN)
    per_unit = math.ceil(rows / units)
    names = []
    for index in range(units):
        unit = unit_create(actor=None, name=f"基准测试单位{tag}-{index:03d}", kind=UnitKind.INSTITUTION,
                           parent=parent, institution_class=InstitutionClass.PUBLIC_1)
        quota_movement_create(actor=None, unit=unit, kind=QuotaKind.INSTITUTION, funding=Funding.FULL, type="SET",
                              amount=per_unit, document_no=f"基准编〔{tag}〕{index}号",
                              effective_on=date(2020, 1, 1))
        names.append(unit.name)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(HEADERS)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    for i, number in enumerate(_id_numbers(rows)):
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        ws.append([
            names[i % units], f"{surnames[i % 20]}{chr(0x4E00 + i % 5000)}{chr(0x4E00 + (i * 7) % 5000)}", number,
            "男" if int(number[16]) % 2 else "女", birth, "汉族", "中共党员", "大学本科",
            date(birth.year + 22, 7, 1), "在编", "事业编制", "全额拨款", "", "干部", date(2024, 9, 1),
            f"基准人〔2024〕{i}号", "", "",
        ])
    path = directory / f"roster-bench-{rows}.xlsx"
    wb.save(path)
    return path


def _in_this_process(path: Path) -> dict[str, Any]:
    from bianban.staffing.roster.importer import roster_import

    tracemalloc.start()
    started = time.perf_counter()
    result = roster_import(actor=None, path_or_file=path)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "peak_heap_mb": peak / 1048576, "imported": result.placements,
            "errors": [e.message for e in result.errors[:5]]}


def _in_child(path: Path) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bianban.settings")}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=False,
                          cwd=settings.BASE_DIR, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"roster import benchmark failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_roster_import(rows: int, *, isolated: bool = True, units: int = 50) -> dict[str, Any]:
    """Import a generated roster of `rows` people; returns {"rows", "seconds", "peak_rss_mb" or "peak_heap_mb",
    "file_mb", "imported", "errors"}. Leaves the imported data in the database (benchmark databases are
    throw-away)."""
    with tempfile.TemporaryDirectory(prefix="bianban-roster-bench-") as directory:
        path = prepare(rows, Path(directory), units=min(units, rows) or 1)
        measured = _in_child(path) if isolated else _in_this_process(path)
        measured.update({"rows": rows, "file_mb": round(path.stat().st_size / 1048576, 2)})
    measured["seconds"] = round(measured["seconds"], 2)
    for key in ("peak_rss_mb", "baseline_rss_mb", "peak_heap_mb"):
        if key in measured:
            measured[key] = round(measured[key], 1)
    return measured
