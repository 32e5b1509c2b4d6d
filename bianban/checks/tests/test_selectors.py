"""Who sees which runs, and with which figures: district-wide readers everything, others the runs that covered
their units, counted over their units only."""

from typing import Any

import pytest

from bianban.checks.selectors import run_get_for_user, runs_for_user
from bianban.checks.services import check_run_execute, check_run_request
from bianban.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def _run(actor: Any, root: Any = None) -> Any:
    return check_run_execute(run_id=check_run_request(actor=actor, root=root).pk)


def test_scoped_readers_see_the_runs_that_covered_their_units(district: Any, staff: Any, liaison: Any,
                                                              reviewer: Any, api_for: Any) -> None:
    whole = _run(staff)  # no charters anywhere: one finding per unit, 4 in all
    health = _run(staff, district.health)
    school = _run(staff, district.school)
    assert list(runs_for_user(reviewer)) == [school, health, whole]
    seen = list(runs_for_user(liaison))  # the liaison keeps 区教育局 and its school
    assert seen == [school, whole]
    assert [(r.visible_findings, r.visible_new) for r in seen] == [(1, 1), (2, 2)]
    with pytest.raises(NotFound):
        run_get_for_user(liaison, health.pk)
    body = api_for(liaison).get(f"/api/v1/check-runs/{whole.pk}").json()
    assert body["finding_count"] == 2 and body["new_count"] == 2 and body["resolved_count"] == 0
    assert "您有权查看的单位中发现 2 项问题" in body["message"]
    assert api_for(reviewer).get(f"/api/v1/check-runs/{whole.pk}").json()["finding_count"] == 4
    listed = api_for(liaison).get("/api/v1/check-runs").json()
    assert [(r["id"], r["finding_count"], r["resolved_count"]) for r in listed["items"]] == [
        (school.pk, 1, None), (whole.pk, 2, None)]


def test_a_run_over_a_unit_above_the_readers_covers_them(district: Any, staff: Any, liaison: Any) -> None:
    from bianban.accounts.models import Grant
    from bianban.accounts.scoping import forget_grants

    # A liaison of the school alone still sees a run over 区教育局 (which covered the school).
    Grant.objects.filter(user=liaison).update(unit=district.school)
    forget_grants(liaison)
    edu = _run(staff, district.edu)
    [seen] = runs_for_user(liaison)
    assert seen == edu and seen.visible_findings == 1
