# ruff: noqa: F811  (pytest fixtures imported from the party tests and duty_fixtures are redefined as arguments)
"""Two people saving the same paragraph at once, or pressing 生成 for the same year at once, with real threads:
one wins, the other gets a conflict, and nothing is half-written."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty import services
from bianban.reports.models import DutyReport, ReportBlock
from bianban.reports.tests.duty_fixtures import drafts  # noqa: F401
from bianban.testing import race

pytestmark = pytest.mark.django_db(transaction=True)



def test_two_edits_of_the_same_version_one_wins_the_other_conflicts(
        branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    report = services.duty_report_create(actor=secretary, branch=branch.branch, year=2023)
    pk = report.blocks.get(key="opening").pk

    def save(text: str) -> Callable[[], Any]:
        return lambda: services.block_edit(actor=secretary, block=ReportBlock.objects.get(pk=pk), text=text,
                                           version=1)

    assert race(save("甲的写法。"), save("乙的写法。")) == ["conflict", "ok"]
    block = ReportBlock.objects.get(pk=pk)
    assert block.version == 2 and block.versions.count() == 2 and block.text in ("甲的写法。", "乙的写法。")


def test_two_generations_of_the_same_year_make_one_draft(branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    def create() -> Any:
        return services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023)

    assert race(create, create) == ["conflict", "ok"]
    assert DutyReport.objects.count() == 1 and ReportBlock.objects.count() == 8
