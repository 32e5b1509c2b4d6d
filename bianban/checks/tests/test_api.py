"""/api/v1/check-rules and /api/v1/check-runs: starting a run, reading it back, and who may do what.

The register built here has one problem on each side of the district: 区人民医院 (health) is over its quota,
and a teacher of 区第一中学 (edu) has an ID number that fails its check character. No unit has a 三定规定, so
every unit is also found by `no_charter` — two on each side.
"""

import dataclasses
import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.accounts import services as account_services
from bianban.accounts.choices import Role
from bianban.checks import services
from bianban.checks.choices import RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import RULES
from bianban.conftest import PASSWORD
from bianban.core.models import AuditEvent
from bianban.ledger.choices import ProblemSource
from bianban.ledger.models import Problem
from bianban.people.models import Person
from bianban.staffing.choices import Enforcement
from bianban.staffing.services import placement_enrol, quota_line_configure
from bianban.staffing.tests.helpers import ON, institution_line, people
from bianban.units.choices import UnitStatus
from bianban.units.models import Unit

CODES = ["over_quota", "over_posts", "mixed_kind", "abolished_unit_placement", "expired_approval", "no_charter",
         "charter_mismatch", "past_retirement", "multiple_placements", "invalid_id", "duplicate_id",
         # 事业单位登记 (bianban/registration/rules.py)
         "registration_missing", "certificate_expired", "annual_report_late", "registration_mismatch", "filing_overdue"]


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _counts(body: dict[str, Any]) -> dict[str, int]:
    """The rule summary of a run's detail as {code: count}, only the rules that found something."""
    return {row["rule"]: row["count"] for row in body["rules"] if row["count"]}


def _break_id_number(person: Person) -> None:
    """Store a number with a wrong check character, as legacy data would (the services refuse it)."""
    last = person.id_number[-1]
    Person.objects.filter(pk=person.pk).update(id_number=person.id_number[:17] + ("1" if last == "0" else "0"))


@pytest.fixture
def register(district: Any) -> SimpleNamespace:
    line = institution_line(district.hospital, 1)
    quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="医院急需补充医护人员")
    for k, person in enumerate(people(2, district.hospital)):
        placement_enrol(actor=None, person=person, unit=district.hospital, kind=line.kind, funding=line.funding,
                        on=ON + timedelta(days=k), document_no="示人〔2025〕1号",
                        over_quota_reason="急诊科医师" if k else "")
    [teacher] = people(1, district.school)
    _break_id_number(teacher)
    return SimpleNamespace(line=line, teacher=teacher)


WHOLE = {"over_quota": 1, "no_charter": 4, "invalid_id": 1}
EDU_SIDE = {"no_charter": 2, "invalid_id": 1}


def _run(api: Any, **body: Any) -> dict[str, Any]:
    response = _post(api, "/api/v1/check-runs", body)
    assert response.status_code == 202, response.content
    return response.json()


# ---------------------------------------------------------------------------------------------------- rules


def test_the_rule_list_holds_all_eleven_rules_with_chinese_titles(api_for: Any, reviewer: Any) -> None:
    response = api_for(reviewer).get("/api/v1/check-rules")
    assert response.status_code == 200
    rules = response.json()
    assert [r["code"] for r in rules] == CODES
    by_code = {r["code"]: r for r in rules}
    assert by_code["over_quota"]["title"] == "超编"
    assert by_code["invalid_id"]["category"] == "real_name"
    assert by_code["no_charter"]["severity"] == "warning" and by_code["over_quota"]["severity"] == "error"
    assert by_code["past_retirement"]["subject"] == "placement"
    assert all(r["explanation"] for r in rules)


def test_the_rule_list_needs_a_token(district: Any) -> None:
    from django.test import Client

    assert Client().get("/api/v1/check-rules").status_code == 401


# ---------------------------------------------------------------------------------------------------- starting


def test_staff_start_a_run_that_finishes_within_the_request_and_opens_problems(
        api_for: Any, staff: Any, register: Any) -> None:
    body = _run(api_for(staff))
    run = CheckRun.objects.get()
    assert body["id"] == run.pk
    assert (body["status"], body["status_label"], body["finished"], body["progress"]) == ("done", "已完成", True, 100)
    assert body["scope"] == "全部机构" and body["root_id"] is None
    assert body["as_of"] == timezone.localdate().isoformat() and body["feeds_ledger"] is True
    assert _counts(body) == WHOLE
    assert [row["rule"] for row in body["rules"]] == CODES
    assert (body["finding_count"], body["new_count"], body["persisting_count"], body["resolved_count"]) == (6, 6, 0, 0)
    assert body["previous_id"] is None and body["seconds"] is not None
    assert body["problems_opened"] == 6 and "共发现 6 项问题" in body["message"]
    assert run.counts == {code: WHOLE.get(code, 0) for code in CODES}
    problems = Problem.objects.filter(source=ProblemSource.CHECK)
    assert problems.count() == 6
    assert set(problems.values_list("source_key", flat=True)) == set(run.findings.values_list("key", flat=True))
    assert AuditEvent.objects.filter(action="check_run.request", actor=staff).count() == 1
    assert AuditEvent.objects.filter(action="check_run.done").count() == 1


