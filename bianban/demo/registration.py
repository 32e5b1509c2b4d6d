"""The demo's 事业单位登记, written through the registration services after the establishment register (so the
first verification run sees every institution registered) and once more after the duties (for the institutions
those set up in 2023).

Every 示例区 institution is registered: its own 统一社会信用代码 when it begins "12" and passes its check character,
else a generated valid one; 举办单位 = its 主管部门; 法定代表人 = its head (the holder of the unit's 正职 post) or a
drawn name. Certificates are dated relative to the load date so that exactly ONE current certificate expires next
month (and none has expired); the others run for two to five more years. Two 变更 filings are under way (a
法定代表人 change accepted and under review, a 住所 change just applied for). Annual reports: 2022 published for
all (so the 2023 verification of the duties demo finds none missing), and for the last year whose deadline has
passed (31 March) most published, some still in the flow, and exactly three institutions late — the
年度报告逾期未报 rule finds them. Before April that is the year before last, and the last ended year is in its
window: most published, some in the flow, some not yet started (not late).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from bianban.checks.rules import Scope
from bianban.demo import catalog as c
from bianban.demo import names
from bianban.registration.annual import services as annual
from bianban.registration.choices import (
    FILING_CLOSED,
    AnnualReportStatus,
    ChangeItem,
    FilingStatus,
    FundingSource,
    RegistrationStatus,
)
from bianban.registration.filings import checklists
from bianban.registration.filings import services as filings
from bianban.registration.models import AnnualReport, Certificate, Filing, Registration
from bianban.registration.registrations.services import CertificateIn, registration_create
from bianban.registration.rules import annual_missing, last_due_year
from bianban.staffing.choices import PostGrade
from bianban.staffing.models import Placement, QuotaLine
from bianban.units.choices import Funding, UnitKind, UnitStatus
from bianban.units.models import Unit

HISTORY_YEAR = 2022  # reported by all: the duties demo verifies the register as of 2023-11-30
LATE = 3  # institutions that have not reported the last year due
STREETS = ("人民路", "解放路", "中山路", "文华路", "南湖路", "城东大道", "新桥街", "金沙路", "柳岸路", "北山路")
_FUNDING = {Funding.FULL: FundingSource.FULL, Funding.PARTIAL: FundingSource.PARTIAL, Funding.SELF: FundingSource.SELF}


@dataclass
class RegistrationTotals:
    registrations: int = 0
    expiring_next_month: int = 0
    filings_open: int = 0
    year: int = 0  # the last reporting year due
    published: int = 0
    in_flow: int = 0
    late: int = 0


def next_month_day(today: date, day: int = 15) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=day)


def _code(unit: Unit, taken: set[str]) -> str:
    """The unit's own code when it is a valid 事业单位 code, else a valid generated one (deterministic per unit)."""
    own = unit.uscc or ""
    if own.startswith("12") and stdnum_uscc.calc_check_digit(own[:17]) == own[17:]:
        return own
    return names.credit_code(random.Random(f"uscc:{unit.name}"), prefix="12", region=c.REGION, taken=taken)


def _heads(units: list[Unit]) -> dict[int, str]:
    """Unit id → the name of the holder of its 正职 post (单位领导, not a 内设机构 head)."""
    rows = (Placement.objects.filter(unit__in=units, ended_on__isnull=True, post__division__isnull=True,
                                     post__grade=PostGrade.PRINCIPAL)
            .order_by("started_on", "pk").values_list("unit_id", "person__name"))
    heads: dict[int, str] = {}
    for unit_id, name in rows:
        heads.setdefault(unit_id, name)
    return heads


def _funding(units: list[Unit]) -> dict[int, str]:
    found: dict[int, str] = {}
    for unit_id, funding in QuotaLine.objects.filter(unit__in=units).order_by("pk").values_list("unit_id", "funding"):
        if funding in _FUNDING:
            found.setdefault(unit_id, _FUNDING[funding])
    return found


def _sponsor(unit: Unit) -> Unit:
    """The 主管部门; a top-level institution (the 区委党校) is run by the 区委, for which its office stands."""
    if unit.parent_id:
        return unit.parent
    return (Unit.objects.filter(name=c.name_of("party_office"), parent=None).first()
            or Unit.objects.get(name=c.name_of(c.OFFICE_KEY), parent=None))


