"""The home page (工作台): headline figures in the reader's scope, including the ledger and the latest check."""

from typing import Any

import pytest

from bianban.checks.services import check_run_execute, check_run_request
from bianban.ledger.services import problem_create

pytestmark = pytest.mark.django_db


def test_home_shows_open_problems_and_the_latest_check_in_scope(district: Any, staff: Any, liaison: Any,
                                                                client_for: Any) -> None:
    # One no-charter problem per unit (4) and one per unregistered institution (区一中, 区人民医院): 6.
    run = check_run_execute(run_id=check_run_request(actor=staff).pk)
    problem_create(actor=staff, source="manual", title="档案缺失", unit=district.hospital, deadline_workdays=0,
                   raised_on=run.as_of.replace(year=run.as_of.year - 1))
    body = client_for(staff).get("/").content.decode()
    assert 'data-testid="open-problems">7<' in body and "其中逾期 1 项" in body
    assert 'data-testid="latest-findings">6 项发现<' in body and f"/checks/{run.pk}/" in body
    body = client_for(liaison).get("/").content.decode()
    assert 'data-testid="open-problems">3<' in body and "逾期" not in body
    assert 'data-testid="latest-findings">3 项发现<' in body


def test_home_before_any_check(district: Any, staff: Any, client_for: Any) -> None:
    body = client_for(staff).get("/").content.decode()
    assert "尚未核查" in body and 'data-testid="open-problems">0<' in body
