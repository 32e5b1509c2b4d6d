"""The platform's main journeys in a real browser, one test each: every role logs in and sees its menu, an enrolment
over quota is refused, a roster with errors comes back as an annotated workbook, a 支部党员大会 short of quorum says
why, a problem is closed out (销号), and the 述职报告 is downloaded as Word. Every journey page is shot at a desktop
and a phone width (e2e/artifacts/journey-<name>-{desktop,phone}.png) and must not scroll sideways on the phone."""

import re
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from bianban.accounts import services as account_services
from bianban.accounts.choices import ROLE_PERMS, Perm, Role
from bianban.conftest import PASSWORD, admin, member, reviewer  # noqa: F401  (shared personas)
from bianban.core.navigation import SECTIONS
from bianban.ledger.choices import ProblemStatus
from bianban.ledger.models import Problem
from bianban.ledger.tests.conftest import awaiting, make_problem  # noqa: F401  (a problem awaiting close-out)
from bianban.party.tests.conftest import branch, make_person  # noqa: F401  (a working branch of 9 members)
from bianban.people.services import person_create
from bianban.staffing.choices import Enforcement
from bianban.staffing.models import Placement
from bianban.staffing.roster.columns import ERRORS_HEADER, ERRORS_SHEET, SHEET
from bianban.staffing.roster.tests.helpers import row, workbook
from bianban.staffing.services import placement_enrol
from bianban.staffing.tests.helpers import institution_line

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MENU = 'aside[aria-label="主导航"]'
# Elements sticking out past the right edge that are not inside a container scrolling on its own (a wide table
# in .table-responsive may scroll sideways; the page itself may not).
_OVERFLOW_JS = """() => {
  const width = window.innerWidth, culprits = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0 && !el.parentElement.closest(".table-responsive, .overflow-auto")) {
        culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} → ${Math.round(box.right)}px`);
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, culprits: culprits.slice(0, 8)};
}"""


def shoot(page: Page, artifacts: Any, name: str) -> None:
    """Screenshot the current page at 1366×768 and at a phone's 390×844, asserting the phone page has no horizontal
    scroll; the desktop viewport is restored afterwards."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts / f"journey-{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    layout = page.evaluate(_OVERFLOW_JS)
    page.screenshot(path=str(artifacts / f"journey-{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert layout["scroll"] <= layout["width"], f"{name}: the page scrolls sideways on a phone: {layout}"


def expected_menu(role: str) -> list[tuple[str, list[str]]]:
    """The menu a role should see, read off the navigation definition and the role's permissions."""
    perms = ROLE_PERMS[role]
    menu = [(s.label, [i.label for i in s.items if i.perm is None or i.perm in perms]) for s in SECTIONS]
    return [(section, items) for section, items in menu if items]


def visible_menu(page: Page) -> list[tuple[str, list[str]]]:
    """The sections and item labels the user can see in the sidebar (innerText is empty for hidden elements)."""
    return [(section, items) for section, items in page.evaluate("""(menu) =>
        [...document.querySelectorAll(`${menu} .bb-nav-section`)].map(s => [s.innerText.trim(),
          [...s.nextElementSibling.querySelectorAll("a.nav-link")].map(a => a.innerText.trim()).filter(Boolean)])
    """, MENU) if section]


# Two labels each role must see and two it must not: concrete, so a drift in SECTIONS or ROLE_PERMS fails here too.
CONCRETE = {
    Role.OFFICE_ADMIN: (["账号与授权", "实名制花名册导入"], []),
    Role.OFFICE_STAFF: (["实名制花名册导入", "编制核查"], ["账号与授权", "党支部与党员"]),
    Role.UNIT_LIAISON: (["人员", "问题台账"], ["实名制花名册导入", "三会一课与活动"]),
    Role.BRANCH_SECRETARY: (["三会一课与活动", "述职报告"], ["机构", "编制看板"]),
    Role.COMMITTEE_MEMBER: (["谈心谈话", "民主评议"], ["人员", "审计日志"]),
    Role.MEMBER: (["党支部与党员", "党建看板"], ["问题台账", "登记管理"]),
    Role.REVIEWER: (["审计日志", "编制看板"], ["实名制花名册导入", "账号与授权"]),
}


