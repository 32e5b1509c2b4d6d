"""Hostile input over the whole API (issue 9): schemathesis generates requests from /api/v1/openapi.json, valid and
invalid, against a live server holding a small demo district, for every operation, as the office administrator
(the role every operation admits) and as a unit liaison (out-of-scope ids everywhere).

Passing means: no 5xx, every status code and content type documented, every response body valid against its
schema. Two of schemathesis's checks are left out on purpose: "positive_data_acceptance" (a request the schema
allows must succeed) cannot hold where the rule lives in the service (quota, state, the calendar), and
"negative_data_rejection" flags pydantic's lax coercion ("1" for a boolean, a timestamp for a date), which the API
accepts by design (docs/decisions.md).
"""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from bianban.accounts import services as account_services
from bianban.demo.loader import load_demo

MIN_CASES = 2_000  # the floor, over both roles together
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "response_headers_conformance",
])
SMALL_DEMO = {"units_limit": 12, "people": 80}


def _schemathesis(base_url: str, token: str, examples: int, seed: int, report: Path) -> tuple[int, str]:
    """One `st run`, in the report's folder (schemathesis keeps a cache directory where it runs)."""
    command = [
        str(Path(sys.executable).with_name("st")), "run", f"{base_url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}", "--checks", CHECKS, "--phases", "examples,fuzzing",
        "--max-examples", str(examples), "--seed", str(seed), "--workers", "1", "--no-shrink",
        "--request-timeout", "60", "--suppress-health-check", "all", "--report", "junit",
        "--report-junit-path", str(report),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, cwd=report.parent)
    return result.returncode, result.stdout + result.stderr


def _generated(output: str) -> int:
    match = re.search(r"(\d+) generated", output)
    return int(match.group(1)) if match else 0


@pytest.mark.django_db(transaction=True)
def test_no_generated_request_gets_a_5xx_or_breaks_the_schema(live_server: Any, tmp_path: Path) -> None:
    load_demo(**SMALL_DEMO)
    users = get_user_model().objects
    runs = [("admin", 9, 20261129), ("liaison_edu", 4, 20261130)]
    total = 0
    for username, examples, seed in runs:
        _, token = account_services.api_token_create(actor=None, user=users.get(username=username), name="fuzz")
        code, output = _schemathesis(live_server.url, token, examples, seed, tmp_path / f"{username}.xml")
        summary = output[output.find("SUMMARY"):] if "SUMMARY" in output else output[-6000:]
        assert code == 0, f"{username}:\n{output[-12000:]}"
        assert "Server error" not in summary
        total += _generated(summary)
        print(f"[fuzz] {username}: {_generated(summary)} cases")
    assert total >= MIN_CASES, total
