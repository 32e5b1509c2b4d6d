from datetime import date
from typing import Any

from bianban.party.choices import ActivityKind, ActivityStatus, AppraisalStatus
from bianban.party.compliance import services
from bianban.party.compliance.report import DONE, DUE, EXEMPT, FUTURE, OVERDUE, compliance_for_year
from bianban.party.models import Appraisal, CommitteeTerm, ComplianceRule
from bianban.party.tests.talks_fixtures import add_activity, add_talk  # noqa: F401

MAY_15 = date(2025, 5, 15)


def _rule(report: Any, code: str) -> Any:
    return next(r for r in report.rules if r.rule.code == code)


def _states(report: Any, code: str) -> list[str]:
    return [p.state for p in _rule(report, code).periods]


def test_monthly_committee_meetings_are_done_overdue_due_or_future_as_of_the_day(
        branch: Any, add_activity: Any) -> None:  # noqa: F811
    add_activity(ActivityKind.COMMITTEE_MEETING, date(2025, 1, 10))
    add_activity(ActivityKind.COMMITTEE_MEETING, date(2025, 2, 28))
    add_activity(ActivityKind.COMMITTEE_MEETING, date(2025, 4, 10), status=ActivityStatus.PLANNED)
    add_activity(ActivityKind.COMMITTEE_MEETING, date(2025, 4, 11), status=ActivityStatus.CANCELLED)
    report = compliance_for_year(branch.branch, 2025, today=MAY_15)
    assert _states(report, "committee_meeting") == [DONE, DONE, OVERDUE, OVERDUE, DUE] + [FUTURE] * 7
    april = _rule(report, "committee_meeting").periods[3]
    assert (april.label, april.start, april.end, april.due, april.held) == (
        "4月", date(2025, 4, 1), date(2025, 4, 30), 1, 0)
    assert april.colour == "danger" and april.state_label == "逾期未完成"


def test_quarterly_general_meetings_and_the_period_ending_today_is_still_due(
        branch: Any, add_activity: Any) -> None:  # noqa: F811
    add_activity(ActivityKind.GENERAL_MEETING, date(2025, 3, 20))
    assert _states(compliance_for_year(branch.branch, 2025, today=MAY_15), "general_meeting") == [
        DONE, DUE, FUTURE, FUTURE]
    assert _states(compliance_for_year(branch.branch, 2025, today=date(2025, 6, 30)), "general_meeting")[1] == DUE
    assert _states(compliance_for_year(branch.branch, 2025, today=date(2025, 7, 1)), "general_meeting")[1] == OVERDUE


def test_a_raised_minimum_needs_as_many_meetings(branch: Any, add_activity: Any) -> None:  # noqa: F811
    rule = ComplianceRule.objects.get(branch=branch.branch, code="general_meeting")
    services.rule_update(actor=None, rule=rule, min_count=2)
    add_activity(ActivityKind.GENERAL_MEETING, date(2025, 1, 20))
    q1 = _rule(compliance_for_year(branch.branch, 2025, today=MAY_15), "general_meeting").periods[0]
    assert (q1.due, q1.held, q1.state) == (2, 1, OVERDUE)


def test_group_meetings_are_judged_for_each_group(branch: Any, add_activity: Any) -> None:  # noqa: F811
    first, second = branch.groups
    add_activity(ActivityKind.GROUP_MEETING, date(2025, 1, 8), group=first)
    add_activity(ActivityKind.GROUP_MEETING, date(2025, 1, 9), group=second)
    add_activity(ActivityKind.GROUP_MEETING, date(2025, 2, 8), group=first)
    add_activity(ActivityKind.GROUP_MEETING, date(2025, 2, 9), group=first)  # a busy group hides no silent one
    report = compliance_for_year(branch.branch, 2025, today=MAY_15)
    jan, feb = _rule(report, "group_meeting").periods[:2]
    assert (jan.due, jan.held, jan.state) == (2, 2, DONE)
    assert (feb.due, feb.held, feb.state) == (2, 1, OVERDUE)
    assert [(c.group, c.held, c.state) for c in feb.groups] == [(first, 2, DONE), (second, 0, OVERDUE)]
    feb_items = [i for i in report.overdue if i.rule.code == "group_meeting" and i.period.index == 2]
    assert [i.label for i in feb_items] == ["党小组会每月至少召开1次（每个党小组）：2月（第二党小组）"]


def test_an_exempt_period_is_grey_with_its_reason_and_not_overdue(branch: Any) -> None:
    rule = ComplianceRule.objects.get(branch=branch.branch, code="committee_meeting")
    services.exemption_create(actor=None, rule=rule, year=2025, index=3, reason="换届选举当月")
    report = compliance_for_year(branch.branch, 2025, today=MAY_15)
    march = _rule(report, "committee_meeting").periods[2]
    assert (march.state, march.reason, march.colour) == (EXEMPT, "换届选举当月", "secondary")
    assert not any(i.rule.code == "committee_meeting" and i.period.index == 3 for i in report.overdue)
    assert _states(compliance_for_year(branch.branch, 2024, today=MAY_15), "committee_meeting")[2] == OVERDUE


def test_one_group_can_be_exempted_and_the_rest_still_count(branch: Any, add_activity: Any) -> None:  # noqa: F811
    first, second = branch.groups
    rule = ComplianceRule.objects.get(branch=branch.branch, code="group_meeting")
    services.exemption_create(actor=None, rule=rule, year=2025, index=1, group=second, reason="组员外出培训")
    add_activity(ActivityKind.GROUP_MEETING, date(2025, 1, 8), group=first)
    jan = _rule(compliance_for_year(branch.branch, 2025, today=MAY_15), "group_meeting").periods[0]
    assert (jan.due, jan.held, jan.state) == (1, 1, DONE)
    assert [(c.state, c.reason) for c in jan.groups] == [(DONE, ""), (EXEMPT, "组员外出培训")]


