"""`bianban serve` as an operator runs it (started, stopped with SIGTERM, killed with SIGKILL), and a few writer
threads that keep writing through the API while it is restarted, recording what was acknowledged.

Used by run.py (the load's restart phase) and bianban/bench/tests/test_restart_under_load.py; no Django here
(the server is a child process, the writers speak HTTP).
"""

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from outcome import Outcome

REFUSED = (ConnectionRefusedError,)  # nothing was sent: the write certainly did not happen


class Server:
    """`bianban serve --no-worker` on 127.0.0.1:port, in its own process group (gunicorn master and workers)."""

    def __init__(self, *, port: int, env: dict[str, str], workers: int, log: Path, cwd: Path,
                 extra: tuple[str, ...] = ()) -> None:
        self.port, self.env, self.workers, self.log, self.cwd, self.extra = port, env, workers, log, cwd, extra
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 90) -> float:
        """Start and wait until it answers; returns the seconds that took."""
        started = time.perf_counter()
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bianban", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", str(self.workers), "--no-worker", *self.extra],
                env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"服务进程启动失败（退出码 {self.proc.returncode}），见 {self.log}")
            if answers(self.port):
                return time.perf_counter() - started
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"服务在 {timeout:.0f} 秒内未就绪，见 {self.log}")

    def terminate(self, timeout: float = 40) -> float:
        """SIGTERM to the whole group, as an init system stops a service: gunicorn finishes the requests in hand
        and exits. Returns the seconds until it was gone (SIGKILL after `timeout`)."""
        started = time.perf_counter()
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=timeout)
        self.kill()
        return time.perf_counter() - started

    def kill(self) -> None:
        """SIGKILL to the whole group: the master and every worker die at once, requests in hand included."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        _wait_port_free(self.port)


def answers(port: int) -> bool:
    """Anything but a 5xx on an API path means Django is up (401: no token)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/api/v1/me")
        return conn.getresponse().status < 500
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _wait_port_free(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.1)


def free_port(candidates: range) -> int:
    """The first port of `candidates` nothing listens on (the load's ports are agreed: 8790–8799)."""
    for port in candidates:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"端口 {candidates.start}–{candidates.stop - 1} 均被占用")


