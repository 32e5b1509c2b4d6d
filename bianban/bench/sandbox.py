"""The benchmark sandbox: a temporary directory with throw-away databases (SQLite files there, or PostgreSQL
databases created and dropped on a server the operator names), the child processes that work in them, the
`bianban serve` they start, and a tiny HTTP client. See benchmarks.py for what runs inside."""

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings

from bianban.bench.child import MARKER, SANDBOX_ENV


class BenchError(Exception):
    """A benchmark could not run (its figure is reported as missing, with this message)."""


@dataclass(frozen=True)
class PgDatabase:
    """A throw-away PostgreSQL database of the sandbox (created and dropped by `Sandbox.postgres`)."""

    url: str
    name: str


Database = Path | PgDatabase  # a SQLite file in the sandbox, or a throw-away PostgreSQL database


@dataclass(frozen=True)
class Measured:
    """A child process that ran to the end: its output, wall time and peak resident memory."""

    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


class Sandbox:
    """A temporary directory with the benchmark databases, static files and server logs; and, when the operator
    names a PostgreSQL server (`pg_url`), the throw-away databases made there."""

    def __init__(self, root: Path, log: Callable[[str], None], pg_url: str | None = None) -> None:
        self.root = root
        self.log = log
        self.pg_url = pg_url
        self.template = root / "template.sqlite3"
        self.static = root / "static"
        self.secret = "bench-" + secrets.token_hex(24)
        self.cache: dict[str, Any] = {}  # figures one benchmark measures and another reuses
        self._static_ready = False

    def env(self, db: Database) -> dict[str, str]:
        url, name = (db.url, db.name) if isinstance(db, PgDatabase) else (f"sqlite:///{db}", str(db))
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BIANBAN_TESTING", "DEBUG"}}
        env.update({
            "DJANGO_SETTINGS_MODULE": "bianban.settings", "DATABASE_URL": url,
            "BIANBAN_VAR_DIR": str(self.root / "var"), "STATIC_ROOT": str(self.static),
            "MEDIA_ROOT": str(self.root / "media"), "SECRET_KEY": self.secret, "DEBUG": "0", "LOG_LEVEL": "WARNING",
            "BIANBAN_QUOTA_REQUIRES_APPROVAL": "0", SANDBOX_ENV: name,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])),
        })
        return env

    def run(self, db: Database, args: list[str], timeout: float) -> subprocess.CompletedProcess:
        try:
            done = subprocess.run([sys.executable, *args], env=self.env(db), cwd=settings.BASE_DIR, text=True,
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BenchError(f"超时（{timeout:.0f} 秒）：{' '.join(args[:4])}") from None
        if done.returncode != 0:
            raise BenchError(_failure(args, done.returncode, done.stderr or done.stdout))
        return done

    def measure(self, db: Database, args: list[str], timeout: float) -> Measured:
        """Like `run`, and also the child's own peak resident memory (VmHWM, written by bianban.bench.hwm as the
        child exits: rusage would count the parent's size, which Linux carries over across fork and exec) and its
        wall time, Python start-up included."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                tempfile.NamedTemporaryFile(suffix=".hwm") as hwm:
            started = time.perf_counter()
            env = {**self.env(db), "BIANBAN_HWM_FILE": hwm.name}
            proc = subprocess.Popen([sys.executable, "-m", "bianban.bench.hwm", *args], env=env,
                                    cwd=settings.BASE_DIR, stdout=out, stderr=err)
            timed_out = threading.Event()

            def kill() -> None:
                timed_out.set()
                proc.kill()

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
            peak_kb = hwm.read().strip()
        if timed_out.is_set():
            raise BenchError(f"超时（{timeout:.0f} 秒）：{' '.join(args[:4])}")
        if proc.returncode != 0:
            raise BenchError(_failure(args, proc.returncode, stderr or stdout))
        # A child that left without running atexit (os._exit) has only rusage's figure, an upper bound.
        return Measured(stdout, stderr, seconds, int(peak_kb or usage.ru_maxrss) / 1024)  # KiB on Linux

    def bianban(self, db: Database, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return self.run(db, ["-m", "bianban", *args], timeout)

    @contextlib.contextmanager
    def postgres(self) -> Iterator[PgDatabase]:
        """A new, empty database on the operator's PostgreSQL server (`pg_url`), dropped on leaving, always.
        Its name is random ("bianban_bench_…"); nothing else on the server is touched."""
        if not self.pg_url:
            raise BenchError("未提供 PostgreSQL 服务器")
        import psycopg

        name = f"bianban_bench_{secrets.token_hex(4)}"
        try:
            admin = psycopg.connect(_pg_dsn(self.pg_url), autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise BenchError(f"无法连接 PostgreSQL：{str(exc).strip().splitlines()[0]}") from None
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
            parts = urlsplit(self.pg_url)
            yield PgDatabase(urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), name)
        finally:
            with contextlib.suppress(psycopg.Error):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

    def pg_checkpoint(self, db: PgDatabase) -> float | None:
        """CHECKPOINT on the server (superuser or pg_checkpoint), so that the spread checkpoints a bulk load
        leaves behind (here, ~20 s of writing 10,000 buffers each after synth's million rows) are not running
        beside what is timed next; returns its seconds, None when not permitted."""
        import psycopg

        started = time.perf_counter()
        try:
            with psycopg.connect(_pg_dsn(db.url), autocommit=True, connect_timeout=10) as conn:
                conn.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            return None
        return time.perf_counter() - started

    def pg_version(self) -> str:
        import psycopg

        with psycopg.connect(_pg_dsn(self.pg_url or ""), connect_timeout=10) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])

    def workload(self, db: Database, name: str, timeout: float = 600, **kwargs: Any) -> dict[str, Any]:
        done = self.run(db, ["-m", "bianban.bench.child", name, json.dumps(kwargs)], timeout)
        for line in reversed(done.stdout.splitlines()):
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])
        raise BenchError(f"{name} 没有返回结果")

    def copy(self, name: str) -> Path:
        """A private copy of the synthesised database (with its WAL, should one be left)."""
        if not self.template.exists():
            raise BenchError("未运行（合成数据未生成）")
        target = self.root / f"{name}.sqlite3"
        for suffix in ("", "-wal"):
            source = Path(f"{self.template}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{target}{suffix}")
        return target

    def drop(self, db: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    def collectstatic(self, db: Path) -> None:
        """The production static files storage (manifest) needs collected files to render any page."""
        if not self._static_ready:
            self.bianban(db, "collectstatic", "--noinput", "-v0", timeout=300)
            self._static_ready = True

    @contextlib.contextmanager
    def server(self, db: Path, workers: int) -> Iterator[int]:
        """`bianban serve` (gunicorn, no task worker) on 127.0.0.1 and a free port; stopped on leaving, always."""
        self.collectstatic(db)
        port = free_port()
        log = open(self.root / f"serve-{port}.log", "w")  # noqa: SIM115 (closed in finally)
        command = [sys.executable, "-m", "bianban", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers), "--no-worker"]
        proc = subprocess.Popen(command, env=self.env(db), cwd=settings.BASE_DIR, stdout=log, stderr=log,
                                start_new_session=True)
        try:
            wait_until_up(port, proc, timeout=60)
            yield port
        finally:
            stop_group(proc)
            log.close()


def _failure(args: list[str], code: int, output: str) -> str:
    tail = output.strip().splitlines()[-3:]
    return f"{' '.join(args[:4])} 失败（退出码 {code}）：{' / '.join(tail)}"


def _pg_dsn(url: str) -> str:
    """psycopg takes "postgres://" and "postgresql://" URLs alike; dj-database-url's other schemes
    ("postgis://", "pgsql://") are rewritten."""
    scheme, rest = url.split("://", 1) if "://" in url else ("postgresql", url)
    return f"postgresql://{rest}" if scheme not in ("postgres", "postgresql") else url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"服务进程启动失败（退出码 {proc.returncode}）")
        try:
            status, _, _ = Client(port, timeout=5).get("/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError(f"服务在 {timeout:.0f} 秒内未就绪")


def stop_group(proc: subprocess.Popen) -> None:
    """Stop `bianban serve` and the gunicorn processes it started (its own process group, nothing else)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # gunicorn workers left behind, if any
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


class Client:
    """A tiny HTTP client for 127.0.0.1 with a cookie jar (http.client: no dependency)."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        elapsed = time.perf_counter() - started
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(raw)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        if response.will_close:
            self.conn.close()
        return response.status, data, elapsed

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        return self.request("GET", path, headers=headers)

    def login(self, username: str, password: str) -> None:
        status, page, _ = self.get("/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not found:
            raise BenchError("登录页面异常")
        form = urlencode({"csrfmiddlewaretoken": found.group(1).decode(), "username": username,
                          "password": password}).encode()
        status, _, _ = self.request("POST", "/accounts/login/", body=form,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"登录失败（HTTP {status}）")
