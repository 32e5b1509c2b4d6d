from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.models import Visit, VisitCampaign, VisitIssue, VisitVisitor
from bianban.duties.tests import visits_fixtures as fx
from bianban.duties.tests.visits_fixtures import ISSUES, visit_values
from bianban.duties.visits import services
from bianban.duties.visits.services import IssueIn, VisitorIn
from bianban.ledger.models import Problem
from bianban.ledger.selectors import problems_for_user
from bianban.party.tests.talks_fixtures import other_branch  # noqa: F401

TODAY = timezone.localdate()
campaign, add_visit = fx.campaign, fx.add_visit  # fixtures


def _nothing_written(audits_before: int) -> None:
    assert not Visit.objects.exists() and not VisitVisitor.objects.exists() and not VisitIssue.objects.exists()
    assert not Problem.objects.exists()
    assert AuditEvent.objects.count() == audits_before


def test_a_campaign_is_opened_for_a_period_and_audited(branch: Any) -> None:
    created = services.campaign_create(actor=branch.users.secretary, branch=branch.branch, title=" 集中走访 ",
                                       starts_on=date(2023, 4, 1), ends_on=date(2023, 7, 31), scope="海滨街道")
    assert created.title == "集中走访" and created.created_by == branch.users.secretary
    event = AuditEvent.objects.get(action="visit_campaign.create")
    assert event.changes["ends_on"] == [None, "2023-07-31"]


