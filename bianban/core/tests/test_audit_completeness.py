# ruff: noqa: F811  (the pytest fixtures imported below are redefined as arguments; every step is named `_`)
"""Audit completeness (issue 9): every service writes its AuditEvent, and the audit log cannot be changed or deleted
through the app, the admin or the API.

Every public function of every `services` module under bianban (and every function a services module re-exports
in its `__all__`, such as the committee services of party.members) is found automatically. Each one must be either
exercised by a step of STEPS — which calls it once with valid arguments and names the action, the actor and the
object its AuditEvent must carry — or listed in NOT_AUDITED with the reason it writes no event. A new service that
is neither fails `test_every_public_service_function_is_classified`.

The steps run in order against one small world (the shared district, personas, party branch and registration
fixtures), each step using what the earlier ones made: one test, one database, a few seconds.
"""

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import Workbook
from stdnum.cn import uscc as uscc_code

import bianban
from bianban.accounts import services as accounts
from bianban.accounts.choices import Perm, Role
from bianban.checks import services as checks
from bianban.conftest import PASSWORD
from bianban.core import services as core
from bianban.core.audit import audit
from bianban.core.models import AuditEvent
from bianban.core.selectors import audit_events_for_user
from bianban.duties.choices import DutyMeasure, MilestoneStatus, OutcomeKind, RiskLevel, TargetMeasure
from bianban.duties.ideology import services as ideology
from bianban.duties.integrity import services as integrity
from bianban.duties.items import services as items
from bianban.duties.models import Reminder
from bianban.duties.projects import services as projects
from bianban.duties.reminders import mail as reminder_mail
from bianban.duties.reminders import services as reminders
from bianban.duties.visits import services as visits
from bianban.duties.volunteer import services as volunteer
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemCategory, ProblemSource
from bianban.ledger.models import Problem
from bianban.party.activities import services as activities
from bianban.party.appraisals import services as appraisals
from bianban.party.choices import (
    ActivityKind,
    ActivityStatus,
    AppraisalGrade,
    AppraisalStatus,
    AttendanceStatus,
    CommitteeRole,
    LeaveReason,
    MemberStatus,
    TalkKind,
)
from bianban.party.compliance import services as compliance
from bianban.party.members import services as members
from bianban.party.models import ComplianceRule
from bianban.party.talks import services as talks
from bianban.party.tests.activities_fixtures import sheet
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.people import services as people
from bianban.people.models import Person
from bianban.people.tests.factories import make_id_number
from bianban.registration.annual import services as annual
from bianban.registration.choices import FilingStatus
from bianban.registration.filings import services as filings
from bianban.registration.registrations import importer as registration_importer
from bianban.registration.registrations import services as registrations
from bianban.registration.tests.annual_fixtures import CONTENTS, TODAY, YEAR
from bianban.registration.tests.conftest import (  # noqa: F401  (pytest fixtures)
    hospital_registration,
    make_registration,
    registration,
    registration_values,
)
from bianban.registration.tests.filings_fixtures import establish_proposed, tick_all
from bianban.registration.tests.filings_fixtures import step as filing_step
from bianban.reports.duty import services as duty_reports
from bianban.reports.duty.draft import BlockOrigin
from bianban.reports.models import ReportBlock
from bianban.reports.workbooks import services as workbooks
from bianban.staffing import services as staffing
from bianban.staffing.choices import Enforcement, PostGrade, ReleaseReason
from bianban.staffing.models import QuotaLine
from bianban.staffing.roster import exporter as roster_exporter
from bianban.staffing.roster import services as roster
from bianban.staffing.roster.models import RosterImport
from bianban.staffing.roster.tests.helpers import row, workbook
from bianban.units import services as units
from bianban.units.choices import Funding, InstitutionClass, QuotaKind, UnitEventKind, UnitKind
from bianban.units.models import UnitEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SYSTEM = ""  # Step.actor for system work: the event names no user


