"""Personal API tokens: stored hashed, shown once, revocable; the token command prints one on its last line."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bianban.accounts import services
from bianban.accounts.models import ApiToken
from bianban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return services.user_create(actor=None, username="lisi", password="Bianban!2026")


def test_only_the_hash_of_a_token_is_stored(user):
    token, raw = services.api_token_create(actor=user, user=user)
    assert raw.startswith("bb_")
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.digest, token.prefix}
    assert AuditEvent.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()


def test_a_token_authenticates_api_calls_until_revoked(user):
    token, raw = services.api_token_create(actor=user, user=user)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "lisi"
    services.api_token_revoke(actor=user, token=token)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_made_up_token_is_refused_in_chinese():
    response = Client(headers={"Authorization": "Bearer bb_madeup"}).get("/api/v1/me")
    assert response.status_code == 401
    assert "令牌" in response.json()["message"]


def test_revoking_twice_is_a_conflict(user):
    token, _ = services.api_token_create(actor=user, user=user)
    services.api_token_revoke(actor=user, token=token)
    with pytest.raises(Exception, match="已被吊销"):
        services.api_token_revoke(actor=user, token=token)


def test_the_command_prints_the_token_alone_on_the_last_line(user):
    out = StringIO()
    call_command("token", "create", "lisi", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("bb_")
    assert ApiToken.objects.get(user=user).digest == hashlib.sha256(raw.encode()).hexdigest()


def test_the_command_refuses_an_unknown_user_in_chinese():
    with pytest.raises(CommandError, match="不存在"):
        call_command("token", "create", "nobody", stdout=StringIO(), stderr=StringIO())


def test_the_token_page_shows_a_new_token_once_and_revokes(client, user):
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "脚本"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert "只显示这一次" in body
    assert client.get("/accounts/tokens/").content.decode().count("bb_") <= 1  # only the prefix remains
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(client, user):
    other = services.user_create(actor=None, username="wangwu", password="Bianban!2026")
    token, _ = services.api_token_create(actor=other, user=other)
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
