"""Writes of the reminder lists: the daily refresh from the sources, and a user dismissing or restoring an entry."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from bianban.core.audit import audit
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.duties.models import Reminder
from bianban.duties.reminders.due import Due

logger = logging.getLogger(__name__)

# Model field lengths: a source's long title is cut rather than failing the whole refresh.
_TITLE_MAX, _URL_MAX, _KEY_MAX = 300, 300, 100


@dataclass(frozen=True)
class RefreshResult:
    created: int
    updated: int
    deleted: int
    failed: tuple[str, ...] = field(default=())  # sources that raised: their reminders were kept, not deleted


def reminder_settings() -> dict[str, Any]:
    return settings.BIANBAN["REMINDERS"]


def _collect(on: date, horizon_days: int) -> tuple[dict[tuple[int, str], Due], list[str]]:
    """(user id, key) → what is due, from every configured source; and the sources that failed. Sources are
    imported here, not at module load, so that one area's missing or broken source cannot stop the others."""
    wanted: dict[tuple[int, str], Due] = {}
    failed = []
    for path in reminder_settings()["SOURCES"]:
        try:
            source: Callable[[date, int], Iterable[Due]] = import_string(path)
            found = list(source(on, horizon_days))
        except Exception:
            logger.exception("reminder source %s failed", path)
            failed.append(path)
            continue
        for due in found:
            key = due.key[:_KEY_MAX]
            for user_id in due.user_ids:
                # Two sources (or one, twice) naming the same thing for the same user: the earlier date wins.
                known = wanted.get((user_id, key))
                if known is None or due.due_on < known.due_on:
                    wanted[(user_id, key)] = due
    return wanted, failed


def reminders_refresh(*, on: date | None = None) -> RefreshResult:
    """Bring every user's reminder list in line with what the sources report for `on` (default today): new
    entries are created; an entry whose title, date, link or kind changed is updated (a dismissed one returns when
    its date changes: it is a new deadline); entries no source reports any more are deleted — their cause is gone.
    When a source fails nothing is deleted, since its entries cannot be told from those whose cause is gone.
    System work: one AuditEvent without an actor summarises the run."""
    today = timezone.localdate()
    on = on or today
    if on < today:
        raise ValidationFailed.on("on", "不能为过去的日期生成提醒，请选择今天或以后的日期")
    # The sources only read, and some read a lot (a year's compliance calendar per branch): they run before the
    # write transaction, so that no lock is held meanwhile and one failing query cannot abort the writes.
    wanted, failed = _collect(on, int(reminder_settings()["HORIZON_DAYS"]))
    return _apply(on, wanted, failed)


@transaction.atomic(durable=True)
def _apply(on: date, wanted: dict[tuple[int, str], Due], failed: list[str]) -> RefreshResult:
    """The refresh's writes, in bulk and in one transaction."""
    active = set(get_user_model().objects.filter(pk__in={u for u, _ in wanted}, is_active=True)
                 .values_list("pk", flat=True))
    wanted = {pair: due for pair, due in wanted.items() if pair[0] in active}
    # Locked so that a user's dismissal cannot interleave with (and be overwritten by) the update below. Two
    # refreshes at once (the daily task and a hand-run command) serialise on SQLite; on PostgreSQL the later one
    # may fail on the (user, key) constraint and change nothing — the next run catches up.
    existing = {(r.user_id, r.key): r for r in Reminder.objects.select_for_update()
                .only("user_id", "key", "kind", "title", "due_on", "url", "refreshed_on", "dismissed_at")}
    create, update, keep = [], [], []
    for (user_id, key), due in wanted.items():
        title, url = due.title[:_TITLE_MAX], due.url[:_URL_MAX]
        row = existing.get((user_id, key))
        if row is None:
            create.append(Reminder(user_id=user_id, kind=due.kind, key=key, title=title, due_on=due.due_on,
                                   url=url, refreshed_on=on))
        elif (row.kind, row.title, row.due_on, row.url) != (due.kind, title, due.due_on, url):
            if row.due_on != due.due_on:
                row.dismissed_at = None
            row.kind, row.title, row.due_on, row.url, row.refreshed_on = due.kind, title, due.due_on, url, on
            update.append(row)
        elif row.refreshed_on != on:
            keep.append(row.pk)
    Reminder.objects.bulk_create(create, batch_size=500)
    Reminder.objects.bulk_update(update, ["kind", "title", "due_on", "url", "refreshed_on", "dismissed_at"],
                                 batch_size=500)
    Reminder.objects.filter(pk__in=keep).update(refreshed_on=on)
    deleted = 0
    if not failed:
        gone = [row.pk for pair, row in existing.items() if pair not in wanted]
        for start in range(0, len(gone), 500):
            deleted += Reminder.objects.filter(pk__in=gone[start:start + 500]).delete()[0]
    result = RefreshResult(created=len(create), updated=len(update), deleted=deleted, failed=tuple(failed))
    audit(actor=None, action="reminder.refresh",
          changes={"on": [None, on.isoformat()], "created": [None, result.created],
                   "updated": [None, result.updated], "deleted": [None, result.deleted]},
          reason=("未能读取：" + "、".join(failed)) if failed else "")
    return result


def _own(actor: Any, reminder: Reminder) -> Reminder:
    """The actor's own reminder, locked; anyone else's does not exist for them."""
    row = Reminder.objects.select_for_update().filter(pk=reminder.pk, user_id=getattr(actor, "pk", None)).first()
    if row is None:
        raise NotFound("提醒不存在或无权访问")
    return row


@transaction.atomic(durable=True)
def reminder_dismiss(*, actor: Any, reminder: Reminder) -> Reminder:
    """知晓: the user takes the entry off their list. It stays off until its date changes (a new deadline brings it
    back) or until its cause is gone (then the refresh deletes it). Dismissing twice changes nothing."""
    row = _own(actor, reminder)
    if row.dismissed_at is None:
        row.dismissed_at = timezone.now()
        Reminder.objects.filter(pk=row.pk).update(dismissed_at=row.dismissed_at)
        audit(actor=actor, action="reminder.dismiss", target=row,
              changes={"dismissed_at": [None, row.dismissed_at.isoformat()]})
    return row


@transaction.atomic(durable=True)
def reminder_restore(*, actor: Any, reminder: Reminder) -> Reminder:
    """Put a dismissed entry back on the user's list."""
    row = _own(actor, reminder)
    if row.dismissed_at is not None:
        old, row.dismissed_at = row.dismissed_at, None
        Reminder.objects.filter(pk=row.pk).update(dismissed_at=None)
        audit(actor=actor, action="reminder.restore", target=row, changes={"dismissed_at": [old.isoformat(), None]})
    return row
