"""Check runs: requested and executed, findings stored and compared with the previous run, the ledger fed
without duplicates, vanished findings marked 数据已消除 (not closed), and the bad requests refused."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from bianban.checks.choices import Change, RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.services import check_run_execute, check_run_request
from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.core.workdays import add_workdays
from bianban.ledger.choices import EventKind, ProblemCategory, ProblemSource, ProblemStatus
from bianban.ledger.models import Problem, ProblemEvent
from bianban.ledger.services import measure_complete, measure_create, problem_transition
from bianban.staffing.choices import Enforcement
from bianban.staffing.services import placement_enrol, placement_release, quota_line_configure
from bianban.staffing.tests.helpers import ON, institution_line, people
from bianban.units.services import charter_create

pytestmark = pytest.mark.django_db


def run(actor: Any = None, **kwargs: Any) -> CheckRun:
    requested = check_run_request(actor=actor, **kwargs)
    check_run_execute(run_id=requested.pk)
    return CheckRun.objects.get(pk=requested.pk)


def give_charters(*units: Any) -> None:
    for unit in units:
        charter_create(actor=None, unit=unit, title="三定规定", document_no="示编〔2023〕1号",
                       issued_on=date(2023, 1, 3), effective_on=date(2023, 1, 3))


@pytest.fixture
def over(district: Any) -> SimpleNamespace:
    """The school's line in warn mode with one person over quota; every unit has a (quota-less) charter except
    the hospital."""
    give_charters(district.edu, district.school, district.health)
    line = institution_line(district.school, 1)
    quota_line_configure(actor=None, line=line, enforcement=Enforcement.WARN, reason="临时")
    placements = []
    for person in people(2, district.school):
        placements.append(placement_enrol(actor=None, person=person, unit=district.school, kind=line.kind,
                                          funding=line.funding, on=ON, document_no="示人〔2025〕1号",
                                          over_quota_reason="急需"))
    return SimpleNamespace(line=line, placements=placements)


def test_a_run_stores_findings_and_opens_one_problem_each(district: Any, staff: Any, over: Any) -> None:
    first = run(staff)
    assert first.status == RunStatus.DONE and first.rules_done == first.rules_total == 16
    # Charters exist but state no quota while the register has one line: charter_mismatch for the school too.
    assert first.counts["over_quota"] == 1 and first.counts["no_charter"] == 1
    assert first.finding_count == sum(first.counts.values()) == first.new_count
    assert first.previous is None and first.feeds_ledger
    finding = Finding.objects.get(run=first, rule="over_quota")
    assert finding.key == f"over_quota:line:{over.line.pk}" and finding.change == Change.NEW
    problem = Problem.objects.get(source=ProblemSource.CHECK, source_key=finding.key)
    assert problem.status == ProblemStatus.OPEN and problem.unit_id == district.school.pk
    assert problem.category == ProblemCategory.ESTABLISHMENT and problem.title.startswith("超编：")
    assert problem.source_type.model == "finding" and problem.source_id == str(finding.pk)
    assert problem.deadline == add_workdays(timezone.localdate(), 30)
    assert Problem.objects.filter(source=ProblemSource.CHECK).count() == first.finding_count == first.problems_opened
    assert ProblemEvent.objects.filter(problem=problem, kind=EventKind.CREATED).count() == 1
    assert AuditEvent.objects.filter(action="problem.create", target_id=str(problem.pk)).count() == 1
    assert AuditEvent.objects.filter(action="check_run.done", target_id=str(first.pk)).exists()
    assert set(first.timings) == {"rules", "store", "ledger"}


def test_rerun_persists_without_duplicates_then_resolved_by_data(district: Any, staff: Any, over: Any) -> None:
    first = run(staff)
    second = run(staff)
    assert second.previous_id == first.pk
    assert second.new_count == 0 and second.persisting_count == first.finding_count and second.resolved_count == 0
    assert second.problems_opened == 0
    assert Problem.objects.filter(source=ProblemSource.CHECK).count() == first.finding_count
    # The over-quota person leaves: the finding disappears and its problem waits for close-out, still open.
    placement_release(actor=None, placement=over.placements[1], reason="RESIGNATION", on=ON + timedelta(days=1),
                      document_no="示人〔2025〕3号")
    third = run(staff)
    assert third.counts["over_quota"] == 0 and third.resolved_count == 1 and third.problems_resolved == 1
    problem = Problem.objects.get(source_key=f"over_quota:line:{over.line.pk}")
    assert problem.status == ProblemStatus.OPEN and problem.data_resolved_on == timezone.localdate()
    assert ProblemEvent.objects.filter(problem=problem, kind=EventKind.DATA_RESOLVED).count() == 1
    assert AuditEvent.objects.filter(action="problem.data_resolved", target_id=str(problem.pk)).count() == 1
    # Running again changes nothing more.
    fourth = run(staff)
    assert fourth.problems_resolved == 0
    assert ProblemEvent.objects.filter(problem=problem, kind=EventKind.DATA_RESOLVED).count() == 1


def test_a_finding_that_comes_back_is_live_again(district: Any, staff: Any, over: Any) -> None:
    run(staff)
    placement_release(actor=None, placement=over.placements[1], reason="RESIGNATION", on=ON + timedelta(days=1),
                      document_no="示人〔2025〕3号")
    run(staff)
    [person] = people(1, district.school)
    placement_enrol(actor=None, person=person, unit=district.school, kind=over.line.kind, funding=over.line.funding,
                    on=ON + timedelta(days=2), document_no="示人〔2025〕4号", over_quota_reason="急需")
    again = run(staff)
    assert again.counts["over_quota"] == 1 and again.problems_opened == 0
    problem = Problem.objects.get(source_key=f"over_quota:line:{over.line.pk}")
    assert problem.data_resolved_on is None
    assert ProblemEvent.objects.filter(problem=problem, kind=EventKind.RAISED_AGAIN).count() == 1
    finding = Finding.objects.get(run=again, rule="over_quota")
    assert finding.change == Change.NEW  # new against the previous run, though its problem was already open


def test_closed_problem_and_a_new_occurrence_opens_a_new_one(district: Any, staff: Any, admin: Any,
                                                               over: Any) -> None:
    run(staff)
    problem = Problem.objects.get(source_key=f"over_quota:line:{over.line.pk}")
    problem = problem_transition(actor=staff, problem=problem, to_status=ProblemStatus.IN_PROGRESS)
    measure = measure_create(actor=staff, problem=problem, description="清理超编人员")
    measure_complete(actor=staff, measure=measure)
    problem = problem_transition(actor=staff, problem=problem, to_status=ProblemStatus.AWAITING_REVIEW)
    problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.CLOSED)
    # Closed while the data still shows it: the next run opens a fresh problem for the same key.
    rerun = run(staff)
    assert rerun.problems_opened == 1
    assert Problem.objects.filter(source_key=f"over_quota:line:{over.line.pk}").count() == 2
    assert Problem.objects.filter(source_key=f"over_quota:line:{over.line.pk}",
                                  status=ProblemStatus.OPEN).count() == 1


def test_subtree_run_resolves_only_inside_its_scope(district: Any, staff: Any, over: Any) -> None:
    whole = run(staff)
    hospital_problem = Problem.objects.get(source_key=f"no_charter:unit:{district.hospital.pk}")
    give_charters(district.hospital)
    edu_run = run(staff, root=district.edu)
    assert edu_run.previous is None  # compared with runs over the same scope only
    assert Finding.objects.filter(run=edu_run, unit=district.hospital).count() == 0
    hospital_problem.refresh_from_db()
    assert hospital_problem.data_resolved_on is None  # outside the subtree: not this run's business
    health_run = run(staff, root=district.health)
    hospital_problem.refresh_from_db()
    assert health_run.problems_resolved == 1 and hospital_problem.data_resolved_on is not None
    assert whole.finding_count > edu_run.finding_count


def test_past_as_of_records_findings_but_leaves_the_ledger_alone(district: Any, staff: Any, over: Any) -> None:
    past = run(staff, as_of=ON + timedelta(days=1))
    assert not past.feeds_ledger and past.counts["over_quota"] == 1 and past.problems_opened == 0
    assert "不登记问题台账" in past.message
    assert not Problem.objects.exists()
    assert "ledger" not in past.timings


def test_bad_requests_write_nothing(district: Any, staff: Any, liaison: Any, reviewer: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_run_request(actor=staff, as_of=timezone.localdate() + timedelta(days=1))
    assert caught.value.message == "核查基准日不能晚于今天"
    with pytest.raises(PermissionDenied):
        check_run_request(actor=reviewer)
    with pytest.raises(PermissionDenied):
        check_run_request(actor=liaison, root=district.edu)  # liaisons fix problems, the office verifies
    with pytest.raises(NotFound):
        check_run_request(actor=liaison, root=district.health)
    assert not CheckRun.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="check_run").exists()


def test_one_run_at_a_time(district: Any, staff: Any) -> None:
    pending = check_run_request(actor=staff)
    with pytest.raises(Conflict) as caught:
        check_run_request(actor=staff, root=district.edu)
    assert f"核查 #{pending.pk}" in caught.value.message
    check_run_execute(run_id=pending.pk)
    assert check_run_request(actor=staff, root=district.edu).pk > pending.pk


def test_a_stale_run_does_not_block_forever(district: Any, staff: Any) -> None:
    pending = check_run_request(actor=staff)
    CheckRun.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert check_run_request(actor=staff).pk != pending.pk


def test_a_failing_rule_fails_the_run_and_writes_nothing_half_done(district: Any, staff: Any, over: Any) -> None:
    requested = check_run_request(actor=staff)
    with mock.patch("bianban.checks.services._store", side_effect=RuntimeError("disk full")):
        check_run_execute(run_id=requested.pk)
    failed = CheckRun.objects.get(pk=requested.pk)
    assert failed.status == RunStatus.FAILED and "核查出错" in failed.message
    assert not Finding.objects.filter(run=failed).exists() and not Problem.objects.exists()
    assert AuditEvent.objects.filter(action="check_run.fail", target_id=str(failed.pk)).exists()
    # A later run is not blocked by the failed one and compares with nothing (the failed one has no findings).
    later = run(staff)
    assert later.previous is None and later.status == RunStatus.DONE


def test_executing_twice_is_harmless(district: Any, staff: Any, over: Any) -> None:
    done = run(staff)
    check_run_execute(run_id=done.pk)
    assert Finding.objects.filter(run=done).count() == done.finding_count
    assert Problem.objects.count() == done.problems_opened


def test_the_database_allows_one_active_run(district: Any) -> None:
    from django.db import IntegrityError, transaction

    CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckRun.objects.create(as_of=timezone.localdate())
    CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.DONE)  # finished ones are not limited


def test_a_stale_run_is_marked_abandoned(district: Any, staff: Any) -> None:
    pending = check_run_request(actor=staff)
    CheckRun.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(hours=2))
    check_run_request(actor=staff)
    pending.refresh_from_db()
    assert pending.status == RunStatus.FAILED and "视为中断" in pending.message
    assert AuditEvent.objects.filter(action="check_run.abandon", target_id=str(pending.pk)).exists()
