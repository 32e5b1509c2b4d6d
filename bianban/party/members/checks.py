"""Small helpers shared by the members-area services: collecting field errors, Chinese dates, the branch lock."""

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from bianban.core.exceptions import ValidationFailed
from bianban.party.models import Branch

Errors = dict[str, list[str]]


def party_settings() -> dict[str, Any]:
    return settings.BIANBAN["PARTY"]


def fail(errors: Errors) -> None:
    """Raise every collected field error at once (the first message is the headline)."""
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def not_future(errors: Errors, field: str, day: date | None, label: str) -> None:
    """Nothing that happened (a meeting, a transfer) can be dated after today."""
    if day is not None and day > timezone.localdate():
        errors.setdefault(field, []).append(f"{label}不能晚于今天")


def lock_branch(branch: Branch) -> Branch:
    """Serialise writes that count a branch's members or seats (SQLite: IMMEDIATE transactions do it); a dissolved
    branch takes no new members or terms."""
    branch = Branch.objects.select_for_update().select_related("unit").get(pk=branch.pk)
    if branch.dissolved_on is not None:
        raise ValidationFailed.on("branch", f"{branch.name}已于{fmt(branch.dissolved_on)}撤销")
    return branch
