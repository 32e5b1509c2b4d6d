"""Shared set-up for staffing tests: quota lines and persons built through the services."""

import itertools
from datetime import date
from typing import Any

from bianban.people.tests.factories import PersonFactory
from bianban.staffing.models import QuotaLine
from bianban.staffing.services import quota_movement_create
from bianban.units.choices import Funding, QuotaKind

SET_ON = date(2024, 1, 2)
ON = date(2025, 3, 3)
_births = itertools.count()


def institution_line(unit: Any, approved: int, funding: str = Funding.FULL, **kwargs: Any) -> QuotaLine:
    """A 事业编制 line of `unit` with `approved` slots (核定 by document)."""
    movement = quota_movement_create(actor=None, unit=unit, kind=QuotaKind.INSTITUTION, funding=funding,
                                     type="SET", amount=approved, document_no="示编〔2024〕1号",
                                     effective_on=kwargs.pop("effective_on", SET_ON), **kwargs)
    return QuotaLine.objects.get(pk=movement.line_id)


def admin_line(unit: Any, approved: int) -> QuotaLine:
    movement = quota_movement_create(actor=None, unit=unit, kind=QuotaKind.ADMINISTRATIVE, funding=Funding.NONE,
                                     type="SET", amount=approved, document_no="示编〔2024〕2号", effective_on=SET_ON)
    return QuotaLine.objects.get(pk=movement.line_id)


def people(n: int, unit: Any = None) -> list[Any]:
    """`n` distinct persons; birth dates vary so the test ID numbers never collide."""
    result = []
    for _ in range(n):
        k = next(_births)
        birth = date(1970 + k % 30, 1 + k % 12, 1 + (k // 12) % 28)
        result.append(PersonFactory(birth=birth, unit=unit))
    return result