def test_each_role_logs_in_and_sees_its_menu(live_server, login, district, page, artifacts):
    for k, role in enumerate(Role):
        # The liaison's grant must name a unit; the others are district-wide.
        unit = district.edu if role == Role.UNIT_LIAISON else None
        user = account_services.user_create_with_grants(
            actor=None, username=f"role{k}", password=PASSWORD, full_name=f"{role.label}用户", grants=[(role, unit)])
        page.context.clear_cookies()
        login(user)
        expect(page.get_by_test_id("current-user")).to_have_text(f"{role.label}用户")
        menu = visible_menu(page)
        assert menu == expected_menu(role), role
        labels = {label for _, items in menu for label in items}
        present, absent = CONCRETE[role]
        assert set(present) <= labels and not set(absent) & labels, (role, labels)
        shoot(page, artifacts, f"menu-{role.value}")

    # On a phone the menu folds behind a button; it opens, and its items lead to their pages.
    page.set_viewport_size(PHONE)
    page.reload()
    item = page.locator(MENU).get_by_role("link", name="述职报告", exact=True)
    expect(item).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    expect(page.locator(MENU)).to_have_class(re.compile(r"\bcollapse show\b"))  # the fold-out has finished
    expect(item).to_be_visible()
    page.screenshot(path=str(artifacts / "journey-menu-open-phone.png"), full_page=True)
    item.click()
    expect(page.locator("h1")).to_contain_text("述职报告")
    page.set_viewport_size(DESKTOP)


def test_an_enrolment_over_quota_is_refused_in_block_mode(live_server, login, district, staff, artifacts):
    line = institution_line(district.school, 1)  # a new line enforces in block mode by default
    assert line.enforcement == Enforcement.BLOCK
    placement_enrol(actor=None, person=person_create(actor=None, name="林晓燕", id_number="11010519491231002X"),
                    unit=district.school, kind=line.kind, funding=line.funding, on=date(2025, 3, 3),
                    document_no="示人〔2025〕1号")
    newcomer = person_create(actor=None, name="周明", id_number="110105198001010016")
    page = login(staff)
    page.goto(f"{live_server.url}/staffing/units/{district.school.pk}/")
    page.get_by_role("link", name="入编", exact=True).click()
    page.locator("#id_person").fill(newcomer.id_number)
    page.locator("#id_line").select_option(index=1)
    page.locator("#id_on").fill("2025-04-01")
    page.locator("#id_document_no").fill("示人〔2025〕2号")
    page.get_by_role("button", name="入编").click()

    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("核定 1 名，实有 1 名")
    expect(refusal).to_contain_text("不能再占用 1 名")
    assert not Placement.objects.filter(person=newcomer).exists()
    shoot(page, artifacts, "over-quota")


