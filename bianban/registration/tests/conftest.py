"""Registration fixtures shared by the registration tests: 区第一中学 registered, sponsored by 区教育局, with a
current certificate; and a factory for more. Other helpers' fixture modules may import `make_registration`."""

from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.registration.choices import FundingSource
from bianban.registration.models import Registration
from bianban.registration.registrations import services

SCHOOL_USCC = "12110105400123456L"  # domain.md §3.5 synthetic 事业单位 code (valid check character)
ORGAN_USCC = "11330100000123457T"  # the synthetic 机关 code
HOSPITAL_USCC = "12110105400123457P"  # synthetic, valid check character
BAD_CHECK_USCC = "12110105400123457A"  # the same with a wrong check character (should be P)


def registration_values(district: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments of registration_create for 区第一中学 (override any)."""
    values: dict[str, Any] = {
        "unit": district.school, "uscc": SCHOOL_USCC, "name": "示例区第一中学",
        "purpose": "实施高中学历教育，促进基础教育发展", "address": "示例区学府路1号", "legal_representative": "张校长",
        "capital": "1200.50", "funding_source": FundingSource.FULL, "sponsor": district.edu,
        "registered_on": date(2016, 9, 1),
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_registration(district: SimpleNamespace) -> Callable[..., Registration]:
    def make(**overrides: Any) -> Registration:
        return services.registration_create(actor=None, **registration_values(district, **overrides))

    return make


@pytest.fixture
def registration(make_registration: Callable[..., Registration]) -> Registration:
    """区第一中学, registered in 2016 by 区教育局, certificate 事证第112345号 issued a year ago (valid 5 years)."""
    issued = timezone.localdate() - timedelta(days=365)
    return make_registration(certificate=services.CertificateIn(number="事证第112345号", issued_on=issued))


@pytest.fixture
def hospital_registration(make_registration: Callable[..., Registration], district: SimpleNamespace) -> Registration:
    """区人民医院 under 区卫生健康局: outside the liaison's subtree."""
    return make_registration(unit=district.hospital, uscc=HOSPITAL_USCC, name="示例区人民医院",
                             sponsor=district.health, legal_representative="李院长",
                             funding_source=FundingSource.PARTIAL)