def test_a_second_run_compares_with_the_first_and_opens_no_new_problems(
        api_for: Any, staff: Any, register: Any) -> None:
    api = api_for(staff)
    first = _run(api)
    second = _run(api)
    assert second["previous_id"] == first["id"]
    assert (second["finding_count"], second["new_count"], second["persisting_count"]) == (6, 0, 6)
    assert all(row["new"] == 0 for row in second["rules"])
    assert second["problems_opened"] == 0
    assert Problem.objects.filter(source=ProblemSource.CHECK).count() == 6


def test_a_run_after_a_fix_counts_the_finding_as_resolved_and_marks_its_problem(
        api_for: Any, staff: Any, register: Any) -> None:
    api = api_for(staff)
    _run(api)
    Person.objects.filter(pk=register.teacher.pk).update(id_number=register.teacher.id_number)
    body = _run(api)
    assert (body["finding_count"], body["resolved_count"], body["problems_resolved"]) == (5, 1, 1)
    assert "invalid_id" not in _counts(body)
    problem = Problem.objects.get(source_key=f"invalid_id:person:{register.teacher.pk}")
    assert problem.data_resolved_on == timezone.localdate()


def test_a_run_as_of_a_past_date_records_findings_but_leaves_the_ledger_alone(
        api_for: Any, staff: Any, register: Any) -> None:
    body = _run(api_for(staff), as_of=(ON + timedelta(days=5)).isoformat())
    assert body["feeds_ledger"] is False and body["problems_opened"] == 0
    assert _counts(body)["over_quota"] == 1
    assert "不登记问题台账" in body["message"]
    assert not Problem.objects.exists()


def test_a_run_as_of_a_past_date_does_not_become_what_todays_runs_compare_with(
        api_for: Any, staff: Any, register: Any) -> None:
    # A look at the register as of a past date between two runs as of today must not become the second one's
    # baseline: the over-quota line, still open in the ledger, would be reported 新发现 again.
    api = api_for(staff)
    first = _run(api)
    history = _run(api, as_of="2024-06-01")  # before anyone was enrolled at the hospital
    assert "over_quota" not in _counts(history)
    second = _run(api)
    assert second["problems_opened"] == 0
    assert second["previous_id"] == first["id"]
    assert (second["new_count"], second["persisting_count"]) == (0, 6)


def test_a_run_as_of_a_future_date_is_422_in_chinese_and_writes_nothing(
        api_for: Any, staff: Any, register: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _post(api_for(staff), "/api/v1/check-runs", {"as_of": tomorrow.isoformat()})
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": "核查基准日不能晚于今天",
                               "details": {"as_of": ["核查基准日不能晚于今天"]}}
    assert not CheckRun.objects.exists()
    assert not Finding.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="check_run").exists()


def test_a_malformed_date_is_422(api_for: Any, staff: Any, district: Any) -> None:
    response = _post(api_for(staff), "/api/v1/check-runs", {"as_of": "2025-13-01"})
    assert response.status_code == 422
    assert response.json()["details"] == {"as_of": ["日期格式应为YYYY-MM-DD"]}
    assert not CheckRun.objects.exists()


def test_a_run_of_one_subtree_only_finds_inside_it(api_for: Any, staff: Any, register: Any, district: Any) -> None:
    body = _run(api_for(staff), root_unit_id=district.health.pk)
    assert body["root_id"] == district.health.pk and body["scope"] == "示例区卫生健康局"
    assert _counts(body) == {"over_quota": 1, "no_charter": 2}
    assert set(Finding.objects.values_list("unit_id", flat=True)) == {district.health.pk, district.hospital.pk}


def test_a_subtree_run_marks_only_its_own_problems_as_resolved(
        api_for: Any, staff: Any, register: Any, district: Any) -> None:
    api = api_for(staff)
    _run(api)
    Person.objects.filter(pk=register.teacher.pk).update(id_number=register.teacher.id_number)
    health = _run(api, root_unit_id=district.health.pk)
    # The teacher's number was put right, but a run over the health side is no judge of the edu side.
    assert health["problems_resolved"] == 0 and health["problems_opened"] == 0
    assert health["previous_id"] is None and health["new_count"] == 3
    assert not Problem.objects.filter(data_resolved_on__isnull=False).exists()
    edu = _run(api, root_unit_id=district.edu.pk)
    assert edu["problems_resolved"] == 1
    assert list(Problem.objects.filter(data_resolved_on__isnull=False).values_list("source_key", flat=True)) == [
        f"invalid_id:person:{register.teacher.pk}"]


