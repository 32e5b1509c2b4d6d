"""The verification pages: the run list with its start form, a run's page with its findings grouped by rule and
filtered by rule and change, the polled status block, the rule list, and the finding links the ledger uses.

The register: 区人民医院 (health) is over its quota; at 区第一中学 (edu) one teacher has a bad ID number and
another is past retirement but still on the quota. No unit has a 三定规定, so all four are found by `no_charter`.
"""

import dataclasses
import io
import re
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianban.checks import services
from bianban.checks.choices import RunStatus
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import RULES
from bianban.ledger.choices import ProblemSource
from bianban.ledger.models import Problem
from bianban.people.models import Person
from bianban.people.tests.factories import PersonFactory
from bianban.staffing.choices import Enforcement
from bianban.staffing.services import approval_create, placement_enrol, quota_line_configure
from bianban.staffing.tests.helpers import ON, institution_line, people

TODAY = "today"


def _enrol(person: Any, unit: Any, line: Any, on: date = ON, **kwargs: Any) -> Any:
    return placement_enrol(actor=None, person=person, unit=unit, kind=line.kind, funding=line.funding, on=on,
                           document_no="示人〔2025〕1号", **kwargs)


def _break_id_number(person: Person) -> None:
    """Store a number with a wrong check character, as legacy data would (the services refuse it)."""
    last = person.id_number[-1]
    Person.objects.filter(pk=person.pk).update(id_number=person.id_number[:17] + ("1" if last == "0" else "0"))


@pytest.fixture
def register(district: Any) -> SimpleNamespace:
    hospital_line = institution_line(district.hospital, 1)
    quota_line_configure(actor=None, line=hospital_line, enforcement=Enforcement.WARN, reason="医院急需补充医护人员")
    doctor, nurse = people(2, district.hospital)
    _enrol(doctor, district.hospital, hospital_line)
    _enrol(nurse, district.hospital, hospital_line, on=ON + timedelta(days=1), over_quota_reason="急诊科护士")
    school_line = institution_line(district.school, 5)
    [teacher] = people(1, district.school)
    _break_id_number(teacher)
    retiree = PersonFactory(name="老教师", birth=date(1955, 3, 1), unit=district.school)
    _enrol(retiree, district.school, school_line)
    return SimpleNamespace(hospital_line=hospital_line, teacher=teacher, retiree=retiree)


def _start(client: Client, **data: Any) -> Any:
    return client.post(reverse("checks:list"), {"root": "", "as_of": timezone.localdate().isoformat(), **data})


def _finding(rule: str, **kwargs: Any) -> Finding:
    return Finding.objects.filter(rule=rule, **kwargs).order_by("-run_id").first()


def _rows(body: str) -> list[str]:
    """The rule code of each row of the findings table, in order."""
    table = body.split('data-testid="findings"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr id="finding-\d+" data-rule="([a-z_]+)"', table)


# ---------------------------------------------------------------------------------------------------- the list


