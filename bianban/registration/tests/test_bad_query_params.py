"""Query-string values that used to reach the database or the date arithmetic and end in a 500: an "expiring
within" window beyond the date range, ids beyond a 64-bit integer, and a reporting year outside the calendar."""

from typing import Any

import pytest

from bianban.registration.models import Registration

TOO_BIG = 2**70


def test_it_refuses_an_expiry_window_too_long_to_compute(api_for: Any, staff: Any,
                                                        registration: Registration) -> None:
    response = api_for(staff).get("/api/v1/registrations", {"expiry": "expiring", "days": 99_999_999})
    assert response.status_code == 422
    assert response.json()["details"] == {"days": ["到期天数不能超过3660天"]}


@pytest.mark.parametrize("url", [
    f"/api/v1/registrations?sponsor={TOO_BIG}",
    f"/api/v1/filings?registration={TOO_BIG}",
    f"/api/v1/annual-reports/status?sponsor={TOO_BIG}",
])
def test_an_id_beyond_the_database_range_is_refused_with_the_bound(api_for: Any, staff: Any,
                                                                    registration: Registration, url: str) -> None:
    response = api_for(staff).get(url)
    assert response.status_code == 422
    assert list(response.json()["details"].values()) == [["应不大于9223372036854775807"]]


@pytest.mark.parametrize(("year", "message"), [
    (-3, "应不小于1900"), (99999, "应不大于2999"), (2998, "报告年度应在1900年至"),
])
def test_the_status_list_refuses_a_year_outside_the_calendar(api_for: Any, staff: Any, registration: Registration,
                                                             year: int, message: str) -> None:
    response = api_for(staff).get("/api/v1/annual-reports/status", {"year": year})
    assert response.status_code == 422
    assert message in response.json()["details"]["year"][0]
