"""Fixtures of the visits tests, on top of the shared `branch` (duties/tests/conftest.py): the seed's April–July 2023
campaign of the branch, and a helper recording a visit through the service."""

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.duties.models import Visit, VisitCampaign
from bianban.duties.visits import services
from bianban.duties.visits.services import IssueIn, VisitorIn


@pytest.fixture
def campaign(branch: SimpleNamespace) -> VisitCampaign:
    return services.campaign_create(
        actor=None, branch=branch.branch, title="2023年集中走访活动", starts_on=date(2023, 4, 1),
        ends_on=date(2023, 7, 31), scope="区内各街道社区，重点走访特殊困难群体和妇女儿童",
        requirement="村村到、户户进、人人访")


def visit_values(branch: SimpleNamespace, campaign: VisitCampaign, **overrides: Any) -> dict[str, Any]:
    """A valid visit of the branch's secretary and a 第一书记 from outside, with nothing raised."""
    values: dict[str, Any] = {
        "campaign": campaign, "visited_on": date(2023, 5, 10), "team_role": "branch_member", "street": "海滨街道",
        "community": "望海社区", "group": "hardship", "households": 2, "people": 3,
        "circumstances": "低保户，独居老人", "summary": "了解生活情况",
        "visitors": [VisitorIn(role="branch_member", member=branch.secretary)], "issues": []}
    values.update(overrides)
    return values


ISSUES = [IssueIn(kind="problem", topic="assistance", content="冬季取暖补贴未到位", department="区民政局"),
          IssueIn(kind="suggestion", topic="infrastructure", content="小区路灯损坏，建议维修", department="海滨街道")]


@pytest.fixture
def add_visit(branch: SimpleNamespace, campaign: VisitCampaign) -> Callable[..., Visit]:
    """Record a visit of the campaign as the system; keyword arguments override visit_values."""

    def add(**overrides: Any) -> Visit:
        return services.visit_create(actor=None, **visit_values(branch, campaign, **overrides))

    return add
