"""Fixtures of the 书记项目 tests, on top of the shared `branch` (区教育局机关党支部): a 2023 project, an officer
who keeps the branch's records and reads the register (a branch secretary who is also 编办 staff), and real 2023
establishment records made through the staffing, units, checks and ledger services."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.checks.models import CheckRun
from bianban.checks.services import check_run_execute, check_run_request
from bianban.conftest import PASSWORD
from bianban.duties.models import SecretaryProject
from bianban.duties.projects import services
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemCategory, ProblemSource
from bianban.ledger.models import Problem
from bianban.staffing.services import quota_movement_create
from bianban.units.choices import Funding, QuotaKind, UnitEventKind
from bianban.units.models import UnitEvent
from bianban.units.services import charter_create, division_create

YEAR = 2023


@pytest.fixture
def project(branch: SimpleNamespace) -> SecretaryProject:
    return services.project_create(actor=None, branch=branch.branch, year=YEAR,
                                   title="强化党建引领，提升机构编制服务保障水平",
                                   goal="重点保障安全生产、公共卫生、教育等领域编制使用和机构调整")


@pytest.fixture
def officer(district: SimpleNamespace) -> Any:
    """Keeps the Party branch's records and reads the whole register (支部书记 + 业务科室)."""
    return account_services.user_create_with_grants(
        actor=None, username="grace", password=PASSWORD, full_name="吴书记",
        grants=[(Role.BRANCH_SECRETARY, None), (Role.OFFICE_STAFF, None)])


@pytest.fixture
def edu_officer(district: SimpleNamespace) -> Any:
    """Keeps the Party records district-wide but reads the register of 区教育局 (and its school) only."""
    return account_services.user_create_with_grants(
        actor=None, username="ivan", password=PASSWORD, full_name="钱书记",
        grants=[(Role.BRANCH_SECRETARY, None), (Role.UNIT_LIAISON, district.edu)])


def movement(unit: Any, type: str, amount: int, on: date, kind: str = QuotaKind.INSTITUTION, **extra: Any) -> Any:
    funding = Funding.NONE if kind == QuotaKind.ADMINISTRATIVE else Funding.FULL
    return quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type=type, amount=amount,
                                 document_no=f"示编〔{on.year}〕{on.month}{on.day}号", effective_on=on, **extra)


def charter(unit: Any, issued_on: date) -> Any:
    return charter_create(actor=None, unit=unit, title=f"{unit.name}职能配置、内设机构和人员编制规定",
                          document_no=f"示编〔{issued_on.year}〕9号", issued_on=issued_on, effective_on=issued_on)


def division_event(unit: Any, name: str, on: date) -> UnitEvent:
    division = division_create(actor=None, unit=unit, name=name, established_on=on, document_no="示编〔2023〕5号")
    return UnitEvent.objects.get(kind=UnitEventKind.DIVISION_ADD, changes__division=division.pk)


def check_run(as_of: date) -> CheckRun:
    run = check_run_request(actor=None, as_of=as_of)
    check_run_execute(run_id=run.pk)
    return CheckRun.objects.get(pk=run.pk)


def problem(unit: Any, raised_on: date, title: str = "超编进人") -> Problem:
    return ledger.problem_create(actor=None, source=ProblemSource.MANUAL, title=title,
                                 category=ProblemCategory.ESTABLISHMENT, unit=unit, raised_on=raised_on)


def close(problem: Problem, done_on: date) -> Problem:
    """Rectify and close a problem through the ledger's workflow."""
    ledger.problem_transition(actor=None, problem=problem, to_status="in_progress")
    measure = ledger.measure_create(actor=None, problem=problem, description="清退超编人员", owner="张三")
    ledger.measure_complete(actor=None, measure=measure, done_on=done_on)
    problem = ledger.problem_transition(actor=None, problem=Problem.objects.get(pk=problem.pk),
                                        to_status="awaiting_review")
    return ledger.problem_transition(actor=None, problem=problem, to_status="closed")


def reopen(problem: Problem) -> Problem:
    return ledger.problem_transition(actor=None, problem=Problem.objects.get(pk=problem.pk),
                                     to_status="in_progress", note="整改不到位")
