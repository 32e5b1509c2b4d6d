from datetime import date
from typing import Any

from bianban.registration import deadlines
from bianban.registration.filings import selectors, services
from bianban.registration.models import Filing
from bianban.registration.tests.filings_fixtures import S, days_ago, step, tick_all
from bianban.units.models import Unit


def _pending_change(staff: Any, registration: Any, occurred_on: date, **changes: Any) -> Filing:
    return services.filing_create_change(actor=staff, registration=registration,
                                         changes=changes or {"legal_representative": "王校长"},
                                         occurred_on=occurred_on)


def test_a_change_not_yet_applied_for_is_due_30_working_days_after_it(staff: Any, registration: Any) -> None:
    filing = _pending_change(staff, registration, date(2024, 9, 20))
    assert selectors.filings_due(date(2024, 10, 1)) == [(filing, "申请变更登记", date(2024, 11, 6))]
    late = selectors.filings_for_user(staff, overdue=True, today=date(2024, 11, 7))
    assert list(late) == [filing]
    assert not selectors.filings_for_user(staff, overdue=True, today=date(2024, 11, 6)).exists()


def test_a_move_is_due_on_its_planned_date(staff: Any, registration: Any) -> None:
    moving = days_ago(-10)
    filing = _pending_change(staff, registration, moving, address="新址路2号")
    assert selectors.filings_due(days_ago(0)) == [(filing, "住所迁移前申请变更登记", moving)]


def test_accepted_filings_are_due_for_the_authoritys_decision(staff: Any, registration: Any) -> None:
    filing = services.filing_create_change(actor=staff, registration=registration,
                                           changes={"legal_representative": "王校长"}, occurred_on=days_ago(30),
                                           applied_on=days_ago(20))
    assert selectors.filings_due(days_ago(0)) == []  # applied, not yet accepted: no clock runs
    tick_all(staff, filing)
    step(staff, filing, S.ACCEPTED, days_ago(10))
    assert selectors.filings_due(days_ago(0)) == [(filing, "登记机关作出决定", deadlines.decision_due(days_ago(10)))]


def test_a_cancellation_is_due_15_working_days_after_liquidation_ends(staff: Any, registration: Any,
                                                                       hospital_registration: Any) -> None:
    filing = services.filing_create_cancel(actor=staff, registration=registration, cancel_reason="dissolved",
                                           liquidation_started_on=days_ago(90))
    assert selectors.filings_due(days_ago(0)) == []  # still clearing
    Filing.objects.filter(pk=filing.pk).update(occurred_on=date(2024, 9, 27))
    assert selectors.filings_due(days_ago(0)) == [(Filing.objects.get(pk=filing.pk), "申请注销登记",
                                                   date(2024, 10, 23))]
    health_only = Unit.objects.filter(pk=hospital_registration.unit_id)
    assert selectors.filings_due(days_ago(0), units=health_only) == []