def register_institutions(*, actor: Any, institutions: list[Unit], today: date,
                          expiring: Unit | None = None) -> list[Registration]:
    """Register each institution with its current certificate; `expiring`'s expires on the 15th of next month."""
    heads, funding = _heads(institutions), _funding(institutions)
    taken = set(Registration.objects.values_list("uscc", flat=True)) | set(
        Unit.objects.exclude(uscc="").values_list("uscc", flat=True))
    last_valid = next_month_day(today) + timedelta(days=1)
    registrations = []
    for unit in institutions:
        rng = random.Random(f"registration:{unit.name}")
        founded = unit.established_on or date(2000, 1, 1)
        registered_on = min(max(founded, date(1999, 1, 1)) + timedelta(days=rng.randint(20, 60)), today)
        if unit == expiring:
            issued_on = last_valid.replace(year=last_valid.year - 5)  # valid until the 15th of next month
        else:
            # Issued 2–55 months ago: valid for at least five more months, so none is near its renewal.
            issued_on = today - timedelta(days=rng.randint(60, 1650))
        issued_on = max(issued_on, registered_on)
        head = heads.get(unit.pk) or names.person_name(rng, female=rng.random() < 0.4, birth_year=1975)
        reg = registration_create(
            actor=actor, unit=unit, uscc=_code(unit, taken), name=unit.name, other_names=unit.other_names,
            purpose=(unit.functions or f"为社会提供{unit.name}相关公益服务")[:500],
            address=f"示例区{rng.choice(STREETS)}{rng.randint(1, 300)}号", legal_representative=head,
            capital=Decimal(rng.choice((10, 20, 30, 50, 80, 100, 150, 200, 500))),
            funding_source=funding.get(unit.pk, FundingSource.FULL), sponsor=_sponsor(unit),
            registered_on=registered_on,
            certificate=CertificateIn(number=f"事证第{c.REGION}{unit.pk:06d}{issued_on:%y}号", issued_on=issued_on),
        )
        registrations.append(reg)
    return registrations


# ---------------------------------------------------------------------------------------------- annual reports


def _contents(reg: Registration, year: int) -> dict[str, Any]:
    rng = random.Random(f"annual:{reg.uscc}:{year}")
    start = Decimal(rng.randint(50, 3000))
    return {"business_activities": f"{year}年，{reg.name}围绕宗旨和业务范围开展公益服务，完成年度工作任务。",
            "change_compliance": "按规定办理登记事项变更", "performance": "无", "litigation": "无",
            "complaints": "无", "donations": "无", "net_assets_start": start,
            "net_assets_end": start + Decimal(rng.randint(-40, 120)), "online_name": f"{reg.name}.公益"}


def _report(actor: Any, reg: Registration, year: int, upto: str, today: date) -> AnnualReport:
    """The year's report, moved through the flow up to `upto`, each step dated in the window (never after today)."""
    rng = random.Random(f"steps:{reg.uscc}:{year}")
    day = min(date(year + 1, 1, rng.randint(4, 28)), today)
    report = annual.annual_report_create(actor=actor, registration=reg, year=year, today=day)
    report = annual.annual_report_update(actor=actor, report=report, **_contents(reg, year))
    steps = {AnnualReportStatus.SUBMITTED: annual.annual_report_submit,
             AnnualReportStatus.SPONSOR_APPROVED: annual.annual_report_sponsor_approve,
             AnnualReportStatus.PUBLISHED: annual.annual_report_publish}
    for status, step in steps.items():
        if upto == AnnualReportStatus.DRAFT:
            break
        day = min(day + timedelta(days=rng.randint(3, 12)), today)
        report = step(actor=actor, report=report, today=day)
        if status == upto:
            break
    return report


