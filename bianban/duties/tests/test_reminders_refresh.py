"""The daily refresh turns what the sources report into each user's reminder list; users dismiss and restore."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.models import Reminder
from bianban.duties.reminders.services import reminder_dismiss, reminder_restore, reminders_refresh
from bianban.duties.tests.reminders_fixtures import *  # noqa: F403 (the fixtures `reminder_config` and `report`)
from bianban.duties.tests.reminders_fixtures import BROKEN, FAKE, MISSING, due

pytestmark = pytest.mark.django_db


def _today() -> Any:
    return timezone.localdate()


def test_the_refresh_creates_one_entry_per_user_and_key(report: Any, secretary: Any, member: Any) -> None:
    report(due("duty:1", _today() + timedelta(days=3), secretary, member, title="5月：专题研讨（已完成 3/12 次）"),
           due("duty:2", _today() - timedelta(days=1), secretary))
    result = reminders_refresh()
    assert (result.created, result.updated, result.deleted) == (3, 0, 0)
    mine = Reminder.objects.get(user=secretary, key="duty:1")
    assert mine.title == "5月：专题研讨（已完成 3/12 次）" and mine.refreshed_on == _today() and mine.url == "/x/"
    assert Reminder.objects.filter(user=member).count() == 1


def test_a_second_refresh_with_nothing_changed_changes_nothing(report: Any, secretary: Any) -> None:
    report(due("duty:1", _today() + timedelta(days=3), secretary))
    reminders_refresh()
    again = reminders_refresh()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert Reminder.objects.count() == 1


def test_the_refresh_updates_what_changed_and_deletes_what_is_gone(report: Any, secretary: Any) -> None:
    report(due("duty:1", _today() + timedelta(days=3), secretary), due("duty:2", _today(), secretary))
    reminders_refresh()
    report(due("duty:1", _today() + timedelta(days=3), secretary, title="新标题"))
    result = reminders_refresh()
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    assert list(Reminder.objects.values_list("key", "title")) == [("duty:1", "新标题")]


def test_a_user_no_longer_named_loses_the_entry(report: Any, secretary: Any, member: Any) -> None:
    report(due("duty:1", _today(), secretary, member))
    reminders_refresh()
    report(due("duty:1", _today(), secretary))
    assert reminders_refresh().deleted == 1
    assert not Reminder.objects.filter(user=member).exists()


def test_inactive_users_get_no_reminders(report: Any, secretary: Any, member: Any) -> None:
    member.is_active = False
    member.save()
    report(due("duty:1", _today(), secretary, member))
    assert reminders_refresh().created == 1


def test_one_audit_event_without_an_actor_summarises_the_refresh(report: Any, secretary: Any) -> None:
    report(due("duty:1", _today(), secretary), due("duty:2", _today(), secretary))
    before = AuditEvent.objects.count()
    reminders_refresh()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.action == "reminder.refresh" and event.actor is None and event.changes["created"] == [None, 2]


def test_a_refresh_for_a_past_date_is_refused_and_writes_nothing(report: Any, secretary: Any) -> None:
    report(due("duty:1", _today(), secretary))
    with pytest.raises(ValidationFailed) as exc:
        reminders_refresh(on=_today() - timedelta(days=1))
    assert exc.value.details == {"on": ["不能为过去的日期生成提醒，请选择今天或以后的日期"]}
    assert not Reminder.objects.exists()


def test_a_failing_or_missing_source_keeps_the_entries_it_may_own(report: Any, reminder_config: Any,
                                                                   secretary: Any) -> None:
    report(due("duty:1", _today(), secretary), due("keydate:3", _today(), secretary))
    reminders_refresh()
    report(due("duty:1", _today(), secretary, title="更新"))
    reminder_config(sources=[FAKE, BROKEN, MISSING])
    result = reminders_refresh()
    assert result.failed == (BROKEN, MISSING)
    assert (result.updated, result.deleted) == (1, 0)
    assert Reminder.objects.filter(key="keydate:3").exists()


def test_a_dismissed_entry_stays_dismissed_until_its_date_changes(report: Any, secretary: Any) -> None:
    report(due("duty:1", _today() + timedelta(days=3), secretary))
    reminders_refresh()
    reminder = reminder_dismiss(actor=secretary, reminder=Reminder.objects.get())
    assert reminder.dismissed_at is not None
    report(due("duty:1", _today() + timedelta(days=3), secretary, title="进度变了"))
    reminders_refresh()
    assert Reminder.objects.get().dismissed_at is not None
    report(due("duty:1", _today() + timedelta(days=10), secretary))
    reminders_refresh()
    assert Reminder.objects.get().dismissed_at is None


def test_a_user_dismisses_and_restores_only_their_own(report: Any, secretary: Any, member: Any) -> None:
    report(due("duty:1", _today(), secretary))
    reminders_refresh()
    reminder = Reminder.objects.get()
    with pytest.raises(NotFound):
        reminder_dismiss(actor=member, reminder=reminder)
    assert Reminder.objects.get().dismissed_at is None
    reminder_dismiss(actor=secretary, reminder=reminder)
    with pytest.raises(NotFound):
        reminder_restore(actor=member, reminder=reminder)
    restored = reminder_restore(actor=secretary, reminder=reminder)
    assert restored.dismissed_at is None and Reminder.objects.get().dismissed_at is None
    assert AuditEvent.objects.filter(action__in=["reminder.dismiss", "reminder.restore"]).count() == 2