def today() -> date:
    return timezone.localdate()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def pdf(name: str = "佐证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def valid_uscc(body: str) -> str:
    """A 统一社会信用代码 with its check character: `body` is the first 17 characters."""
    return body + uscc_code.calc_check_digit(body)


# --- enumeration -----------------------------------------------------------------------------------------------------


def _short(module: str, name: str) -> str:
    return f"{module.removeprefix('bianban.')}.{name}"


def public_services() -> dict[str, Callable[..., Any]]:
    """Every public function of every `services` module under bianban, by its qualified name (without "bianban."):
    defined in the module, or re-exported by it in `__all__` (then named after the module defining it)."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(bianban.__path__, "bianban."):
        if info.name.rsplit(".", 1)[-1] != "services" or ".tests" in info.name:
            continue
        module = importlib.import_module(info.name)
        exported = set(getattr(module, "__all__", ()))
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ == module.__name__ or name in exported:
                found[_short(obj.__module__, obj.__name__)] = obj
    return found


# Public functions of services modules that legitimately write no AuditEvent, each with why.
NOT_AUDITED: dict[str, str] = {
    # Reads, checks and helpers that live in services modules.
    "accounts.services.api_token_authenticate": "reads the token; stamping last_used_at is bookkeeping, "
                                                "deliberately unaudited (see its docstring)",
    "accounts.services.login_is_throttled": "read: counts recent failures",
    "checks.services.run_lock_name": "pure: the name of a liveness lock",
    "duties.projects.services.positive_int": "pure: input parsing",
    "duties.reminders.services.reminder_settings": "read: the settings dict",
    "duties.visits.services.deadline_workdays": "read: a setting",
    "ledger.services.require": "permission check, raises or returns",
    "ledger.services.allowed_transitions": "read: the buttons a user may press",
    "party.appraisals.services.fmt": "pure: date formatting",
    "party.compliance.report.compliance_for_year": "read: the year's compliance report (re-exported)",
    "party.members.services.persons_choosable": "read: a queryset for a form",
    "registration.annual.services.staff_count_on": "read: a count for the prefill",
    "registration.annual.services.check_year": "validation, raises or returns",
    "registration.annual.services.clean_contents": "pure: input cleaning",
    "registration.annual.services.missing_contents": "read: what a report still lacks",
    "registration.filings.services.is_pending": "read: a status test",
    "registration.filings.services.next_steps": "read: the next statuses",
    "registration.filings.services.step_label": "read: a label",
    "registration.filings.services.status_label": "read: a label",
    "registration.registrations.services.require": "permission check, raises or returns",
    "reports.duty.services.check_year": "validation, raises or returns",
    "reports.duty.services.clean_text": "pure: input cleaning",
    "reports.workbooks.services.check_as_of": "validation, raises or returns",
    "reports.workbooks.services.check_year": "validation, raises or returns",
    "reports.workbooks.services.root_unit": "read: the scoped unit a download is for",
    "reports.workbooks.services.party_branch": "read: the scoped branch a download is for",
    "reports.workbooks.services.establishment_inputs": "validation and read of a download's inputs",
    "staffing.roster.services.import_lock_name": "pure: the name of a liveness lock",
    # In-transaction helpers whose caller audits.
    "units.services.unit_event_record_within": "writes a 沿革 row inside the caller's transaction; the caller "
                                               "audits (asserted by the filing_transition step)",
}


# --- the steps -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[SimpleNamespace, Any], Any]
    action: str
    actor: str  # the attribute of the world holding the acting user, or SYSTEM
    targetless: str  # why the event names no object ("" when it must)


STEPS: dict[str, Step] = {}


def covers(name: str, action: str, *, actor: str = "admin", targetless: str = "") -> Callable[..., Any]:
    """Register the step invoking the service `name`: it returns the object the event must target (a model
    instance, or `ref(obj)` taken before a delete), or None when `targetless` says why there is none."""

    def register(run: Callable[[SimpleNamespace, Any], Any]) -> Callable[[SimpleNamespace, Any], Any]:
        assert name not in STEPS, f"two steps for {name}"
        STEPS[name] = Step(name, run, action, actor, targetless)
        return run

    return register


def ref(obj: models.Model) -> tuple[int, str]:
    """The (content type, id) an event targeting `obj` carries; taken before the object is deleted."""
    return ContentType.objects.get_for_model(obj, for_concrete_model=False).pk, str(obj.pk)


# accounts -----------------------------------------------------------------------------------------------------------


@covers("accounts.services.user_create", "user.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.new_user = accounts.user_create(actor=me, username="audit_new", password=PASSWORD, full_name="新用户")
    return w.new_user


@covers("accounts.services.grant_create", "grant.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.grant = accounts.grant_create(actor=me, user=w.new_user, role=Role.REVIEWER)
    return w.grant


@covers("accounts.services.user_create_with_grants", "grant.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    user = accounts.user_create_with_grants(actor=me, username="audit_liaison", password=PASSWORD,
                                            full_name="新联络员", grants=[(Role.UNIT_LIAISON, w.district.health)])
    return user.grants.get()


@covers("accounts.services.grant_delete", "grant.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    accounts.grant_delete(actor=me, grant=w.grant)
    return w.new_user  # the grant is gone; the event names whose grant it was


@covers("accounts.services.api_token_create", "api_token.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.token, _ = accounts.api_token_create(actor=me, user=w.new_user, name="审计测试")
    return w.token


@covers("accounts.services.api_token_revoke", "api_token.revoke")
def _(w: SimpleNamespace, me: Any) -> Any:
    return accounts.api_token_revoke(actor=me, token=w.token)


@covers("accounts.services.login_failure_record", "login.failed", actor=SYSTEM,
        targetless="a failed login names no account that exists for sure; the username is in `changes`")
def _(w: SimpleNamespace, me: Any) -> Any:
    accounts.login_failure_record(username="nobody", ip="192.0.2.1")


@covers("accounts.services.login_failures_clear", "login.succeeded")
def _(w: SimpleNamespace, me: Any) -> Any:
    accounts.login_failures_clear(user=me)
    return me


# checks -------------------------------------------------------------------------------------------------------------


@covers("checks.services.check_run_request", "check_run.request")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.run = checks.check_run_request(actor=me, root=w.district.edu)
    return w.run


@covers("checks.services.check_run_execute", "check_run.done")  # the run's requester is its actor
def _(w: SimpleNamespace, me: Any) -> Any:
    return checks.check_run_execute(run_id=w.run.pk)


@covers("checks.services.findings_export", "check_run.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    checks.findings_export(actor=me, run=w.run, rule="", count=0)
    return w.run


# core ---------------------------------------------------------------------------------------------------------------


@covers("core.services.workday_override_set", "workday_override.set")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.override = core.workday_override_set(actor=me, day=date(2030, 10, 12), is_workday=True, note="调休上班")
    return w.override


@covers("core.services.workday_override_delete", "workday_override.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.override)
    core.workday_override_delete(actor=me, override_id=w.override.pk)
    return target


# duties: ideology ---------------------------------------------------------------------------------------------------


@covers("duties.ideology.services.risk_create", "risk.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.risk = ideology.risk_create(actor=me, branch=w.b.branch, title="网络舆情风险", description="个别党员转发不当言论",
                                  level=RiskLevel.MEDIUM, measures="加强教育提醒",
                                  next_review_on=today() + timedelta(30), owner=w.b.full[1])
    return w.risk


@covers("duties.ideology.services.risk_update", "risk.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ideology.risk_update(actor=me, risk_point=w.risk, measures="加强教育提醒，每月通报")


@covers("duties.ideology.services.risk_review", "risk.review")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ideology.risk_review(actor=me, risk_point=w.risk, reviewed_on=today(), conclusion="风险可控",
                                level=RiskLevel.LOW, next_review_on=today() + timedelta(60)).risk_point


@covers("duties.ideology.services.risk_close", "risk.close")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ideology.risk_close(actor=me, risk_point=w.risk, closed_on=today(), reason="风险已解除").risk_point


@covers("duties.ideology.services.risk_reopen", "risk.reopen")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ideology.risk_reopen(actor=me, risk_point=w.risk, next_review_on=today() + timedelta(30),
                                reason="风险再次出现")


@covers("duties.ideology.services.sensitive_period_create", "sensitive.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.period = ideology.sensitive_period_create(actor=me, branch=w.b.branch, name="重要会议期间",
                                                starts_on=today(), ends_on=today() + timedelta(5))
    return w.period


@covers("duties.ideology.services.sensitive_period_update", "sensitive.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ideology.sensitive_period_update(actor=me, period=w.period, note="加强值班")


@covers("duties.ideology.services.sensitive_period_delete", "sensitive.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.period)
    ideology.sensitive_period_delete(actor=me, period=w.period)
    return target


# duties: integrity --------------------------------------------------------------------------------------------------


@covers("duties.integrity.services.keydate_create", "keydate.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.keydate = integrity.keydate_create(actor=me, branch=w.b.branch, name="廉政提醒日", on=today() + timedelta(40),
                                         lead_workdays=5, actions="发送廉政提醒", assignees=[w.b.full[0]])
    return w.keydate


@covers("duties.integrity.services.keydates_generate", "keydate.generate")
def _(w: SimpleNamespace, me: Any) -> Any:
    result = integrity.keydates_generate(actor=me, branch=w.b.branch, year=today().year + 1)
    assert result.created, result.message
    return result.created[-1]


@covers("duties.integrity.services.keydate_update", "keydate.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return integrity.keydate_update(actor=me, key_date=w.keydate, actions="发送廉政提醒；开展廉政谈话")


@covers("duties.integrity.services.keydate_mark_done", "keydate.done")
def _(w: SimpleNamespace, me: Any) -> Any:
    return integrity.keydate_mark_done(actor=me, key_date=w.keydate, done_on=today(), note="已提醒")


@covers("duties.integrity.services.keydate_delete", "keydate.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.keydate)
    integrity.keydate_delete(actor=me, key_date=w.keydate)
    return target


# duties: items ------------------------------------------------------------------------------------------------------


@covers("duties.items.services.item_create", "duty_item.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.item = items.item_create(actor=me, branch=w.b.branch, year=today().year, title="制定年度党建工作计划",
                               months=[today().month], measure=DutyMeasure.MANUAL, owner_member=w.b.secretary)
    return w.item


@covers("duties.items.services.item_update", "duty_item.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return items.item_update(actor=me, item=w.item, description="报上级党组织备案")


@covers("duties.items.services.evidence_add", "duty_evidence.add")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.duty_evidence = items.evidence_add(actor=me, item=w.item, uploaded_file=pdf("工作计划.pdf"))
    return w.duty_evidence


@covers("duties.items.services.item_complete", "duty_item.complete")
def _(w: SimpleNamespace, me: Any) -> Any:
    return items.item_complete(actor=me, item=w.item, completed_on=today(), note="计划已印发")


@covers("duties.items.services.item_reopen", "duty_item.reopen")
def _(w: SimpleNamespace, me: Any) -> Any:
    return items.item_reopen(actor=me, item=w.item, reason="计划需修订")


@covers("duties.items.services.evidence_delete", "duty_evidence.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    items.evidence_delete(actor=me, evidence=w.duty_evidence)
    return w.item


@covers("duties.items.services.item_delete", "duty_item.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.item)
    items.item_delete(actor=me, item=w.item)
    return target


@covers("duties.items.services.item_export", "duty_item.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    items.item_export(actor=me, branch=w.b.branch, year=today().year, count=0)
    return w.b.branch


# duties: projects ---------------------------------------------------------------------------------------------------


@covers("duties.projects.services.project_create", "secretary_project.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.project = projects.project_create(actor=me, branch=w.b.branch, year=today().year, title="党建引领服务保障",
                                        goal="保障重点领域编制使用", lead=w.b.full[0])
    return w.project


@covers("duties.projects.services.project_update", "secretary_project.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return projects.project_update(actor=me, project=w.project, summary="进展顺利")


@covers("duties.projects.services.target_add", "project_target.add")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.target = projects.target_add(actor=me, project=w.project, name="开展核查", measure=TargetMeasure.CHECK_RUNS,
                                   target_value=2)
    return w.target


@covers("duties.projects.services.target_update", "project_target.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return projects.target_update(actor=me, target=w.target, target_value=3)


@covers("duties.projects.services.target_remove", "project_target.remove")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.target)
    projects.target_remove(actor=me, target=w.target)
    return target


@covers("duties.projects.services.milestone_add", "project_milestone.add")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.milestone = projects.milestone_add(actor=me, project=w.project, title="制定方案",
                                         due_on=date(today().year, 12, 31))
    return w.milestone


@covers("duties.projects.services.milestone_update", "project_milestone.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.milestone = projects.milestone_update(actor=me, milestone=w.milestone, note="征求意见")
    return w.milestone


@covers("duties.projects.services.milestone_set_status", "project_milestone.status")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.milestone = projects.milestone_set_status(actor=me, milestone=w.milestone, status=MilestoneStatus.IN_PROGRESS)
    return w.milestone


@covers("duties.projects.services.milestone_change", "project_milestone.status")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.milestone = projects.milestone_change(actor=me, milestone=w.milestone, status=MilestoneStatus.DONE,
                                            done_on=today())
    return w.milestone


@covers("duties.projects.services.milestone_remove", "project_milestone.remove")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.milestone)
    projects.milestone_remove(actor=me, milestone=w.milestone)
    return target


@covers("duties.projects.services.outcome_link", "project_outcome.link")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.outcome = projects.outcome_link(actor=me, project=w.project, kind=OutcomeKind.CHECK_RUN, record_id=w.run.pk)
    return w.outcome


@covers("duties.projects.services.outcome_unlink", "project_outcome.unlink")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.outcome)
    projects.outcome_unlink(actor=me, outcome=w.outcome)
    return target


# duties: reminders --------------------------------------------------------------------------------------------------


@covers("duties.reminders.services.reminders_refresh", "reminder.refresh", actor=SYSTEM,
        targetless="one event summarises the whole refresh (counts in `changes`)")
def _(w: SimpleNamespace, me: Any) -> Any:
    reminders.reminders_refresh()


@covers("duties.reminders.services.reminder_dismiss", "reminder.dismiss")
def _(w: SimpleNamespace, me: Any) -> Any:
    # A reminder of the actor's own list (set up directly: which sources report what is not the point here).
    w.reminder = Reminder.objects.create(user=me, kind="duty", key="audit-completeness", title="审计测试提醒",
                                         due_on=today(), url="/", refreshed_on=today())
    return reminders.reminder_dismiss(actor=me, reminder=w.reminder)


@covers("duties.reminders.services.reminder_restore", "reminder.restore")
def _(w: SimpleNamespace, me: Any) -> Any:
    return reminders.reminder_restore(actor=me, reminder=w.reminder)


# duties: visits -----------------------------------------------------------------------------------------------------


def _visit_values(w: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "campaign": w.campaign, "visited_on": days_ago(1), "team_role": "branch_member", "street": "海滨街道",
        "community": "望海社区", "group": "hardship", "households": 2, "people": 3, "circumstances": "独居老人",
        "summary": "了解生活情况", "visitors": [visits.VisitorIn(role="branch_member", member=w.b.secretary)]}
    values.update(overrides)
    return values


@covers("duties.visits.services.campaign_create", "visit_campaign.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.campaign = visits.campaign_create(actor=me, branch=w.b.branch, title="集中走访活动", starts_on=days_ago(30),
                                        ends_on=today() + timedelta(30), scope="区内各街道社区")
    return w.campaign


@covers("duties.visits.services.campaign_update", "visit_campaign.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return visits.campaign_update(actor=me, campaign=w.campaign, requirement="户户进、人人访")


@covers("duties.visits.services.visit_create", "visit.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.visit = visits.visit_create(actor=me, **_visit_values(w))
    return w.visit


@covers("duties.visits.services.visit_update", "visit.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return visits.visit_update(actor=me, visit=w.visit, summary="了解生活情况，送去慰问品")


@covers("duties.visits.services.issue_add", "visit.issue_add")
def _(w: SimpleNamespace, me: Any) -> Any:
    visits.issue_add(actor=me, visit=w.visit, kind="problem", topic="assistance", content="冬季取暖补贴未到位",
                     department="区民政局")
    return w.visit


@covers("duties.visits.services.visit_delete", "visit.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    spare = visits.visit_create(actor=None, **_visit_values(w, community="东门社区"))  # one that raised no problem
    target = ref(spare)
    visits.visit_delete(actor=me, visit=spare)
    return target


@covers("duties.visits.services.visits_export", "visit.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    visits.visits_export(actor=me, campaign=w.campaign, count=1, masked=True)
    return w.campaign


# duties: volunteer --------------------------------------------------------------------------------------------------


@covers("duties.volunteer.services.volunteer_record_export", "volunteer_record.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    volunteer.volunteer_record_export(actor=me, branch=w.b.branch, year=today().year, count=0)
    return w.b.branch


# ledger -------------------------------------------------------------------------------------------------------------


@covers("ledger.services.problem_create", "problem.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.problem = ledger.problem_create(actor=me, source=ProblemSource.MANUAL, title="超编进人",
                                      category=ProblemCategory.ESTABLISHMENT, unit=w.district.school,
                                      raised_on=days_ago(5))
    return w.problem


@covers("ledger.services.problem_create_within", "problem.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    # The test's own transaction is the caller's transaction here.
    return ledger.problem_create_within(actor=me, source=ProblemSource.INSPECTION, title="巡察发现的问题",
                                        unit=w.district.school, authority=Perm.LEDGER_CHANGE)


@covers("ledger.services.problem_raise", "problem.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    problem, created = ledger.problem_raise(actor=me, source=ProblemSource.INSPECTION, source_key="audit:1",
                                            title="自动登记的问题", unit=w.district.school)
    assert created
    return problem


@covers("ledger.services.problem_mark_data_resolved", "problem.data_resolved")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ledger.problem_mark_data_resolved(actor=me, source=ProblemSource.INSPECTION, source_key="audit:1",
                                             on=today())


@covers("ledger.services.problems_sync", "problem.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    found = [ledger.Raised(source_key="audit:2", title="扫描发现的问题", description="",
                           category=ProblemCategory.ESTABLISHMENT, unit_id=w.district.school.pk)]
    result = ledger.problems_sync(actor=me, source=ProblemSource.INSPECTION, found=found,
                                  scope_path=w.district.school.path, on=today())
    assert result.opened == 1
    return Problem.objects.get(source_key="audit:2")


@covers("ledger.services.problem_transition", "problem.transition")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ledger.problem_transition(actor=me, problem=w.problem, to_status="in_progress")


@covers("ledger.services.problem_update", "problem.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    p = w.problem
    return ledger.problem_update(actor=me, problem=p, title=p.title, description="核查发现超编1名",
                                 category=p.category, unit=p.unit, responsible="人事科", deadline=None)


@covers("ledger.services.measure_create", "measure.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.measure = ledger.measure_create(actor=me, problem=w.problem, description="清退超编人员", owner="张三")
    return w.measure


@covers("ledger.services.measure_update", "measure.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ledger.measure_update(actor=me, measure=w.measure, owner="李四")


@covers("ledger.services.evidence_add", "evidence.add")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ledger.evidence_add(actor=me, measure=w.measure, uploaded_file=pdf("整改报告.pdf"))


@covers("ledger.services.measure_complete", "measure.complete")
def _(w: SimpleNamespace, me: Any) -> Any:
    return ledger.measure_complete(actor=me, measure=w.measure, done_on=today())


@covers("ledger.services.problem_export", "problem.export",
        targetless="an export of a listing: the filters and the count are in `changes`")
def _(w: SimpleNamespace, me: Any) -> Any:
    ledger.problem_export(actor=me, filters={"status": "open"}, count=1)


# party: activities --------------------------------------------------------------------------------------------------


@covers("party.activities.services.activity_create", "activity.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    on = days_ago(3)
    w.activity = activities.activity_create(actor=me, branch=w.b.branch, kind=ActivityKind.GENERAL_MEETING,
                                            held_on=on, topic="学习贯彻党的二十大精神",
                                            attendance=sheet(w.b.branch, on))
    return w.activity


@covers("party.activities.services.activity_update", "activity.cancelled")
def _(w: SimpleNamespace, me: Any) -> Any:
    planned = activities.activity_create(actor=None, branch=w.b.branch, kind=ActivityKind.PARTY_LECTURE,
                                         held_on=today() + timedelta(7), topic="专题党课",
                                         status=ActivityStatus.PLANNED)
    fields = {name: getattr(planned, name) for name in (
        "kind", "held_on", "topic", "group", "start_time", "place", "host", "recorder", "speaker", "content",
        "decisions", "materials", "study_hours")}
    return activities.activity_update(actor=me, activity=planned, **{**fields, "status": ActivityStatus.CANCELLED})


@covers("party.activities.services.attendance_record", "activity.attendance")
def _(w: SimpleNamespace, me: Any) -> Any:
    on = w.activity.held_on
    entries = sheet(w.b.branch, on, **{f"m{w.b.full[3].pk}": (AttendanceStatus.LEAVE, "出差")})
    w.activity = activities.attendance_record(actor=me, activity=w.activity, attendance=entries)
    return w.activity


@covers("party.activities.services.resolution_add", "resolution.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    return activities.resolution_add(actor=me, activity=w.activity, text="同意接收预备党员", votes_for=5)


@covers("party.activities.services.activity_file_add", "activity_file.add")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.activity_file = activities.activity_file_add(actor=me, activity=w.activity, uploaded_file=pdf("会议记录.pdf"))
    return w.activity_file


@covers("party.activities.services.activity_file_delete", "activity_file.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    activities.activity_file_delete(actor=me, record=w.activity_file)
    return w.activity


@covers("party.activities.services.study_summary_export", "study_summary.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    activities.study_summary_export(actor=me, branch=w.b.branch, year=today().year, count=1)
    return w.b.branch


# party: appraisals --------------------------------------------------------------------------------------------------


def _ballot(w: SimpleNamespace, voter: Any = None) -> dict[int, str]:
    return {m.pk: AppraisalGrade.QUALIFIED for m in w.b.members if voter is None or m.pk != voter.pk}


@covers("party.appraisals.services.appraisal_start", "appraisal.start")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.appraisal = appraisals.appraisal_start(actor=me, branch=w.b.branch, year=today().year, started_on=today())
    return w.appraisal


@covers("party.appraisals.services.appraisal_update", "appraisal.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.appraisal = appraisals.appraisal_update(actor=me, appraisal=w.appraisal, note="结合组织生活会开展", meeting=None)
    return w.appraisal


@covers("party.appraisals.services.self_evaluation_save", "appraisal.self_evaluation", actor="member")
def _(w: SimpleNamespace, me: Any) -> Any:
    # The member persona is full[6] of the branch: their own 个人自评.
    return appraisals.self_evaluation_save(actor=me, appraisal=w.appraisal, member=w.b.full[6],
                                           text="认真学习，按时参加组织生活", grade=AppraisalGrade.QUALIFIED)


@covers("party.appraisals.services.appraisal_transition", "appraisal.voting")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.appraisal = appraisals.appraisal_transition(actor=me, appraisal=w.appraisal, to_status=AppraisalStatus.VOTING)
    return w.appraisal


@covers("party.appraisals.services.ballot_cast", appraisals.VOTE_ACTION, actor="secretary")
def _(w: SimpleNamespace, me: Any) -> Any:
    appraisals.ballot_cast(actor=me, appraisal=w.appraisal, grades=_ballot(w, voter=w.b.full[0]))
    return w.appraisal


@covers("party.appraisals.services.ballot_enter_paper", appraisals.PAPER_VOTE_ACTION)
def _(w: SimpleNamespace, me: Any) -> Any:
    # An appraisal takes online or paper ballots, not both: last year's, held on paper.
    paper = appraisals.appraisal_start(actor=None, branch=w.b.branch, year=today().year - 1, started_on=today())
    paper = appraisals.appraisal_transition(actor=None, appraisal=paper, to_status=AppraisalStatus.VOTING)
    appraisals.ballot_enter_paper(actor=me, appraisal=paper, grades=_ballot(w))
    return paper


@covers("party.appraisals.services.result_determine", "appraisal.determine")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.appraisal = appraisals.appraisal_transition(actor=None, appraisal=w.appraisal, to_status=AppraisalStatus.CLOSED)
    entries = [appraisals.ResultEntry(m.pk, AppraisalGrade.QUALIFIED, "") for m in w.b.members]
    appraisals.result_determine(actor=me, appraisal=w.appraisal, results=entries)
    return w.appraisal


@covers("party.appraisals.services.appraisal_export", "appraisal.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    appraisals.appraisal_export(actor=me, appraisal=w.appraisal, with_tallies=False)
    return w.appraisal


# party: compliance --------------------------------------------------------------------------------------------------


@covers("party.compliance.services.rules_install_defaults", "compliance_rule.install_defaults")
def _(w: SimpleNamespace, me: Any) -> Any:
    ComplianceRule.objects.filter(branch=w.b.branch).order_by("pk").first().delete()  # one default is missing
    assert compliance.rules_install_defaults(actor=me, branch=w.b.branch)
    return w.b.branch


@covers("party.compliance.services.rule_update", "compliance_rule.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.rule = ComplianceRule.objects.filter(branch=w.b.branch).order_by("pk").first()
    return compliance.rule_update(actor=me, rule=w.rule, title=f"{w.rule.title}（本支部）")


@covers("party.compliance.services.exemption_create", "compliance_exemption.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.exemption = compliance.exemption_create(actor=me, rule=w.rule, year=today().year, index=1, reason="换届当月")
    return w.exemption


@covers("party.compliance.services.exemption_delete", "compliance_exemption.delete")
def _(w: SimpleNamespace, me: Any) -> Any:
    target = ref(w.exemption)
    compliance.exemption_delete(actor=me, exemption=w.exemption)
    return target


# party: members and committee ---------------------------------------------------------------------------------------


@covers("party.members.services.branch_create", "branch.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.branch2 = members.branch_create(actor=me, name="示例区卫生健康局机关党支部", code="health",
                                      unit=w.district.health, parent_committee="示例区直属机关工委",
                                      founded_on=date(2018, 7, 1))
    return w.branch2


@covers("party.members.services.branch_update", "branch.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.branch_update(actor=me, branch=w.branch2, parent_committee="示例区委组织部")


@covers("party.members.services.group_create", "party_group.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.group = members.group_create(actor=me, branch=w.branch2, name="第一党小组")
    return w.group


@covers("party.members.services.group_update", "party_group.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.group = members.group_update(actor=me, group=w.group, name="机关第一党小组")
    return w.group


@covers("party.members.services.group_dissolve", "party_group.dissolve")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.group_dissolve(actor=me, group=w.group, on=today())


@covers("party.members.services.member_admit", "member.admit")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.admitted = members.member_admit(actor=me, branch=w.b.branch, person=w.make_person("吴新"),
                                      admitted_on=days_ago(400))
    return w.admitted


@covers("party.members.services.member_make_full", "member.make_full")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.member_make_full(actor=me, member=w.admitted, on=today())


@covers("party.members.services.member_transfer_in", "member.transfer_in")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.transferred = members.member_transfer_in(
        actor=me, branch=w.b.branch, person=w.make_person("郑来"), status=MemberStatus.FULL,
        admitted_on=date(2010, 7, 1), full_on=date(2011, 7, 1), joined_on=days_ago(10), joined_from="示例区委组织部")
    return w.transferred


@covers("party.members.services.member_extend_probation", "member.extend_probation")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.member_extend_probation(actor=me, member=w.b.probationary[0], months=6, reason="需要继续考察")


@covers("party.members.services.member_update", "member.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.member_update(actor=me, member=w.b.full[5], note="流动党员联系人")


@covers("party.members.services.member_leave", "member.leave")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.member_leave(actor=me, member=w.transferred, on=today(), reason=LeaveReason.TRANSFER_OUT,
                                destination="示例区委党校党支部")


@covers("party.members.committee.term_elect", "committee_term.elect")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.term = members.term_elect(actor=me, branch=w.b.branch, elected_on=today())
    return w.term


@covers("party.members.committee.seat_assign", "committee_seat.assign")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.seat = members.seat_assign(actor=me, term=w.term, member=w.b.full[3], role=CommitteeRole.SECRETARY,
                                 since=today())
    return w.seat


@covers("party.members.committee.seat_end", "committee_seat.end")
def _(w: SimpleNamespace, me: Any) -> Any:
    return members.seat_end(actor=me, seat=w.seat, on=today(), reason="工作调动")


# party: talks -------------------------------------------------------------------------------------------------------


def _talk_values(w: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    return {"branch": w.b.branch, "kind": TalkKind.HEART_TO_HEART, "held_on": days_ago(2), "topic": "谈心谈话",
            "talker": w.b.full[0], "talked_to": [w.b.full[1]], **overrides}


@covers("party.talks.services.talk_create", "talk.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.talk = talks.talk_create(actor=me, **_talk_values(w))
    return w.talk


@covers("party.talks.services.talk_update", "talk.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.talk = talks.talk_update(actor=me, talk=w.talk, summary="交流思想，提出建议")
    return w.talk


@covers("party.talks.services.talk_link_problem", "talk.link_problem")
def _(w: SimpleNamespace, me: Any) -> Any:
    return talks.talk_link_problem(actor=me, talk=w.talk, problem=w.problem)


@covers("party.talks.services.talk_raise_problem", "problem.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    talk = talks.talk_create(actor=None, **_talk_values(w, talked_to=[w.b.full[2]]))
    return talks.talk_raise_problem(actor=me, talk=talk, draft=talks.ProblemDraft(title="学习不够深入"))


@covers("party.talks.services.talk_create_with_problem", "talk.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    return talks.talk_create_with_problem(actor=me, problem=talks.ProblemDraft(title="组织生活不够规范"),
                                          **_talk_values(w, talked_to=[w.b.full[4]]))


# people -------------------------------------------------------------------------------------------------------------


@covers("people.services.person_create", "person.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.person = people.person_create(actor=me, name="审计甲", id_number=make_id_number(date(1990, 5, 6)),
                                    unit=w.district.edu)
    return w.person


@covers("people.services.person_update", "person.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return people.person_update(actor=me, person=w.person, phone="13800000000")


@covers("people.services.person_export", "person.export",
        targetless="an export of a listing: the search and the count are in `changes` and `reason`")
def _(w: SimpleNamespace, me: Any) -> Any:
    people.person_export(actor=me, people=Person.objects.filter(pk=w.person.pk), filters={"q": "审计甲"})


# registration: annual reports ---------------------------------------------------------------------------------------


@covers("registration.annual.services.annual_report_create", "annual_report.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.report = annual.annual_report_create(actor=me, registration=w.reg, year=YEAR, today=TODAY)
    return w.report


@covers("registration.annual.services.annual_report_update", "annual_report.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.report = annual.annual_report_update(actor=me, report=w.report, **CONTENTS)
    return w.report


@covers("registration.annual.services.annual_report_submit", "annual_report.submit")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.report = annual.annual_report_submit(actor=me, report=w.report, today=TODAY)
    return w.report


@covers("registration.annual.services.annual_report_return", "annual_report.return")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.report = annual.annual_report_return(actor=me, report=w.report, reason="净资产数据有误")
    return w.report


@covers("registration.annual.services.annual_report_sponsor_approve", "annual_report.sponsor_approve")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.report = annual.annual_report_submit(actor=None, report=w.report, today=TODAY)
    w.report = annual.annual_report_sponsor_approve(actor=me, report=w.report, today=TODAY)
    return w.report


@covers("registration.annual.services.annual_report_publish", "annual_report.publish")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.report = annual.annual_report_publish(actor=me, report=w.report, today=TODAY)
    return w.report


@covers("registration.annual.services.annual_report_export", "annual_report.export",
        targetless="an export of a listing: the year, the filters and the count are in `changes`")
def _(w: SimpleNamespace, me: Any) -> Any:
    annual.annual_report_export(actor=me, year=YEAR, count=1, filters={})


# registration: filings ----------------------------------------------------------------------------------------------


def _institution(w: SimpleNamespace, name: str) -> Any:
    return units.unit_create(actor=None, name=name, kind=UnitKind.INSTITUTION, parent=w.district.health,
                       institution_class=InstitutionClass.PUBLIC_1)


@covers("registration.filings.services.filing_create_establish", "filing.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    unit = _institution(w, "示例区疾病预防控制中心")
    proposed = establish_proposed(w.district, name=unit.name)
    return filings.filing_create_establish(actor=me, unit=unit, proposed=proposed, occurred_on=days_ago(30))


@covers("registration.filings.services.filing_create_change", "filing.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.filing = filings.filing_create_change(actor=me, registration=w.hospital_reg,
                                            changes={"address": "示例区健康路18号"}, occurred_on=days_ago(20),
                                            applied_on=days_ago(25))
    return w.filing


@covers("registration.filings.services.filing_materials_set", "filing.materials")
def _(w: SimpleNamespace, me: Any) -> Any:
    return tick_all(me, w.filing)


@covers("registration.filings.services.filing_transition", "filing.approved")
def _(w: SimpleNamespace, me: Any) -> Any:
    filing_step(None, w.filing, FilingStatus.ACCEPTED, days_ago(20))
    filing_step(None, w.filing, FilingStatus.REVIEWING, days_ago(19))
    history = UnitEvent.objects.filter(unit=w.district.hospital, kind=UnitEventKind.CHANGE).count()
    filing = filing_step(me, w.filing, FilingStatus.APPROVED, days_ago(18))
    # The approval writes the unit's 沿革 through units.services.unit_event_record_within (which audits nothing
    # itself) and the register through registration_change_within: both are audited by this step.
    assert UnitEvent.objects.filter(unit=w.district.hospital, kind=UnitEventKind.CHANGE).count() == history + 1
    assert AuditEvent.objects.filter(action="registration.change", target_id=str(w.hospital_reg.pk),
                                     actor=me).exists()
    return filing


@covers("registration.filings.services.filing_create_cancel", "filing.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    unit = _institution(w, "示例区卫生监督所")
    reg = w.make_registration(unit=unit, uscc=valid_uscc("12110105400123461"), name=unit.name,
                              sponsor=w.district.health)
    return filings.filing_create_cancel(actor=me, registration=reg, cancel_reason="merged",
                                        liquidation_started_on=days_ago(10))


# registration: registrations ----------------------------------------------------------------------------------------


def _new_registration_values(w: SimpleNamespace, name: str, body: str) -> dict[str, Any]:
    unit = _institution(w, name)
    return registration_values(w.district, unit=unit, uscc=valid_uscc(body), name=name, sponsor=w.district.health)


@covers("registration.registrations.services.registration_create", "registration.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    return registrations.registration_create(actor=me, **_new_registration_values(w, "示例区妇幼保健院",
                                                                                   "12110105400123462"))


@covers("registration.registrations.services.registration_create_within", "registration.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    # The test's own transaction is the caller's transaction here.
    w.spare_reg = registrations.registration_create_within(actor=me, **_new_registration_values(
        w, "示例区急救中心", "12110105400123463"))
    return w.spare_reg


@covers("registration.registrations.services.registration_correct", "registration.correct")
def _(w: SimpleNamespace, me: Any) -> Any:
    return registrations.registration_correct(actor=me, registration=w.reg, reason="录入错误，与证书不符",
                                              address="示例区学府路1号（东校区）")


@covers("registration.registrations.services.registration_change_within", "registration.change")
def _(w: SimpleNamespace, me: Any) -> Any:
    registrations.registration_change_within(actor=me, registration=w.reg,
                                             changes={"legal_representative": "王校长"})
    return w.reg


@covers("registration.registrations.services.certificate_issue_within", "certificate.issue")
def _(w: SimpleNamespace, me: Any) -> Any:
    return registrations.certificate_issue_within(actor=me, registration=w.reg, number="事证第200001号",
                                                  issued_on=days_ago(2))


@covers("registration.registrations.services.certificate_issue", "certificate.issue")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.certificate = registrations.certificate_issue(actor=me, registration=w.reg, number="事证第200002号",
                                                    issued_on=days_ago(1))
    return w.certificate


@covers("registration.registrations.services.certificate_collect_within", "certificate.collect")
def _(w: SimpleNamespace, me: Any) -> Any:
    return registrations.certificate_collect_within(actor=me, certificate=w.certificate, on=today(),
                                                    copies=["original"])


@covers("registration.registrations.services.certificate_collect", "certificate.collect")
def _(w: SimpleNamespace, me: Any) -> Any:
    return registrations.certificate_collect(actor=me, certificate=w.certificate, on=today(), copies=["duplicate"])


@covers("registration.registrations.services.registration_cancel_within", "registration.cancel")
def _(w: SimpleNamespace, me: Any) -> Any:
    return registrations.registration_cancel_within(actor=me, registration=w.spare_reg, on=today())


@covers("registration.registrations.services.registration_export", "registration.export",
        targetless="an export of a listing: the filters and the count are in `changes`")
def _(w: SimpleNamespace, me: Any) -> Any:
    registrations.registration_export(actor=me, filters={}, count=1)


# reports: duty report -----------------------------------------------------------------------------------------------


def _block(w: SimpleNamespace, **state: Any) -> ReportBlock:
    """A block of the report, put in the given state first (stale, vanished: what a regeneration leaves)."""
    block = (ReportBlock.objects.filter(report=w.duty_report).exclude(origin=BlockOrigin.SECRETARY)
             .order_by("pk").first())
    if state:
        ReportBlock.objects.filter(pk=block.pk).update(**state)
        block.refresh_from_db()
    return block


@covers("reports.duty.services.duty_report_create", "duty_report.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.duty_report = duty_reports.duty_report_create(actor=me, branch=w.b.branch, year=today().year)
    return w.duty_report


@covers("reports.duty.services.duty_report_update", "duty_report.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return duty_reports.duty_report_update(actor=me, report=w.duty_report, signature="中共示例区教育局机关支部委员会")


@covers("reports.duty.services.block_edit", "duty_report.block_edited")
def _(w: SimpleNamespace, me: Any) -> Any:
    block = _block(w)
    return duty_reports.block_edit(actor=me, block=block, text="书记修改后的段落。", version=block.version)


@covers("reports.duty.services.block_restore", "duty_report.block_restored")
def _(w: SimpleNamespace, me: Any) -> Any:
    block = _block(w)
    return duty_reports.block_restore(actor=me, block=block, version=block.version, to=1)


@covers("reports.duty.services.block_keep", "duty_report.block_keep")
def _(w: SimpleNamespace, me: Any) -> Any:
    return duty_reports.block_keep(actor=me, block=_block(w, edited=True, stale=True))


@covers("reports.duty.services.duty_report_regenerate", "duty_report.regenerate")
def _(w: SimpleNamespace, me: Any) -> Any:
    duty_reports.duty_report_regenerate(actor=me, report=w.duty_report)
    return w.duty_report


@covers("reports.duty.services.block_remove", "duty_report.block_remove")
def _(w: SimpleNamespace, me: Any) -> Any:
    block = _block(w, edited=True, vanished=True)
    target = ref(block)
    duty_reports.block_remove(actor=me, block=block, version=block.version)
    return target


# reports: statistics workbooks --------------------------------------------------------------------------------------


@covers("reports.workbooks.services.establishment_export", "statistics.establishment_export")
def _(w: SimpleNamespace, me: Any) -> Any:
    workbooks.establishment_export(actor=me, root=w.district.edu, as_of=today(), units=2, lines=0)
    return w.district.edu


@covers("reports.workbooks.services.party_export", "statistics.party_export")
def _(w: SimpleNamespace, me: Any) -> Any:
    workbooks.party_export(actor=me, branch=w.b.branch, year=today().year, members=len(w.b.members))
    return w.b.branch


# staffing -----------------------------------------------------------------------------------------------------------


SET_ON = date(2024, 1, 2)
ENROL_ON = date(2025, 3, 3)


def _line(unit: Any, kind: str, funding: str, approved: int) -> QuotaLine:
    movement = staffing.quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type="SET",
                                              amount=approved, document_no="示编〔2024〕1号", effective_on=SET_ON)
    return QuotaLine.objects.get(pk=movement.line_id)


@covers("staffing.services.quota_movement_create", "quota.set")
def _(w: SimpleNamespace, me: Any) -> Any:
    movement = staffing.quota_movement_create(actor=me, unit=w.district.school, kind=QuotaKind.INSTITUTION,
                                              funding=Funding.FULL, type="SET", amount=20,
                                              document_no="示编〔2024〕1号", effective_on=SET_ON)
    w.school_line = QuotaLine.objects.get(pk=movement.line_id)
    return movement


@covers("staffing.services.quota_line_configure", "quota_line.configure")
def _(w: SimpleNamespace, me: Any) -> Any:
    return staffing.quota_line_configure(actor=me, line=w.school_line, enforcement=Enforcement.WARN, reason="过渡期")


@covers("staffing.services.post_quota_set", "post_quota.set")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.post = staffing.post_quota_set(actor=me, unit=w.district.edu, grade=PostGrade.DEPUTY, approved=2,
                                     document_no="示编〔2024〕3号", effective_on=SET_ON)
    return w.post


@covers("staffing.services.placement_enrol", "placement.enrol")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.placement = staffing.placement_enrol(actor=me, person=w.make_person("钱进", unit=w.district.school),
                                           unit=w.district.school, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                                           on=ENROL_ON, document_no="示人〔2025〕1号")
    return w.placement


@covers("staffing.services.placement_change_post", "placement.change_post")
def _(w: SimpleNamespace, me: Any) -> Any:
    _line(w.district.edu, QuotaKind.ADMINISTRATIVE, Funding.NONE, 5)
    placement = staffing.placement_enrol(actor=None, person=w.make_person("孙任"), unit=w.district.edu,
                                         kind=QuotaKind.ADMINISTRATIVE, funding=Funding.NONE, on=ENROL_ON,
                                         document_no="示人〔2025〕2号")
    return staffing.placement_change_post(actor=me, placement=placement, post=w.post, on=date(2025, 10, 1),
                                          document_no="示组任〔2025〕3号", title="副局长")


@covers("staffing.services.placement_transfer", "placement.transfer")
def _(w: SimpleNamespace, me: Any) -> Any:
    _line(w.district.hospital, QuotaKind.INSTITUTION, Funding.PARTIAL, 5)
    w.placement = staffing.placement_transfer(actor=me, placement=w.placement, to_unit=w.district.hospital,
                                              kind=QuotaKind.INSTITUTION, funding=Funding.PARTIAL,
                                              on=date(2025, 9, 1), document_no="示编调〔2025〕2号")
    return w.placement


@covers("staffing.services.placement_release", "placement.release")
def _(w: SimpleNamespace, me: Any) -> Any:
    return staffing.placement_release(actor=me, placement=w.placement, reason=ReleaseReason.RESIGNATION,
                                      on=date(2025, 12, 1), document_no="示人〔2025〕9号")


@covers("staffing.services.approval_create", "approval.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.approval = staffing.approval_create(actor=me, unit=w.district.school, kind=QuotaKind.INSTITUTION,
                                          funding=Funding.FULL, count=1, document_no="示编核〔2025〕1号",
                                          issued_on=days_ago(5), valid_until=today() + timedelta(60))
    return w.approval


@covers("staffing.services.approval_withdraw", "approval.withdraw")
def _(w: SimpleNamespace, me: Any) -> Any:
    return staffing.approval_withdraw(actor=me, approval=w.approval, reason="单位放弃招聘")


def _lapsed_approval(w: SimpleNamespace, document_no: str) -> Any:
    return staffing.approval_create(actor=None, unit=w.district.school, kind=QuotaKind.INSTITUTION,
                                    funding=Funding.FULL, count=1, document_no=document_no, issued_on=days_ago(20),
                                    valid_until=days_ago(1))


@covers("staffing.services.approval_expire", "approval.expire", actor=SYSTEM)
def _(w: SimpleNamespace, me: Any) -> Any:
    approval = _lapsed_approval(w, "示编核〔2025〕2号")
    staffing.approval_expire(approval=approval, on=today())
    return approval


@covers("staffing.services.approvals_expire_due", "approval.expire", actor=SYSTEM)
def _(w: SimpleNamespace, me: Any) -> Any:
    approval = _lapsed_approval(w, "示编核〔2025〕3号")
    assert staffing.approvals_expire_due(on=today()) == 1
    return approval


# staffing: roster imports -------------------------------------------------------------------------------------------


@covers("staffing.roster.services.roster_import_request", "roster.upload")
def _(w: SimpleNamespace, me: Any) -> Any:
    path = workbook(w.tmp / "花名册.xlsx", [row(w.district.school, 姓名="花名册甲")])
    upload = SimpleUploadedFile("花名册.xlsx", path.read_bytes())
    w.roster_job = roster.roster_import_request(actor=me, upload=upload, dry_run=False)
    return w.roster_job


@covers("staffing.roster.services.roster_import_run", "roster.import",  # the uploader is its actor
        targetless="the import's event names the file (name and sha256 in `changes`), not one object")
def _(w: SimpleNamespace, me: Any) -> Any:
    status = roster.roster_import_run(import_id=w.roster_job.pk)
    assert status == "done", RosterImport.objects.get(pk=w.roster_job.pk).message


# units --------------------------------------------------------------------------------------------------------------


@covers("units.services.unit_create", "unit.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.unit = units.unit_create(actor=me, name="示例区教育考试院", kind=UnitKind.INSTITUTION, parent=w.district.edu,
                               institution_class=InstitutionClass.PUBLIC_1)
    return w.unit


@covers("units.services.unit_update", "unit.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return units.unit_update(actor=me, unit=w.unit, short_name="区考试院")


@covers("units.services.unit_update_within", "unit.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    # The test's own transaction is the caller's transaction here.
    return units.unit_update_within(actor=me, unit=w.unit, functions="组织实施各类教育考试")


@covers("units.services.division_create", "division.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.division = units.division_create(actor=me, unit=w.district.edu, name="督导科")
    return w.division


@covers("units.services.division_update", "division.update")
def _(w: SimpleNamespace, me: Any) -> Any:
    return units.division_update(actor=me, division=w.division, functions="教育督导")


@covers("units.services.division_abolish", "division.abolish")
def _(w: SimpleNamespace, me: Any) -> Any:
    return units.division_abolish(actor=me, division=w.division, on=today(), document_no="示编〔2026〕8号")


@covers("units.services.charter_create", "charter.create")
def _(w: SimpleNamespace, me: Any) -> Any:
    return units.charter_create(actor=me, unit=w.district.health,
                                title="示例区卫生健康局职能配置、内设机构和人员编制规定", document_no="示编〔2026〕9号",
                                issued_on=days_ago(10), effective_on=days_ago(10))


@covers("units.services.unit_abolish", "unit.abolish")
def _(w: SimpleNamespace, me: Any) -> Any:
    return units.unit_abolish(actor=me, unit=w.unit, on=today(), document_no="示编〔2026〕10号")


# writers outside the services modules ------------------------------------------------------------------------------


@covers("duties.reminders.mail.reminder_digests_send", "reminder.email", actor=SYSTEM,
        targetless="one event summarises the day's digests (date and count in `changes`)")
def _(w: SimpleNamespace, me: Any) -> Any:
    w.settings.EMAIL_HOST = "mail.example.org"  # the test runner's locmem backend sends nothing out
    w.settings.BIANBAN = {**w.settings.BIANBAN, "REMINDERS": {**w.settings.BIANBAN["REMINDERS"], "EMAIL": True}}
    get_user_model().objects.filter(pk=w.admin.pk).update(email="alice@example.org")
    Reminder.objects.create(user=w.admin, kind="duty", key="audit-mail", title="审计测试邮件", due_on=today(),
                            url="/", refreshed_on=today())
    assert reminder_mail.reminder_digests_send() >= 1


@covers("registration.registrations.importer.registration_import", "registration.import",
        targetless="the import's event names the file and the counts in `changes`, not one registration")
def _(w: SimpleNamespace, me: Any) -> Any:
    unit = _institution(w, "示例区中心血站")
    values = {"单位名称": unit.name, "统一社会信用代码": valid_uscc("12110105400123464"), "宗旨和业务范围": "采供血",
              "住所": "健康路9号", "法定代表人": "周站长", "开办资金（万元）": 300, "经费来源": "财政全额拨款",
              "举办单位": "区卫健局", "设立登记日期": date(2018, 3, 1)}
    book = Workbook()
    sheet_ = book.active
    sheet_.title = "事业单位登记"
    headers = [c.header for c in registration_importer.COLUMNS]
    sheet_.append(headers)
    sheet_.append([values.get(h) for h in headers])
    content = BytesIO()
    book.save(content)
    result = registration_importer.registration_import(actor=me, upload=SimpleUploadedFile("登记.xlsx",
                                                                                           content.getvalue()))
    assert result.ok, result.errors


@covers("staffing.roster.exporter.roster_export", "roster.export")
def _(w: SimpleNamespace, me: Any) -> Any:
    roster_exporter.roster_export(actor=me, unit=w.district.school)
    return w.district.school


# Modules outside `services` that write AuditEvents themselves (they import bianban.core.audit), and where their
# writes are proved.
WRITERS_OUTSIDE_SERVICES: dict[str, str] = {
    "bench.synth": "the benchmark's data generator (bianban synth): synth.generate, proved in "
                   "bench/tests/test_synth.py",
    "core.backup": "CLI only (bianban backup / restore): backup.create and backup.restore, proved in "
                   "core/tests/test_backup.py",
    "core.tasks_recovery": "the task worker's own system work: task.requeue, proved in core/tests/test_faults.py",
    "duties.reminders.mail": "a step above (reminder_digests_send)",
    "party.members.committee": "re-exported by party.members.services: steps above",
    "registration.registrations.importer": "a step above (registration_import)",
    "staffing.roster.exporter": "a step above (roster_export)",
    "staffing.roster.importer": "run by staffing.roster.services.roster_import_run: a step above",
}


# --- the world -------------------------------------------------------------------------------------------------------


@pytest.fixture
def world(district: SimpleNamespace, admin: Any, secretary: Any, member: Any,
          branch: SimpleNamespace, registration: Any, hospital_registration: Any, make_person: Any,
          make_registration: Any, settings: Any, tmp_path: Any) -> SimpleNamespace:
    settings.MEDIA_ROOT = tmp_path / "media"
    return SimpleNamespace(district=district, admin=admin, secretary=secretary, member=member,
                           b=branch, reg=registration, hospital_reg=hospital_registration, make_person=make_person,
                           make_registration=make_registration, settings=settings, tmp=tmp_path)


# --- the tests -------------------------------------------------------------------------------------------------------


def test_every_public_service_function_is_classified() -> None:
    found = set(public_services())
    covered, allowed = set(STEPS), set(NOT_AUDITED)
    assert not covered & allowed, f"both exercised and allowlisted: {sorted(covered & allowed)}"
    unclassified = sorted(found - covered - allowed)
    assert not unclassified, ("service functions neither exercised by a step nor allowlisted with a reason "
                              f"(add a @covers step, or a NOT_AUDITED entry): {unclassified}")
    outside = {name for name in covered if name.rsplit(".", 1)[0] in WRITERS_OUTSIDE_SERVICES}
    stale = sorted((covered | allowed) - found - outside)
    assert not stale, f"steps or allowlist entries for functions that no longer exist: {stale}"


def _imports_the_audit_writer(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (
                node.module == "bianban.core.audit"
                or (node.module == "bianban.core" and any(a.name == "audit" for a in node.names))):
            return True
        if isinstance(node, ast.Import) and any(a.name == "bianban.core.audit" for a in node.names):
            return True
    return False


def test_every_module_writing_audit_events_outside_the_services_is_accounted_for() -> None:
    root = Path(bianban.__file__).parent
    writers = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if {"tests", "migrations"} & set(parts) or parts[-1] == "services" or parts == ("core", "audit"):
            continue
        if _imports_the_audit_writer(path):
            writers.add(".".join(parts))
    assert writers == set(WRITERS_OUTSIDE_SERVICES), (
        "a module outside the services writes AuditEvents: move the write into a service, or account for it in "
        f"WRITERS_OUTSIDE_SERVICES; new: {sorted(writers - set(WRITERS_OUTSIDE_SERVICES))}, gone: "
        f"{sorted(set(WRITERS_OUTSIDE_SERVICES) - writers)}")
    for name in STEPS:  # a step outside the services exercises a function that exists
        module, function = name.rsplit(".", 1)
        assert hasattr(importlib.import_module(f"bianban.{module}"), function), name


def _target_of(result: Any) -> tuple[int, str] | None:
    if isinstance(result, models.Model):
        return ref(result)
    return result


def test_every_service_writes_its_audit_event(world: SimpleNamespace) -> None:
    failures = []
    for step in STEPS.values():
        actor = getattr(world, step.actor) if step.actor else None
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            result = step.run(world, actor)
        except Exception as exc:  # reported with the step's name, below
            failures.append(f"{step.name}: raised {exc!r}")
            continue
        new = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))
        if not new:
            failures.append(f"{step.name}: wrote no AuditEvent")
            continue
        target = _target_of(result)
        if target is None and not step.targetless:
            failures.append(f"{step.name}: the step named no object (return it, or say why there is none)")
            continue
        wanted = [e for e in new if e.action == step.action and e.actor_id == getattr(actor, "pk", None)]
        if target is not None:
            wanted = [e for e in wanted if (e.target_type_id, e.target_id) == target and e.target_repr]
        elif wanted and not all(e.changes for e in wanted):
            failures.append(f"{step.name}: a targetless event must say what it concerns in `changes`")
            continue
        if not wanted:
            seen = [(e.action, e.actor_id, e.target_type_id, e.target_id) for e in new]
            failures.append(f"{step.name}: no event ({step.action!r}, actor {getattr(actor, 'pk', None)}, "
                            f"target {target}); written: {seen}")
    assert not failures, "\n".join(failures)


# --- immutability ----------------------------------------------------------------------------------------------------


APPEND_ONLY = "AuditEvent is append-only"


@pytest.fixture
def event(admin: Any) -> AuditEvent:
    return audit(actor=admin, action="test.write", target=admin, changes={"x": [None, 1]}, reason="原因")


def _unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.reason, stored.actor_id, stored.changes) == ("test.write", "原因", event.actor_id,
                                                                               {"x": [None, 1]})


def test_the_orm_refuses_every_way_of_changing_or_deleting_an_event(event: AuditEvent) -> None:
    attempts: dict[str, Callable[[], Any]] = {
        "save": lambda: (setattr(event, "reason", "改写"), event.save()),
        "save(update_fields)": lambda: event.save(update_fields=["reason"]),
        "delete": lambda: event.delete(),
        "queryset update": lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="改写"),
        "queryset delete": lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        "select_for_update update": lambda: AuditEvent.objects.select_for_update().filter(pk=event.pk)
        .update(reason="改写"),
        "bulk_update": lambda: AuditEvent.objects.bulk_update([event], ["reason"]),
        "update_or_create": lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"reason": "改写"}),
        "upsert": lambda: AuditEvent.objects.bulk_create(
            [AuditEvent(pk=event.pk, action="test.write", reason="改写")], update_conflicts=True,
            update_fields=["reason"], unique_fields=["id"]),
        "base manager update": lambda: AuditEvent._base_manager.filter(pk=event.pk).update(reason="改写"),
        "base manager delete": lambda: AuditEvent._base_manager.filter(pk=event.pk).delete(),
    }
    for attempt in attempts.values():
        # Each in its savepoint: bulk_update's own atomic block has none, and would poison the test's.
        with pytest.raises(TypeError, match=APPEND_ONLY), transaction.atomic():
            attempt()
        event.refresh_from_db()
        _unchanged(event)
    # Appending still works, singly and in bulk (audit_many).
    AuditEvent.objects.bulk_create([AuditEvent(action="test.append")])
    assert AuditEvent.objects.filter(action="test.append").count() == 1


def test_deleting_the_actor_or_the_target_type_cannot_take_events_with_it(event: AuditEvent, admin: Any) -> None:
    with pytest.raises(ProtectedError):
        get_user_model().objects.filter(pk=admin.pk).delete()
    with pytest.raises(ProtectedError):
        ContentType.objects.filter(pk=event.target_type_id).delete()
    _unchanged(event)


def test_the_admin_cannot_add_change_or_delete_events_even_for_a_superuser(event: AuditEvent) -> None:
    root = accounts.user_create(actor=None, username="root", password=PASSWORD, is_superuser=True)
    client = Client()
    client.force_login(root)
    model_admin = django_admin.site._registry.get(AuditEvent)
    if model_admin is not None:  # registered: read-only, whoever asks
        request = SimpleNamespace(user=root, method="POST")
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, event)
        assert not model_admin.has_delete_permission(request, event)
    base = "/admin/core/auditevent/"
    count = AuditEvent.objects.count()
    posts = {
        f"{base}add/": {"action": "test.forged", "reason": "伪造"},
        f"{base}{event.pk}/change/": {"action": "test.changed", "reason": "改写"},
        f"{base}{event.pk}/delete/": {"post": "yes"},
        base: {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in (403, 404, 405), (url, response.status_code)
    assert AuditEvent.objects.count() == count
    _unchanged(event)


def _audit_paths(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: ops for path, ops in schema["paths"].items() if "audit" in path.lower()}


def test_the_api_offers_no_write_on_audit_events(event: AuditEvent, reviewer: Any, member: Any,
                                                api_for: Callable[[Any], Client]) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in _audit_paths(schema).items():
        writes = sorted(set(operations) & {"post", "put", "patch", "delete"})
        assert not writes, f"{path} writes audit events: {writes}"
        url = path.replace("{", "").replace("}", "")  # any GET route must be for audit.view only
        assert api_for(member).get(url).status_code in (403, 404), path
        if "{" not in path:
            assert api_for(reviewer).get(url).status_code == 200, path
    # No request body anywhere takes an audit event.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = str(operation.get("requestBody", {}))
            assert "AuditEvent" not in body, f"{method.upper()} {path} takes an AuditEvent"
    client = api_for(reviewer)
    count = AuditEvent.objects.count()
    for url in ("/api/v1/audit/", f"/api/v1/audit/{event.pk}", "/api/v1/audit-events/",
                f"/api/v1/audit-events/{event.pk}"):
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url, {}, content_type="application/json").status_code in (401, 403, 404, 405), url
    assert AuditEvent.objects.count() == count
    _unchanged(event)


def _ui_audit_routes() -> set[str]:
    routes: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "audit" in route.lower() and not route.startswith("api/"):
                routes.add(route)

    walk(get_resolver().url_patterns, "")
    return routes


def test_the_audit_page_is_read_only_and_for_audit_view_only(event: AuditEvent, admin: Any, reviewer: Any,
                                                              member: Any, client_for: Callable[[Any], Client]
                                                              ) -> None:
    assert _ui_audit_routes() == {"audit/"}, "a new audit page: prove here that it is read-only"
    page = client_for(reviewer).get("/audit/")
    assert page.status_code == 200 and "test.write" in page.content.decode()
    posting = re.findall(r'<form[^>]*method="post"[^>]*>', page.content.decode(), flags=re.IGNORECASE)
    assert all('action="/accounts/logout/"' in form for form in posting), posting  # the header's logout only
    assert client_for(member).get("/audit/").status_code == 404
    assert not audit_events_for_user(member).exists()  # the selector every audit list reads through
    assert audit_events_for_user(reviewer).filter(pk=event.pk).exists()
    count = AuditEvent.objects.count()
    client = client_for(admin)
    for method in (client.post, client.put, client.patch, client.delete):
        method("/audit/", {"action": "test.forged", "id": event.pk})
    assert AuditEvent.objects.count() == count
    _unchanged(event)
