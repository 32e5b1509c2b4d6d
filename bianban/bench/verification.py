"""The verification benchmarks of `bianban bench`: a full check run (`bianban checks run --json`) over the
synthesised register, twice, on SQLite and, when the operator names a PostgreSQL server, on PostgreSQL; and the
same rules as plain SQL in an in-memory DuckDB over the same data (duck.py) as the yardstick.

Issue text: "A full check run over the synth register (20,000 units, 1,000,000 placements), findings stored,
≤ 5 s on SQLite and ≤ 3 s on PostgreSQL on this machine … Peak memory ≤ 1 GB."
"""

import json
import os
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bianban.bench.duck import MARKER as DUCK_MARKER
from bianban.bench.report import LOWER, Result
from bianban.bench.sandbox import BenchError, Database, Measured, Sandbox

if TYPE_CHECKING:
    from bianban.bench.benchmarks import Sizes

CHECKS_SECONDS = 5.0
CHECKS_PG_SECONDS = 3.0
CHECKS_PEAK_MB = 1024
PG_URL_ENV = "BIANBAN_BENCH_PG_URL"
RUN_TIMEOUT = 600
SEED = 1  # as benchmarks.SEED (the SQLite register), so that both databases hold the same data


def run_checks(box: Sandbox, db: Database) -> dict[str, Any]:
    """`bianban checks run --json` in a child process: its JSON line, wall time and peak memory."""
    try:
        done: Measured = box.measure(db, ["-m", "bianban", "checks", "run", "--json"], RUN_TIMEOUT)
    except BenchError as exc:
        if "Unknown command" in str(exc):
            raise BenchError("未运行（核查命令 bianban checks 尚未提供）") from None
        raise
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith("{")), None)
    if line is None:
        raise BenchError("bianban checks run --json 没有输出结果")
    out = json.loads(line)
    if out.get("status", "done") != "done":
        raise BenchError(f"核查未完成（{out.get('status')}）")
    return out | {"wall": done.seconds, "peak_mb": done.peak_mb}


def duckdb_yardstick(box: Sandbox, sizes: "Sizes") -> dict[str, Any]:
    """The rules as plain SQL in DuckDB over the synthesised SQLite register (loaded, not timed), once per
    sandbox: the PostgreSQL benchmark compares with the same figure (same seed, same data)."""
    if "duckdb" not in box.cache:
        from bianban.core.validators import PROVINCE_PREFIXES
        from bianban.staffing.rules import ALLOWED_KINDS

        db = box.copy("duckdb")
        try:
            options = {"as_of": timezone.localdate().isoformat(),
                       "allowed_kinds": {str(k): sorted(map(str, v)) for k, v in ALLOWED_KINDS.items()},
                       "province_prefixes": sorted(str(p) for p in PROVINCE_PREFIXES)}
            done = box.run(db, ["-m", "bianban.bench.duck", str(db), str(box.root / "duckdb"), json.dumps(options)],
                           timeout=RUN_TIMEOUT)
        finally:
            box.drop(db)
        line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith(DUCK_MARKER)), None)
        if line is None:
            raise BenchError("DuckDB 对照没有返回结果")
        box.cache["duckdb"] = json.loads(line[len(DUCK_MARKER):])
    return box.cache["duckdb"]


def _results(prefix: str, where: str, runs: list[dict[str, Any]], duck: dict[str, Any] | None, target: float,
             quick: bool) -> list[Result]:
    """Figures of two consecutive runs on one database: seconds of each (the command's own figure: rules,
    storing the findings, the ledger), peak memory, and the ratio to DuckDB."""
    first, second = runs
    total = sum(first["findings"].values())
    counts = "，".join(f"{code} {n:,}" for code, n in first["findings"].items() if n)
    # DuckDB restates the register's rules; the 事业单位登记 rules, which it does not restate, must find nothing in
    # the synthetic province (synth registers every institution tidily).
    beyond = {code: n for code, n in first["findings"].items() if duck is not None and code not in duck["findings"]}
    agree = duck is None or (duck["findings"] == {k: first["findings"].get(k) for k in duck["findings"]}
                             and not any(beyond.values()))
    same = second["findings"] == first["findings"]
    first_ok = agree and first.get("new", total) == total
    second_ok = same and second.get("new") == 0 and second.get("problems_opened", 0) == 0
    stages = lambda run: "、".join(f"{k} {v:.2f}" for k, v in (run.get("stages") or {}).items())  # noqa: E731
    note1 = (f"发现 {total:,} 项（{counts}）；阶段（秒）：{stages(first)}；新问题 {first.get('new', '?')}，"
             f"登记台账 {first.get('problems_opened', '?')}；进程总用时 {first['wall']:.1f} 秒（含启动）")
    if not agree:
        found = first["findings"]
        differ = {k: (found.get(k), v) for k, v in duck["findings"].items() if found.get(k) != v}
        differ |= {k: (n, None) for k, n in beyond.items() if n}
        note1 += f"；与 DuckDB 结果不一致（bianban, DuckDB）：{differ}"
    note2 = (f"持续 {second.get('persisting', '?')}，新 {second.get('new', '?')}，"
             f"已整改 {second.get('resolved', '?')}，登记台账 {second.get('problems_opened', '?')}；"
             f"阶段（秒）：{stages(second)}；进程总用时 {second['wall']:.1f} 秒")
    if not same:
        note2 += "；发现数与第一次不同"
    goal = None if quick else target
    results = [
        Result(f"{prefix}_seconds", f"全量核查（{where}，首次：登记问题台账）", first["seconds"], "秒", goal, LOWER,
               note1, checks_ok=first_ok),
        Result(f"{prefix}_second_seconds", f"全量核查（{where}，再次：问题持续）", second["seconds"], "秒", goal,
               LOWER, note2, checks_ok=second_ok),
        Result(f"{prefix}_peak_mb", f"全量核查峰值内存（{where}）", max(first["peak_mb"], second["peak_mb"]), "MB",
               None if quick else CHECKS_PEAK_MB, LOWER, "核查进程的峰值常驻内存（wait4），两次中较大者，含 Django"),
    ]
    if duck is not None:
        rules_only = (first.get("stages") or {}).get("rules")
        note = f"bianban 首次核查 {first['seconds']:.2f} 秒 ÷ DuckDB {duck['seconds']:.2f} 秒"
        if rules_only:
            note += f"；只算规则阶段：{rules_only:.2f} ÷ {duck['seconds']:.2f} = {rules_only / duck['seconds']:.1f} 倍"
        results.append(Result(f"{prefix}_duckdb_ratio", f"全量核查用时与 DuckDB 之比（{where}）",
                              first["seconds"] / duck["seconds"], "倍", None, LOWER, note))
    return results


