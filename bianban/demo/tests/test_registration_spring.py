"""The demo's registration loaded on a day before April: the late reports are those of the year before last, and
the year just ended is in its window (some published, some in the flow)."""

from typing import Any

import pytest
from django.utils import timezone

from bianban.checks.rules import Scope
from bianban.registration.choices import AnnualReportStatus
from bianban.registration.models import AnnualReport
from bianban.registration.rules import annual_missing
from bianban.units.choices import UnitKind

pytestmark = pytest.mark.django_db


def test_before_april_the_late_reports_are_those_of_the_year_before_last(district: Any) -> None:
    from datetime import date

    from bianban.demo.registration import load_registration
    from bianban.units.services import unit_create

    for n in range(6):
        unit_create(actor=None, name=f"示例区第{n + 3}小学", kind=UnitKind.INSTITUTION, parent=district.edu,
                    established_on=date(2001, 9, 1))
    spring = date(timezone.localdate().year, 2, 15)
    totals = load_registration(actor=None, today=spring)
    assert totals.year == spring.year - 2 and totals.registrations == 8
    assert annual_missing(Scope(as_of=spring), spring.year - 2).count() == 3
    window = AnnualReport.objects.filter(year=spring.year - 1)
    assert window.filter(status=AnnualReportStatus.PUBLISHED).exists()
    assert window.exclude(status=AnnualReportStatus.PUBLISHED).exists()  # some still in the flow