def test_a_roster_with_errors_comes_back_as_an_annotated_workbook(live_server, login, district, staff, artifacts,
                                                                    settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    institution_line(district.school, 5)
    # Sheet rows 2–5 (row 1 is the header): rows 3 and 5 are wrong.
    rows = [row(姓名="张三"), row(姓名="李四", 性别="女"), row(姓名="王五"), row(姓名="赵六", 民族="汉")]
    upload = workbook(tmp_path / "花名册.xlsx", rows)
    page = login(staff)
    page.get_by_role("link", name="实名制花名册导入", exact=True).click()
    page.get_by_role("link", name="上传花名册").click()
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_label("导入（全部通过才写入）").check()
    page.get_by_role("button", name="上传").click()

    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "rejected")
    expect(page.get_by_test_id("import-errors")).to_contain_text("性别与身份证号码不一致")
    shoot(page, artifacts, "roster-errors")
    with page.expect_download() as download:
        page.get_by_test_id("error-workbook").click()
    assert download.value.suggested_filename == "花名册-错误标注.xlsx"
    book = load_workbook(BytesIO(download.value.path().read_bytes()))  # the path has no .xlsx openpyxl wants
    assert book.sheetnames == [ERRORS_SHEET, SHEET]
    summary = list(book[ERRORS_SHEET].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in summary} == {3, 5}
    assert any(r[0] == 3 and r[1] == "性别" for r in summary)
    sheet = book[SHEET]
    headers = [c.value for c in sheet[1]]
    names, notes = headers.index("姓名"), headers.index(ERRORS_HEADER)
    annotated = {r[names]: r[notes] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert annotated["李四"] and annotated["赵六"] and not annotated["张三"] and not annotated["王五"]
    assert not Placement.objects.exists()  # nothing is written while any row is wrong


def test_a_general_meeting_short_of_quorum_says_why(live_server, login, branch, artifacts):  # noqa: F811
    page = login(branch.users.secretary)
    page.goto(f"{live_server.url}/party/activities/new/?branch={branch.branch.pk}&kind=GENERAL_MEETING")
    form = page.get_by_test_id("activity-form")
    expect(page.locator("#id_kind")).to_have_value("GENERAL_MEETING")
    form.locator("input[name=topic]").fill("讨论发展党员")
    # 7 正式党员 vote; 4 of them absent leaves 3 of 7, not more than half. The 2 预备党员 attend but cannot vote.
    for absent in branch.full[3:]:
        page.locator(f"#att-{absent.pk}-ABSENT").check()
    shoot(page, artifacts, "quorum-form")
    form.get_by_role("button", name="保存").click()

    quorum = page.get_by_test_id("quorum")
    expect(quorum).to_contain_text("未达到法定人数")
    expect(quorum).to_contain_text("应到有表决权党员7人，实到3人")
    expect(quorum).to_contain_text("预备党员没有表决权")
    expect(quorum).to_contain_text("未超过半数（至少须4人到会）")
    expect(quorum).to_contain_text("条例第十一条")
    expect(page.get_by_test_id("counts")).to_contain_text("实到 5")
    shoot(page, artifacts, "quorum")


def test_a_problem_is_closed_out_by_the_office_admin_not_the_reviewer(live_server, login, admin, reviewer,  # noqa: F811
                                                                     awaiting, page, artifacts):  # noqa: F811
    # The "reviewer" is whoever reviews rectification and closes it (审核销号). Perm.LEDGER_CLOSE belongs to
    # 编办管理员 alone, so the office admin closes; the read-only 审阅 role (Role.REVIEWER) can only look.
    assert [role for role, perms in ROLE_PERMS.items() if Perm.LEDGER_CLOSE in perms] == [Role.OFFICE_ADMIN]
    url = f"{live_server.url}/ledger/{awaiting.pk}/"

    login(reviewer)
    page.goto(url)
    expect(page.locator("h1")).to_contain_text("申请销号")
    expect(page.get_by_role("button", name="审核销号")).to_have_count(0)
    # Nor does posting the close-out by hand get past the service.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value") or page.evaluate(
        "() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    # Not following the redirect leaves the flash message for the page to show.
    response = page.request.post(f"{url}transition/", form={"from_status": "awaiting_review", "to_status": "closed"},
                                 headers={"X-CSRFToken": token}, max_redirects=0)
    assert response.status == 302
    page.goto(url)
    expect(page.get_by_role("alert")).to_contain_text("只有编办管理员可以审核销号")
    assert Problem.objects.get(pk=awaiting.pk).status == ProblemStatus.AWAITING_REVIEW
    shoot(page, artifacts, "ledger-reviewer")

    page.context.clear_cookies()
    login(admin)
    page.goto(url)
    page.once("dialog", lambda dialog: dialog.accept())  # 确定审核销号？
    page.get_by_role("button", name="审核销号").click()
    expect(page.get_by_role("alert")).to_contain_text("问题已改为“已销号”")
    expect(page.locator("h1")).to_contain_text("已销号")
    expect(page.get_by_test_id("timeline")).to_contain_text("申请销号 → 已销号")
    assert Problem.objects.get(pk=awaiting.pk).closed_by == admin
    shoot(page, artifacts, "ledger-closed")


def test_the_secretary_generates_and_downloads_the_duty_report(live_server, login, branch, artifacts):  # noqa: F811
    year = timezone.localdate().year
    page = login(branch.users.secretary)
    page.get_by_role("link", name="述职报告", exact=True).click()
    shoot(page, artifacts, "duty-index")
    page.locator(f'tr[data-branch="{branch.branch.code}"] td[data-year="{year}"]').get_by_role(
        "button", name="生成述职报告").click()
    expect(page.get_by_test_id("duty-title")).to_contain_text(f"{year}年度抓基层党建工作述职报告")
    shoot(page, artifacts, "duty-report")
    with page.expect_download() as download:
        page.get_by_test_id("download-docx").click()
    assert download.value.suggested_filename == f"{branch.branch.name}{year}年度述职报告.docx"
    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert branch.branch.name in text and f"{year}年度" in text