def test_a_second_run_while_one_is_queued_is_409(api_for: Any, staff: Any, district: Any) -> None:
    busy = CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.QUEUED)
    response = _post(api_for(staff), "/api/v1/check-runs", {})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["details"] == {"run_id": busy.pk}
    assert "尚未完成" in response.json()["message"]
    assert CheckRun.objects.count() == 1


def test_an_abolished_root_is_422_unless_the_date_is_before_its_abolition(
        api_for: Any, staff: Any, district: Any) -> None:
    abolished_on = timezone.localdate() - timedelta(days=30)
    Unit.objects.filter(pk=district.hospital.pk).update(status=UnitStatus.ABOLISHED, abolished_on=abolished_on)
    api = api_for(staff)
    refused = _post(api, "/api/v1/check-runs", {"root_unit_id": district.hospital.pk})
    assert refused.status_code == 422
    assert refused.json()["message"] == "示例区人民医院已撤销，请选择存续的机构或更早的基准日"
    assert not CheckRun.objects.exists()
    before = _run(api, root_unit_id=district.hospital.pk, as_of=(abolished_on - timedelta(days=1)).isoformat())
    assert before["status"] == "done" and before["feeds_ledger"] is False


def test_a_run_whose_rule_breaks_ends_failed_and_says_so(
        api_for: Any, staff: Any, register: Any, monkeypatch: Any) -> None:
    def broken(scope: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "RULES", [*RULES[:5], dataclasses.replace(RULES[5], find=broken), *RULES[6:]])
    body = _run(api_for(staff))
    assert (body["status"], body["status_label"], body["finished"]) == ("failed", "出错", True)
    assert body["message"] == "核查出错，未完成：RuntimeError。已记录日志，请联系系统管理员。"
    assert body["progress"] == int(100 * 5 / len(RULES)) and body["finding_count"] == 0
    assert not Finding.objects.exists() and not Problem.objects.exists()
    assert AuditEvent.objects.filter(action="check_run.fail", reason="boom").count() == 1
    # A failed run is not the one the next run compares with.
    monkeypatch.undo()
    assert _run(api_for(staff))["previous_id"] is None


def test_an_unknown_root_is_404(api_for: Any, staff: Any, district: Any) -> None:
    response = _post(api_for(staff), "/api/v1/check-runs", {"root_unit_id": 999999})
    assert response.status_code == 404
    assert response.json()["details"] == {"root_unit_id": ["机构不存在或无权访问"]}
    assert not CheckRun.objects.exists()


def test_a_liaison_may_not_start_runs(api_for: Any, liaison: Any, district: Any) -> None:
    api = api_for(liaison)
    own = _post(api, "/api/v1/check-runs", {"root_unit_id": district.school.pk})
    assert own.status_code == 403 and own.json()["message"] == "没有发起编制核查的权限"
    whole = _post(api, "/api/v1/check-runs", {})
    assert whole.status_code == 403 and "全区范围授权" in whole.json()["message"]
    outside = _post(api, "/api/v1/check-runs", {"root_unit_id": district.hospital.pk})
    assert outside.status_code == 404
    assert not CheckRun.objects.exists()


@pytest.fixture
def edu_clerk(district: Any) -> Any:
    """An office clerk whose grant covers only 区教育局 and below: may run checks there and nowhere else."""
    return account_services.user_create_with_grants(actor=None, username="grace", password=PASSWORD,
                                                    full_name="钱科员", grants=[(Role.OFFICE_STAFF, district.edu)])


def test_a_subtree_clerk_runs_their_subtree_but_neither_another_nor_the_whole_register(
        api_for: Any, edu_clerk: Any, register: Any, district: Any) -> None:
    api = api_for(edu_clerk)
    outside = _post(api, "/api/v1/check-runs", {"root_unit_id": district.hospital.pk})
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    whole = _post(api, "/api/v1/check-runs", {})
    assert whole.status_code == 403
    assert whole.json()["message"] == "只有全区范围授权的用户可以核查全部机构，请选择核查范围"
    assert not CheckRun.objects.exists()
    body = _run(api, root_unit_id=district.school.pk)
    assert _counts(body) == {"no_charter": 1, "invalid_id": 1}


@pytest.mark.parametrize("persona", ["member", "secretary", "outsider"])
def test_users_without_the_register_can_neither_start_nor_read_runs(
        persona: str, request: Any, api_for: Any, staff: Any, district: Any) -> None:
    run_id = _run(api_for(staff))["id"]
    api = api_for(request.getfixturevalue(persona))
    assert _post(api, "/api/v1/check-runs", {}).status_code == 403
    assert _post(api, "/api/v1/check-runs", {"root_unit_id": district.school.pk}).status_code == 404
    assert CheckRun.objects.count() == 1
    assert api.get("/api/v1/check-runs").json() == {"items": [], "count": 0}
    assert api.get(f"/api/v1/check-runs/{run_id}").status_code == 404
    assert api.get(f"/api/v1/check-runs/{run_id}/findings").status_code == 404


