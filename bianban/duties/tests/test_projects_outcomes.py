"""Outcomes of a 书记项目: records of the register are linked by kind and id when the actor can see them, they are
of the right sort and fall in the project's year; the targets' values are counted from them, live."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.checks.models import CheckRun
from bianban.core.exceptions import ValidationFailed
from bianban.core.models import AuditEvent
from bianban.duties.choices import OutcomeKind, TargetMeasure
from bianban.duties.models import ProjectOutcome, SecretaryProject
from bianban.duties.projects import results, services
from bianban.duties.tests import projects_fixtures as fx
from bianban.duties.tests.projects_fixtures import YEAR, edu_officer, officer, project  # noqa: F401
from bianban.staffing.choices import MovementType
from bianban.units.choices import QuotaKind, UnitEventKind
from bianban.units.models import UnitEvent

pytestmark = pytest.mark.django_db
K = OutcomeKind


def link(project: SecretaryProject, kind: str, record: Any, actor: Any = None) -> ProjectOutcome:  # noqa: F811
    return services.outcome_link(actor=actor, project=project, kind=kind, record_id=record.pk)


def values(project: SecretaryProject) -> dict[str, int]:  # noqa: F811
    return results.measure_values([project.pk])[project.pk]


def _refused(call: Any, message: str, field: str = "record_id") -> None:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert caught.value.message == message and field in caught.value.details
    assert not ProjectOutcome.objects.exists() and not AuditEvent.objects.filter(action="project_outcome.link")


def test_two_increases_of_3_and_2_count_5_quota_added(project: SecretaryProject, district: Any,  # noqa: F811
                                                      officer: Any) -> None:  # noqa: F811
    fx.movement(district.school, MovementType.SET, 10, date(YEAR, 1, 3))
    first = fx.movement(district.school, MovementType.INCREASE, 3, date(YEAR, 3, 1))
    second = fx.movement(district.hospital, MovementType.INCREASE, 2, date(YEAR, 6, 1))
    target = services.target_add(actor=officer, project=project, name="核增重点领域编制",
                                 measure=TargetMeasure.QUOTA_ADDED, target_value=5)
    outcome = link(project, K.QUOTA_MOVEMENT, first, officer)
    link(project, K.QUOTA_MOVEMENT, second, officer)
    assert outcome.added_by == officer and AuditEvent.objects.filter(action="project_outcome.link").count() == 2
    [progress] = results.project_progress(project)
    assert (progress.target, progress.value, progress.met, progress.percent) == (target, 5, True, 100)


def test_a_set_or_a_transfer_is_linked_but_adds_no_quota(project: SecretaryProject, district: Any) -> None:  # noqa: F811
    initial = fx.movement(district.school, MovementType.SET, 10, date(YEAR, 1, 3))
    moved = fx.movement(district.school, MovementType.TRANSFER, 2, date(YEAR, 2, 1), to_unit=district.hospital)
    link(project, K.QUOTA_MOVEMENT, initial)
    link(project, K.QUOTA_MOVEMENT, moved.counterpart)  # the incoming half: +2 on the receiving line
    assert values(project)[TargetMeasure.QUOTA_ADDED] == 0


def test_charters_division_changes_and_check_runs_are_counted(project: SecretaryProject, district: Any) -> None:  # noqa: F811
    link(project, K.CHARTER, fx.charter(district.edu, date(YEAR, 5, 10)))
    link(project, K.CHARTER, fx.charter(district.health, date(YEAR, 8, 1)))
    link(project, K.DIVISION_CHANGE, fx.division_event(district.edu, "法规科", date(YEAR, 4, 1)))
    link(project, K.CHECK_RUN, fx.check_run(date(YEAR, 11, 30)))
    counted = values(project)
    assert (counted[TargetMeasure.CHARTERS], counted[TargetMeasure.DIVISION_CHANGES],
            counted[TargetMeasure.CHECK_RUNS]) == (2, 1, 1)


def test_a_linked_problem_counts_once_closed_and_no_longer_once_reopened(
        project: SecretaryProject, district: Any) -> None:  # noqa: F811
    found = fx.problem(district.school, date(YEAR, 3, 3))
    link(project, K.PROBLEM, found)
    assert values(project)[TargetMeasure.PROBLEMS_CLOSED] == 0
    fx.close(found, date(YEAR, 6, 1))
    assert values(project)[TargetMeasure.PROBLEMS_CLOSED] == 1
    fx.reopen(found)
    assert values(project)[TargetMeasure.PROBLEMS_CLOSED] == 0


def test_the_same_record_twice_is_refused(project: SecretaryProject, district: Any) -> None:  # noqa: F811
    record = fx.charter(district.edu, date(YEAR, 5, 10))
    link(project, K.CHARTER, record)
    with pytest.raises(ValidationFailed) as caught:
        link(project, K.CHARTER, record)
    assert caught.value.message == "该记录已关联" and ProjectOutcome.objects.count() == 1


def test_a_record_of_another_year_is_refused(project: SecretaryProject, district: Any) -> None:  # noqa: F811
    _refused(lambda: link(project, K.CHARTER, fx.charter(district.edu, date(YEAR - 1, 12, 20))),
             "该记录的印发日期不在项目年度（2023年）内，不能作为本项目的成果")
    _refused(lambda: link(project, K.QUOTA_MOVEMENT,
                          fx.movement(district.school, MovementType.SET, 5, date(YEAR + 1, 1, 5))),
             "该记录的生效日期不在项目年度（2023年）内，不能作为本项目的成果")


def test_a_record_of_the_wrong_kind_is_refused(project: SecretaryProject, district: Any) -> None:  # noqa: F811
    fx.movement(district.school, MovementType.SET, 5, date(YEAR, 2, 1))
    quota_event = UnitEvent.objects.get(kind=UnitEventKind.QUOTA)
    _refused(lambda: link(project, K.DIVISION_CHANGE, quota_event), "该记录不是内设机构的设立、调整或撤销")
    queued = CheckRun.objects.create(as_of=date(YEAR, 6, 1))
    _refused(lambda: link(project, K.CHECK_RUN, queued), "只能关联已完成的编制核查")
    _refused(lambda: services.outcome_link(actor=None, project=project, kind="person", record_id=1),
             "成果类型不在允许范围内", field="kind")
    _refused(lambda: services.outcome_link(actor=None, project=project, kind=K.CHARTER, record_id="abc"),
             "请选择要关联的记录")
    _refused(lambda: services.outcome_link(actor=None, project=project, kind=K.CHARTER, record_id=quota_event.pk),
             "未找到该印发三定规定记录，或无权查看")


def test_a_record_the_actor_cannot_see_is_refused(project: SecretaryProject, district: Any, branch: SimpleNamespace,  # noqa: F811
                                                  edu_officer: Any) -> None:  # noqa: F811
    hospital = fx.movement(district.hospital, MovementType.INCREASE, 2, date(YEAR, 6, 1), kind=QuotaKind.INSTITUTION)
    _refused(lambda: link(project, K.QUOTA_MOVEMENT, hospital, edu_officer), "未找到该编制调整记录，或无权查看")
    # The secretary persona keeps the branch's records but has no right to read the register at all.
    _refused(lambda: link(project, K.CHARTER, fx.charter(district.edu, date(YEAR, 5, 1)), branch.users.secretary),
             "未找到该印发三定规定记录，或无权查看")
    school = fx.movement(district.school, MovementType.INCREASE, 3, date(YEAR, 6, 1))
    assert link(project, K.QUOTA_MOVEMENT, school, edu_officer).quota_movement == school


def test_unlinking_stops_counting_and_leaves_the_record(project: SecretaryProject, district: Any) -> None:  # noqa: F811
    record = fx.charter(district.edu, date(YEAR, 5, 10))
    outcome = link(project, K.CHARTER, record)
    services.outcome_unlink(actor=None, outcome=outcome)
    assert values(project)[TargetMeasure.CHARTERS] == 0 and not ProjectOutcome.objects.exists()
    assert AuditEvent.objects.filter(action="project_outcome.unlink").count() == 1
    record.refresh_from_db()


def test_candidates_are_the_years_visible_unlinked_records_of_the_right_sort(
        project: SecretaryProject, district: Any, edu_officer: Any) -> None:  # noqa: F811
    fx.movement(district.school, MovementType.SET, 10, date(YEAR, 1, 3))
    school_increase = fx.movement(district.school, MovementType.INCREASE, 3, date(YEAR, 3, 1))
    linked = fx.movement(district.school, MovementType.INCREASE, 1, date(YEAR, 4, 1))
    fx.movement(district.hospital, MovementType.INCREASE, 2, date(YEAR, 6, 1))  # not visible to the edu officer
    fx.movement(district.edu, MovementType.INCREASE, 2, date(YEAR + 1, 2, 1), kind=QuotaKind.ADMINISTRATIVE)  # 2024
    link(project, K.QUOTA_MOVEMENT, linked)
    offered = results.outcome_candidates(edu_officer, project, K.QUOTA_MOVEMENT)
    assert [c.record_id for c in offered] == [school_increase.pk]
    assert offered[0].label.startswith("示例区第一中学") and "核增 +3 名" in offered[0].label
    fx.division_event(district.edu, "法规科", date(YEAR, 4, 1))
    assert [c.label for c in results.outcome_candidates(edu_officer, project, K.DIVISION_CHANGE)] == [
        "示例区教育局：设立内设机构“法规科”"]
    assert results.outcome_candidates(edu_officer, project, "nonsense") == []
