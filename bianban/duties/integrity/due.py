"""Reminder source of the integrity key dates: each key date not yet marked done whose reminder date is within the
horizon or already past. Due on the reminder date; for its assignees, or the branch's committee where it has none
(or none of them has an account)."""

from datetime import date, timedelta

from django.urls import reverse

from bianban.duties.choices import ReminderKind
from bianban.duties.integrity.selectors import keydate_year
from bianban.duties.models import KeyDate
from bianban.duties.reminders.due import Due, branch_leads


def due(on: date, horizon_days: int) -> list[Due]:
    key_dates = list(KeyDate.objects.filter(done_on__isnull=True, remind_on__lte=on + timedelta(days=horizon_days),
                                            branch__dissolved_on__isnull=True)
                     .select_related("branch").prefetch_related("assignees").order_by("remind_on", "pk"))
    leads = branch_leads({k.branch for k in key_dates}, on)
    index = reverse("duties:keydate_index")
    items = []
    for k in key_dates:
        users = frozenset(m.user_id for m in k.assignees.all() if m.user_id and m.left_on is None)
        users = users or leads.get(k.branch_id, frozenset())
        if not users:
            continue
        talk = "，须开展廉政谈话" if k.talk_required else ""
        title = f"{k.name}（{k.on:%Y-%m-%d}）廉政提醒：{k.actions}{talk}（{k.branch.name}）"
        items.append(Due(kind=ReminderKind.KEY_DATE, key=f"keydate:{k.pk}", title=title[:300], due_on=k.remind_on,
                         url=f"{index}?branch={k.branch_id}&year={keydate_year(k)}", user_ids=users))
    return items
