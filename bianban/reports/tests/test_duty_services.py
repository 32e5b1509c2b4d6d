# ruff: noqa: F811  (pytest fixtures imported from the party tests and duty_fixtures are redefined as arguments)
"""The stored 述职报告's services against drafts built by hand (duty_fixtures.py): storing, regenerating without
losing the secretary's text, versioned edits with compare-and-swap, restore, and nothing written on bad input."""

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bianban.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)
from bianban.reports.duty import services
from bianban.reports.models import DutyReport, ReportBlock, ReportBlockVersion
from bianban.reports.tests.duty_fixtures import VISITS_LEAD, block_of, drafts, keys_of  # noqa: F401

TODAY = date(2024, 1, 10)


@pytest.fixture
def report(branch: SimpleNamespace, drafts: SimpleNamespace) -> DutyReport:
    return services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023, today=TODAY)


def edit(report: DutyReport, key: str, text: str, actor: Any, **kwargs: Any) -> ReportBlock:
    block = block_of(report, key)
    return services.block_edit(actor=actor, block=block, text=text, version=block.version, **kwargs)


def regenerate(report: DutyReport, actor: Any, drafts: SimpleNamespace, **options: Any) -> services.RegenerateSummary:
    drafts.options = options
    return services.duty_report_regenerate(actor=actor, report=report, today=TODAY)


def test_it_stores_every_block_in_order_with_its_figures_and_a_first_version(report: DutyReport) -> None:
    assert keys_of(report) == ["opening", "summary.heading", "summary.visits", "summary.integrity",
                               "problems.heading", "problems.text", "plan.heading", "plan.text"]
    visits = block_of(report, "summary.visits")
    assert visits.lead == VISITS_LEAD and visits.text == "于4月至7月期间多次深入社区，走访群众10户。"
    assert visits.generated_text == visits.text and not visits.edited and not visits.stale
    figure = visits.figures[0]
    assert (figure["key"], figure["value"], figure["unit"]) == ("visits_households", 10, "户")
    assert figure["sources"][0] == {"kind": "visit", "id": 100, "label": "2023-04-01 走访 第1户",
                                    "url": "/duties/visits/100/"}
    assert block_of(report, "problems.text").prompts == ["3项组织生活逾期"]
    assert ReportBlockVersion.objects.filter(block__report=report, number=1).count() == 8
    assert report.title.endswith("2023年度抓基层党建工作述职报告") and report.dated == date(2023, 12, 25)


def test_creating_is_audited(report: DutyReport, branch: SimpleNamespace) -> None:
    event = AuditEvent.objects.get(action="duty_report.create")
    assert event.actor == branch.users.secretary and event.target_id == str(report.pk)
    assert event.unit_id == branch.branch.unit_id and event.changes["blocks"] == [None, 8]


def test_it_refuses_a_second_draft_for_the_same_branch_and_year(report: DutyReport, branch: SimpleNamespace) -> None:
    with pytest.raises(Conflict) as caught:
        services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023, today=TODAY)
    assert caught.value.code == "exists" and caught.value.details == {"report_id": report.pk}
    assert DutyReport.objects.count() == 1


@pytest.mark.parametrize("year", [1999, 2026, "23", "二〇二三", None, True, "2023年"])
def test_it_refuses_a_year_outside_2000_to_next_year_and_writes_nothing(
        branch: SimpleNamespace, drafts: SimpleNamespace, year: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=year, today=TODAY)
    assert "year" in caught.value.details and "年" in caught.value.message
    assert not DutyReport.objects.exists() and not AuditEvent.objects.filter(action__startswith="duty_report").exists()
    assert drafts.calls == 0


def test_next_year_is_accepted_for_a_draft_written_in_january(branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    report = services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year="2025", today=TODAY)
    assert report.year == 2025


