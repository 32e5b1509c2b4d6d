"""Reminder source of the 责任清单: tasks not complete whose deadline falls within the horizon or has passed, and
counted tasks behind in the current month. The owner member is reminded (their Member.user); a task owned by a
division, or by a member without an account, goes to the branch's committee (branch_leads)."""

from datetime import date, timedelta

from django.urls import reverse

from bianban.duties.choices import ReminderKind
from bianban.duties.items.progress import Progress, items_progress, month_end
from bianban.duties.items.selectors import owner_label
from bianban.duties.models import DutyItem
from bianban.duties.reminders.due import Due, branch_leads


def _title(item: DutyItem, p: Progress, overdue: bool) -> str:
    state = f"已完成 {p.done}/{p.target}，截至{p.month}月应完成{p.expected}" if p.target is not None else "未确认完成"
    late = "已逾期" if overdue else f"{item.due_on:%m月%d日}前完成"
    return f"{item.year}年党建责任清单：{item.title}（{state}，{late}），责任人 {owner_label(item)}"


def due(on: date, horizon_days: int) -> list[Due]:
    """Everything of the list that needs acting on as of `on` (see the module's docstring)."""
    until = on + timedelta(days=horizon_days)
    # Last year's unfinished tasks stay overdue into January; next year's first tasks may already be near.
    items = list(DutyItem.objects.filter(year__gte=on.year - 1, year__lte=on.year + 1, completed_on__isnull=True)
                 .select_related("branch", "owner_member__person", "owner_division"))
    progress = items_progress(items, today=on)
    leads = branch_leads({i.branch for i in items}, on)
    result = []
    for item in items:
        p = progress[item.pk]
        if p.complete:
            continue
        near = item.due_on is not None and item.due_on <= until
        # Behind this month: only for the current year (a past year's counted gap shows as overdue via due_on).
        behind_now = p.target is not None and item.year == on.year and p.behind
        if not (near or behind_now):
            continue
        owner = item.owner_member
        # A member who has left the branch no longer acts on its list: the committee takes the task over.
        if owner is not None and owner.user_id and (owner.left_on is None or owner.left_on > on):
            users = frozenset({owner.user_id})
        else:
            users = leads.get(item.branch_id, frozenset())
        if not users:
            continue
        overdue = item.due_on is not None and item.due_on < on
        # Behind pace is due by the end of this month (what the month's deployment asked for).
        due_on = min(item.due_on or on, month_end(on.year, on.month)) if behind_now else item.due_on or on
        result.append(Due(kind=ReminderKind.DUTY, key=f"duty:{item.pk}", title=_title(item, p, overdue),
                          due_on=due_on, url=reverse("duties:item_detail", args=[item.pk]),
                          user_ids=users))
    return result
