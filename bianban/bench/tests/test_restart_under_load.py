"""A server restarted under load loses no committed write (issue 9, "Load").

The real server (`bianban serve`: gunicorn, production settings) runs against this test's database while four
threads keep registering persons, enrolling them on two lines with three vacancies between them (so most
attempts are refused with 409), releasing them and registering problems through the API. The server is stopped
with SIGTERM and started again, then killed with SIGKILL (master and workers at once, requests in hand) and
started again. Afterwards every write the clients saw acknowledged (2xx) is in the database as acknowledged,
every row the writers added is explained by an acknowledged request or one whose answer was lost in the kill,
no block-mode line is over its quota, and every counter equals a recount from the journal.

The same machinery (benchmarks/load/restart.py, scenario.py) runs at province scale as the last phase of
`make load`. Runs on SQLite and on PostgreSQL alike (CI runs the suite on both): the server is pointed at the
test database, which is why the test needs committed data (transaction=True).
"""

import os
import random
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from bianban.accounts.services import api_token_create
from bianban.bench.persons import PeopleMaker
from bianban.staffing.choices import MovementType
from bianban.staffing.rules import today
from bianban.staffing.services import quota_movement_create
from bianban.units.choices import Funding, QuotaKind

LOAD_DIR = Path(settings.BASE_DIR) / "benchmarks" / "load"
sys.path.insert(0, str(LOAD_DIR))

import restart  # noqa: E402  (benchmarks/load is not a package)
import scenario  # noqa: E402
from outcome import Outcome  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test database as a DATABASE_URL for the server process: the run's own URL (server, credentials,
    options) with the test database's name."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def server_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BIANBAN_TESTING", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "bianban.settings", "DATABASE_URL": database_url(), "DEBUG": "0",
                "BIANBAN_VAR_DIR": str(tmp_path), "MEDIA_ROOT": str(tmp_path / "media"),
                "STATIC_ROOT": str(tmp_path / "static"), "SECRET_KEY": "test-" + secrets.token_hex(16),
                "LOG_LEVEL": "WARNING"})
    return env


def contended_lines(district: Any) -> list[dict[str, Any]]:
    """Two lines with three vacancies between them."""
    lines = []
    for unit, kind, funding, amount in ((district.school, QuotaKind.INSTITUTION, Funding.FULL, 2),
                                        (district.edu, QuotaKind.ADMINISTRATIVE, Funding.NONE, 1)):
        movement = quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type=MovementType.SET,
                                         amount=amount, document_no="测核〔2026〕1号", effective_on=date(2020, 1, 1))
        lines.append({"line": movement.line_id, "unit": unit.pk, "kind": kind.value, "funding": funding.value})
    return lines


def identities(count: int) -> list[dict[str, str]]:
    maker = PeopleMaker(random.Random(9), province_code=33, cities=2, taken=set(), today=today(),
                        native_places=["本省"])
    out = []
    for n in range(count):
        born, _ = maker.birth("MALE_60" if n % 2 else "FEMALE_55")
        out.append({"name": maker.name(n % 2 == 1), "id_number": maker.id_number(born, n % 2 == 1)})
    return out


def test_a_server_restarted_under_load_loses_no_acknowledged_write(district, staff, tmp_path):
    lines = contended_lines(district)
    before = scenario.hot_state([line["line"] for line in lines])
    base = scenario.baseline()
    token = api_token_create(actor=None, user=staff, name="重启测试")[1]
    port = restart.free_port(range(8797, 8800))
    # --skip-checks: the system checks cost ~2 s of each of the three starts and are not what is tested here.
    server = restart.Server(port=port, env=server_env(tmp_path), workers=2, log=tmp_path / "serve.log",
                            cwd=Path(settings.BASE_DIR), extra=("--skip-checks",))
    seen = Outcome()
    writers = restart.Writers(port=port, token=token, on=today().isoformat(), lines=lines,
                              identities=identities(400), unit=district.edu.pk, outcome=seen, threads=4)
    try:
        server.start()
        times = restart.restart_under_load(server=server, writers=writers, log=lambda _: None,
                                           phases=(1.5, 1.5, 1.5))
    finally:
        server.kill()
    out = {**seen.as_json(), "on": today().isoformat()}
    log = (tmp_path / "serve.log").read_text(errors="replace")[-3000:]

    # The writers got work done before the SIGTERM, between the restarts and after the SIGKILL.
    assert 0 < times["acknowledged_before_sigterm"] < times["acknowledged_before_sigkill"] < times["acknowledged"]
    assert len(out["enrolled"]) >= 3 and out["released"] and out["problems"]
    assert any(key.endswith(" 409") for key in out["statuses"]), "the lines were never full: no contention"
    assert not [key for key in out["statuses"] if key.rsplit(" ", 1)[1][0] == "5"], log

    present = scenario.acknowledged_present(out, base)
    assert present["missing"] == {}, present
    assert present["unexplained"] == {}, present
    invariants = scenario.register_invariants()
    assert invariants["over_block_lines"] == [] and invariants["line_counter_mismatches"] == [], invariants
    assert invariants["post_counter_mismatches"] == [] and invariants["approval_counter_mismatches"] == []
    assert scenario.hot_accounting(before, scenario.settle_lost(out, before)) == []
