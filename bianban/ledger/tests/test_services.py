from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.core.workdays import add_workdays
from bianban.ledger import selectors, services
from bianban.ledger.choices import EventKind, ProblemSource, ProblemStatus
from bianban.ledger.models import Evidence, Problem
from bianban.testing import race

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_it_computes_the_deadline_from_working_days(make_problem: Any) -> None:
    problem = make_problem(deadline_workdays=10)
    assert problem.deadline == add_workdays(date(2025, 3, 3), 10)
    assert problem.events.get().kind == EventKind.CREATED
    assert AuditEvent.objects.filter(action="problem.create", target_id=str(problem.pk)).exists()


def test_it_rejects_a_problem_without_a_title(district: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.problem_create(actor=None, source=ProblemSource.MANUAL, title="  ")
    assert "title" in exc.value.details
    assert not Problem.objects.exists()


def test_it_walks_the_whole_workflow_and_records_a_timeline(awaiting: Any, admin: Any) -> None:
    services.problem_transition(actor=admin, problem=awaiting, to_status=ProblemStatus.CLOSED)
    awaiting.refresh_from_db()
    assert awaiting.status == ProblemStatus.CLOSED
    assert awaiting.closed_by == admin and awaiting.closed_at is not None
    moves = list(awaiting.events.filter(kind=EventKind.TRANSITION).values_list("from_status", "to_status"))
    assert moves == [("open", "in_progress"), ("in_progress", "awaiting_review"), ("awaiting_review", "closed")]
    services.problem_transition(actor=admin, problem=awaiting, to_status=ProblemStatus.IN_PROGRESS,
                                note="复查未整改到位")
    awaiting.refresh_from_db()
    assert awaiting.status == ProblemStatus.IN_PROGRESS and awaiting.closed_at is None


def test_it_refuses_a_transition_that_skips_a_step(make_problem: Any, admin: Any) -> None:
    problem = make_problem()
    with pytest.raises(ValidationFailed, match="待整改"):
        services.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.CLOSED)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_it_refuses_submitting_with_no_or_unfinished_measures(make_problem: Any, staff: Any) -> None:
    problem = make_problem()
    services.problem_transition(actor=staff, problem=problem, to_status=ProblemStatus.IN_PROGRESS)
    with pytest.raises(ValidationFailed, match="至少制定一项"):
        services.problem_transition(actor=staff, problem=problem, to_status=ProblemStatus.AWAITING_REVIEW)
    services.measure_create(actor=staff, problem=problem, description="核减编制")
    with pytest.raises(ValidationFailed, match="未完成"):
        services.problem_transition(actor=staff, problem=problem, to_status=ProblemStatus.AWAITING_REVIEW)
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.IN_PROGRESS


def test_only_an_office_admin_closes_out(awaiting: Any, staff: Any, liaison: Any, admin: Any) -> None:
    for user in (staff, liaison):
        with pytest.raises(PermissionDenied):
            services.problem_transition(actor=user, problem=awaiting, to_status=ProblemStatus.CLOSED)
    assert Problem.objects.get(pk=awaiting.pk).status == ProblemStatus.AWAITING_REVIEW
    services.problem_transition(actor=admin, problem=awaiting, to_status=ProblemStatus.CLOSED)