def test_a_campaign_that_ends_before_it_starts_is_refused_and_nothing_written(branch: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_create(actor=None, branch=branch.branch, title="走访", starts_on=date(2023, 7, 1),
                                 ends_on=date(2023, 4, 1), scope="海滨街道")
    assert exc.value.message == "结束日期不能早于开始日期" and "ends_on" in exc.value.details
    assert not VisitCampaign.objects.exists()


def test_a_campaigns_period_cannot_shrink_past_a_recorded_visit(branch: Any, campaign: Any, add_visit: Any) -> None:
    add_visit(visited_on=date(2023, 7, 20))
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_update(actor=None, campaign=campaign, ends_on=date(2023, 6, 30))
    assert exc.value.message == "已有2023-07-20的走访记录，活动期间须包含所有已登记的走访"
    campaign.refresh_from_db()
    assert campaign.ends_on == date(2023, 7, 31)
    services.campaign_update(actor=branch.users.secretary, campaign=campaign, requirement="户户进")
    assert AuditEvent.objects.filter(action="visit_campaign.update").get().changes == {
        "requirement": ["村村到、户户进、人人访", "户户进"]}


def test_a_visit_is_recorded_with_its_visitors_and_audited(branch: Any, campaign: Any) -> None:
    visitors = [(branch.secretary, "leadership"), ("李第一", "first_secretary")]
    visit = services.visit_create(actor=branch.users.secretary,
                                  **visit_values(branch, campaign, team_role="leadership", visitors=visitors))
    assert [(str(v), v.role) for v in visit.visitors.order_by("pk")] == [("张伟", "leadership"),
                                                                         ("李第一", "first_secretary")]
    event = AuditEvent.objects.get(action="visit.create")
    assert event.changes["households"] == [None, 2]
    # Family circumstances are personal data: the audit trail keeps a digest, not the text.
    assert event.changes["circumstances"][1].startswith("***（摘要") and "低保" not in str(event.changes)
    assert event.changes["visitors"] == [None, [[branch.secretary.pk, "", "leadership"], [None, "李第一",
                                                                                          "first_secretary"]]]


@pytest.fixture
def open_campaign(branch: Any) -> Any:
    """A campaign under way today, for dates in the future."""
    return services.campaign_create(actor=None, branch=branch.branch, title="当前走访", starts_on=TODAY - timedelta(10),
                                    ends_on=TODAY + timedelta(30), scope="海滨街道")


BAD = [
    ({"households": 0, "people": 0}, "households", "走访户数应至少为1"),
    ({"households": 3, "people": 2}, "people", "走访人数（2人）不能少于户数（3户）"),
    ({"visited_on": date(2023, 8, 1)}, "visited_on", "走访日期应在活动期间（2023-04-01至2023-07-31）内"),
    ({"visitors": []}, "visitors", "请至少填写一名走访人员"),
    ({"visitors": [VisitorIn(role="branch_member", name=" ")]}, "visitors", "第1名走访人员：请选择党员或填写姓名"),
    ({"street": " "}, "street", "请填写街道"),
    ({"group": "nobody"}, "group", "请选择走访对象群体"),
    ({"issues": [ISSUES[0], IssueIn(kind="problem", topic="housing", content="危房改造", department=" ")]},
     "issues", "第2条问题：请填写承办部门"),
    ({"issues": [IssueIn(kind="problem", topic="housing", content="", department="区住建局")]},
     "issues", "第1条问题：请填写反映内容"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD)
def test_bad_visits_are_refused_in_chinese_and_nothing_is_written(branch: Any, campaign: Any, overrides: Any,
                                                                  field: str, message: str) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.visit_create(actor=branch.users.secretary, **visit_values(branch, campaign, **overrides))
    assert exc.value.message == message and field in exc.value.details
    _nothing_written(before)


def test_a_visit_dated_in_the_future_is_refused(branch: Any, open_campaign: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.visit_create(actor=None, **visit_values(branch, open_campaign, visited_on=TODAY + timedelta(1)))
    assert exc.value.message == "走访日期不能晚于今天：只登记已经进行的走访"
    _nothing_written(before)


def test_a_visitor_from_another_branch_or_not_yet_a_member_is_refused(branch: Any, campaign: Any,
                                                                      other_branch: Any) -> None:  # noqa: F811
    before = AuditEvent.objects.count()
    stranger = VisitorIn(role="branch_member", member=other_branch.members[0])
    with pytest.raises(ValidationFailed) as exc:
        services.visit_create(actor=None, **visit_values(branch, campaign, visitors=[stranger]))
    assert exc.value.message == "吴卫不是本支部党员" and "visitors" in exc.value.details
    newcomer = VisitorIn(role="branch_member", member=branch.probationary[0])  # admitted 60 days ago
    with pytest.raises(ValidationFailed) as exc:
        services.visit_create(actor=None, **visit_values(branch, campaign, visitors=[newcomer]))
    assert exc.value.message == "黄敏在走访当日不是本支部党员"
    _nothing_written(before)


def test_each_issue_becomes_a_ledger_problem_of_source_visit_linked_back(branch: Any, campaign: Any) -> None:
    visit = services.visit_create(actor=branch.users.secretary, **visit_values(branch, campaign, issues=ISSUES))
    issues = list(visit.issues.select_related("problem").order_by("pk"))
    assert len(issues) == 2 and Problem.objects.count() == 2
    first = issues[0].problem
    assert first.source == "visit" and first.get_source_display() == "走访"
    assert first.title == "【救助帮扶】冬季取暖补贴未到位"
    assert first.description == "冬季取暖补贴未到位\n（2023-05-10走访海滨街道望海社区时群众反映）"
    assert (first.category, first.unit, first.responsible) == ("public_demand", branch.branch.unit, "区民政局")
    assert first.raised_on == date(2023, 5, 10) and first.deadline > first.raised_on
    assert (first.source_type.model, first.source_id) == ("visitissue", str(issues[0].pk))
    assert issues[1].problem.responsible == "海滨街道" and "意见建议" in issues[1].problem.description
    visible = problems_for_user(branch.users.secretary).filter(source="visit")
    assert set(visible) == {i.problem for i in issues}
    assert AuditEvent.objects.filter(action="problem.create").count() == 2


def test_a_problem_the_ledger_refuses_leaves_no_visit_behind(branch: Any, campaign: Any, monkeypatch: Any) -> None:
    import bianban.ledger.services as ledger

    calls = []

    def refuse(**kwargs: Any) -> None:
        calls.append(kwargs)
        raise ValidationFailed.on("title", "请填写问题")

    monkeypatch.setattr(ledger, "problem_create_within", refuse)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        services.visit_create(actor=branch.users.secretary, **visit_values(branch, campaign, issues=ISSUES))
    assert len(calls) == 1
    _nothing_written(before)


def test_a_member_may_not_record_visits_and_another_branch_does_not_see_them(branch: Any, campaign: Any,
                                                                             other_branch: Any) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied):
        services.visit_create(actor=branch.users.member, **visit_values(branch, campaign))
    with pytest.raises(NotFound):
        services.visit_create(actor=other_branch.secretary_user, **visit_values(branch, campaign))
    with pytest.raises(NotFound):
        services.campaign_update(actor=other_branch.secretary_user, campaign=campaign, title="改")
    assert not Visit.objects.exists()


def test_correcting_a_visit_replaces_its_visitors_and_audits_the_difference(branch: Any, add_visit: Any) -> None:
    visit = add_visit()
    services.visit_update(actor=branch.users.secretary, visit=visit, households=3, people=5,
                          visitors=[(branch.full[1], "branch_member")])
    visit.refresh_from_db()
    assert (visit.households, visit.people) == (3, 5)
    assert [v.member for v in visit.visitors.all()] == [branch.full[1]]
    changes = AuditEvent.objects.get(action="visit.update").changes
    assert changes["people"] == [3, 5] and changes["visitors"][1] == [[branch.full[1].pk, "", "branch_member"]]


def test_a_bad_correction_writes_nothing(branch: Any, add_visit: Any) -> None:
    visit = add_visit()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.visit_update(actor=None, visit=visit, households=0)
    assert exc.value.message == "走访户数应至少为1"
    visit.refresh_from_db()
    assert visit.households == 2 and AuditEvent.objects.count() == before


def test_an_issue_added_later_is_registered_in_the_ledger_too(branch: Any, add_visit: Any) -> None:
    visit = add_visit()
    with pytest.raises(ValidationFailed) as exc:
        services.issue_add(actor=None, visit=visit, kind="problem", topic="health", content="看病难", department="")
    assert exc.value.message == "请填写承办部门" and "department" in exc.value.details
    assert not Problem.objects.exists()
    issue = services.issue_add(actor=branch.users.secretary, visit=visit, kind="problem", topic="health",
                               content="社区卫生站缺医少药", department="区卫健局")
    assert issue.problem.title == "【医疗卫生】社区卫生站缺医少药" and issue.problem.source == "visit"
    assert AuditEvent.objects.filter(action="visit.issue_add", target_id=str(visit.pk)).exists()


def test_a_visit_that_raised_nothing_can_be_deleted_one_with_problems_cannot(branch: Any, add_visit: Any) -> None:
    quiet = add_visit()
    services.visit_delete(actor=branch.users.secretary, visit=quiet)
    assert not Visit.objects.filter(pk=quiet.pk).exists()
    assert AuditEvent.objects.get(action="visit.delete").changes["households"] == [2, None]
    raised = add_visit(issues=ISSUES[:1])
    with pytest.raises(ValidationFailed) as exc:
        services.visit_delete(actor=branch.users.secretary, visit=raised)
    assert exc.value.message == ("该走访收集的问题已登记到问题台账，不能删除；"
                                 "如登记有误，请修改走访记录，问题在问题台账中处理")
    assert Visit.objects.filter(pk=raised.pk).exists() and Problem.objects.count() == 1
