"""The yardstick of the verification benchmark: the same rules as bianban/checks/rules.py, written as plain SQL
over the raw register tables, in an in-memory DuckDB.

    python -m bianban.bench.duck SQLITE_FILE WORK_DIR 'JSON'

exports the tables the rules read from the SQLite file (Python's sqlite3, into CSV files in WORK_DIR: DuckDB's
own sqlite extension would have to be downloaded), loads them into DuckDB (timed apart, not part of the
comparison), runs every rule into a findings table, three times (timed; the median counts), and prints one JSON
line (after MARKER): {"seconds", "runs", "rules": {code: seconds}, "findings": {code: count}, "load_seconds",
"export_seconds", "rows", …}.
The JSON argument carries the date and what the rules need from bianban's code: {"as_of": "YYYY-MM-DD",
"allowed_kinds": {unit kind: [quota kinds]}, "province_prefixes": ["11", …]}.

Unlike bianban, which reads the counters its services keep, these queries count from the journal: approved
numbers from the movements, occupancy and posts filled from the placements, reservations nowhere needed. No
Django here: it reads the file directly and runs in its own process (benchmarks.py starts it).
"""

import csv
import json
import os
import resource
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

MARKER = "BENCH-RESULT "
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# DuckDB table ← (SQLite table, {column: DuckDB type}); only what the rules read.
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "units": ("units_unit", {"id": "BIGINT", "kind": "VARCHAR", "status": "VARCHAR", "abolished_on": "DATE",
                             "path": "VARCHAR"}),
    "lines": ("staffing_quotaline", {"id": "BIGINT", "unit_id": "BIGINT", "kind": "VARCHAR", "funding": "VARCHAR",
                                     "exception_document_no": "VARCHAR"}),
    "movements": ("staffing_quotamovement", {"id": "BIGINT", "line_id": "BIGINT", "delta": "INTEGER",
                                             "effective_on": "DATE"}),
    "posts": ("staffing_postquota", {"id": "BIGINT", "unit_id": "BIGINT", "division_id": "BIGINT",
                                     "grade": "VARCHAR", "approved": "INTEGER"}),
    "persons": ("people_person", {"id": "BIGINT", "id_number": "VARCHAR", "retirement_month": "DATE",
                                  "unit_id": "BIGINT"}),
    "placements": ("staffing_placement", {"id": "BIGINT", "person_id": "BIGINT", "unit_id": "BIGINT",
                                          "line_id": "BIGINT", "on_quota": "BOOLEAN", "post_id": "BIGINT",
                                          "started_on": "DATE", "ended_on": "DATE"}),
    "approvals": ("staffing_approval", {"id": "BIGINT", "line_id": "BIGINT", "status": "VARCHAR", "count": "INTEGER",
                                        "used": "INTEGER", "issued_on": "DATE", "valid_until": "DATE"}),
    "charters": ("units_charter", {"id": "BIGINT", "unit_id": "BIGINT", "version": "INTEGER", "is_current": "BOOLEAN",
                                   "effective_on": "DATE", "quota": "VARCHAR", "posts": "VARCHAR"}),
}
NULL = "\\N"

# Placements in post today: not ended. The journal's approved number of each line as of the date.
_APPROVED = "SELECT line_id, SUM(delta) AS n FROM movements WHERE effective_on <= {as_of} GROUP BY line_id"
_OCCUPIED = "SELECT line_id, COUNT(*) AS n FROM placements WHERE on_quota AND ended_on IS NULL GROUP BY line_id"


