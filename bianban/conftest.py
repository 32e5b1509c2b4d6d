"""Test personas and the demo-sized district they act in, shared by every app's tests.

One small tree: 区教育局 (with 区第一中学 under it) and 区卫生健康局 (with 区人民医院). The liaison keeps
区教育局's roster and so sees the school too, but never the health side.
"""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.units.choices import InstitutionClass, UnitKind

PASSWORD = "Bianban!2026"


@pytest.fixture
def district(db: Any) -> SimpleNamespace:
    from bianban.units.services import unit_create

    edu = unit_create(actor=None, name="示例区教育局", kind=UnitKind.ORGAN, short_name="区教育局",
                      uscc="11330100000123457T")
    school = unit_create(actor=None, name="示例区第一中学", kind=UnitKind.INSTITUTION, parent=edu,
                         institution_class=InstitutionClass.PUBLIC_1, uscc="12110105400123456L")
    health = unit_create(actor=None, name="示例区卫生健康局", kind=UnitKind.ORGAN, short_name="区卫健局")
    hospital = unit_create(actor=None, name="示例区人民医院", kind=UnitKind.INSTITUTION, parent=health,
                           institution_class=InstitutionClass.PUBLIC_2)
    return SimpleNamespace(edu=edu, school=school, health=health, hospital=hospital)


def _persona(username: str, full_name: str, grants: list[tuple[str, Any]]) -> Any:
    return account_services.user_create_with_grants(
        actor=None, username=username, password=PASSWORD, full_name=full_name, grants=grants
    )


@pytest.fixture
def admin(district: SimpleNamespace) -> Any:
    return _persona("alice", "王管理", [(Role.OFFICE_ADMIN, None)])


@pytest.fixture
def staff(district: SimpleNamespace) -> Any:
    return _persona("bob", "李科员", [(Role.OFFICE_STAFF, None)])


@pytest.fixture
def liaison(district: SimpleNamespace) -> Any:
    return _persona("charlie", "赵联络", [(Role.UNIT_LIAISON, district.edu)])


@pytest.fixture
def secretary(district: SimpleNamespace) -> Any:
    return _persona("dora", "陈书记", [(Role.BRANCH_SECRETARY, None)])


@pytest.fixture
def member(district: SimpleNamespace) -> Any:
    return _persona("eve", "周党员", [(Role.MEMBER, None)])


@pytest.fixture
def reviewer(district: SimpleNamespace) -> Any:
    return _persona("frank", "孙审阅", [(Role.REVIEWER, None)])


@pytest.fixture
def outsider(district: SimpleNamespace) -> Any:
    return _persona("mallory", "无授权", [])


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    """A browser-like client logged in as the user."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for() -> Callable[[Any], Client]:
    """An API client authenticating with a fresh personal token of the user."""

    def make(user: Any) -> Client:
        _, raw = account_services.api_token_create(actor=user, user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make
