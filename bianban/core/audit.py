"""Writing the audit trail. Services call `audit()` inside their transaction; nothing else writes AuditEvent."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from bianban.core.middleware import current_request_id
from bianban.core.models import AuditEvent


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, for the `changes` column."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def redacted(text: str | None) -> str | None:
    """Text the audit trail's readers may not see (family circumstances, what was said in a talk, a
    self-evaluation): starred out with a short digest, enough to tell that it changed. Empty text stays as it is."""
    if not text:
        return text
    return f"***（摘要{hashlib.sha256(text.encode()).hexdigest()[:8]}）"


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of `fields`, to diff against after an update."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    unit_id: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one AuditEvent. `actor` may be None for system work (scheduled tasks, migrations of data)."""
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=current_request_id(),
        action=action,
        unit_id=unit_id,
        changes=_plain(changes or {}),
        reason=reason,
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:200]
    event.save()
    return event


def audit_many(*, actor: Any, action: str, targets: list[models.Model], unit_ids: list[int | None],
               changes: list[dict[str, list[Any]]], reason: str = "") -> None:
    """Append one AuditEvent per target in one bulk insert: for system work that writes thousands of rows at
    once (a verification run opening its problems), where one INSERT per event would dominate the run."""
    if not targets:
        return
    target_type = ContentType.objects.get_for_model(targets[0], for_concrete_model=False)
    actor = actor if getattr(actor, "pk", None) else None
    request_id = current_request_id()
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=actor, request_id=request_id, action=action, unit_id=unit_id, changes=_plain(change),
                    reason=reason, target_type=target_type, target_id=str(target.pk), target_repr=str(target)[:200])
         for target, unit_id, change in zip(targets, unit_ids, changes, strict=True)],
        batch_size=2000,
    )
