"""`make load`: a bounded load test of `bianban serve` on loopback, on a province-scale synthetic register, with the
register checked afterwards.

    python benchmarks/load/run.py                  # SQLite (a scratch file under var/load/)
    DATABASE_URL=postgres://u@host:port/db python benchmarks/load/run.py
                                                   # PostgreSQL: a scratch database bianban_load_<random> is
                                                   # created on that server and dropped at the end; the
                                                   # database the URL names is never touched

Steps: migrate and `bianban synth` a fresh scratch database; prepare the load's accounts (four roles, API
tokens), 20 contended lines with 3 vacancies each and a party branch (scenario.py); start `bianban serve`
(gunicorn, --no-worker) on 127.0.0.1; run locust headless for LOAD_SECONDS with the users of locustfile.py;
then a restart phase (restart.py: writer threads while the server is stopped with SIGTERM and restarted, then
killed with SIGKILL and restarted); stop the server; verify the quota invariant, every counter against a recount,
every acknowledged write present and no unexplained row. Prints requests/s, p50/p95/p99 and the answers by kind,
writes var/load/result-<engine>.json, and exits 1 when a check fails or any answer was a 5xx (or another
unexpected error); quota refusals (409 on 入编) are expected and counted apart.

Settings (environment): LOAD_SECONDS (60), LOAD_USERS (20 locust users), LOAD_THINK (0.2 s mean pause between a
user's requests), LOAD_WORKERS (4 gunicorn workers), LOAD_UNITS / LOAD_PEOPLE (20000 / 1000000), LOAD_SEED (1),
LOAD_PORT (8790), LOAD_RESTART (1; 0 skips the restart phase), LOAD_KEEP (0; 1 keeps the scratch database).
"""

import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from outcome import Outcome, by_endpoint, merge, summary  # noqa: E402  (after the path above)
from restart import Server, Writers, free_port, request, restart_under_load  # noqa: E402

WORK = ROOT / "var" / "load"
PORTS = range(8790, 8800)


def setting(name: str, default: int | float) -> Any:
    raw = os.environ.get(name, "")
    return type(default)(raw) if raw.strip() else default


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S', time.localtime())}] {message}", flush=True)


def pg_dsn(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return url if scheme in ("postgres", "postgresql") else f"postgresql://{rest}"


@contextlib.contextmanager
def scratch_database(keep: bool) -> Any:
    """The load's own database: a fresh SQLite file under var/load/, or a new PostgreSQL database on the server
    DATABASE_URL names (random name, dropped at the end unless kept). Yields (url, engine label)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres", "pgsql")):
        path = WORK / "load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}", "SQLite"
        finally:
            if not keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = f"bianban_load_{secrets.token_hex(3)}"
    parts = urlsplit(pg_dsn(url))
    try:
        admin = psycopg.connect(pg_dsn(url), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError:  # the named database may not exist: any database of the server will do
        admin = psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=10)
    admin.execute(f'CREATE DATABASE "{name}"')
    version = admin.execute("SHOW server_version").fetchone()[0]
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")), f"PostgreSQL {version}"
    finally:
        if keep:
            log(f"保留数据库 {name}")
        else:
            with contextlib.suppress(psycopg.Error):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def child_env(url: str) -> dict[str, str]:
    """The environment of every child (commands, server): the scratch database, production settings (DEBUG off),
    files under var/load/, a random secret key."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BIANBAN_TESTING", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bianban.settings", "DATABASE_URL": url, "BIANBAN_VAR_DIR": str(WORK / "var"),
        "MEDIA_ROOT": str(WORK / "media"), "STATIC_ROOT": str(WORK / "static"), "DEBUG": "0",
        "SECRET_KEY": "load-" + secrets.token_hex(24), "LOG_LEVEL": "WARNING",
        "BIANBAN_QUOTA_REQUIRES_APPROVAL": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    })
    return env


