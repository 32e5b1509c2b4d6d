"""The daily e-mail digest of each user's reminder list, sent after the refresh when settings BIANBAN REMINDERS
EMAIL is on and an SMTP host is configured (EMAIL_HOST). Sending is best effort: a failure is logged and the user
is tried again at the next refresh; it never undoes or fails the refresh itself."""

import logging
from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from bianban.core.audit import audit
from bianban.duties.models import Reminder

logger = logging.getLogger(__name__)


def email_enabled() -> bool:
    return bool(settings.BIANBAN["REMINDERS"].get("EMAIL")) and bool(getattr(settings, "EMAIL_HOST", ""))


def _link(url: str) -> str:
    """An absolute link where the site's address is configured (REMINDERS BASE_URL), else the path as is."""
    base = str(settings.BIANBAN["REMINDERS"].get("BASE_URL", "")).rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def digest_message(user: Any, reminders: list[Reminder], on: date) -> EmailMessage:
    """One user's digest: overdue entries first, then those falling due, each with its date and link."""
    overdue = [r for r in reminders if r.due_on < on]
    soon = [r for r in reminders if r.due_on >= on]
    name = user.get_full_name() or user.username
    lines = [f"{name}，您好：", "", f"截至{on.year}年{on.month}月{on.day}日，您有以下待办事项："]
    for heading, group in (("已逾期", overdue), ("即将到期", soon)):
        if not group:
            continue
        lines += ["", f"【{heading}】（{len(group)}项）"]
        for r in group:
            lines.append(f"· {r.due_on:%Y-%m-%d}　{r.title}")
            if r.url:
                lines.append(f"  {_link(r.url)}")
    lines += ["", "请登录编办工作平台办理。已知晓的事项可在“我的提醒”中标记，不再出现在每日提醒邮件中。",
              "（本邮件由系统自动发送，请勿回复）"]
    parts = [f"逾期{len(overdue)}项"] if overdue else []
    if soon:
        parts.append(f"即将到期{len(soon)}项")
    subject = f"【编办工作平台】待办提醒：{'，'.join(parts)}"
    return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def reminder_digests_send(*, on: date | None = None) -> int:
    """E-mail each user with an address one digest of their undismissed reminders, at most once a day (a user
    whose entries were e-mailed today is skipped even if a later refresh added some: tomorrow's digest has them).
    Marks the entries sent (Reminder.emailed_on). Returns how many messages went out; 0 when e-mail is off."""
    if not email_enabled():
        return 0
    on = on or timezone.localdate()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    already = set(Reminder.objects.filter(emailed_on=on).values_list("user_id", flat=True))
    pending: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in (Reminder.objects.filter(dismissed_at__isnull=True, user__in=users)
                     .exclude(user_id__in=already).order_by("due_on", "pk")):
        pending[reminder.user_id].append(reminder)
    if not pending:
        return 0
    sent = 0
    try:
        connection = get_connection(fail_silently=False)
    except Exception:
        logger.exception("reminder digests: cannot set up the mail connection")
        return 0
    for user in users.filter(pk__in=list(pending)).order_by("pk"):
        reminders = pending[user.pk]
        message = digest_message(user, reminders, on)
        message.connection = connection
        try:
            message.send()
        except Exception:
            logger.exception("reminder digest to user %s failed", user.pk)
            continue
        Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(emailed_on=on)
        sent += 1
    if sent:
        audit(actor=None, action="reminder.email", changes={"on": [None, on.isoformat()], "sent": [None, sent]})
    return sent
