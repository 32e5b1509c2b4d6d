from typing import Any

import pytest

from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.party.compliance import services
from bianban.party.compliance.services import DEFAULT_RULES
from bianban.party.models import ComplianceExemption, ComplianceRule
from bianban.party.tests.talks_fixtures import other_branch  # noqa: F401


def _rule(branch: Any, code: str) -> ComplianceRule:
    return ComplianceRule.objects.get(branch=branch.branch, code=code)


def test_a_new_branch_gets_the_default_rules_of_domain_6_3(branch: Any) -> None:
    rules = {r.code: r for r in ComplianceRule.objects.filter(branch=branch.branch)}
    assert set(rules) == {code for code, *_ in DEFAULT_RULES}
    assert [(rules[c].period, rules[c].per_group) for c in ("general_meeting", "committee_meeting", "group_meeting",
                                                             "party_lecture", "theme_day", "life_meeting",
                                                             "appraisal", "talks")] == [
        ("quarter", False), ("month", False), ("month", True), ("quarter", False), ("month", False),
        ("year", False), ("year", False), ("year", False)]
    assert services.rules_install_defaults(actor=None, branch=branch.branch) == []


def test_a_missing_default_rule_is_restored_and_audited(branch: Any) -> None:
    _rule(branch, "theme_day").delete()
    created = services.rules_install_defaults(actor=branch.users.secretary, branch=branch.branch)
    assert [r.code for r in created] == ["theme_day"]
    assert AuditEvent.objects.filter(action="compliance_rule.install_defaults",
                                     changes__rules=[None, ["theme_day"]]).exists()


