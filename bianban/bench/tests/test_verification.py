"""The verification benchmark's parts, at tiny size: the DuckDB yardstick finds exactly the problems synth
planted, a child's peak memory and time limit are measured, the figures of two check runs are judged
honestly, and the PostgreSQL benchmark reports itself skipped without a server, or works in a database of its
own that it drops."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bianban.bench import duck
from bianban.bench.benchmarks import QUICK
from bianban.bench.sandbox import BenchError, PgDatabase, Sandbox
from bianban.bench.synth import register_synthesize
from bianban.bench.verification import _results, bench_checks_pg
from bianban.core.validators import PROVINCE_PREFIXES
from bianban.staffing.rules import ALLOWED_KINDS

CODES = ["over_quota", "over_posts", "mixed_kind", "abolished_unit_placement", "expired_approval", "no_charter",
         "charter_mismatch", "past_retirement", "multiple_placements", "invalid_id", "duplicate_id"]


def sandbox(tmp_path: Path, pg_url: str | None = None) -> Sandbox:
    return Sandbox(tmp_path, lambda text: None, pg_url=pg_url)


@pytest.mark.django_db(transaction=True)  # committed: DuckDB's export reads the file from another connection
def test_duckdb_runs_every_rule_and_finds_exactly_the_planted_problems(tmp_path):
    pytest.importorskip("duckdb")
    if connection.vendor != "sqlite":
        pytest.skip("the yardstick reads a SQLite file")
    result = register_synthesize(actor=None, units=300, people=4_000, seed=5)
    out = duck.compare(Path(settings.DATABASES["default"]["NAME"]), tmp_path / "duck", as_of=timezone.localdate(),
                       allowed_kinds={k: sorted(v) for k, v in ALLOWED_KINDS.items()},
                       province_prefixes=sorted(str(p) for p in PROVINCE_PREFIXES))
    assert sorted(out["rules"]) == sorted(CODES) == sorted(result.findings)
    assert out["findings"] == result.findings
    assert out["rows"]["persons"] == out["rows"]["placements"] == 4_000
    assert out["seconds"] > 0 and not list((tmp_path / "duck").glob("*.csv"))  # CSV files removed once loaded


def test_the_duckdb_rules_cover_the_rules_of_the_checks_app():
    rules = pytest.importorskip("bianban.checks.rules")
    from bianban.registration.rules import CODES as REGISTRATION_CODES  # 事业单位登记: synth registers nothing

    assert sorted(duck.rules_sql(timezone.localdate(), ["11"])) == sorted(
        rule.code for rule in rules.RULES if rule.code not in REGISTRATION_CODES)


def test_a_measured_child_reports_its_own_peak_memory(tmp_path):
    box = sandbox(tmp_path)
    done = box.measure(tmp_path / "none.sqlite3", ["-c", "x = bytearray(80 * 2**20); x[::4096] = b'1' * len(x[::4096]);"
                                                   " print('done')"], timeout=60)
    assert done.stdout.strip() == "done"
    assert 80 <= done.peak_mb < 400
    assert done.seconds > 0


def test_a_child_of_a_large_parent_reports_its_own_peak_not_the_parents(tmp_path):
    # Linux carries ru_maxrss over from the parent across fork and exec; the figure must be the child's alone.
    ballast = bytearray(600 * 2**20)
    ballast[::4096] = b"1" * len(ballast[::4096])
    done = sandbox(tmp_path).measure(tmp_path / "none.sqlite3", ["-c", "x = bytearray(80 * 2**20);"
                                     " x[::4096] = b'1' * len(x[::4096])"], timeout=60)
    assert len(ballast) and 80 <= done.peak_mb < 400


def test_a_measured_child_is_killed_at_its_time_limit(tmp_path):
    with pytest.raises(BenchError, match="超时"):
        sandbox(tmp_path).measure(tmp_path / "none.sqlite3", ["-c", "import time; time.sleep(30)"], timeout=1)


def test_a_failing_child_says_why(tmp_path):
    with pytest.raises(BenchError, match=r"退出码 3.*坏了"):
        sandbox(tmp_path).measure(tmp_path / "none.sqlite3",
                                  ["-c", "import sys; sys.stderr.write('坏了\\n'); sys.exit(3)"], timeout=60)


def run(findings: dict, *, seconds: float = 1.2, new: int | None = None, opened: int | None = None) -> dict:
    total = sum(findings.values())
    return {"findings": findings, "seconds": seconds, "wall": seconds + 1, "peak_mb": 300.0,
            "stages": {"rules": seconds - 0.2, "store": 0.1, "ledger": 0.1}, "new": total if new is None else new,
            "persisting": 0 if new is None else total - new, "resolved": 0,
            "problems_opened": total if opened is None else opened}


def test_two_runs_that_agree_with_duckdb_meet_their_targets():
    found = {"over_quota": 20, "invalid_id": 40}
    duck_result = {"findings": dict(found), "seconds": 0.4}
    results = _results("checks", "SQLite", [run(found), run(found, seconds=1.0, new=0, opened=0)], duck_result,
                       5.0, quick=False)
    by_name = {r.name: r for r in results}
    assert [by_name[n].ok for n in ("checks_seconds", "checks_second_seconds", "checks_peak_mb")] == [True] * 3
    assert by_name["checks_duckdb_ratio"].value == pytest.approx(3.0) and by_name["checks_duckdb_ratio"].ok is None
    assert "只算规则阶段：1.00 ÷ 0.40" in by_name["checks_duckdb_ratio"].note


def test_a_run_that_disagrees_with_duckdb_or_a_second_run_that_opens_problems_fails():
    found = {"over_quota": 20, "invalid_id": 40}
    results = _results("checks", "SQLite", [run(found), run(found, new=3, opened=3)],
                       {"findings": {"over_quota": 20, "invalid_id": 41}, "seconds": 0.4}, 5.0, quick=False)
    first, second = results[0], results[1]
    assert first.ok is False and "与 DuckDB 结果不一致" in first.note and "'invalid_id': (40, 41)" in first.note
    assert second.ok is False


def test_a_slow_run_misses_the_target_and_quick_mode_has_none():
    found = {"over_quota": 1}
    slow = _results("checks_pg", "PostgreSQL", [run(found, seconds=3.5), run(found, new=0, opened=0)], None, 3.0,
                    quick=False)
    assert slow[0].ok is False and slow[1].ok is True and len(slow) == 3  # no ratio without DuckDB
    quick = _results("checks", "SQLite", [run(found), run(found, new=0, opened=0)], None, 5.0, quick=True)
    assert all(r.target is None and r.ok is None for r in quick)


def test_without_a_postgresql_server_the_benchmark_reports_itself_skipped(tmp_path):
    (result,) = bench_checks_pg(sandbox(tmp_path), QUICK, quick=False)
    assert result.value is None and result.ok is None and result.target == 3.0
    assert "未提供 PostgreSQL" in result.note


def test_the_sandbox_environment_points_children_at_their_database(tmp_path):
    box = sandbox(tmp_path)
    env = box.env(tmp_path / "x.sqlite3")
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'x.sqlite3'}"
    pg = box.env(PgDatabase("postgres://u@127.0.0.1:5/bianban_bench_ab", "bianban_bench_ab"))
    assert pg["DATABASE_URL"].endswith("/bianban_bench_ab") and pg["BIANBAN_BENCH_SANDBOX_DB"] == "bianban_bench_ab"


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_it_works_in_a_throwaway_database_and_drops_it(tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("DATABASE_URL"):
        pytest.skip("needs the PostgreSQL test server")
    import psycopg

    server = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()  # the test run's server
    box = sandbox(tmp_path, pg_url=server)
    assert box.pg_version()[:2].isdigit()
    with box.postgres() as pg:
        assert pg.name.startswith("bianban_bench_") and pg.url.endswith(f"/{pg.name}")
        with psycopg.connect(pg.url) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == pg.name
        assert box.pg_checkpoint(pg) >= 0  # the test server's user may checkpoint
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [pg.name])
        assert cursor.fetchone()[0] == 0


def test_the_yardstick_runs_without_django(tmp_path):
    # duck.py is started as `python -m bianban.bench.duck` with no settings: it must not import Django models.
    code = "import sys, bianban.bench.duck; print('bianban.staffing.models' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=settings.BASE_DIR,
                          env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}, check=True)
    assert done.stdout.strip() == "False"
