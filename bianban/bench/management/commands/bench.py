"""`bianban bench [--quick]`: run the performance benchmarks in a throw-away sandbox, print a table and write
benchmarks/results.json (see bianban/bench/benchmarks.py and docs/benchmarks.md)."""

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bianban.bench.benchmarks import BENCHMARKS, RESULTS_PATH, run_benchmarks
from bianban.bench.report import table
from bianban.bench.verification import PG_URL_ENV, pg_url_from_environment


class Command(BaseCommand):
    help = ("运行性能基准测试（合成数据生成、服务层入编、HTTP API 并发入编、单位编制页面、实名制名册导入、"
            "全量核查及其 DuckDB 对照），打印结果表并写入 benchmarks/results.json；"
            "全部在临时数据库中进行，不触碰现有数据")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--quick", action="store_true",
                            help="小规模快速运行（500 个机构 / 25,000 人，次数更少），结果仅供参考")
        parser.add_argument("--only", default="", help="只运行这些基准（逗号分隔：" + ",".join(BENCHMARKS) + "）；"
                            "合成数据总会生成")
        parser.add_argument("--output", default=str(RESULTS_PATH),
                            help="结果 JSON 文件（默认 benchmarks/results.json）")
        parser.add_argument("--keep", action="store_true", help="保留临时目录（数据库和服务日志），便于排查")
        parser.add_argument("--pg", default=pg_url_from_environment(), metavar="URL",
                            help="PostgreSQL 服务器（如 postgres://postgres@127.0.0.1:5432/postgres），在其上建立并最终删除"
                            f"一个临时数据库运行 PostgreSQL 基准；默认取环境变量 {PG_URL_ENV}，未提供则跳过")

    def handle(self, *args: Any, **options: Any) -> None:
        only = [name.strip() for name in options["only"].split(",") if name.strip()]
        unknown = [name for name in only if name not in BENCHMARKS]
        if unknown:
            raise CommandError(f"未知的基准：{'、'.join(unknown)}（可选：{'、'.join(BENCHMARKS)}）")
        output = Path(options["output"])
        results, doc = run_benchmarks(quick=options["quick"], only=only or None, output=output,
                                      keep=options["keep"], stream=self.stderr._out, pg_url=options["pg"] or None)
        info = doc["machine"]
        title = "性能基准测试结果" + ("（快速模式：数据规模小，仅供参考）" if options["quick"] else "")
        self.stdout.write(f"{title}\n{doc['date']}，{info['cpu']}，{info['cores']} 核，Python {info['python']}，"
                          f"SQLite {info['sqlite']}"
                          + (f"，PostgreSQL {info['postgresql']}" if info.get("postgresql") else "") + "\n")
        self.stdout.write(table(results))
        self.stdout.write(f"\n结果已写入 {output}")
        if any(r.value is None and r.ok is False for r in results):
            raise CommandError("部分基准未能运行，见上表")
