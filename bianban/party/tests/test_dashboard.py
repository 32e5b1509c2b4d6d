"""The branch home shows what the rules require now, what is overdue, and the recent activities."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.party.choices import ActivityKind
from bianban.party.dashboard import branch_dashboard
from bianban.party.tests.talks_fixtures import add_activity  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_dashboard_lists_due_and_overdue_and_recent(
        branch: SimpleNamespace, secretary: Any, add_activity: Any, client_for: Any) -> None:  # noqa: F811
    today = timezone.localdate()
    before = branch_dashboard(secretary, branch.branch, today)
    codes_due = {item.rule.code for item in before.due_now}
    assert "committee_meeting" in codes_due and "theme_day" in codes_due
    if today.month > 1:  # every earlier month of this year has no 支委会: overdue
        assert any(item.rule.code == "committee_meeting" for item in before.overdue)
    meeting = add_activity(ActivityKind.COMMITTEE_MEETING, today)
    after = branch_dashboard(secretary, branch.branch, today)
    assert "committee_meeting" not in {item.rule.code for item in after.due_now}
    assert after.recent[0] == meeting
    body = client_for(secretary).get(f"/party/b/{branch.branch.pk}/").content.decode()
    assert 'data-testid="branch-dashboard"' in body and 'data-testid="due-items"' in body
    assert f"/party/activities/{meeting.pk}/" in body
