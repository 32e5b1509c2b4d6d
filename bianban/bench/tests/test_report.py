"""The bench command's table and JSON writer, and how `run_benchmarks` reports a benchmark that fails (the
benchmarks themselves are not run here: they take minutes)."""

import json
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bianban.bench import benchmarks, child
from bianban.bench.report import EQUAL, HIGHER, LOWER, Result, document, judge, machine, table, write_json


def sample() -> list[Result]:
    return [
        Result("synth_seconds", "合成数据生成", 46.04, "秒", 180, LOWER),
        Result("service_enrol_per_s", "入编（服务层）", 290.1, "次/秒", 500, HIGHER, "2,000 次入编"),
        Result("api_over_quota_lines", "超编的编制", 0, "条", 0, EQUAL, checks_ok=False),
        Result("roster_import_seconds", "名册导入", None, "秒", 20, LOWER, "未运行（导入模块尚未提供）"),
        Result("unit_page_p50_ms", "单位页面 p50", 12.5, "毫秒"),
    ]


def test_a_figure_is_judged_against_its_target_in_the_right_direction():
    assert judge(46, 180, LOWER) is True
    assert judge(181, 180, LOWER) is False
    assert judge(501, 500, HIGHER) is True
    assert judge(499.9, 500, HIGHER) is False
    assert judge(0, 0, EQUAL) is True
    assert judge(1, 0, EQUAL) is False


def test_a_figure_that_met_its_target_fails_when_its_other_checks_did_not():
    assert judge(0, 0, EQUAL, checks_ok=False) is False


def test_a_figure_without_target_or_value_is_neither_met_nor_missed():
    assert judge(12.5, None, LOWER) is None
    assert judge(None, 20, LOWER) is None


def test_the_table_shows_each_figure_beside_its_target_and_verdict():
    text = table(sample())
    header, rule, *rows = text.splitlines()
    assert header.split() == ["指标", "结果", "目标", "是否达标"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert "46.0 秒" in rows[0] and "≤ 180 秒" in rows[0] and rows[0].endswith("达标")
    assert "290.1 次/秒" in rows[1] and "≥ 500 次/秒" in rows[1] and rows[1].endswith("未达标")
    assert "= 0 条" in rows[2] and rows[2].endswith("未达标")
    assert "未运行（导入模块尚未提供）" in rows[3] and rows[3].endswith("—")
    assert rows[4].split()[-2:] == ["—", "—"]
    assert "- 入编（服务层）：2,000 次入编" in text


def test_the_table_columns_line_up_with_chinese_text():
    from bianban.bench.report import _width

    lines = table(sample()).splitlines()[:7]
    cells = ["46.0", "290.1", "0 条", "未运行", "12.5 "]
    starts = {_width(line[: line.index(cell)]) for line, cell in zip(lines[2:7], cells, strict=True)}
    assert len(starts) == 1


def test_the_json_document_names_the_machine_date_and_every_result(tmp_path: Path):
    started = datetime(2026, 11, 28, 13, 0).astimezone()
    path = tmp_path / "benchmarks" / "results.json"
    write_json(path, document(sample(), quick=False, machine_info=machine(), started=started, seconds=301.26))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc["machine"]) >= {"cpu", "cores", "python", "sqlite", "db_vendor"}
    assert doc["machine"]["db_vendor"] == "sqlite"
    assert doc["date"].startswith("2026-11-28T13:00")
    assert doc["quick"] is False and doc["seconds"] == 301.3
    first = doc["results"][0]
    assert {k: first[k] for k in ("name", "value", "unit", "target", "ok")} == {
        "name": "synth_seconds", "value": 46.04, "unit": "秒", "target": 180, "ok": True}
    assert [r["ok"] for r in doc["results"]] == [True, False, False, None, None]
    assert "合成数据生成" in path.read_text(encoding="utf-8")  # readable Chinese, not \\u escapes
    assert list(path.parent.iterdir()) == [path]  # written through a temporary file, none left behind


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert benchmarks.percentile(values, 0.95) == 95.0
    assert benchmarks.percentile(values, 0.5) == 50.0
    assert benchmarks.percentile([7.0], 0.95) == 7.0


def test_a_failing_benchmark_is_reported_and_the_others_still_run(monkeypatch, tmp_path: Path):
    def good(box, sizes, quick):
        assert box.root.exists() and quick
        return [Result("synth_seconds", "合成数据生成", 2.5, "秒")]

    def broken(box, sizes, quick):
        raise benchmarks.BenchError("服务在 60 秒内未就绪")

    def after(box, sizes, quick):
        return [Result("unit_page_p95_ms", "单位页面 p95", 20.0, "毫秒", 150, LOWER)]

    monkeypatch.setattr(benchmarks, "BENCHMARKS", {"synth": ("生成", good), "api_enrol": ("接口", broken),
                                                   "unit_pages": ("页面", after)})
    output = tmp_path / "results.json"
    stream = StringIO()
    results, _doc = benchmarks.run_benchmarks(quick=True, output=output, stream=stream)
    assert [r.name for r in results] == ["synth_seconds", "api_enrol_per_s", "unit_page_p95_ms"]
    failed = results[1]
    assert failed.value is None and failed.ok is False and "服务在 60 秒内未就绪" in failed.note
    assert results[2].ok is True
    assert json.loads(output.read_text(encoding="utf-8"))["results"][1]["ok"] is False
    assert "(2/3) 接口" in stream.getvalue()
    assert not list(tmp_path.glob("bianban-bench-*"))


def test_the_command_prints_the_table_and_fails_when_a_benchmark_could_not_run(monkeypatch, tmp_path: Path):
    from bianban.bench.management.commands import bench

    def fake(**kwargs):
        assert kwargs["quick"] is True and kwargs["only"] == ["unit_pages"]
        results = [Result("synth_seconds", "合成数据生成", 2.5, "秒"),
                   Result("unit_page_p95_ms", "单位页面 p95", None, "毫秒", 150, LOWER, "失败：超时", checks_ok=False)]
        info = {"cpu": "测试CPU", "cores": 2, "python": "3.11", "sqlite": "3.40.1", "db_vendor": "sqlite"}
        return results, {"machine": info, "date": "2026-11-28T13:00:00+08:00"}

    monkeypatch.setattr(bench, "run_benchmarks", fake)
    out = StringIO()
    with pytest.raises(CommandError, match="部分基准未能运行"):
        call_command("bench", "--quick", "--only", "unit_pages", "--output", str(tmp_path / "r.json"), stdout=out,
                     stderr=StringIO())
    assert "快速模式" in out.getvalue() and "单位页面 p95" in out.getvalue() and "失败：超时" in out.getvalue()


def test_the_command_rejects_an_unknown_benchmark_name():
    with pytest.raises(CommandError, match="未知的基准"):
        call_command("bench", "--only", "nonsense", stdout=StringIO(), stderr=StringIO())


def test_a_workload_refuses_to_run_outside_a_benchmark_sandbox(monkeypatch, capsys):
    monkeypatch.delenv(child.SANDBOX_ENV, raising=False)
    assert child.main(["service_enrol", "{}"]) == 2
    assert "拒绝运行" in capsys.readouterr().err
    monkeypatch.setenv(child.SANDBOX_ENV, "/somewhere/else.sqlite3")
    assert child.main(["service_enrol", "{}"]) == 2
