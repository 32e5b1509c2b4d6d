"""The benchmarks of `bianban bench` (issue 3, "Performance"), one function per benchmark.

None of them touches the user's database. `run_benchmarks` makes a sandbox (a temporary directory): a fresh
SQLite file there is migrated and filled by `bianban synth` (the first benchmark, timed), and every other
benchmark works on its own copy of that file, through child processes whose DATABASE_URL, BIANBAN_VAR_DIR and
STATIC_ROOT point into the sandbox (`python -m bianban …` for commands, `python -m bianban.bench.child` for
the workloads in workloads.py), and through a `bianban serve` (gunicorn) bound to 127.0.0.1 on a free port,
always stopped afterwards. All traffic stays on 127.0.0.1; every child process has a time limit. The
verification benchmarks are in verification.py; the PostgreSQL one works in a database it creates on the server
the operator names (`--pg`) and drops afterwards.

The database settings are the production ones (settings.py: WAL, synchronous=FULL, IMMEDIATE transactions),
with DEBUG off.
"""

import contextlib
import http.client
import json
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings

from bianban.bench.report import EQUAL, HIGHER, LOWER, Result, document, machine, table, write_json
from bianban.bench.reports import bench_duty_report, bench_establishment_workbook
from bianban.bench.sandbox import BenchError, Client, Sandbox
from bianban.bench.verification import bench_checks, bench_checks_pg

RESULTS_PATH = Path(settings.BASE_DIR) / "benchmarks" / "results.json"
SEED = 1


@dataclass(frozen=True)
class Sizes:
    units: int
    people: int
    enrolments: int  # service benchmark
    enrol_lines: int
    api_lines: int
    api_vacancies: int  # per line
    api_attempts: int  # per line, more than its vacancies
    api_clients: int
    pages: int
    roster_rows: int
    synth_timeout: int


FULL = Sizes(units=20_000, people=1_000_000, enrolments=2_000, enrol_lines=200, api_lines=100, api_vacancies=10,
             api_attempts=12, api_clients=8, pages=200, roster_rows=100_000, synth_timeout=600)
QUICK = Sizes(units=500, people=25_000, enrolments=200, enrol_lines=40, api_lines=20, api_vacancies=5,
              api_attempts=7, api_clients=8, pages=50, roster_rows=10_000, synth_timeout=300)

# Targets (issue 3, "Performance"), on the full-size register.
SYNTH_SECONDS = 180
SERVICE_PER_SECOND = 500
API_PER_SECOND = 150
PAGE_P95_MS = 150
ROSTER_SECONDS = 20
ROSTER_PEAK_MB = 600


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


# --- the benchmarks -----------------------------------------------------------------------------------------


def bench_synth(box: Sandbox, sizes: Sizes, quick: bool) -> list[Result]:
    """`bianban synth` into a freshly migrated SQLite file, timed end to end (the command as an operator runs
    it, Python start-up included). The file becomes the template every other benchmark copies."""
    box.bianban(box.template, "migrate", "-v0", timeout=300)
    started = time.perf_counter()
    done = box.bianban(box.template, "synth", "--units", str(sizes.units), "--people", str(sizes.people),
                       "--seed", str(SEED), timeout=sizes.synth_timeout)
    seconds = time.perf_counter() - started
    inner = re.search(r"用时 ([\d.]+) 秒", done.stdout)
    note = f"{sizes.units:,} 个机构 / {sizes.people:,} 人（含程序启动；生成本身 {inner.group(1) if inner else '?'} 秒）"
    return [Result("synth_seconds", "合成数据生成（bianban synth）", seconds, "秒",
                   None if quick else SYNTH_SECONDS, LOWER, note)]


def bench_service_enrol(box: Sandbox, sizes: Sizes, quick: bool) -> list[Result]:
    """入编 through `placement_enrol`, one thread, with the synthesised register loaded: new persons into random
    block-mode lines given exactly enough vacancies (核增 through quota_movement_create beforehand)."""
    db = box.copy("service")
    try:
        out = box.workload(db, "service_enrol", enrolments=sizes.enrolments, lines=sizes.enrol_lines, seed=SEED)
    finally:
        box.drop(db)
    filled = out["lines_filled_exactly"] == out["lines"]
    note = (f"{out['enrolments']:,} 次入编，{out['lines']} 条编制，用时 {out['seconds']:.1f} 秒"
            + ("" if filled else "；警告：编制占用数与预期不符"))
    return [Result("service_enrol_per_s", "入编（服务层，单线程）", out["per_second"], "次/秒", SERVICE_PER_SECOND,
                   HIGHER, note, checks_ok=filled)]