def test_staff_see_the_start_form_with_every_unit_they_may_check(district: Any, staff: Any, client_for: Any) -> None:
    response = client_for(staff).get("/checks/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="check-run-form"' in body and "开始核查" in body
    assert '<option value="" selected>全部机构</option>' in body
    for unit in (district.edu, district.school, district.health, district.hospital):
        assert f'<option value="{unit.pk}">{unit.name}</option>' in body
    assert f'value="{timezone.localdate().isoformat()}"' in body
    assert "还没有核查记录，请在上方选择范围后开始核查" in body


def test_reviewers_read_the_runs_without_a_start_form(
        district: Any, staff: Any, reviewer: Any, client_for: Any) -> None:
    run_id = int(_start(client_for(staff))["Location"].strip("/").split("/")[-1])
    client = client_for(reviewer)
    body = client.get("/checks/").content.decode()
    assert "check-run-form" not in body and "开始核查" not in body
    assert f'href="/checks/{run_id}/">#{run_id}</a>' in body and "全部机构" in body and "李科员" in body
    assert client.post("/checks/", {"root": "", "as_of": timezone.localdate().isoformat()}).status_code == 404
    assert CheckRun.objects.count() == 1


def test_a_liaison_reads_the_list_but_cannot_start_a_run(district: Any, liaison: Any, client_for: Any) -> None:
    client = client_for(liaison)
    body = client.get("/checks/").content.decode()
    assert "check-run-form" not in body
    assert client.post("/checks/", {"root": district.school.pk}).status_code == 404
    assert not CheckRun.objects.exists()


@pytest.mark.parametrize("persona", ["member", "secretary", "outsider"])
def test_users_without_the_register_get_404(persona: str, request: Any, district: Any, client_for: Any) -> None:
    run = CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.DONE)
    client = client_for(request.getfixturevalue(persona))
    for url in ("/checks/", "/checks/rules/", f"/checks/{run.pk}/", f"/checks/{run.pk}/status/"):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_log_in(district: Any) -> None:
    response = Client().get("/checks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------------------------------------------- starting


def test_staff_start_a_run_and_land_on_its_findings_grouped_by_rule(
        register: Any, district: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    response = _start(client)
    run = CheckRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/checks/{run.pk}/"
    assert run.status == RunStatus.DONE and run.actor == staff

    page = client.get(response["Location"])
    body = page.content.decode()
    assert f"已发起核查 #{run.pk}（全部机构）" in body
    assert "共发现 7 项问题（新发现 7 项，仍存在 0 项）" in body
    assert 'data-status="done"' in body and "hx-get" not in body
    assert "同一范围没有更早的核查，全部为新发现" in body
    # The summary: every rule, those with findings linked to their filter.
    summary = body.split('data-testid="rule-summary"', 1)[1].split("</table>", 1)[0]
    assert summary.count("<tr data-rule=") == 16
    assert '<a href="?rule=over_quota"' in summary and '<a href="?rule=past_retirement"' in summary
    assert '<a href="?rule=mixed_kind"' not in summary
    # Findings come grouped by rule, each linking to where it is put right.
    assert _rows(body) == ["invalid_id", "no_charter", "no_charter", "no_charter", "no_charter", "over_quota",
                           "past_retirement"]
    assert f'href="/staffing/units/{district.hospital.pk}/">示例区人民医院·事业编制' in body
    assert f'href="/people/{register.teacher.pk}/">' in body
    assert f'href="/people/{register.retiree.pk}/">老教师（示例区第一中学）法定退休时间 2015年3月，仍在编' in body
    assert f'href="/units/{district.edu.pk}/">示例区教育局：没有施行中的三定规定' in body
    # …and to the problem the run opened in the ledger.
    problem = Problem.objects.get(source=ProblemSource.CHECK, source_key=f"over_quota:line:{register.hospital_line.pk}")
    assert f'href="/ledger/{problem.pk}/">待整改</a>' in body
    assert Problem.objects.filter(source=ProblemSource.CHECK).count() == 7


def test_an_expired_approval_links_to_the_units_approvals(district: Any, staff: Any, client_for: Any) -> None:
    line = institution_line(district.school, 3)
    approval_create(actor=None, unit=district.school, kind=line.kind, funding=line.funding, count=2,
                    document_no="示编核〔2025〕1号", issued_on=ON, valid_until=ON + timedelta(days=90))
    client = client_for(staff)
    body = client.get(_start(client)["Location"], {"rule": "expired_approval"}).content.decode()
    assert _rows(body) == ["expired_approval"]
    assert f'href="/staffing/units/{district.school.pk}/approvals/">示编核〔2025〕1号' in body


def test_the_rule_filter_narrows_the_findings_and_explains_the_rule(
        register: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    run_url = _start(client)["Location"]
    body = client.get(run_url, {"rule": "past_retirement"}).content.decode()
    assert _rows(body) == ["past_retirement"]
    assert '<h2 class="h5 mt-4">超过法定退休时间仍在编</h2>' in body
    assert "按渐进式延迟法定退休年龄办法计算的退休月份" in body
    assert 'class="table-active" data-rule="past_retirement"' in body
    # An unknown rule shows everything.
    assert len(_rows(client.get(run_url, {"rule": "nonsense"}).content.decode())) == 7


def test_the_change_filter_shows_new_persisting_and_resolved_findings(
        register: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    first_url = _start(client)["Location"]
    Person.objects.filter(pk=register.teacher.pk).update(id_number=register.teacher.id_number)  # put right
    [newcomer] = people(1, Person.objects.get(pk=register.retiree.pk).unit)
    _break_id_number(newcomer)
    second_url = _start(client)["Location"]
    first_id = int(first_url.strip("/").split("/")[-1])

    body = client.get(second_url).content.decode()
    assert f'<a href="/checks/{first_id}/">核查 #{first_id}</a>' in body
    assert "上次以来已消除（1）" in body

    new = client.get(second_url, {"change": "new"}).content.decode()
    assert _rows(new) == ["invalid_id"]
    assert f'href="/people/{newcomer.pk}/"' in new and f'href="/people/{register.teacher.pk}/"' not in new

    persisting = client.get(second_url, {"change": "persisting"}).content.decode()
    assert _rows(persisting) == ["no_charter"] * 4 + ["over_quota", "past_retirement"]
    assert "badge text-bg-danger\">新发现" not in persisting.split('data-testid="findings"')[1]

    resolved = client.get(second_url, {"change": "resolved"}).content.decode()
    assert _rows(resolved) == ["invalid_id"]
    assert f'href="/people/{register.teacher.pk}/"' in resolved and "已消除</span>" in resolved
    problem = Problem.objects.get(source_key=f"invalid_id:person:{register.teacher.pk}")
    assert problem.data_resolved_on == timezone.localdate()
    assert f'href="/ledger/{problem.pk}/">待整改</a> <span class="badge text-bg-info">待销号</span>' in resolved
    assert _rows(client.get(second_url, {"change": "resolved", "rule": "over_quota"}).content.decode()) == []


def test_a_future_date_is_refused_with_a_chinese_message_and_no_run(
        district: Any, staff: Any, client_for: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _start(client_for(staff), as_of=tomorrow.isoformat())
    assert response.status_code == 422
    assert "核查基准日不能晚于今天" in response.content.decode()
    assert not CheckRun.objects.exists()


def test_a_run_while_another_is_in_progress_is_refused_at_the_top_of_the_form(
        district: Any, staff: Any, client_for: Any) -> None:
    # The service's Conflict carries data in `details` (the busy run's id), not field messages: the form shows the
    # message itself at the top.
    busy = CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.RUNNING, actor=staff)
    response = _start(client_for(staff))
    body = response.content.decode()
    assert response.status_code == 422
    assert f"核查 #{busy.pk}（全部机构）尚未完成，请待其完成后再发起" in body
    assert 'class="alert alert-danger mb-0" role="alert"' in body
    assert CheckRun.objects.count() == 1


def test_a_run_as_of_a_past_date_says_it_leaves_the_ledger_alone(
        register: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    response = _start(client, as_of=(ON + timedelta(days=3)).isoformat())
    body = client.get(response["Location"]).content.decode()
    assert "历史基准日的核查只记录发现，不登记问题台账" in body
    assert "over_quota" in _rows(body)
    assert not Problem.objects.exists()


def test_a_subtree_run_is_labelled_with_its_root(register: Any, district: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    response = _start(client, root=district.health.pk)
    body = client.get(response["Location"]).content.decode()
    assert "：示例区卫生健康局，基准日" in body
    assert _rows(body) == ["no_charter", "no_charter", "over_quota"]


def test_a_failed_run_shows_its_error_and_no_findings(
        register: Any, staff: Any, client_for: Any, monkeypatch: Any) -> None:
    def broken(scope: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "RULES", [dataclasses.replace(RULES[0], find=broken), *RULES[1:]])
    client = client_for(staff)
    body = client.get(_start(client)["Location"]).content.decode()
    assert 'data-status="failed"' in body and "alert alert-danger" in body
    assert "核查出错，未完成：RuntimeError。已记录日志，请联系系统管理员。" in body
    assert "rule-summary" not in body and 'data-testid="findings"' not in body
    assert not Problem.objects.exists()


# ---------------------------------------------------------------------------------------------------- the status block


def test_the_status_block_reloads_the_page_once_a_polled_run_has_finished(
        register: Any, staff: Any, client_for: Any) -> None:
    client = client_for(staff)
    run_url = _start(client)["Location"]
    polled = client.get(f"{run_url}status/", {"polling": "1"})
    assert polled.status_code == 200 and polled["HX-Refresh"] == "true"
    body = polled.content.decode()
    assert 'id="run-status"' in body and "<html" not in body and 'data-testid="run-result"' in body
    # Asked for once (not by the poller), it only renders the block.
    assert "HX-Refresh" not in client.get(f"{run_url}status/")


def test_the_status_block_of_a_running_run_keeps_polling(district: Any, staff: Any, client_for: Any) -> None:
    run = CheckRun.objects.create(as_of=timezone.localdate(), status=RunStatus.RUNNING, rules_total=11, rules_done=4,
                                  stage="无现行三定规定", actor=staff)
    client = client_for(staff)
    polled = client.get(f"/checks/{run.pk}/status/", {"polling": "1"})
    body = polled.content.decode()
    assert "HX-Refresh" not in polled
    assert f'hx-get="/checks/{run.pk}/status/?polling=1"' in body and 'hx-trigger="every 1s"' in body
    assert "无现行三定规定（4 / 11 条规则）" in body and "36%" in body
    page = client.get(f"/checks/{run.pk}/").content.decode()
    assert "rule-summary" not in page and 'data-status="running"' in page


# ---------------------------------------------------------------------------------------------------- scope


def test_a_liaison_sees_only_their_units_part_of_a_district_run(
        register: Any, district: Any, staff: Any, liaison: Any, client_for: Any) -> None:
    run_url = _start(client_for(staff))["Location"]
    body = client_for(liaison).get(run_url).content.decode()
    assert "以下只列出您有权查看的单位的核查发现" in body
    assert _rows(body) == ["invalid_id", "no_charter", "no_charter", "past_retirement"]
    assert "示例区人民医院" not in body and "示例区卫生健康局" not in body
    summary = body.split('data-testid="rule-summary"', 1)[1].split("</table>", 1)[0]
    assert '<a href="?rule=over_quota"' not in summary


class TestFindingLinks:
    """The ledger links a problem to the finding that raised it (/checks/findings/<id>/), which leads to the run's
    page filtered to its rule — for those who may see the finding's unit, and 404 for everyone else.

    (bianban.testing.ScopedAccessContract does not fit here: a finding has no page of its own to answer 200, the
    link redirects, and the API has no per-finding URL; these are the same rules, written for a redirect.)"""

    @pytest.fixture
    def run(self, register: Any, staff: Any, client_for: Any) -> CheckRun:
        _start(client_for(staff))
        return CheckRun.objects.get()

    def test_staff_follow_a_finding_to_its_run_filtered_to_its_rule(self, run, district, staff, client_for):
        finding = _finding("over_quota")
        response = client_for(staff).get(f"/checks/findings/{finding.pk}/")
        assert response.status_code == 302
        assert response["Location"] == f"/checks/{run.pk}/?rule=over_quota&page=1#finding-{finding.pk}"

    def test_the_liaison_follows_a_finding_of_a_unit_below_their_own(self, run, district, liaison, client_for):
        finding = _finding("invalid_id")
        response = client_for(liaison).get(f"/checks/findings/{finding.pk}/")
        assert response.status_code == 302
        assert response["Location"] == f"/checks/{run.pk}/?rule=invalid_id&page=1#finding-{finding.pk}"
        page = client_for(liaison).get(response["Location"]).content.decode()
        assert f'id="finding-{finding.pk}"' in page

    def test_the_liaison_gets_404_for_another_units_finding(self, run, district, liaison, client_for):
        finding = _finding("over_quota")
        assert client_for(liaison).get(f"/checks/findings/{finding.pk}/").status_code == 404

    def test_users_without_grants_and_unknown_findings_get_404(self, run, outsider, staff, client_for):
        finding = _finding("invalid_id")
        assert client_for(outsider).get(f"/checks/findings/{finding.pk}/").status_code == 404
        assert client_for(staff).get("/checks/findings/999999/").status_code == 404

    def test_the_ledger_problem_links_back_to_its_finding(self, run, district, liaison, client_for):
        finding = _finding("invalid_id")
        problem = Problem.objects.get(source_key=finding.key)
        body = client_for(liaison).get(f"/ledger/{problem.pk}/").content.decode()
        assert f'href="/checks/findings/{finding.pk}/" data-testid="source-link">查看核查发现</a>' in body


def test_a_ledger_link_leads_to_the_page_that_shows_its_finding(
        district: Any, staff: Any, client_for: Any) -> None:
    # The run page is paginated: the ledger's link must land on the page that shows the finding.
    for person in people(51, district.school):
        _break_id_number(person)
    client = client_for(staff)
    _start(client)
    last = Finding.objects.filter(rule="invalid_id").order_by("-pk").first()
    target = client.get(f"/checks/findings/{last.pk}/")["Location"]
    assert f'id="finding-{last.pk}"' in client.get(target).content.decode()


def test_a_run_started_by_the_system_shows_as_such(district: Any, reviewer: Any, client_for: Any) -> None:
    # Regression: `{{ run.actor.get_full_name|default:run.actor.username }}` raised VariableDoesNotExist for a run
    # with no actor (`bianban checks run` without --user): Django does not silence a filter *argument* it cannot
    # resolve, so the list and the run's page answered 500 for everyone once one such run existed.
    from django.core.management import call_command

    call_command("checks", "run", "--json", stdout=io.StringIO())
    run = CheckRun.objects.get()
    assert run.actor is None
    client = client_for(reviewer)
    client.raise_request_exception = False
    listed = client.get("/checks/")
    assert listed.status_code == 200 and "<td>系统</td>" in listed.content.decode()
    detail = client.get(f"/checks/{run.pk}/")
    assert detail.status_code == 200 and "系统，" in detail.content.decode()


# ---------------------------------------------------------------------------------------------------- rules, navigation


def test_the_rule_page_lists_every_rule_with_its_explanation(district: Any, reviewer: Any, client_for: Any) -> None:
    body = client_for(reviewer).get("/checks/rules/").content.decode()
    codes = re.findall(r"<td><code>([a-z_]+)</code></td>", body)
    assert codes == ["over_quota", "over_posts", "mixed_kind", "abolished_unit_placement", "expired_approval",
                     "no_charter", "charter_mismatch", "past_retirement", "multiple_placements", "invalid_id",
                     "duplicate_id", "registration_missing", "certificate_expired", "annual_report_late",
                     "registration_mismatch", "filing_overdue"]
    assert "混编混岗" in body and "GB 11643-1999" in body and "严重" in body and "一般" in body


def test_the_navigation_links_to_verification_which_is_no_longer_a_placeholder(
        district: Any, reviewer: Any, member: Any, client_for: Any) -> None:
    body = client_for(reviewer).get("/checks/").content.decode()
    link = re.search(r'<a class="nav-link[^"]*" href="/checks/">([^<]*)(<span[^>]*>[^<]*</span>)?</a>', body)
    assert link is not None and link.group(1).strip() == "编制核查" and link.group(2) is None
    assert 'class="nav-link py-1 px-2 active" href="/checks/"' in body
    assert client_for(reviewer).get("/modules/checks/").status_code == 404
    # A party member does not see the register, nor this item.
    assert 'href="/checks/"' not in client_for(member).get("/").content.decode()
