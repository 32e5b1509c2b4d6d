"""Loading a small 示例区 through the services, and the `demo` command."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from bianban.accounts.choices import Role
from bianban.accounts.models import Grant
from bianban.core.models import AuditEvent
from bianban.demo import catalog as c
from bianban.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from bianban.demo.loader import demo_is_loaded, load_demo
from bianban.people.models import Person
from bianban.units.models import Charter, Division, Unit
from bianban.units.services import unit_update

pytestmark = pytest.mark.django_db

SMALL = {"units_limit": 10, "people": 60}


def test_a_small_demo_loads_through_the_services() -> None:
    result = load_demo(**SMALL)

    assert not result.already_loaded and result.complete
    assert Unit.objects.count() == result.units == 10
    assert Person.objects.count() == result.people == 60
    assert Charter.objects.filter(is_current=True).count() == 10
    assert Division.objects.count() == result.divisions > 0
    office = Unit.objects.get(name=c.name_of(c.OFFICE_KEY), parent=None)
    assert office.short_name == "区委编办"
    assert Person.objects.filter(unit=office, name="刘建华").exists()
    # Every write went through a service, so every row has its audit event.
    assert AuditEvent.objects.filter(action="unit.create").count() == 10
    assert AuditEvent.objects.filter(action="person.create").count() == 60
    assert AuditEvent.objects.filter(action="charter.create").count() == 10


def test_it_creates_one_login_per_role_with_the_demo_password() -> None:
    load_demo(**SMALL)
    users = {u.username: u for u in get_user_model().objects.all()}

    assert set(users) == {a.username for a in ACCOUNTS}
    assert users["admin"].is_superuser
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert all(u.first_name for u in users.values())
    all_grants = list(Grant.objects.select_related("user", "unit"))
    assert {g.role for g in all_grants} == set(Role.values)
    # The secretary also reads the register (the 书记项目's results are register records), nobody else has two.
    assert {g.role for g in all_grants if g.user.username == "shuji"} == {Role.BRANCH_SECRETARY, Role.REVIEWER}
    grants = {g.user.username: g for g in all_grants if g.role != Role.REVIEWER or g.user.username != "shuji"}
    assert len(grants) == len(all_grants) - 1
    liaison = grants["liaison_edu"]
    assert liaison.role == Role.UNIT_LIAISON and liaison.unit.name == "示例区教育局" and liaison.include_descendants
    assert grants["bbadmin"].unit is None


def test_loading_again_changes_nothing() -> None:
    load_demo(**SMALL)
    counts = (Unit.objects.count(), Person.objects.count(), get_user_model().objects.count())
    events = AuditEvent.objects.count()

    again = load_demo(**SMALL)

    assert again.already_loaded and again.complete
    assert (Unit.objects.count(), Person.objects.count(), get_user_model().objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert demo_is_loaded()


def _run(*args: str, **options: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", *args, units=10, people=60, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_the_command_loads_once_and_prints_the_logins() -> None:
    out, err = _run()
    assert "载入完成" in out
    assert "liaison_edu" in out and DEMO_PASSWORD in out and "示例区教育局（含下属单位）" in out
    assert "机构 10/10" in err and "人员 60/60" in err and "入编 60/60" in err and "演示账号" in err
    assert "编制 11 条" in out and "供核查发现的问题" in out
    assert "超职数（预警模式）：示例区第一中学·单位领导·副职" in out

    again, _ = _run()
    assert "已经载入" in again and "shenyue" in again
    assert again.splitlines()[1:5] == out.splitlines()[1:5]  # the same totals and problems, read back
    assert Unit.objects.count() == 10


@pytest.fixture
def forget_content_types() -> Iterator[None]:
    """flush recreates the content types inside the test's transaction, which is then rolled back."""
    yield
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)  # flush TRUNCATEs, which PostgreSQL refuses inside the test's transaction
def test_the_command_with_reset_starts_again_from_an_empty_database(forget_content_types: None) -> None:
    _run()
    unit_update(actor=None, unit=Unit.objects.get(name="示例区第一中学"), short_name="改过的简称")

    out, _ = _run("--reset")

    assert "载入完成" in out
    assert Unit.objects.get(name="示例区第一中学").short_name == "区一中"
    assert get_user_model().objects.count() == len(ACCOUNTS)
