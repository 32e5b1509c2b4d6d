"""The branch secretary generates the year's 述职报告 from the records, rewrites a paragraph in place (Ctrl+Enter
saves), a new 廉政谈话 is recorded, she regenerates the data paragraphs and finds her paragraph kept, marked
"数据已更新" with the new figures offered beside it, and downloads the Word file."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bianban.conftest import member  # noqa: F401  (the party branch links the member persona)
from bianban.party.choices import TalkKind
from bianban.party.talks.services import talk_create
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (pytest fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_secretary_edits_a_paragraph_and_regenerating_keeps_it(live_server, login, branch, artifacts):  # noqa: F811
    year = timezone.localdate().year
    page = login(branch.users.secretary)
    page.get_by_role("link", name="述职报告", exact=True).click()
    row = page.locator(f'tr[data-branch="{branch.branch.code}"] td[data-year="{year}"]')
    row.get_by_role("button", name="生成述职报告").click()
    expect(page.get_by_test_id("duty-title")).to_contain_text(f"{year}年度抓基层党建工作述职报告")

    paragraph = page.locator('[data-key="summary.integrity"]')
    paragraph.get_by_role("button", name="修改").click()
    editor = page.locator('[data-testid="duty-block-editor"]')
    editor.locator("textarea").fill("我亲自撰写的廉政教育段落，突出警示教育。")
    page.screenshot(path=str(artifacts / "duty-edit.png"), full_page=True)
    editor.locator("textarea").press("Control+Enter")
    paragraph = page.locator('[data-key="summary.integrity"]')
    expect(paragraph.get_by_test_id("block-text")).to_contain_text("我亲自撰写的廉政教育段落，突出警示教育。")
    expect(paragraph.get_by_test_id("edited")).to_be_visible()

    talk_create(actor=None, branch=branch.branch, kind=TalkKind.INTEGRITY, held_on=timezone.localdate(),
                topic="廉政谈话", talker=branch.full[0], talked_to=[branch.full[3], branch.full[4]])
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("regenerate").click()

    paragraph = page.locator('[data-key="summary.integrity"]')
    expect(paragraph.get_by_test_id("block-text")).to_contain_text("我亲自撰写的廉政教育段落，突出警示教育。")
    expect(paragraph.get_by_test_id("stale")).to_be_visible()
    expect(paragraph.get_by_test_id("stale-panel")).to_contain_text("廉政谈话2人次")
    page.screenshot(path=str(artifacts / "duty-regenerated.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("download-docx").click()
    assert download.value.suggested_filename == f"{branch.branch.name}{year}年度述职报告.docx"


def test_a_member_reads_the_report_without_edit_controls(live_server, login, branch: Any) -> None:  # noqa: F811
    from bianban.reports.duty.services import duty_report_create

    year = timezone.localdate().year
    report = duty_report_create(actor=branch.users.secretary, branch=branch.branch, year=year)
    page = login(branch.users.member)
    page.goto(f"{live_server.url}/reports/duty/{report.pk}/")
    expect(page.get_by_test_id("duty-title")).to_be_visible()
    expect(page.get_by_test_id("edit-block")).to_have_count(0)
    expect(page.get_by_test_id("download-docx")).to_be_visible()