def test_returning_for_rework_needs_a_note(awaiting: Any, admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.problem_transition(actor=admin, problem=awaiting, to_status=ProblemStatus.IN_PROGRESS)
    assert "note" in exc.value.details
    services.problem_transition(actor=admin, problem=awaiting, to_status=ProblemStatus.IN_PROGRESS, note="材料不全")
    assert Problem.objects.get(pk=awaiting.pk).status == ProblemStatus.IN_PROGRESS


def test_a_stale_transition_is_a_conflict(awaiting: Any, admin: Any) -> None:
    stale = Problem.objects.get(pk=awaiting.pk)
    services.problem_transition(actor=admin, problem=awaiting, to_status=ProblemStatus.CLOSED)
    with pytest.raises(Conflict, match="已被他人修改"):
        services.problem_transition(actor=admin, problem=stale, to_status=ProblemStatus.CLOSED)
    assert awaiting.events.filter(to_status=ProblemStatus.CLOSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_close_outs_one_wins_the_other_conflicts(awaiting: Any, admin: Any) -> None:
    copies = [Problem.objects.get(pk=awaiting.pk) for _ in range(2)]
    def close(problem: Problem) -> Callable[[], Any]:
        return lambda: services.problem_transition(actor=admin, problem=problem, to_status=ProblemStatus.CLOSED)

    assert race(*(close(p) for p in copies)) == ["conflict", "ok"]
    assert Problem.objects.get(pk=awaiting.pk).status == ProblemStatus.CLOSED
    assert awaiting.events.filter(to_status=ProblemStatus.CLOSED).count() == 1


def test_raising_the_same_finding_twice_returns_the_open_problem(district: Any) -> None:
    kwargs = {"actor": None, "source": ProblemSource.CHECK, "source_key": "OVER_QUOTA:line:7", "title": "超编",
              "unit": district.edu}
    first, created = services.problem_raise(**kwargs)
    again, created_again = services.problem_raise(**kwargs)
    assert created and not created_again and again.pk == first.pk
    assert Problem.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.problem_create(**kwargs)


def test_a_closed_problem_does_not_block_raising_it_anew(district: Any) -> None:
    kwargs = {"actor": None, "source": ProblemSource.CHECK, "source_key": "K1", "title": "超编", "unit": district.edu}
    first, _ = services.problem_raise(**kwargs)
    Problem.objects.filter(pk=first.pk).update(status=ProblemStatus.CLOSED)
    second, created = services.problem_raise(**kwargs)
    assert created and second.pk != first.pk
    closed = Problem.objects.get(pk=first.pk)
    with pytest.raises(ValidationFailed, match="未销号"):
        services.problem_transition(actor=None, problem=closed, to_status=ProblemStatus.IN_PROGRESS, note="重开")


def test_a_vanished_finding_is_marked_resolved_by_data_not_closed(district: Any) -> None:
    kwargs = {"actor": None, "source": ProblemSource.CHECK, "source_key": "K2", "title": "多头占编"}
    problem, _ = services.problem_raise(**kwargs)
    services.problem_mark_data_resolved(actor=None, source=ProblemSource.CHECK, source_key="K2", on=date(2025, 5, 1))
    problem.refresh_from_db()
    assert problem.data_resolved_on == date(2025, 5, 1)
    assert problem.status == ProblemStatus.OPEN
    assert problem.events.filter(kind=EventKind.DATA_RESOLVED).exists()
    again, created = services.problem_raise(**kwargs)
    assert not created and again.data_resolved_on is None
    assert Problem.objects.get(pk=problem.pk).data_resolved_on is None
    assert services.problem_mark_data_resolved(actor=None, source=ProblemSource.CHECK, source_key="nope",
                                               on=date(2025, 5, 1)) is None


@pytest.fixture
def measure(make_problem: Any) -> Any:
    problem = make_problem()
    return services.measure_create(actor=None, problem=problem, description="整改")


@pytest.mark.parametrize(("name", "content"), [
    ("report.pdf", PNG),
    ("report.pdf", bytes(range(256)) * 4),
    ("photo.png", PDF),
    ("report.docx", b"PK\x03\x04" + b"\x00" * 100),
    ("script.exe", b"MZ" + b"\x00" * 100),
])
def test_it_refuses_evidence_whose_content_is_not_its_type(measure: Any, name: str, content: bytes) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.evidence_add(actor=None, measure=measure, uploaded_file=SimpleUploadedFile(name, content), note="")
    assert "file" in exc.value.details
    assert not Evidence.objects.exists()


def test_it_refuses_evidence_over_the_size_limit(measure: Any, settings: Any) -> None:
    settings.BIANBAN = {**settings.BIANBAN, "EVIDENCE_MAX_MB": 1}
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationFailed, match="1MB"):
        services.evidence_add(actor=None, measure=measure, uploaded_file=big, note="")
    assert not Evidence.objects.exists()


def test_it_stores_real_evidence_outside_the_web_root(measure: Any, tmp_path: Any, staff: Any) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        evidence = services.evidence_add(actor=staff, measure=measure,
                                         uploaded_file=SimpleUploadedFile("通知.pdf", PDF), note="文件")
        assert evidence.content_type == "application/pdf"
        assert evidence.file.name.startswith("evidence/")
        assert (tmp_path / evidence.file.name).read_bytes() == PDF
    assert evidence.uploaded_by == staff


def test_the_liaison_works_its_own_units_problems_only(make_problem: Any, district: Any, liaison: Any) -> None:
    own = make_problem(unit=district.school)
    other = make_problem(unit=district.hospital)
    nowhere = make_problem(unit=None)
    visible = set(selectors.problems_for_user(liaison).values_list("pk", flat=True))
    assert visible == {own.pk}
    services.problem_transition(actor=liaison, problem=own, to_status=ProblemStatus.IN_PROGRESS)
    services.measure_create(actor=liaison, problem=own, description="整改")
    with pytest.raises(NotFound):
        services.problem_transition(actor=liaison, problem=other, to_status=ProblemStatus.IN_PROGRESS)
    with pytest.raises(NotFound):
        services.measure_create(actor=liaison, problem=nowhere, description="整改")
    with pytest.raises(NotFound):
        selectors.problem_get_for_user(liaison, other.pk)
    with pytest.raises(NotFound):
        services.problem_create(actor=liaison, source=ProblemSource.MANUAL, title="x", unit=district.health)


def test_district_viewers_see_problems_without_a_unit(make_problem: Any, staff: Any, outsider: Any) -> None:
    problem = make_problem(unit=None)
    assert selectors.problem_get_for_user(staff, problem.pk) == problem
    assert not selectors.problems_for_user(outsider).exists()


def test_it_flags_and_counts_overdue_problems(make_problem: Any, staff: Any, district: Any) -> None:
    today = timezone.localdate()
    late = make_problem(raised_on=today - timedelta(days=30), deadline=today - timedelta(days=1))
    make_problem(raised_on=today, deadline=today + timedelta(days=5), unit=district.hospital)
    assert set(selectors.problem_search(staff, overdue=True).values_list("pk", flat=True)) == {late.pk}
    assert selectors.problem_get_for_user(staff, late.pk).overdue is True
    assert late.is_overdue
    counts = selectors.status_counts(selectors.problem_search(staff))
    assert counts["open"] == 2 and counts["overdue"] == 1 and counts["total"] == 2
    assert selectors.problem_search(staff, unit=district.health.pk).count() == 1
    assert selectors.problem_search(staff, year=late.raised_on.year).filter(pk=late.pk).exists()
    assert not selectors.problem_search(staff, year=1999).exists()
