# ruff: noqa: F811  (pytest fixtures imported from annual_fixtures are redefined as arguments)
"""The year's status list and the late flags: late = the due date (31 March of year + 1) passed with the report not
submitted; scoping by the institution's subtree."""

from datetime import date

from bianban.registration.annual import selectors, services
from bianban.registration.tests.annual_fixtures import AFTER_DUE, DUE, TODAY, YEAR, make_report  # noqa: F401


def states(user, today, **filters):
    rows, counts = selectors.annual_status_list(user, YEAR, today, **filters)
    return {row.registration.name: (row.state, row.late) for row in rows}, counts


def test_every_registration_appears_with_its_state_and_the_counts(staff, registration, hospital_registration,
                                                                   make_report):
    make_report(registration, upto="submitted")
    shown, counts = states(staff, TODAY)
    assert shown == {"示例区第一中学": ("submitted", False), "示例区人民医院": ("missing", False)}
    assert counts["total"] == 2 and counts["submitted"] == 1 and counts["missing"] == 1 and counts["late"] == 0


def test_a_report_missing_after_31_march_is_late_and_one_submitted_in_time_is_not(staff, registration,
                                                                                  hospital_registration, make_report):
    make_report(registration, upto="submitted", today=DUE)
    assert states(staff, DUE)[0]["示例区人民医院"] == ("missing", False)  # the last day is still in time
    shown, counts = states(staff, AFTER_DUE)
    assert shown == {"示例区第一中学": ("submitted", False), "示例区人民医院": ("missing", True)}
    assert counts["late"] == 1


def test_a_draft_or_returned_report_after_the_due_date_is_late(staff, registration, hospital_registration,
                                                               make_report):
    make_report(registration, upto="filled")
    report = make_report(hospital_registration, upto="submitted")
    services.annual_report_return(actor=staff, report=report, reason="请补充捐赠情况")
    shown, _ = states(staff, AFTER_DUE)
    assert shown == {"示例区第一中学": ("draft", True), "示例区人民医院": ("returned", True)}


def test_a_report_submitted_after_the_due_date_is_no_longer_late_but_marked(staff, registration, make_report):
    make_report(registration, upto="submitted", today=date(2026, 4, 20))
    [row], _ = selectors.annual_status_list(staff, YEAR, date(2026, 5, 1))
    assert (row.late, row.submitted_late) == (False, True)


def test_filters_by_state_sponsor_and_lateness(staff, district, registration, hospital_registration, make_report):
    make_report(registration, upto="published")
    assert list(states(staff, AFTER_DUE, state="published")[0]) == ["示例区第一中学"]
    assert list(states(staff, AFTER_DUE, late_only=True)[0]) == ["示例区人民医院"]
    assert list(states(staff, AFTER_DUE, sponsor=district.health.pk)[0]) == ["示例区人民医院"]
    assert states(staff, AFTER_DUE, state="nonsense")[0] == {}


def test_institutions_registered_after_the_year_owe_no_report_for_it(staff, make_registration):
    make_registration(registered_on=date(2026, 1, 15))
    assert selectors.annual_status_list(staff, YEAR, AFTER_DUE)[0] == []


def test_a_liaison_sees_only_their_subtree(liaison, registration, hospital_registration, make_report):
    make_report(hospital_registration)
    shown, counts = states(liaison, AFTER_DUE)
    assert shown == {"示例区第一中学": ("missing", True)}
    assert counts["total"] == 1
    assert not selectors.annual_reports_for_user(liaison).exists()


def test_annual_reports_late_lists_the_latest_year_already_due(staff, registration, hospital_registration,
                                                               make_report):
    make_report(registration, upto="submitted")
    # On 31 March the 2025 reports are still in time: the latest year due is 2024, which nobody reported on.
    assert {(r.name, y) for r, y, _ in selectors.annual_reports_late(DUE)} == {("示例区第一中学", 2024),
                                                                             ("示例区人民医院", 2024)}
    late = selectors.annual_reports_late(AFTER_DUE)
    assert [(r.name, y, due) for r, y, due in late] == [("示例区人民医院", YEAR, DUE)]


def test_annual_reports_late_for_a_chosen_year_before_its_due_date_is_empty(registration):
    assert selectors.annual_reports_late(TODAY, year=YEAR) == []


def test_the_due_date_comes_from_the_setting(staff, registration, settings):
    settings.BIANBAN = {**settings.BIANBAN,
                        "REGISTRATION": {**settings.BIANBAN["REGISTRATION"], "ANNUAL_REPORT_DUE": (4, 30)}}
    assert selectors.due_on(YEAR) == date(2026, 4, 30)
    assert states(staff, AFTER_DUE)[0] == {"示例区第一中学": ("missing", False)}