# ---------------------------------------------------------------------------------------------------- reading


def test_the_run_list_is_newest_first_and_paginated(api_for: Any, staff: Any, reviewer: Any, district: Any) -> None:
    api = api_for(staff)
    ids = [_run(api)["id"] for _ in range(3)]
    listed = api_for(reviewer).get("/api/v1/check-runs").json()
    assert listed["count"] == 3
    assert [r["id"] for r in listed["items"]] == ids[::-1]
    assert listed["items"][0]["previous_id"] == ids[1]
    page = api_for(reviewer).get("/api/v1/check-runs", {"limit": 1, "offset": 1}).json()
    assert [r["id"] for r in page["items"]] == [ids[1]] and page["count"] == 3


def test_an_unknown_run_is_404(api_for: Any, staff: Any, district: Any) -> None:
    response = api_for(staff).get("/api/v1/check-runs/999999")
    assert response.status_code == 404
    assert response.json()["message"] == "核查不存在或无权访问"


def test_the_run_detail_counts_only_the_callers_units(
        api_for: Any, staff: Any, liaison: Any, reviewer: Any, register: Any, district: Any) -> None:
    run_id = _run(api_for(staff))["id"]
    assert _counts(api_for(reviewer).get(f"/api/v1/check-runs/{run_id}").json()) == WHOLE
    body = api_for(liaison).get(f"/api/v1/check-runs/{run_id}").json()
    assert _counts(body) == EDU_SIDE
    assert {row["rule"]: row["new"] for row in body["rules"] if row["new"]} == EDU_SIDE
    findings = api_for(liaison).get(f"/api/v1/check-runs/{run_id}/findings").json()
    assert findings["count"] == 3
    assert {f["unit_id"] for f in findings["items"]} == {district.edu.pk, district.school.pk}
    assert {f["key"] for f in findings["items"]} == {
        f"no_charter:unit:{district.edu.pk}", f"no_charter:unit:{district.school.pk}",
        f"invalid_id:person:{register.teacher.pk}"}
    over = api_for(liaison).get(f"/api/v1/check-runs/{run_id}/findings", {"rule": "over_quota"}).json()
    assert over == {"items": [], "count": 0}


def test_findings_filter_by_rule_and_change_and_paginate(api_for: Any, staff: Any, register: Any,
                                                         district: Any) -> None:
    api = api_for(staff)
    _run(api)
    [newcomer] = people(1, district.edu)
    _break_id_number(newcomer)
    run_id = _run(api)["id"]
    url = f"/api/v1/check-runs/{run_id}/findings"

    invalid = api.get(url, {"rule": "invalid_id"}).json()
    assert invalid["count"] == 2
    assert {f["subject_id"] for f in invalid["items"]} == {register.teacher.pk, newcomer.pk}
    assert all(f["rule"] == "invalid_id" and f["subject"] == "person" for f in invalid["items"])

    new = api.get(url, {"change": "new"}).json()
    assert [(f["rule"], f["subject_id"]) for f in new["items"]] == [("invalid_id", newcomer.pk)]
    assert "未通过校验" in new["items"][0]["message"]
    assert api.get(url, {"change": "persisting"}).json()["count"] == 6
    assert api.get(url, {"rule": "invalid_id", "change": "persisting"}).json()["count"] == 1
    assert api.get(url, {"rule": "no_such_rule"}).json()["count"] == 0
    assert api.get(url, {"change": "gone"}).status_code == 422

    everything = api.get(url).json()
    assert everything["count"] == 7
    first = api.get(url, {"limit": 3}).json()
    rest = api.get(url, {"limit": 3, "offset": 3}).json()
    last = api.get(url, {"limit": 3, "offset": 6}).json()
    assert first["count"] == 7 and len(first["items"]) == 3 and len(last["items"]) == 1
    paged = [f["id"] for page in (first, rest, last) for f in page["items"]]
    assert paged == [f["id"] for f in everything["items"]]
    assert len(set(paged)) == 7
    # Ordered by rule code, then found order.
    assert [f["rule"] for f in everything["items"]] == sorted(f["rule"] for f in everything["items"])


def test_findings_search_the_message(api_for: Any, staff: Any, register: Any) -> None:
    api = api_for(staff)
    run_id = _run(api)["id"]
    found = api.get(f"/api/v1/check-runs/{run_id}/findings", {"q": "超编 1 名"}).json()
    assert [f["rule"] for f in found["items"]] == ["over_quota"]
    assert found["items"][0]["subject_id"] == register.line.pk
