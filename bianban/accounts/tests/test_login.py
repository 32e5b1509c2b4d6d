"""Login in Chinese, with throttling after repeated failures."""

import pytest
from django.test import override_settings

from bianban.accounts import services
from bianban.accounts.models import LoginFailure

pytestmark = pytest.mark.django_db
PASSWORD = "Bianban!2026"


@pytest.fixture
def user():
    return services.user_create(actor=None, username="zhangsan", password=PASSWORD, full_name="张三")


def test_the_login_page_is_in_chinese(client):
    body = client.get("/accounts/login/").content.decode()
    assert "用户名" in body and "密码" in body and "登录" in body


def test_a_wrong_password_gets_a_chinese_message_and_is_counted(client, user):
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert LoginFailure.objects.filter(username="zhangsan").count() == 1


def test_the_right_password_logs_in_and_clears_the_failures(client, user):
    client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="zhangsan").exists()


@override_settings(BIANBAN={"LOGIN_MAX_FAILURES": 3, "LOGIN_FAILURE_WINDOW_MINUTES": 15, "PAGE_SIZE": 50})
def test_after_too_many_failures_even_the_right_password_is_refused(client, user):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(client, user):
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
