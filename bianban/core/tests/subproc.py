"""Scratch databases and real `bianban` processes for the fault tests (test_faults.py).

A child process cannot see the test's own database (its data lives in a transaction that never commits), so these
tests give each child a database of its own, on the engine the suite runs on: a SQLite file in a temporary
directory, or a PostgreSQL database with a random name on the suite's server, dropped afterwards. Each starts as a
copy of the suite's test database, already migrated and (between tests) empty: migrating anew would cost 7 s on
SQLite and 18 s on PostgreSQL. The test reads a scratch database through the plain driver (sqlite3, psycopg),
never through Django's connection, which stays on the test database.
"""

import contextlib
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection


@dataclass
class Scratch:
    """One scratch database and the directory its children keep their files in (MEDIA_ROOT, var)."""

    vendor: str
    name: str  # the SQLite file's path, or the PostgreSQL database's name
    url: str
    home: Path
    _conn: Any = field(default=None, repr=False)

    def env(self) -> dict[str, str]:
        """The environment of a child working in this database: production settings (the database task backend,
        not the immediate one the tests use), its own files, quiet logs."""
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BIANBAN_TESTING", "DEBUG"}}
        env.update({
            "DJANGO_SETTINGS_MODULE": "bianban.settings", "DATABASE_URL": self.url,
            "BIANBAN_VAR_DIR": str(self.home / "var"), "MEDIA_ROOT": str(self.home / "media"),
            "LOG_LEVEL": "WARNING", "BIANBAN_QUOTA_REQUIRES_APPROVAL": "0", "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])),
        })
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "bianban", *args]

    def run(self, *args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
        """`bianban ARGS` to the end."""
        done = subprocess.run(self.command(*args), env=self.env(), cwd=settings.BASE_DIR, capture_output=True,
                              text=True, timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"bianban {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def python(self, code: str, *args: str, timeout: float = 60) -> str:
        """Run `code` in a child with Django set up on this database; returns its stdout."""
        setup = "import django; django.setup()\n"
        done = subprocess.run([sys.executable, "-c", setup + code, *args], env=self.env(), cwd=settings.BASE_DIR,
                              capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise AssertionError(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self, *args: str, stderr: Any = None) -> subprocess.Popen:
        """`bianban ARGS` in the background (stdout and stderr to files in `home` unless `stderr` says)."""
        log = open(self.home / f"{args[0]}-{time.monotonic_ns()}.log", "w")  # noqa: SIM115 (the child owns it)
        proc = subprocess.Popen(self.command(*args), env=self.env(), cwd=settings.BASE_DIR, stdout=log,
                                stderr=stderr if stderr is not None else log)
        log.close()  # the child has its copy
        return proc

    # --- reading, through the plain driver ---

    def _cursor_conn(self) -> Any:
        if self._conn is None:
            if self.vendor == "postgresql":
                import psycopg

                self._conn = psycopg.connect(self.url, autocommit=True)
            else:
                self._conn = sqlite3.connect(self.name, timeout=30, isolation_level=None)
        return self._conn

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of `sql` (placeholders %s on both engines)."""
        conn = self._cursor_conn()
        if self.vendor == "postgresql":
            return list(conn.execute(sql, params).fetchall())
        return list(conn.execute(sql.replace("%s", "?"), params).fetchall())

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def count(self, table: str, where: str = "", params: tuple[Any, ...] = ()) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else ""), params))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Scratches:
    """Makes scratch databases for one test module and removes them all at the end (`drop_all`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.vendor = connection.vendor
        self.tag = secrets.token_hex(4)
        self.made: list[Scratch] = []

    def _home(self, label: str) -> Path:
        home = self.root / label
        (home / "media").mkdir(parents=True)
        (home / "var").mkdir()
        return home

    def from_test_database(self, label: str) -> Scratch:
        """A copy of the suite's migrated test database (call with database access unblocked)."""
        home = self._home(label)
        if self.vendor == "postgresql":
            import psycopg

            # CREATE DATABASE … TEMPLATE needs nobody connected to the template: close this process's connection.
            # Should some other connection linger (a thread of an earlier test), migrate an empty database instead.
            connection.close()
            try:
                return self._pg_create(label, home, template=str(connection.settings_dict["NAME"]), wait=3)
            except psycopg.errors.ObjectInUse:
                scratch = self._pg_create(label, home, template="template0")
                scratch.run("migrate", "--no-input", "-v0", timeout=120)
                return scratch
        target = home / "db.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)  # a consistent snapshot, whatever the test process holds open
        return self._add(Scratch("sqlite", str(target), f"sqlite:///{target}", home))

    def copy(self, source: Scratch, label: str) -> Scratch:
        """A copy of another scratch database (no child may be using it)."""
        source.close()
        home = self._home(label)
        if self.vendor == "postgresql":
            return self._pg_create(label, home, template=source.name)
        target = home / "db.sqlite3"
        src, dst = sqlite3.connect(source.name), sqlite3.connect(target)
        with contextlib.closing(src), contextlib.closing(dst):
            src.backup(dst)
        return self._add(Scratch("sqlite", str(target), f"sqlite:///{target}", home))

    def _add(self, scratch: Scratch) -> Scratch:
        self.made.append(scratch)
        return scratch

    def _server(self) -> Any:
        import psycopg

        params = connection.get_connection_params()
        params = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
        return psycopg.connect(dbname="postgres", autocommit=True, **params), params

    def _pg_create(self, label: str, home: Path, *, template: str, wait: float = 10) -> Scratch:
        import psycopg

        name = f"bianban_faults_{self.tag}_{label}"
        admin, params = self._server()
        with admin:
            # A child or this process that just closed its connection to the template may still be leaving.
            deadline = time.monotonic() + wait
            while True:
                try:
                    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    break
                except psycopg.errors.ObjectInUse:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        auth = quote(str(params["user"]), safe="") if params.get("user") else ""
        if auth and params.get("password"):
            auth += ":" + quote(str(params["password"]), safe="")
        host = quote(str(params.get("host", "")), safe="") + (f":{params['port']}" if params.get("port") else "")
        url = f"postgresql://{auth}{'@' if auth else ''}{host}/{name}"
        return self._add(Scratch("postgresql", name, url, home))

    def drop_all(self) -> None:
        for scratch in self.made:
            scratch.close()
        if self.vendor == "postgresql" and self.made:
            admin, _ = self._server()
            with admin:
                for scratch in self.made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{scratch.name}" WITH (FORCE)')
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for(condition: Callable[[], Any], *, timeout: float, every: float = 0.02, what: str = "") -> Any:
    """Poll `condition` until it returns something truthy (returned), failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(every)


def kill9(proc: subprocess.Popen) -> None:
    """SIGKILL, as the OOM killer or a power cut would: no handler, no cleanup, no commit."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill9(proc)