def test_a_rule_is_configured_and_the_change_audited(branch: Any) -> None:
    rule = services.rule_update(actor=branch.users.secretary, rule=_rule(branch, "party_lecture"), period="year",
                                min_count=2, title="党课每年至少2次")
    assert (rule.period, rule.min_count, rule.title) == ("year", 2, "党课每年至少2次")
    event = AuditEvent.objects.get(action="compliance_rule.update")
    assert event.changes == {"period": ["quarter", "year"], "min_count": [1, 2],
                             "title": ["党课每季度至少1次", "党课每年至少2次"]}


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"min_count": 0}, "min_count", "每周期至少次数应为1至31之间的整数"),
    ({"period": "week"}, "period", "周期应为每月、每季度或每年"),
    ({"title": " "}, "title", "请填写要求的内容"),
])
def test_bad_settings_are_refused_in_chinese_and_nothing_changes(branch: Any, values: Any, field: str,
                                                                 message: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.rule_update(actor=None, rule=_rule(branch, "theme_day"), **values)
    assert info.value.details == {field: [message]}
    rule = _rule(branch, "theme_day")
    assert (rule.min_count, rule.period, rule.title) == (1, "month", "主题党日每月1次")


def test_yearly_rules_keep_their_period(branch: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.rule_update(actor=None, rule=_rule(branch, "talks"), period="quarter")
    assert info.value.message == "民主评议和谈心谈话按年度计，不能修改周期"


def test_a_rule_with_exemptions_keeps_its_period_until_they_are_removed(branch: Any) -> None:
    rule = _rule(branch, "committee_meeting")
    exemption = services.exemption_create(actor=None, rule=rule, year=2025, index=7, reason="换届")
    with pytest.raises(ValidationFailed) as info:
        services.rule_update(actor=None, rule=rule, period="quarter")
    assert "先删除免除记录" in info.value.message
    services.exemption_delete(actor=None, exemption=exemption)
    assert services.rule_update(actor=None, rule=rule, period="quarter").period == "quarter"


def test_an_exemption_is_recorded_with_its_reason_and_audited(branch: Any) -> None:
    exemption = services.exemption_create(actor=branch.users.secretary, rule=_rule(branch, "committee_meeting"),
                                          year=2025, index=3, reason=" 换届选举当月 ")
    assert (exemption.year, exemption.index, exemption.group, exemption.reason) == (2025, 3, None, "换届选举当月")
    event = AuditEvent.objects.get(action="compliance_exemption.create")
    assert event.changes["reason"] == [None, "换届选举当月"] and event.unit_id == branch.branch.unit_id


@pytest.mark.parametrize(("code", "values", "field", "message"), [
    ("committee_meeting", {"index": 13}, "index", "月份应为1至12"),
    ("general_meeting", {"index": 5}, "index", "季度应为1至4"),
    ("appraisal", {"index": 2}, "index", "按年度计的要求，期次为1"),
    ("committee_meeting", {"reason": ""}, "reason", "请填写免除原因"),
    ("committee_meeting", {"year": 1999}, "year", "请填写年度（2000至2100）"),
])
def test_bad_exemptions_are_refused_in_chinese_and_nothing_is_written(branch: Any, code: str, values: Any,
                                                                      field: str, message: str) -> None:
    args = {"year": 2025, "index": 1, "reason": "原因", **values}
    with pytest.raises(ValidationFailed) as info:
        services.exemption_create(actor=None, rule=_rule(branch, code), **args)
    assert info.value.details == {field: [message]}
    assert not ComplianceExemption.objects.exists()


def test_only_per_group_rules_take_a_group_and_only_their_own(branch: Any, other_branch: Any) -> None:  # noqa: F811
    with pytest.raises(ValidationFailed) as info:
        services.exemption_create(actor=None, rule=_rule(branch, "committee_meeting"), year=2025, index=1,
                                  reason="原因", group=branch.groups[0])
    assert info.value.details == {"group": ["该要求不按党小组分别计，不能只免除一个党小组"]}
    from bianban.party.members.services import group_create

    foreign = group_create(actor=None, branch=other_branch.branch, name="外支部小组")
    with pytest.raises(ValidationFailed):
        services.exemption_create(actor=None, rule=_rule(branch, "group_meeting"), year=2025, index=1,
                                  reason="原因", group=foreign)
    assert not ComplianceExemption.objects.exists()


def test_the_same_period_cannot_be_exempted_twice(branch: Any) -> None:
    rule = _rule(branch, "committee_meeting")
    services.exemption_create(actor=None, rule=rule, year=2025, index=3, reason="换届")
    with pytest.raises(ValidationFailed) as info:
        services.exemption_create(actor=None, rule=rule, year=2025, index=3, reason="再次")
    assert info.value.message == "该期已免除，无须重复登记"
    group_rule = _rule(branch, "group_meeting")
    services.exemption_create(actor=None, rule=group_rule, year=2025, index=3, reason="全部", group=None)
    services.exemption_create(actor=None, rule=group_rule, year=2025, index=3, reason="一组", group=branch.groups[0])
    assert ComplianceExemption.objects.count() == 3


def test_members_may_not_configure_and_strangers_do_not_see_the_branch(branch: Any, member: Any,
                                                                      other_branch: Any) -> None:  # noqa: F811
    rule = _rule(branch, "theme_day")
    with pytest.raises(PermissionDenied):
        services.rule_update(actor=member, rule=rule, enabled=False)
    with pytest.raises(NotFound):
        services.exemption_create(actor=other_branch.secretary_user, rule=rule, year=2025, index=1, reason="x")
    assert _rule(branch, "theme_day").enabled and not ComplianceExemption.objects.exists()


def test_the_lecture_rule_follows_the_configured_local_frequency(branch: Any, settings: Any) -> None:
    settings.BIANBAN = {**settings.BIANBAN, "PARTY": {**settings.BIANBAN["PARTY"], "LECTURE_PERIOD": "year"}}
    _rule(branch, "party_lecture").delete()
    (rule,) = services.rules_install_defaults(actor=None, branch=branch.branch)
    assert (rule.period, rule.title) == ("year", "党课每年至少1次")
