"""`bianban checks`: listing the rules and running them from the command line (cron, the operator's shell)."""

import dataclasses
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bianban.checks import services
from bianban.checks.choices import RunStatus
from bianban.checks.management.commands.checks import Command
from bianban.checks.models import CheckRun
from bianban.checks.rules import RULES
from bianban.core.models import AuditEvent
from bianban.ledger.choices import ProblemSource
from bianban.ledger.models import Problem
from bianban.people.models import Person
from bianban.staffing.tests.helpers import people

CODES = ["over_quota", "over_posts", "mixed_kind", "abolished_unit_placement", "expired_approval", "no_charter",
         "charter_mismatch", "past_retirement", "multiple_placements", "invalid_id", "duplicate_id",
         # 事业单位登记 (bianban/registration/rules.py)
         "registration_missing", "certificate_expired", "annual_report_late", "registration_mismatch", "filing_overdue"]


def checks(*args: str) -> str:
    out = io.StringIO()
    call_command("checks", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    lines = checks("run", "--json", *args).splitlines()
    assert len(lines) == 1, lines
    return json.loads(lines[0])


@pytest.fixture
def teacher(district: Any) -> Person:
    """A teacher of 区第一中学 whose stored ID number fails its check character (legacy data)."""
    [person] = people(1, district.school)
    last = person.id_number[-1]
    Person.objects.filter(pk=person.pk).update(id_number=person.id_number[:17] + ("1" if last == "0" else "0"))
    return person


def test_rules_lists_every_code_with_its_title_severity_and_subject(db: Any) -> None:
    lines = checks("rules").splitlines()
    assert [line.split("\t")[0] for line in lines] == CODES
    assert lines[0] == "over_quota\t超编\t严重\t编制"
    assert "no_charter\t无现行三定规定\t一般\t机构" in lines


def test_run_json_prints_one_line_with_every_rules_count(district: Any, teacher: Person) -> None:
    result = run_json()
    run = CheckRun.objects.get()
    assert result["run_id"] == run.pk and result["status"] == "done"
    assert result["as_of"] == timezone.localdate().isoformat()
    assert list(result["findings"]) == CODES
    assert result["findings"] == {code: {"no_charter": 4, "invalid_id": 1}.get(code, 0) for code in CODES}
    assert isinstance(result["seconds"], float) and result["seconds"] >= 0
    assert set(result["stages"]) == {"rules", "store", "ledger"}
    assert (result["new"], result["persisting"], result["resolved"]) == (5, 0, 0)
    assert result["problems_opened"] == 5
    assert Problem.objects.filter(source=ProblemSource.CHECK).count() == 5
    # System work: no actor, and audited as such.
    assert run.actor is None
    assert AuditEvent.objects.filter(action="check_run.done", actor__isnull=True).count() == 1


def test_a_second_run_finds_the_same_problems_persisting_and_opens_none(district: Any, teacher: Person) -> None:
    first = run_json()
    second = run_json()
    assert second["run_id"] != first["run_id"]
    assert (second["new"], second["persisting"], second["resolved"]) == (0, 5, 0)
    assert second["problems_opened"] == 0 and second["problems_resolved"] == 0
    assert CheckRun.objects.get(pk=second["run_id"]).previous_id == first["run_id"]
    assert Problem.objects.filter(source=ProblemSource.CHECK).count() == 5
    Person.objects.filter(pk=teacher.pk).update(id_number=teacher.id_number)
    third = run_json()
    assert (third["new"], third["persisting"], third["resolved"], third["problems_resolved"]) == (0, 4, 1, 1)


def test_run_without_json_prints_a_summary_in_chinese(district: Any, teacher: Person) -> None:
    out = checks("run")
    lines = out.splitlines()
    run = CheckRun.objects.get()
    assert lines[0].startswith(f"核查 #{run.pk}（全部机构，基准日 {timezone.localdate():%Y-%m-%d}）：共发现 5 项问题")
    assert "  无现行三定规定：4" in lines and "  身份证号码无效：1" in lines
    assert not any("超编" in line for line in lines[1:])  # rules that found nothing are left out
    assert lines[-1].startswith("用时 ") and lines[-1].endswith(" 秒")


def test_a_future_as_of_is_refused_with_a_chinese_message_and_exit_status_2(district: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="核查基准日不能晚于今天") as refused:
        checks("run", "--as-of", tomorrow)
    assert refused.value.returncode == 2
    assert not CheckRun.objects.exists()


def test_on_the_command_line_a_refusal_goes_to_stderr_with_exit_status_2(
        district: Any, capsys: Any, monkeypatch: Any) -> None:
    # run_from_argv is what `bianban checks ...` calls; it closes every connection when done, which would end
    # the test's transaction, so that one step is left out here.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["bianban", "checks", "run", "--as-of", tomorrow])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "CommandError: 核查基准日不能晚于今天"
    assert captured.out == ""


def test_a_malformed_as_of_is_refused(db: Any) -> None:
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD：2025-02-30") as refused:
        checks("run", "--as-of", "2025-02-30")
    assert refused.value.returncode == 2


def test_an_unknown_unit_is_refused(district: Any) -> None:
    with pytest.raises(CommandError, match="机构不存在：999999") as refused:
        checks("run", "--unit", "999999")
    assert refused.value.returncode == 2
    assert not CheckRun.objects.exists()


def test_an_unknown_user_is_refused(district: Any) -> None:
    with pytest.raises(CommandError, match="用户不存在或已停用：nobody") as refused:
        checks("run", "--user", "nobody")
    assert refused.value.returncode == 2
    assert not CheckRun.objects.exists()


def test_a_user_is_held_to_their_grants(district: Any, liaison: Any, staff: Any, teacher: Person) -> None:
    with pytest.raises(CommandError, match="只有全区范围授权的用户可以核查全部机构"):
        checks("run", "--user", liaison.username)
    with pytest.raises(CommandError, match="没有发起编制核查的权限"):
        checks("run", "--user", liaison.username, "--unit", str(district.school.pk))
    assert not CheckRun.objects.exists()
    result = run_json("--user", staff.username, "--unit", str(district.edu.pk))
    assert {code: n for code, n in result["findings"].items() if n} == {"no_charter": 2, "invalid_id": 1}
    run = CheckRun.objects.get()
    assert (run.actor, run.root) == (staff, district.edu)


def test_a_past_as_of_runs_but_leaves_the_ledger_alone(district: Any, teacher: Person) -> None:
    result = run_json("--as-of", "2025-01-01")
    assert result["status"] == "done" and result["as_of"] == "2025-01-01"
    assert result["findings"]["invalid_id"] == 1 and result["findings"]["no_charter"] == 4
    assert result["problems_opened"] == 0 and "ledger" not in result["stages"]
    assert not Problem.objects.exists()
    assert CheckRun.objects.get().feeds_ledger is False


def test_a_run_that_fails_prints_its_result_and_exits_1(district: Any, monkeypatch: Any) -> None:
    def broken(scope: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "RULES", [dataclasses.replace(RULES[0], find=broken), *RULES[1:]])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("checks", "run", stdout=out, stderr=err)
    assert exited.value.code == 1
    run = CheckRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "核查出错，未完成：RuntimeError" in err.getvalue()
    assert not Problem.objects.exists()
