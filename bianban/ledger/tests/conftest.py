from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.ledger import services
from bianban.ledger.choices import ProblemCategory, ProblemSource


@pytest.fixture
def make_problem(district: SimpleNamespace) -> Any:
    def make(**kwargs: Any) -> Any:
        values = {"source": ProblemSource.MANUAL, "title": "超编进人", "category": ProblemCategory.ESTABLISHMENT,
                  "unit": district.school, "raised_on": date(2025, 3, 3)}
        values.update(kwargs)
        return services.problem_create(actor=None, **values)

    return make


@pytest.fixture
def awaiting(make_problem: Any) -> Any:
    """A problem whose plan is done and which has been submitted for close-out."""
    problem = make_problem()
    services.problem_transition(actor=None, problem=problem, to_status="in_progress")
    measure = services.measure_create(actor=None, problem=problem, description="清退超编人员", owner="张三")
    services.measure_complete(actor=None, measure=measure, done_on=date(2025, 4, 1))
    return services.problem_transition(actor=None, problem=problem, to_status="awaiting_review")