def test_a_member_may_not_create_and_an_outsider_does_not_see_the_branch(
        branch: SimpleNamespace, drafts: SimpleNamespace, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.duty_report_create(actor=branch.users.member, branch=branch.branch, year=2023, today=TODAY)
    with pytest.raises(NotFound):
        services.duty_report_create(actor=outsider, branch=branch.branch, year=2023, today=TODAY)
    assert not DutyReport.objects.exists()


# Regeneration -------------------------------------------------------------------------------------------------


def test_regenerating_replaces_the_unedited_generated_text_with_a_new_version(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    summary = regenerate(report, branch.users.secretary, drafts, households=12)
    visits = block_of(report, "summary.visits")
    assert visits.text == "于4月至7月期间多次深入社区，走访群众12户。" and visits.figures[0]["value"] == 12
    assert visits.version == 2 and visits.versions.get(number=2).origin == "generated"
    assert not visits.edited and not visits.stale
    assert summary.replaced == ["summary.visits"] and summary.stale == []
    assert block_of(report, "summary.integrity").version == 1  # same text: no new version


def test_regenerating_keeps_the_secretarys_edit_and_flags_it_stale_when_the_figures_changed(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    edit(report, "summary.visits", "深入社区走访群众10户，帮助解决实际问题5件。", secretary)
    summary = regenerate(report, secretary, drafts, households=12)
    visits = block_of(report, "summary.visits")
    assert visits.text == "深入社区走访群众10户，帮助解决实际问题5件。" and visits.edited and visits.stale
    assert visits.generated_text == "于4月至7月期间多次深入社区，走访群众12户。"
    assert visits.figures[0]["value"] == 12 and visits.version == 2
    assert summary.stale == ["summary.visits"] and summary.replaced == []


def test_an_edited_block_is_not_stale_when_its_figures_did_not_change(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    edit(report, "summary.visits", "走访群众10户。", branch.users.secretary)
    summary = regenerate(report, branch.users.secretary, drafts, talks=5)
    assert not block_of(report, "summary.visits").stale and summary.stale == []
    assert block_of(report, "summary.integrity").text.startswith("召集班子成员开展谈话5人次")


def test_the_secretarys_own_blocks_are_never_overwritten_but_their_prompts_are_refreshed(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    edit(report, "problems.text", "一是学习的深度不够。", branch.users.secretary)
    regenerate(report, branch.users.secretary, drafts, problems_prompts=("5项组织生活逾期",), plan="全新的计划。")
    problems, plan = block_of(report, "problems.text"), block_of(report, "plan.text")
    assert problems.text == "一是学习的深度不够。" and problems.prompts == ["5项组织生活逾期"]
    # Prefilled once, not edited, still not replaced: the plan is the secretary's section.
    assert plan.text == "重点抓好以下工作：一是深化理论学习；二是规范组织生活。" and plan.version == 1
    assert not problems.stale and not plan.stale


def test_an_empty_untouched_secretary_block_takes_a_prefill_the_records_now_give(
        branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    drafts.options = {"plan": ""}
    report = services.duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=2023, today=TODAY)
    summary = regenerate(report, branch.users.secretary, drafts, plan="重点抓好以下工作：一是规范组织生活。")
    plan = block_of(report, "plan.text")
    assert plan.text == "重点抓好以下工作：一是规范组织生活。" and plan.version == 2 and not plan.edited
    assert summary.replaced == ["plan.text"]
    regenerate(report, branch.users.secretary, drafts, plan="另一份计划。")
    assert block_of(report, "plan.text").text == "重点抓好以下工作：一是规范组织生活。"  # prefilled once only


def test_new_keys_are_added_in_the_composers_order_and_vanished_unedited_ones_removed(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    summary = regenerate(report, branch.users.secretary, drafts, extra=True, drop=("opening",))
    assert keys_of(report) == ["summary.heading", "summary.visits", "summary.project", "summary.integrity",
                               "problems.heading", "problems.text", "plan.heading", "plan.text"]
    assert block_of(report, "summary.project").text == "核增编制{共}5名。"
    assert summary.added == ["summary.project"] and summary.removed == ["opening"]


def test_a_vanished_block_the_secretary_edited_is_kept_in_place_and_flagged(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    edit(report, "summary.visits", "走访群众若干户。", branch.users.secretary)
    summary = regenerate(report, branch.users.secretary, drafts, drop=("summary.visits",))
    assert keys_of(report)[:4] == ["opening", "summary.heading", "summary.visits", "summary.integrity"]
    visits = block_of(report, "summary.visits")
    assert visits.vanished and visits.stale and visits.text == "走访群众若干户。"
    assert summary.kept == ["summary.visits"]
    with pytest.raises(ValidationFailed):
        services.block_restore(actor=branch.users.secretary, block=visits, version=visits.version, generated=True)
    services.block_remove(actor=branch.users.secretary, block=visits, version=visits.version)
    assert "summary.visits" not in keys_of(report)


def test_only_a_vanished_block_can_be_removed(report: DutyReport, branch: SimpleNamespace) -> None:
    block = block_of(report, "summary.visits")
    with pytest.raises(ValidationFailed):
        services.block_remove(actor=branch.users.secretary, block=block, version=block.version)
    assert ReportBlock.objects.filter(pk=block.pk).exists()


def test_regenerating_is_audited_with_what_changed(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    regenerate(report, branch.users.secretary, drafts, households=11, extra=True)
    event = AuditEvent.objects.get(action="duty_report.regenerate")
    assert event.changes == {"replaced": [None, ["summary.visits"]], "added": [None, ["summary.project"]]}


def test_a_member_may_not_regenerate(report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        regenerate(report, branch.users.member, drafts, households=12)
    assert block_of(report, "summary.visits").version == 1


# Editing ------------------------------------------------------------------------------------------------------


def test_an_edit_is_a_new_version_by_its_author_and_is_audited(report: DutyReport, branch: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    block = edit(report, "summary.visits", "走访群众10户，\r\n收集意见12条。\x00", secretary, lead="（三）集中走访。")
    block.refresh_from_db()
    assert (block.lead, block.text) == ("（三）集中走访。", "走访群众10户，\n收集意见12条。")
    assert block.version == 2 and block.edited
    version = block.versions.get(number=2)
    assert version.author == secretary and version.origin == "edited" and version.text == block.text
    event = AuditEvent.objects.get(action="duty_report.block_edited")
    assert event.changes["version"] == [1, 2] and event.changes["text"][1] == block.text


def test_saving_the_same_text_writes_nothing(report: DutyReport, branch: SimpleNamespace) -> None:
    block = block_of(report, "summary.visits")
    services.block_edit(actor=branch.users.secretary, block=block, text=block.text, version=1)
    assert block.versions.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="duty_report.block").exists()


def test_an_edit_made_on_an_old_version_is_a_conflict_and_writes_nothing(
        report: DutyReport, branch: SimpleNamespace) -> None:
    block = block_of(report, "summary.visits")
    services.block_edit(actor=branch.users.secretary, block=block, text="第一人的修改。", version=1)
    with pytest.raises(Conflict) as caught:
        services.block_edit(actor=branch.users.secretary, block=block, text="第二人的修改。", version=1)
    assert caught.value.message == "已被他人修改，请刷新后重试" and caught.value.details == {"version": 2}
    block.refresh_from_db()
    assert block.text == "第一人的修改。" and block.versions.count() == 2


@pytest.mark.parametrize(("text", "lead", "field"), [
    ("", "", "text"), ("   \n ", "", "text"), ("字" * 5001, "", "text"), ("正文", "题" * 201, "lead"),
])
def test_bad_text_is_refused_with_a_message_and_nothing_written(
        report: DutyReport, branch: SimpleNamespace, text: str, lead: str, field: str) -> None:
    block = block_of(report, "summary.visits")
    with pytest.raises(ValidationFailed) as caught:
        services.block_edit(actor=branch.users.secretary, block=block, text=text, lead=lead, version=1)
    assert field in caught.value.details
    block.refresh_from_db()
    assert block.version == 1 and block.versions.count() == 1


@pytest.mark.parametrize("version", [None, "", "abc", 0, -1, True])
def test_an_edit_without_a_valid_version_is_refused(report: DutyReport, branch: SimpleNamespace, version: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.block_edit(actor=branch.users.secretary, block=block_of(report, "opening"), text="新", version=version)
    assert "version" in caught.value.details


def test_a_member_may_not_edit(report: DutyReport, branch: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        edit(report, "opening", "改了。", branch.users.member)
    assert block_of(report, "opening").version == 1


def test_editing_back_to_the_generated_text_is_no_longer_an_edit(report: DutyReport, branch: SimpleNamespace) -> None:
    original = block_of(report, "summary.visits").text
    edit(report, "summary.visits", "改过的。", branch.users.secretary)
    block = edit(report, "summary.visits", original, branch.users.secretary)
    assert not block.edited and block.version == 3


def test_the_secretarys_block_counts_as_edited_from_the_first_save(report: DutyReport, branch: SimpleNamespace) -> None:
    block = edit(report, "problems.text", "一是……\n二是……", branch.users.secretary)
    assert block.edited and block.text == "一是……\n二是……"


# Restoring ----------------------------------------------------------------------------------------------------


def test_it_restores_an_earlier_version_as_a_new_one(report: DutyReport, branch: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    edit(report, "problems.text", "初稿。", secretary)
    block = edit(report, "problems.text", "二稿。", secretary)
    block = services.block_restore(actor=secretary, block=block, version=3, to=2)
    assert block.text == "初稿。" and block.version == 4
    latest = block.versions.get(number=4)
    assert latest.origin == "restored" and latest.restored_from == 2
    assert AuditEvent.objects.filter(action="duty_report.block_restored").count() == 1


def test_restoring_the_generated_text_clears_the_edit_and_the_stale_flag(
        report: DutyReport, branch: SimpleNamespace, drafts: SimpleNamespace) -> None:
    secretary = branch.users.secretary
    edit(report, "summary.visits", "我的写法。", secretary)
    regenerate(report, secretary, drafts, households=12)
    block = block_of(report, "summary.visits")
    block = services.block_restore(actor=secretary, block=block, version=block.version, generated=True)
    assert block.text == "于4月至7月期间多次深入社区，走访群众12户。"
    assert not block.edited and not block.stale and block.version == 3


@pytest.mark.parametrize(("to", "message"), [
    (9, "要恢复的版本不存在"), (2, "该版本已是当前内容"), (None, "要恢复的版本不存在"),
])
def test_restoring_a_missing_or_current_version_is_refused(
        report: DutyReport, branch: SimpleNamespace, to: Any, message: str) -> None:
    block = edit(report, "opening", "改了。", branch.users.secretary)
    with pytest.raises(ValidationFailed) as caught:
        services.block_restore(actor=branch.users.secretary, block=block, version=2, to=to)
    assert caught.value.message == message and block.versions.count() == 2


def test_restoring_on_an_old_version_is_a_conflict(report: DutyReport, branch: SimpleNamespace) -> None:
    block = edit(report, "opening", "改了。", branch.users.secretary)
    with pytest.raises(Conflict):
        services.block_restore(actor=branch.users.secretary, block=block, version=1, generated=True)


def test_keeping_my_edit_clears_the_stale_flag(report: DutyReport, branch: SimpleNamespace,
                                               drafts: SimpleNamespace) -> None:
    edit(report, "summary.visits", "我的写法。", branch.users.secretary)
    regenerate(report, branch.users.secretary, drafts, households=12)
    block = services.block_keep(actor=branch.users.secretary, block=block_of(report, "summary.visits"))
    assert not block.stale and block.edited and block.text == "我的写法。"
    assert AuditEvent.objects.filter(action="duty_report.block_keep").count() == 1


# Title, 署名, date ---------------------------------------------------------------------------------------------


def test_it_changes_the_title_signature_and_date_and_audits_the_difference(
        report: DutyReport, branch: SimpleNamespace) -> None:
    services.duty_report_update(actor=branch.users.secretary, report=report, signature="党支部书记 张伟",
                                dated=date(2024, 1, 5))
    report.refresh_from_db()
    assert report.signature == "党支部书记 张伟" and report.dated == date(2024, 1, 5)
    event = AuditEvent.objects.get(action="duty_report.update")
    assert set(event.changes) == {"signature", "dated"}


@pytest.mark.parametrize(("values", "field"), [
    ({"title": "  "}, "title"), ({"title": "长" * 201}, "title"), ({"dated": date(2022, 12, 1)}, "dated"),
    ({"dated": "2023-12-01"}, "dated"), ({"signature": "名" * 101}, "signature"),
])
def test_bad_report_fields_are_refused(report: DutyReport, branch: SimpleNamespace, values: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.duty_report_update(actor=branch.users.secretary, report=report, **values)
    assert field in caught.value.details
    report.refresh_from_db()
    assert report.title.endswith("述职报告") and report.dated == date(2023, 12, 25)