def rules_sql(as_of: date, province_prefixes: list[str]) -> dict[str, str]:
    """One SELECT of subject ids per rule (the subjects bianban's rules report: line, post, placement, person,
    approval or unit), as of `as_of` (the register's current state)."""
    day = f"DATE '{as_of.isoformat()}'"
    month = f"DATE '{as_of.replace(day=1).isoformat()}'"
    approved, occupied = _APPROVED.format(as_of=day), _OCCUPIED
    # GB 11643 MOD 11-2 over the 17 digits, taken from the number as an integer (3× faster here than 17
    # substrings; the digits-only test comes first).
    checksum = " + ".join(f"(body // {10 ** (16 - i)} % 10) * {w}" for i, w in enumerate(ID_WEIGHTS))
    prefixes = ", ".join(f"'{p}'" for p in province_prefixes if p.isdigit())
    return {
        "over_quota": f"""
            SELECT l.id FROM lines l
              LEFT JOIN ({approved}) a ON a.line_id = l.id JOIN ({occupied}) o ON o.line_id = l.id
            WHERE o.n > COALESCE(a.n, 0)""",
        "over_posts": """
            SELECT p.id FROM posts p JOIN (SELECT post_id, COUNT(*) AS n FROM placements
                                           WHERE ended_on IS NULL AND post_id IS NOT NULL GROUP BY post_id) h
              ON h.post_id = p.id
            WHERE h.n > p.approved""",
        "mixed_kind": f"""
            SELECT l.id FROM lines l JOIN units u ON u.id = l.unit_id
              LEFT JOIN ({approved}) a ON a.line_id = l.id LEFT JOIN ({occupied}) o ON o.line_id = l.id
            WHERE l.exception_document_no = ''
              AND u.kind IN (SELECT unit_kind FROM allowed_kinds)
              AND NOT EXISTS (SELECT 1 FROM allowed_kinds k WHERE k.unit_kind = u.kind AND k.kind = l.kind)
              AND (COALESCE(a.n, 0) > 0 OR COALESCE(o.n, 0) > 0)""",
        "abolished_unit_placement": f"""
            SELECT pl.id FROM placements pl JOIN units u ON u.id = pl.unit_id
            WHERE pl.ended_on IS NULL AND (u.status = 'abolished' OR u.abolished_on <= {day})""",
        "expired_approval": f"SELECT id FROM approvals WHERE status = 'open' AND valid_until < {day}",
        "no_charter": f"""
            SELECT u.id FROM units u
            WHERE u.status = 'active' AND NOT EXISTS (
                SELECT 1 FROM charters c WHERE c.unit_id = u.id AND c.is_current AND c.effective_on <= {day})""",
        "charter_mismatch": f"""
            WITH ch AS (SELECT * FROM charters WHERE is_current AND effective_on <= {day}),
            cq AS (SELECT ch.unit_id, q.kind, COALESCE(q.funding, '') AS funding, COALESCE(q.count, 0) AS n
                   FROM ch, unnest(from_json(ch.quota, '[{{"kind":"VARCHAR","funding":"VARCHAR","count":"BIGINT"}}]'))
                        AS t(q)),
            la AS (SELECT l.unit_id, l.kind, l.funding, a.n FROM lines l JOIN ({approved}) a ON a.line_id = l.id
                   WHERE l.unit_id IN (SELECT unit_id FROM ch)),
            cp AS (SELECT ch.unit_id, p.level AS lvl, COALESCE(p.principal, 0) AS pr, COALESCE(p.deputy, 0) AS de
                   FROM ch, unnest(from_json(ch.posts,
                                   '[{{"level":"VARCHAR","principal":"BIGINT","deputy":"BIGINT"}}]')) AS t(p)),
            pq AS (SELECT unit_id, CASE WHEN division_id IS NULL THEN 'unit' ELSE 'division' END AS lvl, grade,
                          approved FROM posts WHERE unit_id IN (SELECT unit_id FROM ch))
            SELECT DISTINCT unit_id FROM (
                SELECT unit_id FROM (SELECT unit_id, kind, funding, n AS cn, 0 AS ln FROM cq
                                     UNION ALL SELECT unit_id, kind, funding, 0, n FROM la)
                GROUP BY unit_id, kind, funding HAVING SUM(cn) <> SUM(ln)
                UNION ALL
                SELECT unit_id FROM (SELECT unit_id, lvl, 'PRINCIPAL' AS grade, pr AS cn, 0 AS qn FROM cp
                                     UNION ALL SELECT unit_id, lvl, 'DEPUTY', de, 0 FROM cp
                                     UNION ALL SELECT unit_id, lvl, grade, 0, approved FROM pq)
                GROUP BY unit_id, lvl, grade HAVING SUM(cn) <> SUM(qn))""",
        "past_retirement": f"""
            SELECT pl.id FROM placements pl JOIN persons p ON p.id = pl.person_id
            WHERE pl.on_quota AND pl.ended_on IS NULL AND p.retirement_month < {month}""",
        "multiple_placements": """
            SELECT person_id FROM placements WHERE on_quota AND ended_on IS NULL
            GROUP BY person_id HAVING COUNT(*) > 1""",
        "invalid_id": f"""
            SELECT id FROM (SELECT id, id_number, TRY_CAST(substr(id_number, 1, 17) AS BIGINT) AS body FROM persons)
            WHERE length(id_number) <> 18
               OR NOT regexp_full_match(substr(id_number, 1, 17), '[0-9]{{17}}')
               OR substr(id_number, 18, 1) <> substr('10X98765432', CAST(({checksum}) % 11 AS INTEGER) + 1, 1)
               OR substr(id_number, 1, 2) NOT IN ({prefixes})
               OR substr(id_number, 11, 2) NOT BETWEEN '01' AND '12'
               OR substr(id_number, 13, 2) NOT BETWEEN '01' AND '31'""",
        "duplicate_id": """
            SELECT p.id FROM persons p
            JOIN (SELECT substr(id_number, 1, 17) AS body FROM persons GROUP BY 1 HAVING COUNT(*) > 1) d
              ON substr(p.id_number, 1, 17) = d.body""",
    }


