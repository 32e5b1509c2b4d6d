"""The demo's 事业单位登记: every institution registered as the unit register has it, exactly one certificate
expiring next month, reports for the last year due mostly published with three late, and the first verification
finding the late ones and nothing else of registration."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from bianban.checks.models import CheckRun
from bianban.checks.rules import Scope
from bianban.demo.loader import DemoResult
from bianban.demo.registration import next_month_day
from bianban.demo.tests.helpers import demo_loaded
from bianban.registration.choices import AnnualReportStatus, FilingKind, FilingStatus
from bianban.registration.deadlines import decision_due
from bianban.registration.models import AnnualReport, Certificate, Filing, Registration
from bianban.registration.rules import annual_missing, last_due_year
from bianban.staffing.choices import PostGrade
from bianban.staffing.models import Placement
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit

SMALL = {"units_limit": 14, "people": 120}


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoResult]:
    with demo_loaded(django_db_blocker, **SMALL) as result:
        yield result


pytestmark = pytest.mark.django_db


def test_every_institution_is_registered_as_the_unit_register_has_it(loaded: DemoResult) -> None:
    institutions = Unit.objects.filter(kind=UnitKind.INSTITUTION, status=UnitStatus.ACTIVE)
    assert institutions.count() == Registration.objects.count() == loaded.registration.registrations > 5
    for reg in Registration.objects.select_related("unit", "sponsor"):
        assert reg.name == reg.unit.name and reg.sponsor_id == reg.unit.parent_id
        assert reg.uscc.startswith("12") and uscc.is_valid(reg.uscc) and not reg.uscc_checksum_reason
        assert reg.registered_on <= reg.certificates.get(is_current=True).issued_on
        head = (Placement.objects.filter(unit=reg.unit, ended_on__isnull=True, post__division__isnull=True,
                                         post__grade=PostGrade.PRINCIPAL).order_by("started_on", "pk").first())
        if head is not None:
            assert reg.legal_representative == head.person.name


def test_exactly_one_current_certificate_expires_next_month_and_none_has_expired(loaded: DemoResult) -> None:
    today = timezone.localdate()
    current = Certificate.objects.filter(is_current=True)
    assert current.count() == Registration.objects.count()
    (expiring,) = current.filter(valid_until__lt=next_month_day(today) + timedelta(days=20))
    assert expiring.valid_until == next_month_day(today)
    assert loaded.registration.expiring_next_month == 1
    assert not current.filter(valid_until__lt=today).exists()


def test_the_last_year_due_is_mostly_published_some_in_the_flow_three_late(loaded: DemoResult) -> None:
    today = timezone.localdate()
    year = last_due_year(today)
    reports = AnnualReport.objects.filter(year=year)
    published = reports.filter(status=AnnualReportStatus.PUBLISHED).count()
    late = annual_missing(Scope(as_of=today), year)
    assert late.count() == loaded.registration.late == 3
    assert published > Registration.objects.count() // 2 and published == loaded.registration.published
    if year == today.year - 1:  # after March the flow is that year's
        assert loaded.registration.in_flow >= 1
    # 2022 is reported by all, as the duties demo's verification as of 2023-11-30 expects.
    assert AnnualReport.objects.filter(year=2022, status=AnnualReportStatus.PUBLISHED).count() == \
        Registration.objects.filter(registered_on__year__lte=2022).count()


def test_two_changes_are_under_way(loaded: DemoResult) -> None:
    today = timezone.localdate()
    filings = list(Filing.objects.order_by("pk"))
    assert [(f.kind, f.status, list(f.changes)) for f in filings] == [
        (FilingKind.CHANGE, FilingStatus.REVIEWING, ["legal_representative"]),
        (FilingKind.CHANGE, FilingStatus.APPLIED, ["address"]),
    ]
    review, move = filings
    assert review.accepted_on is not None and decision_due(review.accepted_on) > today  # within its 30 working days
    assert move.applied_on == today and move.occurred_on > today  # applied for before the move
    assert loaded.registration.filings_open == 2
    assert run_counts()["filing_overdue"] == 0


def run_counts() -> dict[str, int]:
    run = CheckRun.objects.order_by("pk").first()
    assert run is not None
    return run.counts


def test_the_first_verification_finds_the_late_reports_and_no_other_registration_problem(loaded: DemoResult) -> None:
    run = CheckRun.objects.order_by("pk").first()
    assert run is not None and run.as_of == timezone.localdate()
    assert run.counts["annual_report_late"] == 3
    assert run.counts["registration_missing"] == run.counts["certificate_expired"] == 0
    assert run.counts["registration_mismatch"] == 0


def test_the_summary_names_the_registration_figures(loaded: DemoResult) -> None:
    from bianban.demo.management.commands.demo import Command

    text = Command._totals(loaded)
    assert f"事业单位登记 {loaded.registration.registrations} 个（下月到期证书 1 份" in text
    assert "逾期未报 3 个" in text

