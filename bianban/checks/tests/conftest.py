"""The registration rules (bianban/registration/rules.py) also run in every check: the district's institutions are
registered, so these tests count the register's own findings as before."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _institutions_registered(request: Any) -> None:
    if "district" in request.fixturenames:
        from bianban.registration.tests.r4_helpers import register_district_today

        register_district_today(request.getfixturevalue("district"))