def load_annual_reports(*, actor: Any, registrations: list[Registration], today: date,
                        deliberate: bool = True) -> None:
    """Reports of HISTORY_YEAR and of the years due (see the module's docstring)."""
    due_year, ended_year = last_due_year(today), today.year - 1
    # Late: three institutions in the middle of the list (not the first ones a small test district keeps).
    late = {r.pk for r in registrations[len(registrations) // 2:][:min(LATE, len(registrations) // 2)]} \
        if deliberate else set()
    # Still in the flow: about one in twelve, the last ones of the list.
    in_flow = [r.pk for r in registrations if r.pk not in late][-max(1, len(registrations) // 12):] \
        if deliberate else []
    for year in sorted({HISTORY_YEAR, due_year, ended_year}):
        for index, reg in enumerate(registrations):
            if reg.registered_on.year > year:
                continue
            status = AnnualReportStatus.PUBLISHED
            if year == due_year and reg.pk in late:
                if index % 2:
                    continue  # nothing at all
                status = AnnualReportStatus.DRAFT  # begun, never submitted: still late
            elif year == ended_year and reg.pk in in_flow:
                status = (AnnualReportStatus.SUBMITTED, AnnualReportStatus.SPONSOR_APPROVED)[in_flow.index(reg.pk) % 2]
            elif year == ended_year and year != due_year and index % 7 == 3:
                continue  # within the window, not yet begun
            _report(actor, reg, year, status, today)


# ---------------------------------------------------------------------------------------------- totals


def registration_totals(today: date | None = None) -> RegistrationTotals:
    """What the database holds now (system summary)."""
    today = today or timezone.localdate()
    nxt = next_month_day(today)
    year = last_due_year(today)
    reports = AnnualReport.objects.filter(year=year)
    active = Registration.objects.filter(status=RegistrationStatus.ACTIVE)
    return RegistrationTotals(
        registrations=active.count(),
        expiring_next_month=Certificate.objects.filter(is_current=True, valid_until__year=nxt.year,
                                                       valid_until__month=nxt.month).count(),
        filings_open=Filing.objects.exclude(status__in=FILING_CLOSED).count(),
        year=year, published=reports.filter(status=AnnualReportStatus.PUBLISHED).count(),
        in_flow=reports.filter(status__in=[AnnualReportStatus.SUBMITTED,
                                           AnnualReportStatus.SPONSOR_APPROVED]).count(),
        late=annual_missing(Scope(as_of=today), year).count(),
    )


def institutions_unregistered() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.INSTITUTION, status=UnitStatus.ACTIVE, registration__isnull=True)
                .select_related("parent").order_by("path"))


def load_registration(*, actor: Any, today: date | None = None) -> RegistrationTotals:
    """Register every institution of the register (see the module's docstring). Deterministic for a given date."""
    today = today or timezone.localdate()
    institutions = institutions_unregistered()
    if not institutions:
        return registration_totals(today)
    # The one expiring next month: the oldest institution registered long enough ago (a hospital or school).
    expiring = min(institutions, key=lambda u: (u.established_on or date.max, u.pk))
    registrations = register_institutions(actor=actor, institutions=institutions, today=today, expiring=expiring)
    load_annual_reports(actor=actor, registrations=registrations, today=today)
    load_filings(actor=actor, registrations=registrations, today=today)
    return registration_totals(today)


def register_new_institutions(*, actor: Any, today: date | None = None) -> int:
    """The institutions set up after the first load (the duties demo's 2023 ones): registered, reports published."""
    today = today or timezone.localdate()
    institutions = institutions_unregistered()
    registrations = register_institutions(actor=actor, institutions=institutions, today=today)
    load_annual_reports(actor=actor, registrations=registrations, today=today, deliberate=False)
    return len(registrations)


def load_filings(*, actor: Any, registrations: list[Registration], today: date) -> list[Filing]:
    """Two 变更 under way (domain.md §3.2): a 法定代表人 change made three weeks ago, applied for, accepted and under
    review (the authority's 30 working days run); a move of 住所 planned for next month, applied for today."""
    chosen = [r for r in registrations if r.registered_on <= today - timedelta(days=30)][:2]
    if len(chosen) < 2:
        return []
    representative, moving = chosen
    changed = today - timedelta(days=21)
    person = names.person_name(random.Random(f"representative:{representative.uscc}"), female=True, birth_year=1978)
    first = filings.filing_create_change(actor=actor, registration=representative,
                                         changes={ChangeItem.LEGAL_REPRESENTATIVE: person}, occurred_on=changed,
                                         applied_on=changed + timedelta(days=4),
                                         note=f"原法定代表人调任，{person}任{representative.name}主要负责人")
    first = filings.filing_materials_set(actor=actor, filing=first,
                                         materials=[key for key, _ in checklists.checklist(first.kind, first.changes)])
    first = filings.filing_transition(actor=actor, filing=first, to_status=FilingStatus.ACCEPTED,
                                      on=changed + timedelta(days=6))
    first = filings.filing_transition(actor=actor, filing=first, to_status=FilingStatus.REVIEWING,
                                      on=changed + timedelta(days=7))
    second = filings.filing_create_change(actor=actor, registration=moving,
                                          changes={ChangeItem.ADDRESS: f"示例区{STREETS[-1]}88号"},
                                          occurred_on=next_month_day(today, 1), applied_on=today,
                                          note="新办公用房已交付，下月迁入")
    return [first, second]
