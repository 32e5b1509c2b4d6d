"""Helpers of the filing tests: walking a filing through its steps, and the materials it needs."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from bianban.registration.choices import FilingStatus
from bianban.registration.filings import checklists, services
from bianban.registration.models import Filing

S = FilingStatus


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def tick_all(actor: Any, filing: Filing) -> Filing:
    keys = [key for key, _ in checklists.checklist(filing.kind, filing.changes)]
    return services.filing_materials_set(actor=actor, filing=filing, materials=keys)


def step(actor: Any, filing: Filing, to_status: str, on: date, **kwargs: Any) -> Filing:
    return services.filing_transition(actor=actor, filing=Filing.objects.get(pk=filing.pk), to_status=to_status,
                                      on=on, **kwargs)


def walk_to_approved(actor: Any, filing: Filing, start: int = 20, **approve: Any) -> Filing:
    """受理, 审查 and 核准 on successive days ending `start - 3` days ago."""
    tick_all(actor, filing)
    step(actor, filing, S.ACCEPTED, days_ago(start))
    step(actor, filing, S.REVIEWING, days_ago(start - 1))
    return step(actor, filing, S.APPROVED, days_ago(start - 2), **approve)


def establish_proposed(district: Any, **overrides: Any) -> dict[str, Any]:
    proposed = {"name": "示例区人民医院", "purpose": "医疗服务", "address": "示例区健康路8号",
                "legal_representative": "李院长", "capital": "500", "funding_source": "partial",
                "sponsor": district.health.pk}
    proposed.update(overrides)
    return proposed
