import re
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bianban.party.choices import ActivityKind
from bianban.party.models import ComplianceExemption, ComplianceRule
from bianban.party.tests.talks_fixtures import add_activity, other_branch  # noqa: F401

LAST_YEAR = timezone.localdate().year - 1


def _cell_states(body: str, code: str) -> list[str]:
    row = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', body, re.S)
    assert row, code
    return re.findall(r'data-state="(\w+)"', row.group(1))


def test_the_year_page_colours_each_rule_and_period_and_lists_the_overdue(branch: Any, client_for: Any,
                                                                         add_activity: Any) -> None:  # noqa: F811
    add_activity(ActivityKind.COMMITTEE_MEETING, date(LAST_YEAR, 1, 10))
    add_activity(ActivityKind.GENERAL_MEETING, date(LAST_YEAR, 2, 10))
    body = client_for(branch.users.member).get(reverse("party:compliance_year", args=[branch.branch.pk]),
                                               {"year": LAST_YEAR}).content.decode()
    assert _cell_states(body, "committee_meeting") == ["done"] + ["overdue"] * 11
    assert _cell_states(body, "general_meeting") == ["done", "overdue", "overdue", "overdue"]
    assert 'colspan="3" class="table-success"' in body and 'colspan="12"' in body
    assert "支委会每月至少召开1次：2月" in body
    assert "没有待办事项" in body


def test_the_current_year_lists_upcoming_items(branch: Any, client_for: Any) -> None:
    body = client_for(branch.users.member).get(reverse("party:compliance_year", args=[branch.branch.pk])).content
    assert "民主评议党员每年1次：全年" in body.decode().split('data-testid="compliance-upcoming"')[1]


def test_the_index_goes_straight_to_the_users_only_branch(branch: Any, client_for: Any, other_branch: Any) -> None:  # noqa: F811
    response = client_for(other_branch.secretary_user).get(reverse("party:compliance_index"))
    assert response["Location"] == reverse("party:compliance_year", args=[other_branch.branch.pk])
    body = client_for(branch.users.secretary).get(reverse("party:compliance_index")).content.decode()
    assert branch.branch.name in body and other_branch.branch.name in body


def test_the_secretary_switches_off_a_rule_and_it_leaves_the_calendar(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = reverse("party:compliance_rule_edit", args=[branch.branch.pk, "theme_day"])
    assert "主题党日每月1次" in client.get(url).content.decode()
    response = client.post(url, {"title": "主题党日每月1次", "period": "month", "min_count": 1})
    assert response.status_code == 302
    assert not ComplianceRule.objects.get(branch=branch.branch, code="theme_day").enabled
    body = client.get(reverse("party:compliance_year", args=[branch.branch.pk])).content.decode()
    assert 'data-rule="theme_day"' not in body
    assert "未启用" in client.get(reverse("party:compliance_rules", args=[branch.branch.pk])).content.decode()


def test_a_bad_setting_is_shown_on_the_form(branch: Any, client_for: Any) -> None:
    response = client_for(branch.users.secretary).post(
        reverse("party:compliance_rule_edit", args=[branch.branch.pk, "committee_meeting"]),
        {"title": "", "period": "month", "min_count": 1, "enabled": "on"})
    assert response.status_code == 422
    assert ComplianceRule.objects.get(branch=branch.branch, code="committee_meeting").title == "支委会每月至少召开1次"


def test_an_exemption_from_the_form_turns_the_period_grey(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = reverse("party:compliance_exemption_create", args=[branch.branch.pk, "committee_meeting"])
    assert 'value="3"' in client.get(url, {"year": LAST_YEAR, "index": 3}).content.decode()
    bad = client.post(url, {"year": LAST_YEAR, "index": 13, "reason": "换届"})
    assert bad.status_code == 422 and "月份应为1至12" in bad.content.decode()
    response = client.post(url, {"year": LAST_YEAR, "index": 3, "reason": "换届选举当月"})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert _cell_states(body, "committee_meeting")[2] == "exempt" and "换届选举当月" in body
    exemption = ComplianceExemption.objects.get()
    rules_page = client.get(reverse("party:compliance_rules", args=[branch.branch.pk]), {"year": LAST_YEAR})
    assert "换届选举当月" in rules_page.content.decode()
    client.post(reverse("party:compliance_exemption_delete", args=[branch.branch.pk, exemption.pk]))
    assert not ComplianceExemption.objects.exists()


def test_a_group_can_be_chosen_for_a_per_group_rule(branch: Any, client_for: Any) -> None:
    url = reverse("party:compliance_exemption_create", args=[branch.branch.pk, "group_meeting"])
    client = client_for(branch.users.secretary)
    assert "第二党小组" in client.get(url).content.decode()
    client.post(url, {"year": LAST_YEAR, "index": 2, "group": branch.groups[1].pk, "reason": "外出培训"})
    assert ComplianceExemption.objects.get().group == branch.groups[1]


def test_members_see_the_calendar_but_not_the_settings_forms(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.member)
    body = client.get(reverse("party:compliance_year", args=[branch.branch.pk])).content.decode()
    assert "免除</a>" not in body
    assert client.get(reverse("party:compliance_rule_edit", args=[branch.branch.pk, "theme_day"])).status_code == 404
    url = reverse("party:compliance_exemption_create", args=[branch.branch.pk, "theme_day"])
    assert client.post(url, {"year": LAST_YEAR, "index": 1, "reason": "x"}).status_code == 404
    assert not ComplianceExemption.objects.exists()


def test_another_branchs_secretary_and_outsiders_get_404(branch: Any, other_branch: Any, outsider: Any,  # noqa: F811
                                                          client_for: Any) -> None:
    stranger = client_for(other_branch.secretary_user)
    for url in (reverse("party:compliance_year", args=[branch.branch.pk]),
                reverse("party:compliance_rules", args=[branch.branch.pk]),
                reverse("party:compliance_rule_edit", args=[branch.branch.pk, "theme_day"])):
        assert stranger.get(url).status_code == 404
        assert client_for(outsider).get(url).status_code == 404
    assert stranger.post(reverse("party:compliance_rules_install", args=[branch.branch.pk])).status_code == 404
    assert client_for(branch.users.secretary).get(
        reverse("party:compliance_rule_edit", args=[branch.branch.pk, "nonexistent"])).status_code == 404
