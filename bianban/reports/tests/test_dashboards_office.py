"""The office dashboard (编制看板): its figures equal independent counts over a randomised register and ledger built
through the services (counted here as they are written), scoped to the user's units; the page is a shell of chart
containers loading the JSON; who may not see the register gets 404 on the page and 403 from the API."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.checks.choices import RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.services import check_run_execute, check_run_request
from bianban.conftest import PASSWORD
from bianban.ledger import services as ledger
from bianban.ledger.choices import ProblemSource, ProblemStatus
from bianban.reports.dashboards.office import units_over_quota
from bianban.staffing.choices import Enforcement, ReleaseReason
from bianban.staffing.models import QuotaLine
from bianban.staffing.selectors import quota_lines_for_user
from bianban.staffing.services import (
    approval_create,
    placement_enrol,
    placement_release,
    quota_line_configure,
    quota_movement_create,
)
from bianban.staffing.tests.helpers import ON, SET_ON, people
from bianban.units.choices import Funding, QuotaKind

pytestmark = pytest.mark.django_db
S = ProblemStatus
API = "/api/v1/dashboards/office"
# (kind, funding) lines each kind of unit may hold (staffing/rules.ALLOWED_KINDS).
ORGAN_LINES = [(QuotaKind.ADMINISTRATIVE, Funding.NONE), (QuotaKind.SERVICE_WORKER, Funding.NONE)]
INSTITUTION_LINES = [(QuotaKind.INSTITUTION, Funding.FULL), (QuotaKind.INSTITUTION, Funding.PARTIAL)]


@dataclass
class Made:
    """What the test wrote, per line and per problem, counted as it was written."""

    lines: dict[tuple[int, str, str], dict[str, int]] = field(default_factory=dict)  # (unit, kind, funding) → figures
    problems: list[tuple[int, str, bool]] = field(default_factory=list)  # (unit, status, overdue)

    def kinds(self, units: set[int]) -> dict[str, dict[str, int]]:
        by_kind: dict[str, Counter] = defaultdict(Counter)
        for (unit, kind, _), n in self.lines.items():
            if unit in units:
                by_kind[kind].update(approved=n["approved"], occupied=n["occupied"], reserved=n["reserved"],
                                     vacant=max(n["approved"] - n["occupied"] - n["reserved"], 0),
                                     over=max(n["occupied"] - n["approved"], 0))
        fields = ("approved", "occupied", "reserved", "vacant", "over")
        return {k: {f: c[f] for f in fields} for k, c in by_kind.items()}

    def over_units(self, units: set[int]) -> dict[int, tuple[int, int]]:
        """unit → (people over, lines over)."""
        over: dict[int, tuple[int, int]] = {}
        for (unit, _, _), n in self.lines.items():
            if unit in units and n["occupied"] > n["approved"]:
                people_over, lines = over.get(unit, (0, 0))
                over[unit] = (people_over + n["occupied"] - n["approved"], lines + 1)
        return over

    def statuses(self, units: set[int]) -> tuple[Counter, int]:
        seen = [(status, overdue) for unit, status, overdue in self.problems if unit in units]
        return Counter(status for status, _ in seen), sum(1 for _, overdue in seen if overdue)


def _build_line(rng: random.Random, made: Made, unit: Any, kind: str, funding: str) -> None:
    approved = rng.randint(0, 5)
    quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type="SET", amount=approved,
                          document_no="示编〔2024〕1号", effective_on=SET_ON)
    line = QuotaLine.objects.get(unit=unit, kind=kind, funding=funding)
    warn = rng.random() < 0.5
    if warn:
        quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="历史遗留超编，逐步消化")
    wanted = rng.randint(0, approved + 3) if warn else rng.randint(0, approved)
    placements = [placement_enrol(actor=None, person=person, unit=unit, kind=kind, funding=funding, on=ON,
                                  document_no="示人〔2025〕1号", over_quota_reason="急需" if warn else "")
                  for person in people(wanted, unit)]
    released = 0
    if placements and rng.random() < 0.4:
        placement_release(actor=None, placement=placements[0], reason=ReleaseReason.RESIGNATION,
                          on=ON + timedelta(days=30), document_no="示人〔2025〕2号")
        released = 1
    occupied = wanted - released
    reserved = 0
    if approved - occupied > 0 and rng.random() < 0.5:
        reserved = rng.randint(1, approved - occupied)
        approval_create(actor=None, unit=unit, kind=kind, funding=funding, count=reserved,
                        document_no="示核〔2025〕1号", valid_until=timezone.localdate() + timedelta(days=60))
    made.lines[(unit.pk, kind, funding)] = {"approved": approved, "occupied": occupied, "reserved": reserved}


def _move_to(problem: Any, status: str, admin: Any) -> None:
    """Walk a problem to `status` the way the ledger does."""
    if status == S.OPEN:
        return
    problem = ledger.problem_transition(actor=admin, problem=problem, to_status=S.IN_PROGRESS)
    if status == S.IN_PROGRESS:
        return
    measure = ledger.measure_create(actor=admin, problem=problem, description="清退超编人员")
    ledger.measure_complete(actor=admin, measure=measure, done_on=timezone.localdate())
    problem = ledger.problem_transition(actor=admin, problem=problem, to_status=S.AWAITING_REVIEW)
    if status == S.CLOSED:
        ledger.problem_transition(actor=admin, problem=problem, to_status=S.CLOSED)


def _build(seed: int, district: SimpleNamespace, admin: Any) -> Made:
    rng, made = random.Random(seed), Made()
    for unit, choices in ((district.edu, ORGAN_LINES), (district.health, ORGAN_LINES),
                          (district.school, INSTITUTION_LINES), (district.hospital, INSTITUTION_LINES)):
        for kind, funding in choices:
            if rng.random() < 0.8:
                _build_line(rng, made, unit, kind, funding)
    today = timezone.localdate()
    raised = today - timedelta(days=60)
    for i in range(rng.randint(4, 12)):
        unit = rng.choice([district.edu, district.school, district.health, district.hospital])
        deadline = rng.choice([None, today - timedelta(days=rng.randint(1, 30)), today + timedelta(days=10)])
        status = rng.choice(list(S))
        problem = ledger.problem_create(actor=None, source=ProblemSource.MANUAL, title=f"问题{i}", unit=unit,
                                        raised_on=raised, deadline=deadline)
        _move_to(problem, status, admin)
        made.problems.append((unit.pk, status, deadline is not None and deadline < today and status != S.CLOSED))
    return made


@pytest.fixture
def liaison_units(district: SimpleNamespace) -> set[int]:
    return {district.edu.pk, district.school.pk}


def _expected(made: Made, units: set[int], names: dict[int, str]) -> dict[str, Any]:
    kinds = made.kinds(units)
    over = made.over_units(units)
    statuses, overdue = made.statuses(units)
    return {
        "quota_by_kind": [{"kind": k.value, "label": k.label, **kinds[k.value]} for k in QuotaKind if k.value in kinds],
        "over_count": len(over), "over_people": sum(p for p, _ in over.values()),
        "over_top": sorted(((-p, names[u], u, lines) for u, (p, lines) in over.items())),
        "statuses": {s.value: statuses.get(s.value, 0) for s in S}, "overdue": overdue,
        "total": sum(statuses.values()),
    }


@pytest.mark.parametrize("seed", [3, 17])
def test_its_figures_equal_independent_counts_for_the_office_and_for_a_liaison(
        seed: int, district: SimpleNamespace, admin: Any, liaison: Any, api_for: Any, liaison_units: set[int]) -> None:
    made = _build(seed, district, admin)
    names = {u.pk: u.name for u in (district.edu, district.school, district.health, district.hospital)}
    for user, units in ((admin, set(names)), (liaison, liaison_units)):
        response = api_for(user).get(API)
        assert response.status_code == 200
        body, expected = response.json(), _expected(made, units, names)
        assert body["units"] == len(units)
        assert body["quota_by_kind"] == expected["quota_by_kind"]
        assert body["over_quota"]["count"] == expected["over_count"]
        assert body["over_quota"]["people"] == expected["over_people"]
        assert [(-row["over"], row["name"], row["unit_id"], row["lines"]) for row in body["over_quota"]["top"]] \
            == expected["over_top"]
        assert all(row["url"] == reverse("staffing:unit", args=[row["unit_id"]]) for row in body["over_quota"]["top"])
        assert {row["status"]: row["count"] for row in body["ledger"]["by_status"]} == expected["statuses"]
        assert body["ledger"]["overdue"] == expected["overdue"]
        assert body["ledger"]["total"] == expected["total"]
        assert body["ledger"]["open"] == expected["total"] - expected["statuses"][S.CLOSED]
        assert body["latest_run"] is None


def test_the_over_quota_table_keeps_the_top_units_and_counts_them_all(district: SimpleNamespace, admin: Any) -> None:
    for unit, enrolled in ((district.health, 2), (district.edu, 4), (district.school, 0)):
        kind, funding = (QuotaKind.INSTITUTION, Funding.FULL) if unit == district.school else ORGAN_LINES[0]
        quota_movement_create(actor=None, unit=unit, kind=kind, funding=funding, type="SET", amount=1,
                              document_no="示编〔2024〕1号", effective_on=SET_ON)
        line = QuotaLine.objects.get(unit=unit)
        quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="临时")
        for person in people(enrolled, unit):
            placement_enrol(actor=None, person=person, unit=unit, kind=kind, funding=funding, on=ON,
                            document_no="示人〔2025〕1号", over_quota_reason="急需")
    top_one = units_over_quota(quota_lines_for_user(admin), top=1)
    assert (top_one["count"], top_one["people"]) == (2, 3 + 1)
    assert [(row["name"], row["over"], row["lines"]) for row in top_one["top"]] == [(district.edu.name, 3, 1)]
    assert top_one["url"] == reverse("staffing:overview") + "?over=on"


def _run(actor: Any) -> CheckRun:
    requested = check_run_request(actor=actor)
    check_run_execute(run_id=requested.pk)
    return CheckRun.objects.get(pk=requested.pk)


def test_the_latest_finished_run_is_shown_by_rule_within_the_users_units(
        district: SimpleNamespace, admin: Any, liaison: Any, api_for: Any, liaison_units: set[int]) -> None:
    _build(3, district, admin)
    _run(admin)
    latest = _run(admin)
    # A failed run later than the latest finished one is not "the latest run".
    CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.FAILED, finished_at=timezone.now())
    for user, units in ((admin, None), (liaison, liaison_units)):
        findings = Finding.objects.filter(run=latest)
        if units is not None:
            findings = findings.filter(unit__in=units)
        expected = Counter(findings.values_list("rule", flat=True))
        body = api_for(user).get(API).json()["latest_run"]
        assert body["id"] == latest.pk and body["url"] == reverse("checks:detail", args=[latest.pk])
        assert {r["rule"]: r["count"] for r in body["by_rule"] if r["count"]} == dict(expected)
        assert body["findings"] == sum(expected.values())
        # The second run found nothing new: everything it found persisted from the first.
        assert body["new"] == 0


def test_over_quota_findings_match_the_lines_over_quota(district: SimpleNamespace, admin: Any, api_for: Any) -> None:
    made = _build(23, district, admin)
    _run(admin)
    body = api_for(admin).get(API).json()
    over_lines = sum(1 for n in made.lines.values() if n["occupied"] > n["approved"])
    assert next(r for r in body["latest_run"]["by_rule"] if r["rule"] == "over_quota")["count"] == over_lines


def test_it_takes_the_same_few_queries_however_large_the_register(
        district: SimpleNamespace, admin: Any, liaison: Any, api_for: Any,
        django_assert_max_num_queries: Any) -> None:
    clients = [api_for(admin), api_for(liaison)]
    _run(admin)
    counts = []
    for client in clients:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API).status_code == 200
        counts.append(len(captured.captured_queries))
    _build(1, district, admin)
    _run(admin)
    for client, count in zip(clients, counts, strict=True):
        with django_assert_max_num_queries(min(count, 12)):
            assert client.get(API).status_code == 200


def test_a_member_without_the_register_gets_403_from_the_api_and_404_on_the_page(
        member: Any, outsider: Any, api_for: Any, client_for: Any) -> None:
    for user in (member, outsider):
        response = api_for(user).get(API)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        assert client_for(user).get(reverse("reports:dashboard_office")).status_code == 404


def test_anonymous_users_are_asked_to_log_in(district: SimpleNamespace, client: Any) -> None:
    assert client.get(API).status_code == 401
    response = client.get(reverse("reports:dashboard_office"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_is_a_shell_of_chart_containers_loading_the_json(liaison: Any, client_for: Any) -> None:
    response = client_for(liaison).get(reverse("reports:dashboard_office"))
    assert response.status_code == 200
    html = response.content.decode()
    data_url = reverse("api:dashboard_office_data")
    assert data_url == API
    for chart in ("quota-by-kind", "over-quota-table", "ledger-status", "findings-by-rule"):
        assert f'data-chart="{chart}" data-chart-url="{data_url}"' in html
    assert 'src="/static/vendor/echarts/echarts.min.js"' in html
    assert 'src="/static/reports/dashboards.js"' in html
    # No inline script: everything the page runs comes from a static file.
    assert html.count("<script") == html.count("<script src=")


def test_a_liaison_logged_in_with_a_password_reads_the_json_with_the_session(district: SimpleNamespace,
                                                                              client: Any) -> None:
    account_services.user_create_with_grants(actor=None, username="lian", password=PASSWORD, full_name="联络",
                                             grants=[(Role.UNIT_LIAISON, district.hospital)])
    assert client.login(username="lian", password=PASSWORD)
    response = client.get(API)
    assert response.status_code == 200
    assert response.json()["units"] == 1 and response.json()["today"] == timezone.localdate().isoformat()


def test_the_openapi_schema_documents_both_routes_with_their_own_schemas(admin: Any, api_for: Any) -> None:
    schema = api_for(admin).get("/api/v1/openapi.json").json()
    office = schema["paths"]["/api/v1/dashboards/office"]["get"]["responses"]["200"]["content"]["application/json"]
    assert office["schema"]["$ref"].endswith("/OfficeDashboardOut")
    branch = schema["paths"]["/api/v1/dashboards/branches/{branch_id}"]["get"]
    assert branch["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/BranchDashboardOut")
    assert [p["name"] for p in branch["parameters"]] == ["branch_id", "year"]
    # Component names are global: the party activities' AttendanceOut keeps its own shape beside ours.
    components = schema["components"]["schemas"]
    assert "months" not in components["AttendanceOut"]["properties"]
    assert "months" in components["DashAttendanceOut"]["properties"]