def bianban(env: dict[str, str], *args: str, timeout: float) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bianban", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode:
        raise RuntimeError(f"bianban {' '.join(args[:2])} 失败：{(done.stderr or done.stdout).strip()[-500:]}")
    return done.stdout, time.perf_counter() - started


def warm_up(port: int, token: str, units: list[int], workers: int) -> None:
    """Each gunicorn worker loads the URL configuration and the API on its first request: a few reads from
    several connections before the measured run."""
    def one(n: int) -> None:
        for unit in units[n * 5:(n + 1) * 5]:
            with contextlib.suppress(OSError):
                request(port, token, "GET", f"/api/v1/units/{unit}/staffing", None)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(workers * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def run_locust(port: int, plan_path: Path, out_path: Path, users: int, seconds: int) -> float:
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_OUTCOME": str(out_path),
           "PYTHONPATH": str(HERE)}
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users),
               "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "30", "--host", f"http://127.0.0.1:{port}",
               "--only-summary", "--loglevel", "WARNING", "--csv", str(WORK / "locust")]
    started = time.perf_counter()
    with open(WORK / "locust.log", "w") as output:
        done = subprocess.run(command, env=env, cwd=HERE, stdout=output, stderr=subprocess.STDOUT,
                              timeout=seconds + 180, check=False)
    elapsed = time.perf_counter() - started
    if not out_path.exists():
        raise RuntimeError(f"locust 没有写出结果（退出码 {done.returncode}），见 {WORK / 'locust.log'}")
    return elapsed


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) / 1024 / 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0.0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory, 1), "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}", "load_average": os.getloadavg()}