def bench_checks(box: Sandbox, sizes: "Sizes", quick: bool) -> list[Result]:
    """On a copy of the synthesised SQLite register: `bianban checks run --json` twice (the first run opens a
    ledger problem per finding, the second finds them persisting and opens none), and the DuckDB yardstick."""
    db = box.copy("checks")
    try:
        runs = [run_checks(box, db) for _ in range(2)]
    finally:
        box.drop(db)
    try:
        duck = duckdb_yardstick(box, sizes)
    except BenchError as exc:
        duck = None
        box.log(f"    DuckDB 对照未能运行：{exc}")
    results = _results("checks", "SQLite", runs, duck, CHECKS_SECONDS, quick)
    if duck is not None:
        per_rule = "，".join(f"{code} {s * 1000:.0f}" for code, s in duck["rules"].items())
        times = duck.get("runs", [duck["seconds"]])
        note = (f"同样 {len(duck['rules'])} 条规则写成普通 SQL，内存数据库，{duck['threads']} 线程，DuckDB "
                f"{duck['duckdb']}；运行 {len(times)} 次取中位数（{'、'.join(f'{x:.2f}' for x in times)} 秒）；"
                f"从 SQLite 导出 {duck['export_seconds']:.1f} 秒、载入 {duck['load_seconds']:.1f} 秒（不计时）；"
                f"中位那次各规则（毫秒）：{per_rule}")
        agree = duck["findings"] == runs[0]["findings"]
        results.insert(3, Result("checks_duckdb_seconds", "同样规则在 DuckDB 中（普通 SQL，对照）", duck["seconds"],
                                 "秒", None, LOWER, note + ("" if agree else "；发现数与 bianban 不一致"),
                                 checks_ok=agree))
    return results


def bench_checks_pg(box: Sandbox, sizes: "Sizes", quick: bool) -> list[Result]:
    """The same on PostgreSQL, when the operator names a server (`bianban bench --pg URL` or the environment's
    BIANBAN_BENCH_PG_URL): a throw-away database there, migrated, filled by `bianban synth` with the same size
    and seed (timed, for information), a CHECKPOINT (the load's own checkpoints would otherwise still be writing
    during the check runs), checked twice, dropped."""
    if not box.pg_url:
        return [Result("checks_pg_seconds", "全量核查（PostgreSQL）", None, "秒", None if quick else CHECKS_PG_SECONDS,
                       LOWER, f"未运行：未提供 PostgreSQL（--pg URL 或 {PG_URL_ENV}）")]
    version = box.pg_version()
    with box.postgres() as pg:
        box.log(f"    PostgreSQL {version}：临时数据库 {pg.name}")
        box.bianban(pg, "migrate", "-v0", timeout=600)
        synth = box.measure(pg, ["-m", "bianban", "synth", "--units", str(sizes.units), "--people",
                                 str(sizes.people), "--seed", str(SEED)], sizes.synth_timeout)
        checkpoint = box.pg_checkpoint(pg)
        runs = [run_checks(box, pg) for _ in range(2)]
    try:
        duck = duckdb_yardstick(box, sizes)
    except BenchError as exc:
        duck = None
        box.log(f"    DuckDB 对照未能运行：{exc}")
    results = _results("checks_pg", "PostgreSQL", runs, duck, CHECKS_PG_SECONDS, quick)
    after = (f"，之后 CHECKPOINT {checkpoint:.1f} 秒（不计入核查）" if checkpoint is not None
             else "，无权执行 CHECKPOINT：核查可能与装载后的检查点同时进行")
    results.append(Result("synth_pg_seconds", "合成数据生成（PostgreSQL）", synth.seconds, "秒", None, LOWER,
                          f"PostgreSQL {version}，{sizes.units:,} 个机构 / {sizes.people:,} 人（含程序启动）{after}"))
    return results


def pg_url_from_environment() -> str | None:
    return os.environ.get(PG_URL_ENV) or None
