"""What the load clients saw, kept client-side so that the database can be checked against it afterwards: every
acknowledged (2xx) write with the ids the server answered, every write whose answer was lost (the connection
broke after the request may have been sent: it may or may not have been committed), and every answer's status
and latency. Shared by the locust users (locustfile.py) and the restart phase's threads (restart.py); no Django.
"""

import json
import math
import threading
from collections import Counter
from pathlib import Path
from typing import Any

ENROL = "POST /api/v1/enrolments"


class Outcome:
    """Thread-safe (and greenlet-safe: nothing here yields) record of one load phase."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.enrolled: list[list[int]] = []  # [placement, person, line]
        self.released: list[int] = []
        self.persons: list[list[Any]] = []  # [person, id_number]
        self.problems: list[list[Any]] = []  # [problem, title]
        self.talks: list[int] = []
        self.activities: list[int] = []
        self.phones: dict[str, str] = {}  # person → last acknowledged phone
        self.ambiguous: dict[str, list[Any]] = {}
        self.statuses: Counter = Counter()  # "POST /api/v1/enrolments 409" → n
        self.latencies: dict[str, list[float]] = {}  # "POST /api/v1/enrolments" → ms of every answered request
        self.violations: list[dict[str, Any]] = []  # what a reader saw that must never be

    def observe(self, name: str, status: int, ms: float) -> None:
        with self.lock:
            self.statuses[f"{name} {status}"] += 1
            if status:
                self.latencies.setdefault(name, []).append(round(ms, 2))

    def add(self, key: str, value: Any) -> None:
        with self.lock:
            getattr(self, key).append(value)

    def phone(self, person: int, phone: str) -> None:
        with self.lock:
            self.phones[str(person)] = phone

    def lost(self, kind: str, key: Any) -> None:
        """A write whose answer never came (connection broken after sending): it may have been committed."""
        with self.lock:
            self.ambiguous.setdefault(kind, []).append(key)

    def violation(self, what: dict[str, Any]) -> None:
        with self.lock:
            self.violations.append(what)

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            return {"enrolled": self.enrolled, "released": self.released, "persons": self.persons,
                    "problems": self.problems, "talks": self.talks, "activities": self.activities,
                    "phones": self.phones, "ambiguous": self.ambiguous, "statuses": dict(self.statuses),
                    "latencies": self.latencies, "violations": self.violations}

    def write(self, path: str | Path, **extra: Any) -> None:
        Path(path).write_text(json.dumps({**self.as_json(), **extra}, ensure_ascii=False))


def merge(*outcomes: dict[str, Any]) -> dict[str, Any]:
    """Several phases' records as one (for checking the database once at the end)."""
    merged: dict[str, Any] = {"enrolled": [], "released": [], "persons": [], "problems": [], "talks": [],
                              "activities": [], "phones": {}, "ambiguous": {}, "statuses": {}, "latencies": {},
                              "violations": []}
    for out in outcomes:
        for key in ("enrolled", "released", "persons", "problems", "talks", "activities", "violations"):
            merged[key].extend(out.get(key, []))
        for name, values in out.get("latencies", {}).items():
            merged["latencies"].setdefault(name, []).extend(values)
        merged["phones"].update(out.get("phones", {}))
        for kind, keys in out.get("ambiguous", {}).items():
            merged["ambiguous"].setdefault(kind, []).extend(keys)
        for key, n in out.get("statuses", {}).items():
            merged["statuses"][key] = merged["statuses"].get(key, 0) + n
    return merged


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (as bianban bench reports them)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def summary(out: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Requests per second, latency percentiles, and the answers sorted into: fine (2xx), refused as expected
    (409 over quota on 入编), server errors (5xx), other client errors (4xx the scenario should not cause) and
    broken connections (no answer)."""
    classes: Counter = Counter()
    for key, n in out["statuses"].items():
        name, status = key.rsplit(" ", 1)
        code = int(status)
        if 200 <= code < 300:
            classes["ok"] += n
        elif code == 409 and name.startswith(ENROL):
            classes["refused"] += n
        elif code >= 500:
            classes["server_errors"] += n
        elif code == 0:
            classes["no_answer"] += n
        else:
            classes["client_errors"] += n
    total = sum(classes.values())
    lat = [ms for values in out["latencies"].values() for ms in values]
    return {"requests": total, "seconds": seconds, "rps": total / seconds if seconds else 0.0,
            "p50_ms": percentile(lat, 0.50), "p95_ms": percentile(lat, 0.95), "p99_ms": percentile(lat, 0.99),
            "max_ms": max(lat) if lat else float("nan"), **{k: classes.get(k, 0) for k in
                                                           ("ok", "refused", "server_errors", "client_errors",
                                                            "no_answer")}}


def by_endpoint(out: dict[str, Any], seconds: float) -> list[dict[str, Any]]:
    """Per endpoint: requests, share of the answers that were errors (not 2xx, not an expected 409), p50/p95."""
    rows = []
    for name, values in sorted(out["latencies"].items(), key=lambda item: -len(item[1])):
        answers = {int(k.rsplit(" ", 1)[1]): n for k, n in out["statuses"].items() if k.rsplit(" ", 1)[0] == name}
        bad = sum(n for code, n in answers.items() if not (200 <= code < 300 or (code == 409 and name == ENROL)))
        rows.append({"name": name, "requests": sum(answers.values()), "per_s": sum(answers.values()) / seconds,
                     "errors": bad, "refused": answers.get(409, 0) if name == ENROL else 0,
                     "p50_ms": percentile(values, 0.5), "p95_ms": percentile(values, 0.95),
                     "p99_ms": percentile(values, 0.99)})
    return rows