def test_a_disabled_rule_leaves_the_report(branch: Any) -> None:
    rule = ComplianceRule.objects.get(branch=branch.branch, code="theme_day")
    services.rule_update(actor=None, rule=rule, enabled=False)
    report = compliance_for_year(branch.branch, 2025, today=MAY_15)
    assert "theme_day" not in {r.rule.code for r in report.rules}
    assert not any(i.rule.code == "theme_day" for i in report.upcoming + report.overdue)


def test_upcoming_lists_what_is_due_now_and_in_the_next_period(branch: Any, add_activity: Any) -> None:  # noqa: F811
    add_activity(ActivityKind.THEME_DAY, date(2025, 5, 6))
    report = compliance_for_year(branch.branch, 2025, today=MAY_15)
    labels = [i.label for i in report.upcoming]
    assert "支委会每月至少召开1次：5月" in labels and "支委会每月至少召开1次：6月" in labels
    assert "主题党日每月1次：5月" not in labels and "主题党日每月1次：6月" in labels
    assert "党小组会每月至少召开1次（每个党小组）：5月（第一党小组）" in labels
    assert "支部党员大会每季度至少召开1次：第二季度" in labels and "支部党员大会每季度至少召开1次：第三季度" in labels
    assert "民主评议党员每年1次：全年" in labels
    assert all(i.state in (DUE, FUTURE) for i in report.upcoming)
    assert [i.period.end for i in report.upcoming] == sorted(i.period.end for i in report.upcoming)


def test_a_period_ending_within_five_working_days_is_flagged(branch: Any) -> None:
    may = _rule(compliance_for_year(branch.branch, 2025, today=date(2025, 5, 27)), "committee_meeting").periods[4]
    assert may.state == DUE and may.ends_soon
    early = _rule(compliance_for_year(branch.branch, 2025, today=date(2025, 5, 6)), "committee_meeting").periods[4]
    assert not early.ends_soon


def test_a_past_year_has_nothing_upcoming_and_a_future_year_is_all_future(branch: Any) -> None:
    past = compliance_for_year(branch.branch, 2025, today=date(2026, 1, 10))
    assert past.upcoming == [] and all(p.state in (OVERDUE, EXEMPT) for r in past.rules for p in r.periods)
    future = compliance_for_year(branch.branch, 2027, today=date(2026, 1, 10))
    assert {p.state for r in future.rules for p in r.periods} == {FUTURE} and future.overdue == []


def test_the_appraisal_is_met_once_the_years_appraisal_is_determined(branch: Any) -> None:
    appraisal = Appraisal.objects.create(branch=branch.branch, year=2025, started_on=date(2025, 11, 1))
    assert _states(compliance_for_year(branch.branch, 2025, today=date(2026, 1, 5)), "appraisal") == [OVERDUE]
    appraisal.status = AppraisalStatus.CLOSED
    appraisal.save()
    assert _states(compliance_for_year(branch.branch, 2025, today=date(2026, 1, 5)), "appraisal") == [DONE]


def test_the_talks_rule_is_met_when_every_required_pair_has_talked(branch: Any, add_talk: Any) -> None:  # noqa: F811
    year = branch.probationary[0].joined_on.year - 1  # the 7 full members only
    report = compliance_for_year(branch.branch, year, today=date(year, 12, 31))
    talks = _rule(report, "talks").periods[0]
    assert (talks.due, talks.held, talks.state) == (21, 0, DUE)
    add_talk(0, 1, 2, 3, 4, 5, 6, held_on=date(year, 12, 1))
    talks = _rule(compliance_for_year(branch.branch, year, today=date(year + 1, 1, 5)), "talks").periods[0]
    assert (talks.due, talks.held, talks.state) == (21, 21, DONE)


def test_periods_before_the_branch_was_founded_are_not_required(branch: Any) -> None:
    branch.branch.founded_on = date(2025, 4, 10)
    branch.branch.save()
    report = compliance_for_year(branch.branch, 2025, today=MAY_15)
    assert _states(report, "committee_meeting")[:4] == [EXEMPT, EXEMPT, EXEMPT, OVERDUE]
    assert _rule(report, "committee_meeting").periods[0].reason == "党支部尚未成立"
    assert _states(report, "general_meeting")[:2] == [EXEMPT, DUE]


def test_committee_meetings_are_not_required_while_the_term_has_no_committee(branch: Any) -> None:
    CommitteeTerm.objects.create(branch=branch.branch, number=99, elected_on=date(2022, 1, 5), years=3,
                                 ends_on=date(2025, 1, 5), closed_on=date(2025, 6, 30), has_committee=False)
    report = compliance_for_year(branch.branch, 2025, today=date(2025, 8, 15))
    assert _states(report, "committee_meeting")[:7] == [EXEMPT] * 6 + [OVERDUE]
    assert _rule(report, "committee_meeting").periods[0].reason == "本届未设支部委员会，只设书记"


def test_the_report_reads_a_year_in_a_handful_of_queries(branch: Any, add_activity: Any,  # noqa: F811
                                                         django_assert_max_num_queries: Any) -> None:
    for month in range(1, 13):
        add_activity(ActivityKind.THEME_DAY, date(2025, month, 3))
    with django_assert_max_num_queries(10):
        compliance_for_year(branch.branch, 2025, today=MAY_15)
