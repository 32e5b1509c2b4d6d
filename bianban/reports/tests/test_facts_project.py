"""（四）书记项目: the figures are the project's results as its own page counts them (duties/projects/results.py) —
核增 only, by the field the secretary noted, the 三定 named by unit, the division changes, the check runs, the
problems linked and those closed — each with the register records behind it."""

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.duties.choices import OutcomeKind
from bianban.duties.models import SecretaryProject
from bianban.duties.projects import services
from bianban.duties.projects.records import SOURCES
from bianban.duties.projects.results import measure_values
from bianban.duties.tests import projects_fixtures as fx
from bianban.duties.tests.projects_fixtures import YEAR, project  # noqa: F401  (pytest fixture)
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty.compose import compose_draft
from bianban.reports.duty.draft import Block
from bianban.staffing.choices import MovementType

pytestmark = pytest.mark.django_db
K = OutcomeKind


def _link(project: SecretaryProject, kind: str, record: Any, note: str = "") -> None:  # noqa: F811
    services.outcome_link(actor=None, project=project, kind=kind, record_id=record.pk, note=note)


@pytest.fixture
def linked(project: SecretaryProject, district: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    fx.movement(district.school, MovementType.SET, 10, date(YEAR, 1, 3))
    records = SimpleNamespace(
        set=fx.movement(district.hospital, MovementType.SET, 20, date(YEAR, 1, 4)),
        school=fx.movement(district.school, MovementType.INCREASE, 3, date(YEAR, 3, 1)),
        hospital=fx.movement(district.hospital, MovementType.INCREASE, 2, date(YEAR, 6, 1)),
        charters=[fx.charter(district.edu, date(YEAR, 5, 10)), fx.charter(district.health, date(YEAR, 8, 1))],
        division=fx.division_event(district.edu, "法规科", date(YEAR, 4, 1)),
        run=fx.check_run(date(YEAR, 11, 30)),
        closed=fx.problem(district.school, date(YEAR, 3, 3), "超编进人"),
        open=fx.problem(district.hospital, date(YEAR, 4, 3), "混编混岗"),
    )
    _link(project, K.QUOTA_MOVEMENT, records.set, "公共卫生：人民医院核定")
    _link(project, K.QUOTA_MOVEMENT, records.school, "教育：区一中核增3名")
    _link(project, K.QUOTA_MOVEMENT, records.hospital, "公共卫生：人民医院核增2名")
    for record in records.charters:
        _link(project, K.CHARTER, record)
    _link(project, K.DIVISION_CHANGE, records.division)
    _link(project, K.CHECK_RUN, records.run)
    _link(project, K.PROBLEM, records.closed)
    _link(project, K.PROBLEM, records.open)
    fx.close(records.closed, date(YEAR, 6, 1))
    return records


def _project_block(project: SecretaryProject) -> Block:  # noqa: F811
    draft = compose_draft(project.branch, YEAR, today=date(YEAR + 1, 1, 15))
    return next(b for b in draft.blocks if b.key == "summary.project")


def test_it_prints_the_projects_results_as_the_project_counts_them(project: SecretaryProject,  # noqa: F811
                                                                   linked: SimpleNamespace) -> None:
    block = _project_block(project)
    values = measure_values([project.pk])[project.pk]
    printed = {re.sub(r"^project\d+_", "", f.key): f for f in block.figures}
    assert printed["quota_added"].value == values["quota_added"] == 5  # the 核定 adds nothing
    assert (printed["quota_added_1"].value, printed["quota_added_2"].value) == (3, 2)
    assert printed["charters"].value == values["charters"] == 2
    assert printed["division_changes"].value == printed["check_runs"].value == 1
    assert (printed["problems"].value, printed["problems_closed"].value) == (2, values["problems_closed"]) == (2, 1)
    assert "把“强化党建引领，提升机构编制服务保障水平”列为2023年度“书记项目”。" in block.text
    assert ("重点保障教育、公共卫生等领域编制使用和机构调整，核增单位编制5名（教育领域3名、公共卫生领域2名）"
            in block.text)
    assert "制定印发区教育局、区卫健局“三定”方案2个" in block.text
    assert "调整优化区教育局内设机构1项" in block.text
    assert "梳理机构编制问题台账2个，逐条制定整改销号计划，已完成整改销号1个" in block.text


def test_each_result_links_the_register_records_it_counted(project: SecretaryProject,  # noqa: F811
                                                          linked: SimpleNamespace) -> None:
    printed = {re.sub(r"^project\d+_", "", f.key): f for f in _project_block(project).figures}

    def ids(key: str) -> set[tuple[str, int]]:
        return {(s.kind, s.record_id) for s in printed[key].sources}

    assert ids("quota_added") == {(K.QUOTA_MOVEMENT, linked.school.pk), (K.QUOTA_MOVEMENT, linked.hospital.pk)}
    assert ids("charters") == {(K.CHARTER, c.pk) for c in linked.charters}
    assert ids("division_changes") == {(K.DIVISION_CHANGE, linked.division.pk)}
    assert ids("check_runs") == {(K.CHECK_RUN, linked.run.pk)}
    assert ids("problems_closed") == {(K.PROBLEM, linked.closed.pk)}
    closed = printed["problems_closed"].sources[0]
    assert closed.url == SOURCES[K.PROBLEM].url(linked.closed) == f"/ledger/{linked.closed.pk}/"


def test_a_problem_still_open_is_a_prompt_for_the_problems_section(project: SecretaryProject,  # noqa: F811
                                                                  linked: SimpleNamespace) -> None:
    draft = compose_draft(project.branch, YEAR, today=date(YEAR + 1, 1, 15))
    prompts = next(b for b in draft.blocks if b.key == "problems.text").prompts
    assert "问题台账尚未销号1个：混编混岗" in prompts


def test_a_project_without_results_is_named_without_a_number(project: SecretaryProject) -> None:  # noqa: F811
    block = _project_block(project)
    assert block.text == ("把“强化党建引领，提升机构编制服务保障水平”列为2023年度“书记项目”。")
    assert not block.figures
