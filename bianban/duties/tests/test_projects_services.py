"""书记项目 services: a project with targets and milestones is written with one audit event per write; bad input is
refused in Chinese with the field named and nothing written; readers and other branches cannot change it."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.choices import MilestoneStatus, TargetMeasure
from bianban.duties.models import ProjectMilestone, ProjectTarget, SecretaryProject
from bianban.duties.projects import services
from bianban.duties.tests.projects_fixtures import YEAR, project  # noqa: F401
from bianban.party.tests.talks_fixtures import build_health_branch

pytestmark = pytest.mark.django_db


def _refused(call: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert caught.value.message == message, caught.value.message
    assert field in caught.value.details


def test_the_secretary_creates_a_project_with_one_audit_event(branch: SimpleNamespace) -> None:
    created = services.project_create(actor=branch.users.secretary, branch=branch.branch, year=YEAR,
                                      title=" 强化党建引领 ", goal="保障重点领域编制", lead=branch.full[0])
    assert created.title == "强化党建引领" and created.created_by == branch.users.secretary
    event = AuditEvent.objects.get(action="secretary_project.create")
    assert event.target_id == str(created.pk) and event.changes["year"] == [None, YEAR]


def test_a_project_without_title_or_goal_or_with_an_odd_year_is_refused(branch: SimpleNamespace) -> None:
    make = services.project_create
    _refused(lambda: make(actor=None, branch=branch.branch, year=YEAR, title=" ", goal="目标"), "title",
             "请填写项目名称")
    _refused(lambda: make(actor=None, branch=branch.branch, year=YEAR, title="项目", goal=""), "goal",
             "请填写项目目标")
    latest = timezone.localdate().year + 1
    _refused(lambda: make(actor=None, branch=branch.branch, year=1999, title="项目", goal="目标"), "year",
             f"年度应为2000至{latest}之间的年份")
    assert not SecretaryProject.objects.exists() and not AuditEvent.objects.filter(action__startswith="secretary")


def test_the_lead_must_be_a_current_member_of_the_branch(branch: SimpleNamespace, district: Any,
                                                          make_person: Any) -> None:
    stranger = build_health_branch(district, make_person).members[0]
    _refused(lambda: services.project_create(actor=None, branch=branch.branch, year=YEAR, title="项目", goal="目标",
                                             lead=stranger), "lead", "吴卫不是本支部现有党员，不能担任牵头人")


def test_two_projects_of_one_year_cannot_share_a_title(project: SecretaryProject) -> None:  # noqa: F811
    _refused(lambda: services.project_create(actor=None, branch=project.branch, year=YEAR, title=project.title,
                                             goal="另一个"), "title", "本年度已有同名书记项目")


def test_a_member_may_not_change_the_project_and_another_branch_does_not_see_it(
        branch: SimpleNamespace, project: SecretaryProject, district: Any, make_person: Any) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied):
        services.project_update(actor=branch.users.member, project=project, summary="擅自修改")
    health = build_health_branch(district, make_person)
    with pytest.raises(NotFound):
        services.target_add(actor=health.secretary_user, project=project, name="核增编制",
                            measure=TargetMeasure.QUOTA_ADDED, target_value=5)
    assert SecretaryProject.objects.get().summary == "" and not ProjectTarget.objects.exists()


@pytest.mark.parametrize("value", [0, -3, "abc", "", "2.5", True, None])
def test_a_target_value_that_is_not_a_positive_integer_is_refused(project: SecretaryProject,  # noqa: F811
                                                                  value: Any) -> None:
    _refused(lambda: services.target_add(actor=None, project=project, name="核增编制",
                                         measure=TargetMeasure.QUOTA_ADDED, target_value=value),
             "target_value", "目标值应为正整数")
    assert not ProjectTarget.objects.exists()


def test_targets_are_added_corrected_and_removed(project: SecretaryProject) -> None:  # noqa: F811
    target = services.target_add(actor=None, project=project, name="核增编制", measure=TargetMeasure.QUOTA_ADDED,
                                 target_value="5")
    assert target.target_value == 5
    _refused(lambda: services.target_update(actor=None, target=target, target_value=0), "target_value",
             "目标值应为正整数")
    _refused(lambda: services.target_update(actor=None, target=target, measure="people"), "measure",
             "计量方式不在允许范围内")
    services.target_update(actor=None, target=target, target_value=8)
    assert ProjectTarget.objects.get().target_value == 8
    services.target_remove(actor=None, target=target)
    assert not ProjectTarget.objects.exists()
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="project_target").order_by("pk")] == [
        "project_target.add", "project_target.update", "project_target.remove"]


@pytest.mark.parametrize("due_on", [date(YEAR - 1, 12, 31), date(YEAR + 1, 1, 1)])
def test_a_milestone_outside_the_projects_year_is_refused(project: SecretaryProject,  # noqa: F811
                                                          due_on: date) -> None:
    _refused(lambda: services.milestone_add(actor=None, project=project, title="印发三定", due_on=due_on),
             "due_on", "节点日期应在项目年度内（2023年）")
    assert not ProjectMilestone.objects.exists()


def test_moving_a_milestone_out_of_the_year_is_refused_too(project: SecretaryProject) -> None:  # noqa: F811
    milestone = services.milestone_add(actor=None, project=project, title="印发三定", due_on=date(YEAR, 6, 30))
    _refused(lambda: services.milestone_update(actor=None, milestone=milestone, due_on=date(YEAR + 1, 3, 1)),
             "due_on", "节点日期应在项目年度内（2023年）")
    assert ProjectMilestone.objects.get().due_on == date(YEAR, 6, 30)


def test_a_milestone_is_done_on_a_past_day_of_or_after_its_year(project: SecretaryProject) -> None:  # noqa: F811
    milestone = services.milestone_add(actor=None, project=project, title="印发三定", due_on=date(YEAR, 6, 30))
    tomorrow = timezone.localdate() + timedelta(days=1)
    set_status = services.milestone_set_status
    _refused(lambda: set_status(actor=None, milestone=milestone, status=MilestoneStatus.DONE), "done_on",
             "请填写完成日期")
    _refused(lambda: set_status(actor=None, milestone=milestone, status=MilestoneStatus.DONE, done_on=tomorrow),
             "done_on", "完成日期不能晚于今天：只登记已经完成的节点")
    _refused(lambda: set_status(actor=None, milestone=milestone, status=MilestoneStatus.DONE,
                                done_on=date(YEAR - 1, 12, 1)), "done_on", "完成日期不能早于项目年度（2023年）")
    assert ProjectMilestone.objects.get().status == MilestoneStatus.PLANNED
    done = set_status(actor=None, milestone=milestone, status=MilestoneStatus.DONE, done_on=date(YEAR, 6, 20))
    assert (done.status, done.done_on) == (MilestoneStatus.DONE, date(YEAR, 6, 20))
    assert AuditEvent.objects.get(action="project_milestone.status").changes["status"] == ["planned", "done"]


def test_milestone_status_moves_only_along_sensible_transitions(project: SecretaryProject) -> None:  # noqa: F811
    milestone = services.milestone_add(actor=None, project=project, title="核查", due_on=date(YEAR, 9, 30))
    cancelled = services.milestone_set_status(actor=None, milestone=milestone, status=MilestoneStatus.CANCELLED)
    _refused(lambda: services.milestone_set_status(actor=None, milestone=cancelled, status=MilestoneStatus.DONE,
                                                   done_on=date(YEAR, 9, 1)),
             "status", "节点当前为“取消”，不能改为“已完成”")
    _refused(lambda: services.milestone_set_status(actor=None, milestone=cancelled, status="finished"), "status",
             "节点状态不在允许范围内")
    restored = services.milestone_set_status(actor=None, milestone=cancelled, status=MilestoneStatus.PLANNED)
    assert restored.status == MilestoneStatus.PLANNED and restored.done_on is None


def test_a_status_change_from_a_stale_read_is_a_conflict(project: SecretaryProject) -> None:  # noqa: F811
    milestone = services.milestone_add(actor=None, project=project, title="核查", due_on=date(YEAR, 9, 30))
    stale = ProjectMilestone.objects.get(pk=milestone.pk)
    services.milestone_set_status(actor=None, milestone=milestone, status=MilestoneStatus.IN_PROGRESS)
    with pytest.raises(Conflict):
        services.milestone_set_status(actor=None, milestone=stale, status=MilestoneStatus.CANCELLED)
    assert ProjectMilestone.objects.get().status == MilestoneStatus.IN_PROGRESS


def test_a_refused_status_in_a_combined_change_leaves_the_title_alone(project: SecretaryProject) -> None:  # noqa: F811
    milestone = services.milestone_add(actor=None, project=project, title="核查", due_on=date(YEAR, 9, 30))
    _refused(lambda: services.milestone_change(actor=None, milestone=milestone, title="全面核查",
                                               status=MilestoneStatus.DONE), "done_on", "请填写完成日期")
    assert ProjectMilestone.objects.get().title == "核查"


def test_the_year_is_fixed_once_milestones_hang_on_it(project: SecretaryProject) -> None:  # noqa: F811
    services.milestone_add(actor=None, project=project, title="核查", due_on=date(YEAR, 9, 30))
    _refused(lambda: services.project_update(actor=None, project=project, year=YEAR + 1), "year",
             "项目已有节点或成果，不能修改年度")
    updated = services.project_update(actor=None, project=project, summary="已完成核查")
    assert updated.summary == "已完成核查" and updated.year == YEAR