def request(port: int, token: str, method: str, path: str, body: Any) -> tuple[int, Any, float]:
    """One request on a fresh connection. Status 0: no answer — the request may have been sent (and
    committed); raises ConnectionRefusedError when nothing was sent at all."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    try:
        conn.connect()
    except REFUSED:
        conn.close()
        raise
    try:
        conn.request(method, path, body=json.dumps(body).encode(),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        return 0, None, (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    try:
        decoded = json.loads(data) if data else None
    except ValueError:
        decoded = None
    return response.status, decoded, (time.perf_counter() - started) * 1000


class Writers:
    """`threads` threads writing until stopped: 登记人员 + 入编 onto the given lines (409 when full), 出编 of their
    own placements, 登记问题. Each acknowledged write goes into `outcome`; a lost answer is recorded as
    ambiguous; a refused connection (server down) is simply retried after a pause."""

    def __init__(self, *, port: int, token: str, on: str, lines: list[dict[str, Any]],
                 identities: list[dict[str, str]], unit: int, outcome: Outcome, threads: int = 4,
                 seed: int = 1) -> None:
        self.port, self.token, self.on, self.lines, self.unit = port, token, on, lines, unit
        self.identities = iter(identities)
        self.outcome = outcome
        self.stop = threading.Event()
        self.tags = iter(range(1, 10**9))
        self.lock = threading.Lock()
        self.refused = 0  # connection attempts while the server was down
        self.threads = [threading.Thread(target=self._run, args=(random.Random(seed * 100 + n),),
                                         name=f"load-writer-{n}", daemon=True) for n in range(threads)]

    def __enter__(self) -> "Writers":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _tag(self) -> int:
        with self.lock:
            return next(self.tags)

    def _call(self, method: str, path: str, body: Any) -> tuple[int, Any] | None:
        """None: the server is down (nothing sent); the caller tries again later."""
        try:
            status, data, ms = request(self.port, self.token, method, path, body)
        except REFUSED:
            with self.lock:
                self.refused += 1
            time.sleep(0.05)
            return None
        self.outcome.observe(f"{method} {path}", status, ms)
        return status, data

    def _run(self, rng: random.Random) -> None:
        pending: list[int] = []
        placed: list[int] = []
        while not self.stop.is_set():
            roll = rng.random()
            if roll < 0.55:
                self._enrol(rng, pending, placed)
            elif roll < 0.85:
                self._release(rng, placed)
            else:
                self._problem()

    def _register(self) -> int | None:
        with self.lock:
            ident = next(self.identities, None)
        if ident is None:
            self.stop.wait(0.05)
            return None
        while not self.stop.is_set():
            answer = self._call("POST", "/api/v1/people", {"name": ident["name"], "id_number": ident["id_number"],
                                                           "unit_id": None})
            if answer is None:
                continue
            status, data = answer
            if status == 201:
                self.outcome.add("persons", [data["id"], ident["id_number"]])
                return data["id"]
            if status == 0:
                self.outcome.lost("person", ident["id_number"])
            return None
        return None

    def _enrol(self, rng: random.Random, pending: list[int], placed: list[int]) -> None:
        person = pending.pop(0) if pending else self._register()
        if person is None:
            return
        line = rng.choice(self.lines)
        body = {"person": person, "unit": line["unit"], "kind": line["kind"], "funding": line["funding"],
                "on": self.on, "document_no": f"重启测试入〔2026〕{self._tag()}号"}
        answer = None
        while answer is None and not self.stop.is_set():
            answer = self._call("POST", "/api/v1/enrolments", body)
        if answer is None:
            pending.append(person)
            return
        status, data = answer
        if status == 201:
            self.outcome.add("enrolled", [data["id"], person, line["line"]])
            placed.append(data["id"])
        elif status == 409:
            pending.append(person)
        elif status == 0:
            self.outcome.lost("enrol", person)

    def _release(self, rng: random.Random, placed: list[int]) -> None:
        if not placed:
            return
        placement = placed.pop(rng.randrange(len(placed)))
        body = {"placement": placement, "reason": "RESIGNATION", "on": self.on,
                "document_no": f"重启测试出〔2026〕{self._tag()}号"}
        answer = None
        while answer is None and not self.stop.is_set():
            answer = self._call("POST", "/api/v1/releases", body)
        if answer is None:
            placed.append(placement)
            return
        if answer[0] == 200:
            self.outcome.add("released", placement)
        elif answer[0] == 0:
            self.outcome.lost("release", placement)

    def _problem(self) -> None:
        title = f"重启测试问题{self._tag()}"
        answer = None
        while answer is None and not self.stop.is_set():
            answer = self._call("POST", "/api/v1/problems", {"title": title, "unit_id": self.unit,
                                                             "deadline_workdays": 20})
        if answer is None:
            return
        status, data = answer
        if status == 201:
            self.outcome.add("problems", [data["id"], title])
        elif status == 0:
            self.outcome.lost("problem", title)


def restart_under_load(*, server: Server, writers: Writers, log: Callable[[str], None],
                       phases: tuple[float, float, float] = (4.0, 4.0, 4.0)) -> dict[str, Any]:
    """Writers run throughout; the server is stopped with SIGTERM and started again, then killed with SIGKILL
    and started again. `phases`: seconds of writing before the SIGTERM, between the restart and the SIGKILL,
    and after the second restart; each phase lasts until at least one more write was acknowledged (a slow
    machine may take seconds to answer a worker's first request), at most a minute more. Returns the downtimes
    and the acknowledged writes at each step."""
    times: dict[str, Any] = {}

    def acknowledged() -> int:
        out = writers.outcome.as_json()
        return sum(len(out[k]) for k in ("enrolled", "released", "persons", "problems"))

    def write_for(seconds: float) -> int:
        since = acknowledged()
        time.sleep(seconds)
        deadline = time.monotonic() + 60
        while acknowledged() <= since and time.monotonic() < deadline:
            time.sleep(0.1)
        return acknowledged()

    before_term, before_kill, after = phases
    with writers:
        times["acknowledged_before_sigterm"] = write_for(before_term)
        times["sigterm_stop_s"] = server.terminate()
        times["restart_after_sigterm_s"] = server.start()
        log(f"SIGTERM：停止 {times['sigterm_stop_s']:.1f} 秒，重新启动 {times['restart_after_sigterm_s']:.1f} 秒")
        times["acknowledged_before_sigkill"] = write_for(before_kill)
        server.kill()
        times["restart_after_sigkill_s"] = server.start()
        log(f"SIGKILL：重新启动 {times['restart_after_sigkill_s']:.1f} 秒")
        write_for(after)
    times["acknowledged"] = acknowledged()
    times["refused_connections"] = writers.refused
    return times
