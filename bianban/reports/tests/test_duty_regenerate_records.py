# ruff: noqa: F811  (pytest fixtures imported from the party tests and duty_fixtures are redefined as arguments)
"""The stored 述职报告 with the real composer over the party tests' branch: regenerating after a record changed
keeps the secretary's wording, flags it, and offers the new figures; regenerating with nothing changed changes
nothing."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from bianban.party.choices import TalkKind
from bianban.party.talks.services import talk_create
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty import services
from bianban.reports.duty.compose import compose_draft
from bianban.reports.models import ReportBlockVersion

pytestmark = pytest.mark.django_db


def test_it_stores_the_composed_draft_as_it_is(branch: SimpleNamespace) -> None:
    year = timezone.localdate().year
    draft = compose_draft(branch.branch, year)
    report = services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=year)
    stored = list(report.blocks.order_by("position"))
    assert [b.key for b in stored] == [b.key for b in draft.blocks]
    assert [(b.lead, b.text) for b in stored] == [(b.lead, b.text) for b in draft.blocks]
    assert report.title == draft.title and report.signature == draft.signature


def test_regenerating_with_no_record_changed_changes_nothing(branch: SimpleNamespace) -> None:
    report = services.duty_report_create(actor=branch.users.secretary, branch=branch.branch,
                                         year=timezone.localdate().year)
    summary = services.duty_report_regenerate(actor=branch.users.secretary, report=report)
    assert (summary.replaced, summary.stale, summary.added, summary.removed) == ([], [], [], [])
    assert not ReportBlockVersion.objects.filter(block__report=report, number__gt=1).exists()


def test_a_new_talk_updates_an_unedited_paragraph_and_flags_an_edited_one(branch: SimpleNamespace) -> None:
    today = timezone.localdate()
    secretary = branch.users.secretary
    report = services.duty_report_create(actor=secretary, branch=branch.branch, year=today.year)
    integrity = report.blocks.get(key="summary.integrity")
    services.block_edit(actor=secretary, block=integrity, text="我亲自写的廉政教育段落。", version=integrity.version)

    talk_create(actor=None, branch=branch.branch, kind=TalkKind.INTEGRITY, held_on=today, topic="廉政谈话",
                talker=branch.full[0], talked_to=[branch.full[3], branch.full[4]])
    summary = services.duty_report_regenerate(actor=secretary, report=report)

    integrity.refresh_from_db()
    assert integrity.text == "我亲自写的廉政教育段落。" and integrity.stale
    assert "廉政谈话2人次" in integrity.generated_text
    figure = next(f for f in integrity.figures if f["key"] == "talks_integrity")
    assert figure["value"] == 2 and len(figure["sources"]) == 1 and figure["sources"][0]["kind"] == "talk"
    assert "summary.integrity" in summary.stale