def bench_api_enrol(box: Sandbox, sizes: Sizes, quick: bool) -> list[Result]:
    """入编 through POST /api/v1/enrolments from `api_clients` threads against gunicorn (4 workers): lines with
    exactly K vacancies each, and more attempts than vacancies. Rate = 201 answers / wall time of the whole
    run (the 409 answers included in the time). Afterwards: no line over its approved number, the 201s equal
    the vacancies, and the counters equal a recomputation from the journal."""
    db = box.copy("api")
    try:
        setup = box.workload(db, "api_setup", lines=sizes.api_lines, vacancies_per_line=sizes.api_vacancies,
                             attempts_per_line=sizes.api_attempts, seed=SEED)
        token = box.bianban(db, "token", "create", setup["username"], "--name", "基准测试",
                            timeout=60).stdout.strip().splitlines()[-1]
        with box.server(db, workers=4) as port:
            _warm_up_api(port, token, setup["on"], sizes.api_clients)
            statuses, seconds, latencies = _fire_enrolments(port, token, setup, sizes.api_clients)
        check = box.workload(db, "register_check", lines=setup["lines"])
    finally:
        box.drop(db)
    created, refused = statuses.get(201, 0), statuses.get(409, 0)
    others = {code: n for code, n in statuses.items() if code not in (201, 409)}
    attempts = len(setup["attempts"])
    correct = (created == setup["vacancies"] and check["over_block_lines"] == 0 and not check["counter_mismatches"]
               and check["placed_today"] == created and not others)
    note = (f"{sizes.api_clients} 个并发客户端，{attempts:,} 次请求（{attempts / seconds:.0f} 次/秒），"
            f"201：{created:,}，409：{refused:,}" + (f"，其他：{others}" if others else "")
            + f"，空编 {setup['vacancies']:,}，p95 {percentile(latencies, 0.95) * 1000:.0f} 毫秒")
    over_note = (f"超编编制 {check['over_block_lines']} 条（拦截模式），成功入编 {created:,} = 空编 "
                 f"{setup['vacancies']:,}：{'是' if created == setup['vacancies'] else '否'}，计数器与重算"
                 f"{'一致' if not check['counter_mismatches'] else '不一致'}")
    return [
        Result("api_enrol_per_s", "入编（HTTP API，8 个并发客户端）", created / seconds, "次/秒", API_PER_SECOND,
               HIGHER, note),
        Result("api_over_quota_lines", "并发入编后超编的编制", check["over_block_lines"], "条", 0, EQUAL, over_note,
               checks_ok=correct),
    ]


