"""Reads of 书记项目, scoped to the user through the branch's unit (access.branches_for_user)."""

from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound
from bianban.duties.choices import MilestoneStatus
from bianban.duties.models import ProjectMilestone, ProjectOutcome, ProjectTarget, SecretaryProject
from bianban.party.access import branches_for_user
from bianban.party.models import Branch

OPEN_STATUSES = (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS)


def overdue_q(on: Any = None, prefix: str = "") -> Q:
    """A milestone past its date and neither done nor cancelled."""
    return Q(**{f"{prefix}due_on__lt": on or timezone.localdate(), f"{prefix}status__in": OPEN_STATUSES})


def milestones_with_overdue(qs: QuerySet[ProjectMilestone]) -> QuerySet[ProjectMilestone]:
    return qs.annotate(overdue=Case(When(overdue_q(), then=Value(True)), default=Value(False),
                                    output_field=BooleanField()))


def projects_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                      perm: str = Perm.PARTY_VIEW) -> QuerySet[SecretaryProject]:
    qs = SecretaryProject.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("branch__unit", "lead__person").order_by("-year", "branch_id", "pk")


def with_milestone_counts(qs: QuerySet[SecretaryProject]) -> QuerySet[SecretaryProject]:
    """Each project with how many milestones it has, how many are done and how many overdue."""
    return qs.annotate(
        milestones_total=Count("milestones"),
        milestones_done=Count("milestones", filter=Q(milestones__status=MilestoneStatus.DONE)),
        milestones_overdue=Count("milestones", filter=overdue_q(prefix="milestones__")),
    )


def project_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> SecretaryProject:
    project = projects_for_user(user, perm=perm).filter(pk=pk).first()
    if project is None:
        raise NotFound("书记项目不存在或无权访问")
    return project


def target_get(project: SecretaryProject, pk: int) -> ProjectTarget:
    target = ProjectTarget.objects.filter(project=project, pk=pk).select_related("project__branch__unit").first()
    if target is None:
        raise NotFound("项目目标不存在")
    return target


def milestone_get(project: SecretaryProject, pk: int) -> ProjectMilestone:
    milestone = (ProjectMilestone.objects.filter(project=project, pk=pk)
                 .select_related("project__branch__unit").first())
    if milestone is None:
        raise NotFound("项目节点不存在")
    return milestone


def outcome_get(project: SecretaryProject, pk: int) -> ProjectOutcome:
    outcome = ProjectOutcome.objects.filter(project=project, pk=pk).select_related("project__branch__unit").first()
    if outcome is None:
        raise NotFound("项目成果不存在")
    return outcome


def milestones_of(project: SecretaryProject) -> QuerySet[ProjectMilestone]:
    return milestones_with_overdue(project.milestones.all()).order_by("due_on", "pk")


def outcomes_of(project: SecretaryProject) -> QuerySet[ProjectOutcome]:
    return project.outcomes.select_related(
        "quota_movement__line__unit", "charter__unit", "unit_event__unit", "check_run__root", "problem__unit",
    ).order_by("kind", "pk")


def project_years(user: Any, branch: Branch | None = None) -> list[int]:
    """Years that have projects (and the current one), newest first: the year filter's choices."""
    qs = projects_for_user(user, branch=branch)
    return sorted(set(qs.values_list("year", flat=True)) | {timezone.localdate().year}, reverse=True)
