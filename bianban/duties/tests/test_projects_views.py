"""书记项目 pages: the index with progress and milestone status, a project's page with counted targets, an overdue
milestone and outcomes linking to their records, the forms (422 with Chinese errors), delete-with-confirmation, and
scoping (another branch 404, a member reads but may not change: 403)."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bianban.duties.choices import MilestoneStatus, OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectMilestone, ProjectOutcome, ProjectTarget, SecretaryProject
from bianban.duties.projects import services
from bianban.duties.tests.projects_fixtures import YEAR, charter, movement, officer, project  # noqa: F401
from bianban.party.choices import LeaveReason
from bianban.party.members.services import member_leave
from bianban.party.tests.talks_fixtures import build_health_branch
from bianban.staffing.choices import MovementType

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(project: SecretaryProject, district: Any) -> SimpleNamespace:  # noqa: F811
    """The project with a 核增 target of 5 reached by 3, an overdue milestone and a done one, and a linked 核增."""
    movement(district.school, MovementType.SET, 10, date(YEAR, 1, 3))
    increase = movement(district.school, MovementType.INCREASE, 3, date(YEAR, 3, 1))
    services.target_add(actor=None, project=project, name="核增重点领域编制", measure=TargetMeasure.QUOTA_ADDED,
                        target_value=5)
    late = services.milestone_add(actor=None, project=project, title="制定印发三定方案", due_on=date(YEAR, 6, 30))
    done = services.milestone_add(actor=None, project=project, title="核增编制", due_on=date(YEAR, 3, 31))
    services.milestone_set_status(actor=None, milestone=done, status=MilestoneStatus.DONE, done_on=date(YEAR, 3, 1))
    outcome = services.outcome_link(actor=None, project=project, kind=OutcomeKind.QUOTA_MOVEMENT,
                                    record_id=increase.pk, note="安全生产领域")
    return SimpleNamespace(project=project, increase=increase, late=late, done=done, outcome=outcome)


def test_the_index_shows_progress_and_milestone_status(branch: SimpleNamespace, filled: SimpleNamespace,
                                                       client_for: Any) -> None:
    page = client_for(branch.users.member).get(reverse("duties:project_index"), {"year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200 and filled.project.title in html
    assert "核增重点领域编制：3 / 5" in html and 'style="width: 60%"' in html
    assert "已完成 1 / 2" in html and "逾期 1" in html
    assert "新建书记项目" not in html  # a member reads only
    assert "新建书记项目" in client_for(branch.users.secretary).get(reverse("duties:project_index")).content.decode()


def test_the_detail_counts_targets_flags_the_overdue_milestone_and_links_outcomes(
        filled: SimpleNamespace, officer: Any, client_for: Any) -> None:  # noqa: F811
    page = client_for(officer).get(reverse("duties:project_detail", args=[filled.project.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<span data-testid="target-value">3</span> / 5' in html
    assert html.count('data-testid="overdue"') == 1 and "已逾期" in html
    assert reverse("staffing:unit", args=[filled.increase.line.unit_id]) in html and "安全生产领域" in html
    assert reverse("duties:project_outcome_delete", args=[filled.project.pk, filled.outcome.pk]) in html


def test_a_reader_without_the_register_sees_the_outcome_counted_but_not_named(
        branch: SimpleNamespace, filled: SimpleNamespace, client_for: Any) -> None:
    """A member (PARTY_VIEW only) may not read the register: the record is counted and dated, not named or linked."""
    html = client_for(branch.users.member).get(reverse("duties:project_detail", args=[filled.project.pk])).content
    html = html.decode()
    assert '<span data-testid="target-value">3</span> / 5' in html and "编制调整（1）" in html
    assert "（无权查看的编制调整记录）" in html and "安全生产领域" in html  # the branch's own note stays
    assert filled.increase.document_no not in html
    assert reverse("staffing:unit", args=[filled.increase.line.unit_id]) not in html


def test_creating_a_project_and_adding_a_target_through_the_forms(branch: SimpleNamespace, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    response = client.post(f"{reverse('duties:project_create')}?branch={branch.branch.pk}",
                           {"branch": branch.branch.pk, "year": YEAR, "title": "强化党建引领", "goal": "保障编制",
                            "lead": branch.full[0].pk})
    project = SecretaryProject.objects.get()  # noqa: F811
    assert response.status_code == 302 and response["Location"] == reverse("duties:project_detail",
                                                                           args=[project.pk])
    bad = client.post(reverse("duties:project_target_add", args=[project.pk]),
                      {"name": "核增编制", "measure": TargetMeasure.QUOTA_ADDED, "target_value": "abc"})
    assert bad.status_code == 422 and "目标值应为正整数" in bad.content.decode()
    assert not ProjectTarget.objects.exists()
    ok = client.post(reverse("duties:project_target_add", args=[project.pk]),
                     {"name": "核增编制", "measure": TargetMeasure.QUOTA_ADDED, "target_value": "5"})
    assert ok.status_code == 302 and ProjectTarget.objects.get().target_value == 5


def test_a_milestone_outside_the_year_is_422_and_status_goes_through_its_form(
        branch: SimpleNamespace, project: SecretaryProject, client_for: Any) -> None:  # noqa: F811
    client = client_for(branch.users.secretary)
    url = reverse("duties:project_milestone_add", args=[project.pk])
    bad = client.post(url, {"title": "印发三定", "due_on": "2024-01-15"})
    assert bad.status_code == 422 and "节点日期应在项目年度内（2023年）" in bad.content.decode()
    assert client.post(url, {"title": "印发三定", "due_on": "2023-06-30"}).status_code == 302
    milestone = ProjectMilestone.objects.get()
    status_url = reverse("duties:project_milestone_status", args=[project.pk, milestone.pk])
    assert client.post(status_url, {"status": "done", "done_on": "2023-06-28"}).status_code == 302
    assert ProjectMilestone.objects.get().status == MilestoneStatus.DONE


def test_linking_an_outcome_picks_from_the_years_candidates(branch: SimpleNamespace, project: SecretaryProject,  # noqa: F811
                                                             district: Any, officer: Any, client_for: Any) -> None:  # noqa: F811
    issued = charter(district.edu, date(YEAR, 5, 10))
    charter(district.health, date(YEAR - 1, 5, 10))  # another year: not offered
    client = client_for(officer)
    url = reverse("duties:project_outcome_add", args=[project.pk])
    page = client.get(url, {"kind": OutcomeKind.CHARTER})
    html = page.content.decode()
    assert page.status_code == 200 and f'value="{issued.pk}"' in html and "示例区卫生健康局" not in html
    assert client.post(url, {"kind": OutcomeKind.CHARTER, "record_id": issued.pk}).status_code == 302
    again = client.post(url, {"kind": OutcomeKind.CHARTER, "record_id": issued.pk})
    assert again.status_code == 422 and "该记录已关联" in again.content.decode()
    assert ProjectOutcome.objects.get().charter == issued


def test_deleting_asks_for_confirmation_first(branch: SimpleNamespace, filled: SimpleNamespace,
                                              client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = reverse("duties:project_outcome_delete", args=[filled.project.pk, filled.outcome.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确认删除" in confirm.content.decode()
    assert ProjectOutcome.objects.exists()
    assert client.post(url).status_code == 302 and not ProjectOutcome.objects.exists()
    milestone_url = reverse("duties:project_milestone_delete", args=[filled.project.pk, filled.late.pk])
    assert client.post(milestone_url).status_code == 302
    assert list(ProjectMilestone.objects.values_list("title", flat=True)) == ["核增编制"]


def test_a_member_reads_but_gets_403_on_changes_and_another_branch_gets_404(
        branch: SimpleNamespace, filled: SimpleNamespace, district: Any, make_person: Any, client_for: Any) -> None:
    pk = filled.project.pk
    member = client_for(branch.users.member)
    assert member.get(reverse("duties:project_detail", args=[pk])).status_code == 200
    assert member.get(reverse("duties:project_edit", args=[pk])).status_code == 403
    assert member.post(reverse("duties:project_target_add", args=[pk]),
                       {"name": "x", "measure": TargetMeasure.CHARTERS, "target_value": 1}).status_code == 403
    assert member.post(reverse("duties:project_outcome_delete", args=[pk, filled.outcome.pk])).status_code == 403
    assert ProjectTarget.objects.count() == 1 and ProjectOutcome.objects.exists()
    other = client_for(build_health_branch(district, make_person).secretary_user)
    assert other.get(reverse("duties:project_detail", args=[pk])).status_code == 404
    assert other.get(reverse("duties:project_edit", args=[pk])).status_code == 404
    assert filled.project.title not in other.get(reverse("duties:project_index")).content.decode()


def test_every_page_of_a_project_renders_for_whoever_keeps_it(filled: SimpleNamespace, officer: Any,  # noqa: F811
                                                              client_for: Any) -> None:
    client, pk = client_for(officer), filled.project.pk
    target = ProjectTarget.objects.get()
    urls = [reverse("duties:project_create"), reverse("duties:project_edit", args=[pk]),
            reverse("duties:project_target_add", args=[pk]),
            reverse("duties:project_target_edit", args=[pk, target.pk]),
            reverse("duties:project_target_delete", args=[pk, target.pk]),
            reverse("duties:project_milestone_add", args=[pk]),
            reverse("duties:project_milestone_edit", args=[pk, filled.late.pk]),
            reverse("duties:project_milestone_status", args=[pk, filled.late.pk]),
            *[f"{reverse('duties:project_outcome_add', args=[pk])}?kind={kind}" for kind in OutcomeKind.values]]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_editing_a_project_keeps_a_lead_who_has_since_left(branch: SimpleNamespace, client_for: Any) -> None:
    lead = branch.full[3]
    led = services.project_create(actor=None, branch=branch.branch, year=YEAR, title="强化党建引领", goal="目标",
                                  lead=lead)
    member_leave(actor=None, member=lead, on=timezone.localdate(), reason=LeaveReason.TRANSFER_OUT, destination="市委")
    client = client_for(branch.users.secretary)
    url = reverse("duties:project_edit", args=[led.pk])
    assert f'<option value="{lead.pk}" selected>' in client.get(url).content.decode()
    saved = client.post(url, {"year": YEAR, "title": "强化党建引领", "goal": "目标", "lead": lead.pk,
                              "summary": "推进中"})
    assert saved.status_code == 302
    led.refresh_from_db()
    assert (led.summary, led.lead_id) == ("推进中", lead.pk)
