"""`bianban demo [--reset]`: load the demo district 示例区 and print its logins."""

import argparse
import unicodedata
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bianban.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from bianban.demo.loader import FULL_PEOPLE, DemoResult, load_demo
from bianban.demo.people import AS_OF as DEMO_DATE


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded by display width, so that Chinese text lines up in a terminal."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = ("载入演示数据“示例区”：机构、内设机构、三定规定、人员、编制台账（编制、领导职数、用编核准、人员编制）、"
            "区委编办党支部及其2023年以来的组织生活记录，和各角色的演示账号（已载入则只显示账号）")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--reset", action="store_true", help="先清空整个数据库，再重新载入演示数据")
        # Smaller districts for tests and quick looks; the demo itself is always the full one.
        parser.add_argument("--units", type=int, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--people", type=int, default=FULL_PEOPLE, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            self.stderr.write("正在清空数据库……", style_func=str)
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()  # flush recreated the content types under new ids
        result = load_demo(units_limit=options["units"], people=options["people"], stream=self.stderr)
        if result.already_loaded:
            self.stdout.write("示例区演示数据已经载入，未重复载入（如需重新载入，请使用 --reset）。")
            if not result.complete:
                self.stderr.write("上次载入未完成，演示数据不完整，请使用 --reset 清空后重新载入。")
        else:
            self.stdout.write(self.style.SUCCESS(f"示例区演示数据载入完成，用时 {result.seconds:.1f} 秒。"))
        self.stdout.write(self._totals(result))
        self.stdout.write("\n演示账号：")
        rows = [("用户名", "密码", "角色", "范围")]
        rows += [(a.username, DEMO_PASSWORD, a.role_label, a.scope_label) for a in ACCOUNTS]
        self.stdout.write(_table(rows))
        self.stderr.write(f"注意：以上均为演示账号，密码“{DEMO_PASSWORD}”已公开，仅供演示，切勿用于生产环境。",
                          style_func=self.style.WARNING)

    @staticmethod
    def _totals(result: DemoResult) -> str:
        kinds = "、".join(f"{label}{n}" for label, n in result.units_by_kind.items() if n)
        s = result.staffing
        lines = [
            f"机构 {result.units} 个（{kinds}），内设机构 {result.divisions} 个，"
            f"现行三定规定 {result.charters} 份，人员 {result.people} 人，账号 {result.users} 个。",
            f"编制 {s.lines} 条：核定 {s.approved} 名，实有 {s.occupied} 名，已核准未入编 {s.reserved} 名"
            f"（有效用编核准 {s.open_approvals} 份）；编外人员 {s.off_quota} 人；"
            f"领导职数核定 {s.posts_approved} 名，实配 {s.posts_filled} 名。",
        ]
        if s.problems:
            lines.append(f"供核查发现的问题（故意设置，截至 {DEMO_DATE:%Y-%m-%d}）：")
            lines += [f"  {n}. {problem}" for n, problem in enumerate(s.problems, start=1)]
        if result.check_run:
            lines.append(result.check_run)
        p = result.party
        if p is not None:
            lines.append(f"党支部：{p.branch}，党员 {p.members} 名（其中预备党员 {p.probationary} 名），"
                         f"党小组 {p.groups} 个，支委 {p.committee} 名；2023 年以来组织活动 {p.activities} 次"
                         f"（另有计划 {p.planned} 次），谈话 {p.talks} 次，民主评议党员 {p.appraisals} 次。")
        d = result.duties
        if d is not None:
            lines.append(f"责任清单任务 {d.duty_items} 项；书记项目 {d.projects} 个；集中走访 {d.visits} 次，"
                         f"{d.households} 户 {d.people} 人，收集问题 {d.visit_problems} 个；"
                         f"意识形态风险点 {d.risk_points} 个；廉政重要节点 {d.key_dates} 个。")
        r = result.registration
        if r is not None and r.registrations:
            lines.append(f"事业单位登记 {r.registrations} 个（下月到期证书 {r.expiring_next_month} 份，"
                         f"办理中的登记申请 {r.filings_open} 件）；{r.year}年度报告已公示 {r.published} 份，"
                         f"审查中 {r.in_flow} 份，逾期未报 {r.late} 个（故意设置，供核查“年度报告逾期未报”发现）。")
        return "\n".join(lines)
