"""The parts of the benchmarks that run inside a benchmark database (in a child process whose DATABASE_URL
points at a throw-away SQLite file; see child.py): preparing accounts, vacancies and new persons through the
services, the timed service loop, and checking the register afterwards.

Nothing here is meant for the user's own database; benchmarks.py never calls these in-process.
"""

import random
import resource
import time
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, F

from bianban.accounts.choices import Role
from bianban.accounts.services import user_create_with_grants
from bianban.bench.synth import people_insert_unplaced
from bianban.people.models import Person
from bianban.staffing.choices import Enforcement, MovementType
from bianban.staffing.history import recomputed_now
from bianban.staffing.models import Placement, QuotaLine
from bianban.staffing.rules import today
from bianban.staffing.services import placement_enrol, quota_movement_create
from bianban.units.choices import UnitStatus
from bianban.units.models import Unit

PASSWORD = "Bench-口令-2026!"  # only ever used inside a throw-away benchmark database


def office_user(username: str) -> Any:
    """An 业务科室 user with a district-wide grant (the persona that does staffing business)."""
    return user_create_with_grants(actor=None, username=username, password=PASSWORD, full_name="基准测试",
                                   grants=[(Role.OFFICE_STAFF, None)])


def pick_lines(count: int, seed: int) -> list[QuotaLine]:
    """`count` random block-mode lines of active units, the same ones for the same seed and database."""
    ids = list(QuotaLine.objects.filter(enforcement=Enforcement.BLOCK, unit__status=UnitStatus.ACTIVE,
                                        requires_approval=False).order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    lines = {line.pk: line for line in QuotaLine.objects.select_related("unit").filter(pk__in=chosen)}
    return [lines[pk] for pk in chosen]


def set_vacancies(line: QuotaLine, vacancies: int, document_no: str) -> QuotaLine:
    """Give the line exactly `vacancies` free slots through 核增 or 核减 (quota_movement_create)."""
    line.refresh_from_db()
    gap = vacancies - (line.approved - line.occupied - line.reserved)
    if gap:
        quota_movement_create(
            actor=None, unit=line.unit, kind=line.kind, funding=line.funding,
            type=MovementType.INCREASE if gap > 0 else MovementType.DECREASE, amount=abs(gap),
            document_no=document_no, effective_on=today(), reason="基准测试：调整空编",
        )
        line.refresh_from_db()
    return line


def service_enrol(*, enrolments: int, lines: int, seed: int) -> dict[str, Any]:
    """入编 through `placement_enrol`, single-threaded: `enrolments` new persons into `lines` lines that were
    given exactly enough vacancies. Only the service calls are timed (persons and units loaded before)."""
    actor = office_user("bench_service")
    chosen = pick_lines(lines, seed)
    per_line, extra = divmod(enrolments, len(chosen))
    wanted = [per_line + (1 if i < extra else 0) for i in range(len(chosen))]
    for i, (line, n) in enumerate(zip(chosen, wanted, strict=True)):
        set_vacancies(line, n, f"基准核〔{today().year}〕{i + 1}号")
    # Lines with their units and persons loaded before the clock starts: only the service is timed.
    loaded = QuotaLine.objects.select_related("unit").in_bulk([line.pk for line in chosen])
    chosen = [loaded[line.pk] for line in chosen]
    people = list(Person.objects.filter(pk__in=people_insert_unplaced(count=enrolments, seed=seed)).order_by("pk"))
    jobs = [(line, n) for line, k in zip(chosen, wanted, strict=True) for n in range(k)]
    random.Random(seed).shuffle(jobs)
    on = today()
    started = time.perf_counter()
    for i, (person, (line, _)) in enumerate(zip(people, jobs, strict=True)):
        placement_enrol(actor=actor, person=person, unit=line.unit, kind=line.kind, funding=line.funding, on=on,
                        document_no=f"基准入〔{on.year}〕{i + 1}号")
    seconds = time.perf_counter() - started
    full = QuotaLine.objects.filter(pk__in=[line.pk for line in chosen], approved=F("occupied") + F("reserved"))
    return {"enrolments": len(people), "seconds": seconds, "per_second": len(people) / seconds,
            "lines": len(chosen), "lines_filled_exactly": full.count()}


def api_setup(*, lines: int, vacancies_per_line: int, attempts_per_line: int, seed: int) -> dict[str, Any]:
    """The API benchmark's data: a user, `lines` lines with exactly `vacancies_per_line` vacancies each, and
    `attempts_per_line` new persons per line (more than its vacancies) to send at it."""
    office_user("bench_api")
    chosen = pick_lines(lines, seed)
    for i, line in enumerate(chosen):
        set_vacancies(line, vacancies_per_line, f"基准核〔{today().year}〕{i + 1}号")
    persons = people_insert_unplaced(count=lines * attempts_per_line, seed=seed)
    attempts = [
        {"person": persons[i * attempts_per_line + j], "unit": line.unit_id, "kind": line.kind,
         "funding": line.funding, "line": line.pk}
        for i, line in enumerate(chosen) for j in range(attempts_per_line)
    ]
    random.Random(seed).shuffle(attempts)
    return {"username": "bench_api", "attempts": attempts, "vacancies": vacancies_per_line * len(chosen),
            "lines": [line.pk for line in chosen], "on": today().isoformat()}


def register_check(*, lines: list[int]) -> dict[str, Any]:
    """After concurrent writes: lines over their approved number (all lines, any mode), and whether the
    benchmark's lines' counters equal a recomputation from the journal and placements."""
    over_block = QuotaLine.objects.filter(enforcement=Enforcement.BLOCK, occupied__gt=F("approved")).count()
    over_any = QuotaLine.objects.filter(occupied__gt=F("approved")).count()
    mismatched = []
    placed = 0
    for line in QuotaLine.objects.filter(pk__in=lines):
        state = recomputed_now(line)
        if (state.approved, state.occupied, state.reserved) != (line.approved, line.occupied, line.reserved):
            mismatched.append(line.pk)
        placed += Placement.objects.filter(line=line, started_on=today(), ended_on__isnull=True).count()
    return {"over_block_lines": over_block, "over_lines": over_any, "counter_mismatches": mismatched,
            "placed_today": placed}


def pages_setup(*, units: int, seed: int) -> dict[str, Any]:
    """A logged-in 业务科室 user's view: the user, and `units` random units (plus 20 for warming up)."""
    office_user("bench_pages")
    ids = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(units + 20, len(ids)))
    sizes = dict(Placement.objects.filter(unit_id__in=chosen, ended_on__isnull=True)
                 .values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    return {"username": "bench_pages", "password": PASSWORD, "warmup": chosen[:20], "units": chosen[20:],
            "sizes": [sizes.get(pk, 0) for pk in chosen[20:]]}


def roster_import(*, rows: int) -> dict[str, Any]:
    """The roster import's own benchmark entry point, when the staffing app provides it."""
    try:
        from bianban.staffing.roster.bench import bench_roster_import
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("bianban.staffing.roster"):
            return {"missing": True}
        raise
    started = time.perf_counter()
    outcome = bench_roster_import(rows)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    result: dict[str, Any] = {"seconds": seconds, "process_peak_mb": peak_mb, "raw": _plain(outcome)}
    if isinstance(outcome, dict):
        for key in ("seconds", "elapsed", "elapsed_s", "duration"):
            if isinstance(outcome.get(key), int | float):
                result["seconds"] = float(outcome[key])
                break
        for key in ("peak_mb", "peak_memory_mb", "memory_mb", "peak_rss_mb"):
            if isinstance(outcome.get(key), int | float):
                result["peak_mb"] = float(outcome[key])
                break
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def sqlite_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()")
        return cursor.fetchone()[0]
