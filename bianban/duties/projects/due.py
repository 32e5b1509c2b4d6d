"""Reminder source of the 书记项目: milestones neither done nor cancelled that are overdue or fall due within the
horizon. The project's lead acts on them when they have an account; otherwise the branch's committee
(reminders.due.branch_leads)."""

from datetime import date, timedelta

from django.urls import reverse

from bianban.duties.choices import ReminderKind
from bianban.duties.models import ProjectMilestone
from bianban.duties.projects.selectors import OPEN_STATUSES
from bianban.duties.reminders.due import Due, branch_leads
from bianban.party.models import Branch


def due(on: date, horizon_days: int) -> list[Due]:
    milestones = list(
        ProjectMilestone.objects.filter(status__in=OPEN_STATUSES, due_on__lte=on + timedelta(days=horizon_days))
        .select_related("project__lead", "project__branch").order_by("due_on", "pk"))
    branches = {m.project.branch_id: m.project.branch for m in milestones}
    leads = branch_leads(Branch.objects.filter(pk__in=branches), on) if branches else {}
    result = []
    for milestone in milestones:
        project = milestone.project
        lead = project.lead
        if lead is not None and lead.user_id and lead.left_on is None:
            users = frozenset({lead.user_id})
        else:
            users = leads.get(project.branch_id, frozenset())
        if not users:
            continue
        late = "（已逾期）" if milestone.due_on < on else ""
        result.append(Due(
            kind=ReminderKind.MILESTONE, key=f"milestone:{milestone.pk}",
            title=f"书记项目“{project.title}”节点：{milestone.title}，计划{milestone.due_on:%Y-%m-%d}完成{late}",
            due_on=milestone.due_on, url=reverse("duties:project_detail", args=[project.pk]), user_ids=users))
    return result