def export(sqlite_file: Path, work_dir: Path) -> dict[str, tuple[Path, int]]:
    """Each table's columns into a CSV file (NULL written as \\N); returns {table: (file, rows)}."""
    work_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[Path, int]] = {}
    source = sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)
    try:
        for name, (table, columns) in TABLES.items():
            path = work_dir / f"{name}.csv"
            select = ", ".join(f'IFNULL("{c}", \'{NULL}\')' for c in columns)
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(columns)
                cursor = source.execute(f'SELECT {select} FROM "{table}"')
                rows = 0
                while batch := cursor.fetchmany(50_000):
                    writer.writerows(batch)
                    rows += len(batch)
            files[name] = (path, rows)
    finally:
        source.close()
    return files


def connect() -> Any:
    import duckdb

    # Never reach for the network: every extension used here (json) is built into the wheel.
    return duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                              "autoload_known_extensions": False})


def load(con: Any, files: dict[str, tuple[Path, int]], allowed_kinds: dict[str, list[str]]) -> None:
    for name, (path, _) in files.items():
        types = ", ".join(f"'{c}': '{t}'" for c, t in TABLES[name][1].items())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, nullstr = '\\N', "
                    f"quote = '\"', escape = '\"', columns = {{{types}}})")
    con.execute("CREATE TABLE allowed_kinds (unit_kind VARCHAR, kind VARCHAR)")
    con.executemany("INSERT INTO allowed_kinds VALUES (?, ?)",
                    [(unit_kind, kind) for unit_kind, kinds in sorted(allowed_kinds.items()) for kind in sorted(kinds)])


def run_rules(con: Any, sql: dict[str, str]) -> tuple[float, dict[str, float], dict[str, int]]:
    """Every rule into one findings table, timed; returns (total seconds, seconds per rule, count per rule)."""
    con.execute("CREATE OR REPLACE TABLE findings (rule VARCHAR, subject_id BIGINT)")
    per_rule: dict[str, float] = {}
    started = time.perf_counter()
    for code, query in sql.items():
        mark = time.perf_counter()
        con.execute(f"INSERT INTO findings SELECT '{code}', * FROM ({query})")
        per_rule[code] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    counts = dict.fromkeys(sql, 0) | dict(con.execute("SELECT rule, COUNT(*) FROM findings GROUP BY rule").fetchall())
    return seconds, per_rule, counts


def compare(sqlite_file: Path, work_dir: Path, *, as_of: date, allowed_kinds: dict[str, list[str]],
            province_prefixes: list[str], repeat: int = 3) -> dict[str, Any]:
    """Export, load, and run the rules `repeat` times; the figure is the median run (DuckDB spreads each query
    over every core, so on a shared machine one run alone says little), all runs are listed."""
    started = time.perf_counter()
    files = export(sqlite_file, work_dir)
    exported = time.perf_counter() - started
    con = connect()
    try:
        mark = time.perf_counter()
        load(con, files, allowed_kinds)
        loaded = time.perf_counter() - mark
        for name in files:  # the CSV files are not needed once loaded
            files[name][0].unlink(missing_ok=True)
        sql = rules_sql(as_of, province_prefixes)
        runs = sorted((run_rules(con, sql) for _ in range(max(repeat, 1))), key=lambda run: run[0])
        seconds, per_rule, counts = runs[len(runs) // 2]
        version = con.execute("SELECT version()").fetchone()[0]
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    finally:
        con.close()
    return {"seconds": seconds, "runs": [run[0] for run in runs], "rules": per_rule, "findings": counts,
            "export_seconds": exported, "load_seconds": loaded,
            "rows": {name: rows for name, (_, rows) in files.items()}, "duckdb": version, "threads": int(threads),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("用法：python -m bianban.bench.duck SQLITE文件 工作目录 'JSON'\n")
        return 2
    options = json.loads(argv[2])
    result = compare(Path(argv[0]), Path(argv[1]), as_of=date.fromisoformat(options["as_of"]),
                     allowed_kinds=options["allowed_kinds"], province_prefixes=options["province_prefixes"])
    sys.stdout.write(MARKER + json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)  # nothing here uses Django
    sys.exit(main(sys.argv[1:]))