def main() -> int:
    seconds, users, think = setting("LOAD_SECONDS", 60), setting("LOAD_USERS", 20), setting("LOAD_THINK", 0.2)
    workers, units, people = setting("LOAD_WORKERS", 4), setting("LOAD_UNITS", 20000), setting("LOAD_PEOPLE", 1000000)
    seed, keep, with_restart = setting("LOAD_SEED", 1), bool(setting("LOAD_KEEP", 0)), bool(setting("LOAD_RESTART", 1))
    os.environ["LOAD_THINK"] = str(think)
    os.environ["TZ"] = "Asia/Shanghai"  # the log's clock as Django's (settings.TIME_ZONE sets it later anyway)
    time.tzset()
    WORK.mkdir(parents=True, exist_ok=True)
    port = free_port(range(setting("LOAD_PORT", 8790), PORTS.stop))
    result: dict[str, Any] = {"date": datetime.now().astimezone().isoformat(timespec="seconds"),
                              "machine": machine(), "settings": {"seconds": seconds, "users": users, "think": think,
                                                                 "workers": workers, "units": units,
                                                                 "people": people, "seed": seed, "port": port}}
    with scratch_database(keep) as (url, engine):
        result["engine"] = engine
        env = child_env(url)
        log(f"数据库：{engine}；迁移并生成合成数据（{units:,} 个机构 / {people:,} 人）…")
        _, result["migrate_s"] = bianban(env, "migrate", "-v0", timeout=600)
        out, result["synth_s"] = bianban(env, "synth", "--units", str(units), "--people", str(people),
                                         "--seed", str(seed), timeout=1200)
        found = re.search(r"用时 ([\d.]+) 秒", out)
        log(f"迁移 {result['migrate_s']:.0f} 秒，合成数据 {result['synth_s']:.0f} 秒"
            f"（生成本身 {found.group(1) if found else '?'} 秒）")

        os.environ.update(env)  # this process works in the scratch database from here on
        import django

        django.setup()
        import scenario
        from django.db import connections

        plan = scenario.prepare(seconds=seconds, seed=seed)
        plan["restart_identities"] = plan["identities"][-600:]
        plan["identities"] = plan["identities"][:-600]
        before = scenario.hot_state([line["line"] for line in plan["hot_lines"]])
        connections.close_all()
        plan_path = WORK / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        log(f"准备完成：{len(plan['hot_lines'])} 条争用编制（各 {scenario.VACANCIES} 个空编，"
            f"属 {plan['scope_name']}），4 类角色，党支部 {len(plan['members'])} 名党员")

        server = Server(port=port, env=env, workers=workers, log=WORK / "serve.log", cwd=ROOT)
        (WORK / "serve.log").unlink(missing_ok=True)
        outcomes = []
        try:
            log(f"启动 bianban serve（{workers} 个 gunicorn 进程）于 127.0.0.1:{port}：{server.start():.1f} 秒")
            warm_up(port, plan["tokens"]["reviewer"], plan["units"], workers)
            result["load_average_start"] = os.getloadavg()
            log(f"locust：{users} 个用户，{seconds} 秒…")
            out_path = WORK / "outcome-locust.json"
            out_path.unlink(missing_ok=True)
            wall = run_locust(port, plan_path, out_path, users, seconds)
            result["load_average_end"] = os.getloadavg()
            load = json.loads(out_path.read_text())
            outcomes.append(load)
            result["load"] = summary(load, load.get("window_s") or seconds)
            result["load"]["wall_s"] = wall
            result["load"]["writes"] = {k: len(load[k]) for k in ("enrolled", "released", "persons", "problems",
                                                                    "talks", "activities")}
            result["load"]["phones"] = len(load["phones"])
            result["load"]["violations_seen"] = load["violations"][:10]
            result["load"]["by_endpoint"] = by_endpoint(load, load.get("window_s") or seconds)
            if with_restart:
                log("重启测试：写入过程中 SIGTERM 重启一次、SIGKILL 重启一次…")
                restart_outcome = Outcome()
                writers = Writers(port=port, token=plan["tokens"]["staff"], on=plan["on"], lines=plan["hot_lines"],
                                  identities=plan["restart_identities"], unit=plan["scope"],
                                  outcome=restart_outcome, threads=4, seed=seed)
                times = restart_under_load(server=server, writers=writers, log=log, phases=(6.0, 6.0, 6.0))
                restart = restart_outcome.as_json()
                outcomes.append(restart)
                result["restart"] = {**times, **summary(restart, 1.0),
                                     "writes": {k: len(restart[k]) for k in ("enrolled", "released", "persons",
                                                                             "problems")},
                                     "ambiguous": {k: len(v) for k, v in restart["ambiguous"].items()}}
                result["restart"].pop("rps")
        finally:
            server.terminate()

        merged = {**merge(*outcomes), "on": plan["on"]}
        log("校验：编制不超编、计数器与重算一致、每个已确认的写入都在数据库中…")
        started = time.perf_counter()
        checks = {"invariants": scenario.register_invariants(),
                  "acknowledged": scenario.acknowledged_present(merged, plan["baseline"]),
                  "hot_lines": scenario.hot_accounting(before, scenario.settle_lost(merged, before))}
        checks["seconds"] = time.perf_counter() - started
        connections.close_all()
    result["checks"] = checks
    failures = failed(result, merged)
    result["ok"] = not failures
    result["failures"] = failures
    (WORK / f"result-{'pg' if engine.startswith('PostgreSQL') else 'sqlite'}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1))
    report(result)
    return 1 if failures else 0


def failed(result: dict[str, Any], merged: dict[str, Any]) -> list[str]:
    checks, load = result["checks"], result["load"]
    problems = []
    inv = checks["invariants"]
    for key, label in (("over_block_lines", "超编（拦截模式）的编制"), ("over_block_posts", "超职数（拦截模式）"),
                       ("line_counter_mismatches", "编制计数器与重算不一致"),
                       ("post_counter_mismatches", "领导职数计数器与重算不一致"),
                       ("approval_counter_mismatches", "用编核准已用数与重算不一致")):
        if inv[key]:
            problems.append(f"{label}：{inv[key]}")
    ack = checks["acknowledged"]
    for key, ids in ack["missing"].items():
        problems.append(f"已确认的写入不在数据库中（{key}）：{ids}")
    for key, ids in ack["unexplained"].items():
        problems.append(f"数据库中有无人提交的记录（{key}）：{ids}")
    if checks["hot_lines"]:
        problems.append(f"争用编制的实有数与已确认的入编、出编不符：{checks['hot_lines']}")
    if merged["violations"]:
        problems.append(f"读到超编状态 {len(merged['violations'])} 次：{merged['violations'][:3]}")
    for phase in ("load", "restart"):
        figures = result.get(phase)
        if not figures:
            continue
        if figures["server_errors"]:
            problems.append(f"{phase}：{figures['server_errors']} 个 5xx 应答")
        if figures["client_errors"]:
            problems.append(f"{phase}：{figures['client_errors']} 个意外的 4xx 应答")
    if load["no_answer"]:
        problems.append(f"负载阶段：{load['no_answer']} 个请求没有应答")
    return problems


def report(result: dict[str, Any]) -> None:
    load, s = result["load"], result["settings"]
    print()
    print(f"负载测试（{result['engine']}，{s['units']:,} 个机构 / {s['people']:,} 人，{s['users']} 个用户，"
          f"{s['seconds']} 秒，{s['workers']} 个 gunicorn 进程）")
    print(f"  请求 {load['requests']:,}，{load['rps']:.1f} 次/秒；p50 {load['p50_ms']:.0f} 毫秒，"
          f"p95 {load['p95_ms']:.0f} 毫秒，p99 {load['p99_ms']:.0f} 毫秒，最长 {load['max_ms']:.0f} 毫秒")
    print(f"  成功 {load['ok']:,}，超编拒绝（409，预期）{load['refused']:,}，5xx {load['server_errors']}，"
          f"意外 4xx {load['client_errors']}，无应答 {load['no_answer']}")
    print(f"  {'接口':<44}{'请求':>7}{'次/秒':>8}{'p50':>7}{'p95':>7}{'p99':>7}  错误/拒绝")
    for row in load["by_endpoint"]:
        print(f"  {row['name']:<44}{row['requests']:>7}{row['per_s']:>8.1f}{row['p50_ms']:>7.0f}{row['p95_ms']:>7.0f}"
              f"{row['p99_ms']:>7.0f}  {row['errors']}/{row['refused']}")
    w = load["writes"]
    print(f"  已确认写入：登记人员 {w['persons']}，入编 {w['enrolled']}，出编 {w['released']}，问题 {w['problems']}，"
          f"谈话 {w['talks']}，活动 {w['activities']}，修改电话 {load['phones']}")
    if "restart" in result:
        r = result["restart"]
        print(f"  重启：SIGTERM 停止 {r['sigterm_stop_s']:.1f} 秒、重启 {r['restart_after_sigterm_s']:.1f} 秒；"
              f"SIGKILL 后重启 {r['restart_after_sigkill_s']:.1f} 秒；已确认写入 {sum(r['writes'].values())}，"
              f"应答丢失 {sum(r['ambiguous'].values())}，5xx {r['server_errors']}")
    inv = result["checks"]["invariants"]
    print(f"  校验（{result['checks']['seconds']:.1f} 秒）：{inv['lines']:,} 条编制，超编（拦截）"
          f"{len(inv['over_block_lines'])}，计数器不一致 {len(inv['line_counter_mismatches'])}；"
          f"已确认写入缺失 {len(result['checks']['acknowledged']['missing'])} 类，"
          f"无法解释的记录 {len(result['checks']['acknowledged']['unexplained'])} 类")
    if result["failures"]:
        print("未通过：")
        for line in result["failures"]:
            print(f"  - {line}")
    else:
        print("通过：没有超编，计数器与重算一致，每个已确认的写入都在数据库中，没有 5xx。")
    print(f"结果：{WORK}/result-*.json，服务日志 {WORK / 'serve.log'}，locust 日志 {WORK / 'locust.log'}")


if __name__ == "__main__":
    if not shutil.which(sys.executable):
        sys.exit("找不到 Python")
    sys.exit(main())
