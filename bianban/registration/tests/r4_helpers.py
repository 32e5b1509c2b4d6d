"""Helpers of the rules, reminders, overdue and calendar tests (R4): registering the conftest district's
institutions through the registration services, with a certificate issued on a chosen day."""

from datetime import date
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from bianban.registration.choices import AnnualReportStatus, FundingSource
from bianban.registration.models import AnnualReport, Registration
from bianban.registration.registrations.services import CertificateIn, registration_create
from bianban.units.models import Unit

REGISTERED_ON = date(2015, 3, 2)


def make_uscc(n: int) -> str:
    """A valid 事业单位 code (GB 32100: "12", 330100, a 9-character body, the check character)."""
    body = f"12330100{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def register(unit: Unit, *, certified_on: date | None = None, sponsor: Unit | None = None, name: str = "",
             registered_on: date = REGISTERED_ON, actor: Any = None) -> Registration:
    """Register `unit` as the unit register has it (its name, its 主管部门 as 举办单位), with a certificate issued
    on `certified_on` (valid 5 years from then) when given."""
    certificate = CertificateIn(number=f"事证第{unit.pk:06d}{(certified_on or registered_on):%Y%m%d}号",
                                issued_on=certified_on) if certified_on else None
    return registration_create(
        actor=actor, unit=unit, uscc=unit.uscc if unit.uscc.startswith("12") else make_uscc(unit.pk),
        name=name or unit.name, purpose="开展公益服务", address="示例区人民路1号", legal_representative="张三",
        capital="100", funding_source=FundingSource.FULL, sponsor=sponsor or unit.parent, registered_on=registered_on,
        certificate=certificate,
    )


def report(registration: Registration, year: int, status: str = AnnualReportStatus.PUBLISHED,
           submitted_on: date | None = None) -> AnnualReport:
    """An annual report in the given state (test setup: the annual-report services are R3's and tested there)."""
    submitted = status != AnnualReportStatus.DRAFT
    return AnnualReport.objects.create(registration=registration, year=year, status=status,
                                       submitted_on=submitted_on or (date(year + 1, 3, 1) if submitted else None))


def register_district_today(district: Any) -> None:
    """Register the conftest district's institutions as of today, as the unit register has them: other apps' tests
    that count verification findings stay as they were (registered today, nothing is yet due from them)."""
    from django.utils import timezone

    for unit in (district.school, district.hospital):
        if not Registration.objects.filter(unit=unit).exists():
            register(unit, registered_on=timezone.localdate())
