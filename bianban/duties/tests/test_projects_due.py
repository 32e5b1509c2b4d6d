"""The 书记项目 reminder source: open milestones overdue or due within the horizon, for the project's lead (when
they have an account) or else the branch's committee; done and cancelled milestones are not reminded."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from bianban.duties.choices import MilestoneStatus, ReminderKind
from bianban.duties.models import SecretaryProject
from bianban.duties.projects import services
from bianban.duties.projects.due import due
from bianban.duties.tests.projects_fixtures import YEAR, project  # noqa: F401

pytestmark = pytest.mark.django_db
ON = date(YEAR, 6, 1)


def test_overdue_and_soon_due_milestones_go_to_the_branch_committee(branch: SimpleNamespace) -> None:
    # The shared branch's committee took office a year ago: remind on a day of this year, when it is in office.
    year = timezone.localdate().year
    on = date(year, 7, 1)
    current = services.project_create(actor=None, branch=branch.branch, year=year, title="本年度项目", goal="目标")
    late = services.milestone_add(actor=None, project=current, title="核增编制", due_on=on - timedelta(days=10))
    soon = services.milestone_add(actor=None, project=current, title="印发三定", due_on=on + timedelta(days=5))
    services.milestone_add(actor=None, project=current, title="核查", due_on=on + timedelta(days=60))
    cancelled = services.milestone_add(actor=None, project=current, title="座谈", due_on=on)
    services.milestone_set_status(actor=None, milestone=cancelled, status=MilestoneStatus.CANCELLED)
    items = due(on, 14)
    assert [d.key for d in items] == [f"milestone:{late.pk}", f"milestone:{soon.pk}"]
    first = items[0]
    assert first.kind == ReminderKind.MILESTONE and first.due_on == late.due_on
    assert first.title == f"书记项目“本年度项目”节点：核增编制，计划{year}-06-21完成（已逾期）"
    assert first.url == reverse("duties:project_detail", args=[current.pk])
    assert first.user_ids == frozenset({branch.users.secretary.pk})
    assert "已逾期" not in items[1].title


def test_the_projects_lead_is_reminded_when_they_have_an_account(branch: SimpleNamespace,
                                                                 project: SecretaryProject) -> None:  # noqa: F811
    services.project_update(actor=None, project=project, lead=branch.full[6])  # the `member` persona
    open_one = services.milestone_add(actor=None, project=project, title="核增编制", due_on=ON)
    done = services.milestone_add(actor=None, project=project, title="调研", due_on=ON - timedelta(days=20))
    services.milestone_set_status(actor=None, milestone=done, status=MilestoneStatus.DONE, done_on=ON)
    assert [(d.key, d.user_ids) for d in due(ON, 7)] == [
        (f"milestone:{open_one.pk}", frozenset({branch.users.member.pk}))]
