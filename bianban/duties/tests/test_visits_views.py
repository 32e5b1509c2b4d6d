import io
from datetime import date
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from bianban.core.models import AuditEvent
from bianban.duties.models import Visit, VisitCampaign
from bianban.duties.tests import visits_fixtures as fx
from bianban.duties.tests.visits_fixtures import ISSUES
from bianban.ledger.models import Problem
from bianban.party.tests.talks_fixtures import other_branch  # noqa: F401

campaign, add_visit = fx.campaign, fx.add_visit  # fixtures


def _visit_form(branch: Any, *, visitors: list[tuple[Any, str, str]] | None = None,
                issues: list[tuple[str, str, str, str]] = (), **overrides: Any) -> dict[str, Any]:
    """The visit page's POST: the visit's fields, then its rows of visitors and issues (a spare blank row each)."""
    data: dict[str, Any] = {"visited_on": "2023-05-10", "team_role": "branch_member", "street": "海滨街道",
                            "community": "望海社区", "group": "hardship", "households": "2", "people": "3",
                            "circumstances": "低保户，独居老人", "summary": "了解生活情况"}
    data.update(overrides)
    visitors = [(branch.secretary.pk, "", "")] if visitors is None else visitors
    rows = [*visitors, ("", "", "")]
    data.update({"visitors-TOTAL_FORMS": str(len(rows)), "visitors-INITIAL_FORMS": "0"})
    for i, (member, name, role) in enumerate(rows):
        data.update({f"visitors-{i}-member": member, f"visitors-{i}-name": name, f"visitors-{i}-role": role})
    issue_rows = [*issues, ("problem", "assistance", "", "")]
    data.update({"issues-TOTAL_FORMS": str(len(issue_rows)), "issues-INITIAL_FORMS": "0"})
    for i, (kind, topic, content, department) in enumerate(issue_rows):
        data.update({f"issues-{i}-kind": kind, f"issues-{i}-topic": topic, f"issues-{i}-content": content,
                     f"issues-{i}-department": department})
    return data


