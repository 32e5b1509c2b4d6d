"""`bianban synth --units N --people M [--seed S] [--force]`: generate a province-scale register for benchmarks."""

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bianban.bench.progress import ProgressBar
from bianban.bench.synth import register_synthesize
from bianban.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = ("生成省级规模的合成编制台账（机构树、编制、领导职数、三定规定、用编核准、人员和入编记录，"
            "以及少量刻意设置的问题供核查发现），供基准测试使用；只在空数据库中运行，同一随机种子生成的数据完全相同")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--units", type=int, required=True, help="机构数（如 20000）")
        parser.add_argument("--people", type=int, required=True, help="人数，每人一条在编记录（如 1000000）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--force", action="store_true", help="数据库中已有机构时仍然追加一个合成省")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stderr._out)
        try:
            result = register_synthesize(actor=None, units=options["units"], people=options["people"],
                                         seed=options["seed"], force=options["force"], progress=bar)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        finally:
            bar.close()
        self.stdout.write(
            f"已生成合成数据：机构 {result.units:,} 个，编制 {result.lines:,} 条，领导职数 {result.posts:,} 条，"
            f"三定规定 {result.charters:,} 份，用编核准 {result.approvals:,} 份，"
            f"人员 {result.people:,} 人（在编 {result.placements:,}），随机种子 {result.seed}，"
            f"用时 {result.seconds:.1f} 秒。"
        )
        problems = dict(result.problems)
        people = problems.pop("abolished_unit_placements", 0)
        parts = [f"{label} {problems.get(key, 0):,}" for key, label in PROBLEM_LABELS.items()]
        parts[list(PROBLEM_LABELS).index("abolished_units")] += f"（{people:,} 人）"
        self.stdout.write("刻意设置的问题（供核查发现）：" + "，".join(parts) + "。")


# The planted problems (bench/defects.py), in the order the summary prints them.
PROBLEM_LABELS = {
    "no_charter_units": "无三定规定的单位",
    "charter_mismatch_units": "三定与台账不一致的单位",
    "over_quota_lines": "超编编制（预警模式）",
    "over_posts": "超职数（预警模式）",
    "mixed_kind_lines": "混编混岗编制",
    "past_retirement_persons": "超过退休时间仍在编",
    "invalid_id_persons": "身份证校验码错误",
    "duplicate_id_pairs": "身份证本体码重复（对）",
    "abolished_units": "已撤销仍有人员的单位",
    "expired_approvals": "逾期未用的用编核准",
    "open_approvals": "有效期内的用编核准",
}
