"""The daily task expires approvals past their validity; the scheduler queues it (run at once in tests)."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from bianban.core.management.commands.scheduler import next_run
from bianban.core.models import AuditEvent
from bianban.staffing import services
from bianban.staffing.choices import ApprovalStatus
from bianban.staffing.tests.helpers import institution_line

pytestmark = pytest.mark.django_db


def test_the_scheduler_expires_approvals_whose_validity_has_passed(district):
    line = institution_line(district.school, 5)
    past = services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding, count=2,
                                    document_no="过期", issued_on=date(2025, 1, 5), valid_until=date(2025, 6, 30))
    current = services.approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding,
                                       count=1, document_no="有效", issued_on=date(2025, 1, 5),
                                       valid_until=date(2099, 1, 1))
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "expire_approvals" in out.getvalue()
    past.refresh_from_db()
    current.refresh_from_db()
    line.refresh_from_db()
    assert past.status == ApprovalStatus.EXPIRED
    assert current.status == ApprovalStatus.OPEN
    assert line.reserved == 1
    assert AuditEvent.objects.filter(action="approval.expire", target_id=str(past.pk)).exists()


def test_the_next_run_is_today_before_the_hour_and_tomorrow_after_it():
    assert next_run(datetime(2026, 5, 1, 0, 30), "01:00") == datetime(2026, 5, 1, 1, 0)
    assert next_run(datetime(2026, 5, 1, 1, 0), "01:00") == datetime(2026, 5, 2, 1, 0)
