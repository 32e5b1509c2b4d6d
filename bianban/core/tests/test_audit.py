"""The audit trail is append-only and carries the request id of the request that wrote it."""

import pytest
from django.contrib.auth import get_user_model

from bianban.core.audit import audit, diff, snapshot
from bianban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_changed_or_deleted():
    event = audit(actor=None, action="test.write", reason="为什么")
    event.reason = "改写"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "为什么"


def test_it_records_the_target_and_changes():
    user = get_user_model().objects.create(username="someone")
    before = snapshot(user, ["username", "email"])
    user.email = "a@example.org"
    event = audit(
        actor=user, action="user.update", target=user, changes=diff(before, snapshot(user, ["username", "email"]))
    )
    assert event.target_id == str(user.pk)
    assert event.changes == {"email": ["", "a@example.org"]}
    assert event.actor == user


def test_requests_carry_their_id_into_the_event_and_the_response(client):
    response = client.post(
        "/accounts/login/", {"username": "nobody", "password": "wrong"}, headers={"X-Request-ID": "req-123"}
    )
    assert response["X-Request-ID"] == "req-123"
    assert AuditEvent.objects.get(action="login.failed").request_id == "req-123"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/accounts/login/", headers={"X-Request-ID": "bad id with spaces"})
    assert response["X-Request-ID"] != "bad id with spaces"
    assert len(response["X-Request-ID"]) == 32
