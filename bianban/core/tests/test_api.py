"""The API's plumbing: schema, Chinese JSON, and the one error body for every failure."""

import pytest
from django.test import Client

from bianban.accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    user = services.user_create(actor=None, username="api_user", password="Bianban!2026")
    _, raw = services.api_token_create(actor=user, user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_openapi_schema_is_published_with_chinese_unescaped():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"].startswith("bianban 编办工作平台")
    assert "/api/v1/units" in response.json()["paths"]


def test_unauthenticated_calls_get_401_with_the_error_body():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "unauthenticated"


def test_unknown_routes_get_a_404_error_body(api):
    response = api.get("/api/v1/units/999999")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert "不存在" in body["message"]


def test_schema_errors_are_422_with_chinese_field_messages(api):
    response = api.get("/api/v1/units", {"limit": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"]["limit"] == ["应为整数"]


def test_a_body_that_is_not_json_is_refused_in_chinese(api):
    response = api.post("/api/v1/units", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "JSON" in response.json()["message"]


def test_session_writes_need_the_csrf_token():
    user = services.user_create(actor=None, username="session_user", password="Bianban!2026")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/api/v1/units", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
