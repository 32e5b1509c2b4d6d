"""Reminder source of the ideology work: watched risk points whose next review is within the horizon or past (for
the owner, else the branch's committee), and sensitive periods starting within the horizon (for the committee:
舆论监管 is stepped up for the whole branch)."""

from datetime import date, timedelta

from django.urls import reverse

from bianban.duties.choices import ReminderKind, RiskStatus
from bianban.duties.models import RiskPoint, SensitivePeriod
from bianban.duties.reminders.due import Due, branch_leads


def due(on: date, horizon_days: int) -> list[Due]:
    until = on + timedelta(days=horizon_days)
    points = list(RiskPoint.objects.filter(status=RiskStatus.WATCHED, next_review_on__lte=until,
                                           branch__dissolved_on__isnull=True)
                  .select_related("branch", "owner").order_by("next_review_on", "pk"))
    periods = list(SensitivePeriod.objects.filter(starts_on__range=(on, until), branch__dissolved_on__isnull=True)
                   .select_related("branch").order_by("starts_on", "pk"))
    leads = branch_leads({p.branch for p in points} | {p.branch for p in periods}, on)
    items = []
    for p in points:
        owner = p.owner
        users = frozenset({owner.user_id}) if owner and owner.user_id and owner.left_on is None else frozenset()
        users = users or leads.get(p.branch_id, frozenset())
        if users:
            late = "（已逾期）" if p.next_review_on < on else ""
            items.append(Due(kind=ReminderKind.RISK_REVIEW, key=f"risk:{p.pk}",
                             title=f"意识形态风险点研判{late}：{p.title}（{p.get_level_display()}风险，{p.branch.name}）"[:300],
                             due_on=p.next_review_on, url=reverse("duties:risk_detail", args=[p.pk]),
                             user_ids=users))
    for s in periods:
        users = leads.get(s.branch_id, frozenset())
        if users:
            items.append(Due(kind=ReminderKind.RISK_REVIEW, key=f"sensitive:{s.pk}",
                             title=f"敏感时期将至：{s.name}（{s.starts_on:%m月%d日}—{s.ends_on:%m月%d日}），"
                                   f"做好舆论监管（{s.branch.name}）"[:300],
                             due_on=s.starts_on,
                             url=f"{reverse('duties:risk_index')}?branch={s.branch_id}&year={s.starts_on.year}",
                             user_ids=users))
    return items