def test_the_secretary_opens_a_campaign_and_a_bad_period_is_refused_on_the_form(branch: Any, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = f"{reverse('duties:campaign_create')}?branch={branch.branch.pk}"
    bad = client.post(url, {"title": "集中走访", "starts_on": "2023-07-31", "ends_on": "2023-04-01",
                            "scope": "海滨街道"})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    assert not VisitCampaign.objects.exists()
    response = client.post(url, {"title": "集中走访", "starts_on": "2023-04-01", "ends_on": "2023-07-31",
                                 "scope": "海滨街道", "requirement": "村村到、户户进、人人访"})
    created = VisitCampaign.objects.get()
    assert response.status_code == 302 and response.url == reverse("duties:campaign_detail", args=[created.pk])
    edit = client.post(reverse("duties:campaign_edit", args=[created.pk]),
                       {"title": "2023年集中走访", "starts_on": "2023-04-01", "ends_on": "2023-07-31",
                        "scope": "海滨街道"})
    assert edit.status_code == 302
    created.refresh_from_db()
    assert created.title == "2023年集中走访" and created.requirement == ""


def test_the_secretary_records_a_visit_with_two_issues_that_go_to_the_ledger(branch: Any, campaign: Any,
                                                                            client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    page = client.get(reverse("duties:visit_create", args=[campaign.pk]))
    assert page.status_code == 200 and 'name="visitors-0-member"' in page.content.decode()
    data = _visit_form(branch, visitors=[(branch.secretary.pk, "", ""), ("", "李第一", "first_secretary")],
                       issues=[("problem", "assistance", "冬季取暖补贴未到位", "区民政局"),
                               ("suggestion", "infrastructure", "路灯损坏", "海滨街道")])
    response = client.post(reverse("duties:visit_create", args=[campaign.pk]), data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("duties:visit_detail", args=[visit.pk])
    assert [(str(v), v.role) for v in visit.visitors.order_by("pk")] == [("张伟", "branch_member"),
                                                                         ("李第一", "first_secretary")]
    assert Problem.objects.filter(source="visit").count() == 2
    detail = client.get(response.url).content.decode()
    first = visit.issues.order_by("pk").first()
    assert "冬季取暖补贴未到位" in detail and reverse("ledger:detail", args=[first.problem_id]) in detail
    assert "低保户，独居老人" in detail
    ledger_page = client.get(reverse("ledger:detail", args=[first.problem_id]))
    assert ledger_page.status_code == 200 and "走访" in ledger_page.content.decode()
    back = client.get(reverse("duties:visit_issue", args=[first.pk]))
    assert back.url == f"{reverse('duties:visit_detail', args=[visit.pk])}#issue-{first.pk}"


def test_a_bad_visit_is_refused_on_the_form_in_chinese_and_nothing_is_written(branch: Any, campaign: Any,
                                                                             client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = reverse("duties:visit_create", args=[campaign.pk])
    before = AuditEvent.objects.count()
    cases = [
        (_visit_form(branch, households="0", people="0"), "走访户数应至少为1"),
        (_visit_form(branch, visitors=[]), "请至少填写一名走访人员"),
        (_visit_form(branch, visited_on="2023-09-01"), "走访日期应在活动期间（2023-04-01至2023-07-31）内"),
        (_visit_form(branch, issues=[("problem", "housing", "危房改造", "")]), "第1条问题：请填写承办部门"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 422 and message in response.content.decode(), message
    assert not Visit.objects.exists() and not Problem.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_index_shows_the_years_campaigns_with_the_seeds_figures(branch: Any, campaign: Any, add_visit: Any,
                                                                    client_for: Any) -> None:
    add_visit(households=10, people=18)
    add_visit(households=30, people=54, team_role="leadership", visitors=[(branch.secretary, "leadership")],
              issues=ISSUES)
    body = client_for(branch.users.member).get(reverse("duties:visit_index")).content.decode()
    assert "2023年集中走访活动" in body  # the latest year with a campaign is shown by default
    assert "走访群众10户18人，领导班子成员和挂职第一书记走访群众30户54人" in body
    assert "新建走访活动" not in body
    secretary = client_for(branch.users.secretary).get(reverse("duties:visit_index"),
                                                       {"branch": branch.branch.pk, "year": 2024})
    assert "2024年没有走访活动" in secretary.content.decode() and "新建走访活动" in secretary.content.decode()


def test_the_campaign_page_filters_visits_and_shows_each_issues_ledger_status(branch: Any, campaign: Any,
                                                                             add_visit: Any, client_for: Any) -> None:
    add_visit(street="海滨街道", community="望海社区", issues=ISSUES[:1])
    add_visit(street="新港街道", community="新港社区", group="elderly", team_role="leadership")
    client = client_for(branch.users.secretary)
    url = reverse("duties:campaign_detail", args=[campaign.pk])
    body = client.get(url).content.decode()
    assert "海滨街道望海社区" in body and "新港街道新港社区" in body and "待整改" in body
    assert 'data-role="leadership_and_first_secretary"' in body and 'data-group="elderly"' in body
    filtered = client.get(url, {"street": "新港街道"}).content.decode()
    assert "新港街道新港社区" in filtered and "海滨街道望海社区" not in filtered
    assert "新港街道新港社区" not in client.get(url, {"team_role": "branch_member"}).content.decode()
    assert "海滨街道望海社区" not in client.get(url, {"group": "elderly"}).content.decode()


def test_family_circumstances_are_masked_for_members_and_reviewers(branch: Any, add_visit: Any, reviewer: Any,
                                                                   client_for: Any) -> None:
    visit = add_visit(circumstances="患病卧床，子女在外地")
    for user, sees in ((branch.users.secretary, True), (branch.users.member, False), (reviewer, False)):
        client = client_for(user)
        for url in (reverse("duties:visit_detail", args=[visit.pk]),
                    reverse("duties:campaign_detail", args=[visit.campaign_id])):
            body = client.get(url).content.decode()
            assert ("患病卧床" in body) is sees and ("***" in body) is not sees, (user, url)


def test_the_export_is_audited_and_masked_for_readers(branch: Any, add_visit: Any, client_for: Any) -> None:
    visit = add_visit(circumstances="患病卧床", issues=ISSUES[:1])
    url = reverse("duties:campaign_export", args=[visit.campaign_id])
    for user, shown in ((branch.users.secretary, "患病卧床"), (branch.users.member, "***")):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
        sheet = load_workbook(io.BytesIO(response.content))["走访记录"]
        assert sheet["J2"].value == shown and "区民政局（待整改）" in sheet["L2"].value
    events = AuditEvent.objects.filter(action="visit.export").order_by("pk")
    assert [e.changes["masked"][1] for e in events] == [False, True]


def test_the_export_is_refused_over_the_row_cap(branch: Any, add_visit: Any, client_for: Any, settings: Any) -> None:
    visit = add_visit()
    add_visit()
    settings.BIANBAN = {**settings.BIANBAN, "EXPORT_MAX_ROWS": 1}
    response = client_for(branch.users.secretary).get(reverse("duties:campaign_export", args=[visit.campaign_id]))
    assert response.status_code == 302 and not AuditEvent.objects.filter(action="visit.export").exists()


def test_an_issue_is_added_to_a_recorded_visit_and_a_quiet_visit_deleted(branch: Any, add_visit: Any,
                                                                         client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    visit = add_visit()
    url = reverse("duties:visit_issue_add", args=[visit.pk])
    bad = client.post(url, {"kind": "problem", "topic": "health", "content": "看病难", "department": ""})
    assert bad.status_code == 422 and "请填写承办部门" in bad.content.decode()
    quiet = add_visit(visited_on=date(2023, 6, 1))
    assert client.post(url, {"kind": "problem", "topic": "health", "content": "看病难",
                             "department": "区卫健局"}).status_code == 302
    assert visit.issues.get().problem.responsible == "区卫健局"
    refused = client.post(reverse("duties:visit_delete", args=[visit.pk]), follow=True)
    assert "不能删除" in refused.content.decode() and Visit.objects.filter(pk=visit.pk).exists()
    assert client.post(reverse("duties:visit_delete", args=[quiet.pk])).status_code == 302
    assert not Visit.objects.filter(pk=quiet.pk).exists()


def test_editing_a_visit_replaces_its_visitors(branch: Any, add_visit: Any, client_for: Any) -> None:
    visit = add_visit()
    client = client_for(branch.users.secretary)
    url = reverse("duties:visit_edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "低保户，独居老人" in page and f'<option value="{branch.secretary.pk}" selected>' in page
    data = _visit_form(branch, visitors=[(branch.full[1].pk, "", "")], households="3", people="6")
    assert client.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.people == 6 and [v.member for v in visit.visitors.all()] == [branch.full[1]]
    assert visit.issues.count() == 0


def test_other_branches_and_outsiders_get_404_and_members_cannot_record(branch: Any, other_branch: Any,  # noqa: F811
                                                                       add_visit: Any, outsider: Any,
                                                                       client_for: Any) -> None:
    visit = add_visit()
    stranger = client_for(other_branch.secretary_user)
    for name, args in (("visit_detail", [visit.pk]), ("visit_edit", [visit.pk]),
                       ("campaign_detail", [visit.campaign_id]), ("campaign_export", [visit.campaign_id]),
                       ("visit_create", [visit.campaign_id])):
        assert stranger.get(reverse(f"duties:{name}", args=args)).status_code == 404, name
    assert stranger.get(reverse("duties:visit_index"), {"branch": branch.branch.pk}).status_code == 404
    assert client_for(outsider).get(reverse("duties:visit_index")).status_code == 404
    assert client_for(outsider).get(reverse("duties:visit_detail", args=[visit.pk])).status_code == 404
    member = client_for(branch.users.member)
    assert member.get(reverse("duties:visit_detail", args=[visit.pk])).status_code == 200
    assert member.get(reverse("duties:visit_create", args=[visit.campaign_id])).status_code == 404
    assert member.post(reverse("duties:visit_delete", args=[visit.pk])).status_code == 404
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_the_campaign_page_reads_in_the_same_queries_however_many_visits(branch: Any, campaign: Any,
                                                                         add_visit: Any, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(branch.users.member)
    url = reverse("duties:campaign_detail", args=[campaign.pk])
    add_visit(issues=ISSUES)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for street in ("新港街道", "东山街道", "西湖街道"):
        add_visit(street=street, issues=ISSUES,
                  visitors=[(branch.secretary, "branch_member"), ("李第一", "first_secretary")])
    with CaptureQueriesContext(connection) as four:
        assert "西湖街道" in client.get(url).content.decode()
    assert len(four) == len(one)
