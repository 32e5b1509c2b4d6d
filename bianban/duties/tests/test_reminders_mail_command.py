"""The e-mail digest after a refresh (once a day, only when enabled and SMTP is configured), the daily task and
the `bianban reminders` command."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from bianban.duties.models import Reminder
from bianban.duties.reminders.mail import reminder_digests_send
from bianban.duties.reminders.services import reminder_dismiss, reminders_refresh
from bianban.duties.reminders.tasks import refresh_reminders
from bianban.duties.tests.reminders_fixtures import *  # noqa: F403 (the fixtures `reminder_config` and `report`)
from bianban.duties.tests.reminders_fixtures import BROKEN, FAKE, due

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def smtp(settings: Any, reminder_config: Any) -> None:
    settings.EMAIL_BACKEND = LOCMEM
    settings.EMAIL_HOST = "smtp.example.org"
    reminder_config(EMAIL=True)


@pytest.fixture
def with_email(secretary: Any, member: Any) -> None:
    secretary.email, member.email = "dora@example.org", "eve@example.org"
    secretary.save()
    member.save()


def _report_two(report: Any, secretary: Any) -> None:
    today = timezone.localdate()
    report(due("problem:1", today - timedelta(days=2), secretary, kind="problem", title="问题整改：超编进人",
               url="/ledger/1/"),
           due("compliance:1", today + timedelta(days=5), secretary, kind="compliance", title="支委会：本月"))


def test_each_user_gets_one_digest_a_day(smtp: Any, with_email: Any, report: Any, secretary: Any,
                                         member: Any) -> None:
    _report_two(report, secretary)
    refresh_reminders.enqueue()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dora@example.org"]
    assert message.subject == "【编办工作平台】待办提醒：逾期1项，即将到期1项"
    body = message.body
    assert body.index("【已逾期】") < body.index("超编进人") < body.index("【即将到期】") < body.index("支委会")
    assert "/ledger/1/" in message.body
    assert set(Reminder.objects.values_list("emailed_on", flat=True)) == {timezone.localdate()}
    refresh_reminders.enqueue()
    assert len(mail.outbox) == 1


def test_dismissed_reminders_are_left_out_of_the_digest(smtp: Any, with_email: Any, report: Any,
                                                        secretary: Any) -> None:
    _report_two(report, secretary)
    reminders_refresh()
    reminder_dismiss(actor=secretary, reminder=Reminder.objects.get(key="problem:1"))
    assert reminder_digests_send() == 1
    assert "超编进人" not in mail.outbox[0].body and mail.outbox[0].subject.endswith("即将到期1项")


def test_users_without_an_address_get_no_mail(smtp: Any, report: Any, secretary: Any) -> None:
    _report_two(report, secretary)
    reminders_refresh()
    assert reminder_digests_send() == 0 and mail.outbox == []


def test_no_mail_unless_enabled(settings: Any, with_email: Any, report: Any, secretary: Any) -> None:
    settings.EMAIL_BACKEND = LOCMEM
    settings.EMAIL_HOST = "smtp.example.org"
    _report_two(report, secretary)
    refresh_reminders.enqueue()
    assert mail.outbox == [] and Reminder.objects.count() == 2


def test_no_mail_without_an_smtp_host(settings: Any, smtp: Any, with_email: Any, report: Any,
                                      secretary: Any) -> None:
    settings.EMAIL_HOST = ""
    _report_two(report, secretary)
    reminders_refresh()
    assert reminder_digests_send() == 0 and mail.outbox == []


def test_a_failed_send_is_logged_and_tried_again_next_time(smtp: Any, with_email: Any, report: Any, secretary: Any,
                                                           monkeypatch: Any, caplog: Any) -> None:
    _report_two(report, secretary)

    def refuse(self: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    result = refresh_reminders.enqueue().return_value
    assert result["created"] == 2 and result["emailed"] == 0
    assert "reminder digest to user" in caplog.text
    assert set(Reminder.objects.values_list("emailed_on", flat=True)) == {None}
    monkeypatch.undo()
    assert reminder_digests_send() == 1


def test_the_command_prints_the_counts(report: Any, secretary: Any) -> None:
    _report_two(report, secretary)
    out = StringIO()
    call_command("reminders", "refresh", stdout=out)
    assert out.getvalue().strip() == "提醒已更新：新增 2，更新 0，删除 0"
    out = StringIO()
    call_command("reminders", "refresh", "--on", (timezone.localdate() + timedelta(days=1)).isoformat(), stdout=out)
    assert "新增 0，更新 0，删除 0" in out.getvalue()


def test_the_command_reports_the_mail_sent(smtp: Any, with_email: Any, report: Any, secretary: Any) -> None:
    _report_two(report, secretary)
    out = StringIO()
    call_command("reminders", "refresh", stdout=out)
    assert "已发送提醒邮件 1 封" in out.getvalue()


def _error(value: str) -> CommandError:
    with pytest.raises(CommandError) as exc:
        call_command("reminders", "refresh", "--on", value, stdout=StringIO())
    return exc.value


def test_the_command_refuses_bad_dates_with_status_2(report: Any, secretary: Any) -> None:
    _report_two(report, secretary)
    malformed = _error("2026-13-01")
    past = _error((timezone.localdate() - timedelta(days=1)).isoformat())
    assert malformed.returncode == past.returncode == 2
    assert "日期格式" in str(malformed) and "不能为过去的日期生成提醒" in str(past)
    assert not Reminder.objects.exists()


def test_the_command_exits_1_when_a_source_failed(reminder_config: Any, report: Any, secretary: Any) -> None:
    reminder_config(sources=[FAKE, BROKEN])
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("reminders", "refresh", stdout=StringIO(), stderr=err)
    assert exc.value.code == 1 and BROKEN in err.getvalue()


def test_the_scheduler_queues_the_daily_refresh(report: Any, secretary: Any) -> None:
    _report_two(report, secretary)
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "bianban.duties.reminders.tasks.refresh_reminders" in out.getvalue()
    assert Reminder.objects.filter(user=secretary).count() == 2