def _warm_up_api(port: int, token: str, on: str, clients: int) -> None:
    """Each gunicorn worker loads the URL configuration and the API on its first request: send a few 入编 for
    a person who does not exist (answered 422, nothing written) from every client first, not timed."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"person": 0, "unit": 0, "kind": "administrative", "funding": "none", "on": on,
                       "document_no": "基准预热"}).encode()

    def client() -> None:
        http_client = Client(port, timeout=60)
        for _ in range(5):
            with contextlib.suppress(OSError, http.client.HTTPException):
                http_client.request("POST", "/api/v1/enrolments", body=body, headers=headers)

    threads = [threading.Thread(target=client, name=f"bench-warm-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def _fire_enrolments(port: int, token: str, setup: dict[str, Any],
                     clients: int) -> tuple[Counter, float, list[float]]:
    attempts = setup["attempts"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    cursor = iter(range(len(attempts)))

    def client() -> None:
        http_client = Client(port, timeout=60)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            attempt = attempts[index]
            body = json.dumps({"person": attempt["person"], "unit": attempt["unit"], "kind": attempt["kind"],
                               "funding": attempt["funding"], "on": setup["on"],
                               "document_no": f"基准接口入〔2026〕{index + 1}号"}).encode()
            try:
                status, _, elapsed = http_client.request("POST", "/api/v1/enrolments", body=body, headers=headers)
            except (OSError, http.client.HTTPException):
                status, elapsed = -1, 0.0
            with lock:
                statuses[status] += 1
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, name=f"bench-client-{i}") for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return statuses, time.perf_counter() - started, latencies


def bench_unit_pages(box: Sandbox, sizes: Sizes, quick: bool) -> list[Result]:
    """p50/p95 of the unit page (/units/{id}/), the staffing panel it loads by htmx (/staffing/units/{id}/panel/)
    and the staffing page (/staffing/units/{id}/) for random units, one logged-in 业务科室 user (district-wide
    grant) requesting them one after another from the live server (gunicorn, 4 workers). 20 other units are
    requested first to warm the workers up and are not counted."""
    db = box.copy("pages")
    try:
        setup = box.workload(db, "pages_setup", units=sizes.pages, seed=SEED)
        with box.server(db, workers=4) as port:
            client = Client(port)
            client.login(setup["username"], setup["password"])
            pages = {"unit": "/units/{}/", "panel": "/staffing/units/{}/panel/", "staffing": "/staffing/units/{}/"}
            timings: dict[str, list[float]] = {name: [] for name in pages}
            failures: Counter = Counter()
            for counted, unit_ids in ((False, setup["warmup"]), (True, setup["units"])):
                for pk in unit_ids:
                    for name, path in pages.items():
                        headers = {"HX-Request": "true"} if name == "panel" else None
                        status, _, elapsed = client.get(path.format(pk), headers=headers)
                        if status != 200:
                            failures[(name, status)] += 1
                        if counted:
                            timings[name].append(elapsed)
    finally:
        box.drop(db)
    sizes_note = (f"{len(setup['units'])} 个随机单位，在编人数中位数 {percentile(setup['sizes'], 0.5):.0f}、"
                  f"最多 {max(setup['sizes'])}")
    labels = {"unit": "单位页面 /units/{id}/", "panel": "编制面板（htmx 片段）",
              "staffing": "编制页面 /staffing/units/{id}/"}
    results = []
    for name, values in timings.items():
        bad = sum(n for (page, _), n in failures.items() if page == name)
        note = f"p50 {percentile(values, 0.5) * 1000:.0f} 毫秒；{sizes_note}"
        if bad:
            note += f"；{bad} 次非 200 响应"
        results.append(Result(f"{name}_page_p95_ms", f"{labels[name]} p95", percentile(values, 0.95) * 1000, "毫秒",
                              PAGE_P95_MS, LOWER, note, checks_ok=not bad))
    return results


def bench_roster_import(box: Sandbox, sizes: Sizes, quick: bool) -> list[Result]:
    """A roster of `roster_rows` rows through `bianban.staffing.roster.bench.bench_roster_import(rows)`, the
    import's own end-to-end benchmark, on a copy of the synthesised register. Peak memory: as that function
    reports it, else the peak resident size of the whole child process (Django included)."""
    db = box.copy("roster")
    try:
        out = box.workload(db, "roster_import", rows=sizes.roster_rows)
    finally:
        box.drop(db)
    label_s, label_mb = f"实名制名册导入 {sizes.roster_rows:,} 行", f"实名制名册导入 {sizes.roster_rows:,} 行峰值内存"
    target_s, target_mb = (None, None) if quick else (ROSTER_SECONDS, ROSTER_PEAK_MB)
    if out.get("missing"):
        note = "未运行（导入模块尚未提供）"
        return [Result("roster_import_seconds", label_s, None, "秒", target_s, LOWER, note),
                Result("roster_import_peak_mb", label_mb, None, "MB", target_mb, LOWER, note)]
    peak = out.get("peak_mb", out["process_peak_mb"])
    how = "导入进程的峰值常驻内存（导入函数报告）" if "peak_mb" in out else "子进程峰值常驻内存（含 Django 和数据准备）"
    raw = out.get("raw") if isinstance(out.get("raw"), dict) else {}
    imported, errors = raw.get("imported"), raw.get("errors") or []
    complete = imported in (None, sizes.roster_rows) and not errors
    note = "读取工作簿、逐行校验、写入（不含生成测试工作簿）"
    if imported is not None:
        note += f"；导入 {imported:,} 人"
    if not complete:
        note += f"；导入不完整：{'；'.join(map(str, errors[:3]))}"
    return [Result("roster_import_seconds", label_s, out["seconds"], "秒", target_s, LOWER, note, checks_ok=complete),
            Result("roster_import_peak_mb", label_mb, peak, "MB", target_mb, LOWER, how)]


BENCHMARKS: dict[str, tuple[str, Callable[[Sandbox, Sizes, bool], list[Result]]]] = {
    "synth": ("生成合成数据", bench_synth),
    "service_enrol": ("服务层入编", bench_service_enrol),
    "api_enrol": ("HTTP API 并发入编", bench_api_enrol),
    "unit_pages": ("单位编制页面", bench_unit_pages),
    "roster_import": ("实名制名册导入", bench_roster_import),
    "checks": ("全量核查（SQLite，DuckDB 对照）", bench_checks),
    "checks_pg": ("全量核查（PostgreSQL）", bench_checks_pg),
    "duty_report": ("述职报告", bench_duty_report),
    "workbook": ("机构编制统计表", bench_establishment_workbook),
}
PLACEHOLDERS = {  # what a benchmark reports when it could not run at all
    "synth": [("synth_seconds", "合成数据生成（bianban synth）", "秒")],
    "service_enrol": [("service_enrol_per_s", "入编（服务层，单线程）", "次/秒")],
    "api_enrol": [("api_enrol_per_s", "入编（HTTP API，8 个并发客户端）", "次/秒")],
    "unit_pages": [("unit_page_p95_ms", "单位页面 p95", "毫秒")],
    "roster_import": [("roster_import_seconds", "实名制名册导入", "秒")],
    "checks": [("checks_seconds", "全量核查（SQLite）", "秒")],
    "checks_pg": [("checks_pg_seconds", "全量核查（PostgreSQL）", "秒")],
    "duty_report": [("duty_report_seconds", "述职报告生成并写 Word", "秒")],
    "workbook": [("workbook_seconds", "机构编制统计表（今天）", "秒")],
}


def run_benchmarks(*, quick: bool, only: list[str] | None = None, output: Path | None = RESULTS_PATH,
                   keep: bool = False, stream: TextIO = sys.stderr,
                   pg_url: str | None = None) -> tuple[list[Result], dict[str, Any]]:
    """Run the benchmarks (synth always, the others as `only` selects), print progress to `stream`, write the
    JSON document to `output`; returns the results and the document. `pg_url`: a PostgreSQL server on which
    the PostgreSQL benchmarks may create (and drop) throw-away databases; without it they report skipped."""
    sizes = QUICK if quick else FULL
    machine_info = machine()
    names = [n for n in BENCHMARKS if n == "synth" or not only or n in only]
    started_at, started = datetime.now().astimezone(), time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="bianban-bench-"))

    def log(text: str) -> None:
        stream.write(f"[{time.perf_counter() - started:6.1f} 秒] {text}\n")
        stream.flush()

    box = Sandbox(root, log, pg_url=pg_url)
    if pg_url:
        try:
            machine_info["postgresql"] = box.pg_version()
        except Exception as exc:  # reported by the PostgreSQL benchmark itself
            machine_info["postgresql"] = f"无法连接：{type(exc).__name__}"
    results: list[Result] = []
    try:
        for step, name in enumerate(names, 1):
            label, function = BENCHMARKS[name]
            log(f"({step}/{len(names)}) {label} …")
            try:
                found = function(box, sizes, quick)
            except Exception as exc:  # one benchmark failing must not stop the others
                message = str(exc) if isinstance(exc, BenchError) else f"{type(exc).__name__}: {exc}"
                found = [Result(key, text, None, unit, note=f"失败：{message}", checks_ok=False)
                         for key, text, unit in PLACEHOLDERS[name]]
            for result in found:
                log(f"    {result.label}：{result.value if result.value is not None else result.note}")
            results += found
    finally:
        if keep:
            log(f"沙箱目录已保留：{root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    machine_info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    doc = document(results, quick=quick, machine_info=machine_info, started=started_at,
                   seconds=time.perf_counter() - started)
    if output is not None:
        write_json(output, doc)
    return results, doc


__all__ = ["EQUAL", "HIGHER", "LOWER", "Result", "run_benchmarks", "table"]
