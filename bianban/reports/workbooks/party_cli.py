"""`bianban report party --branch CODE|ID --year YYYY --out FILE.xlsx`: a branch's 党建工作统计表 of a year, as system
work (any branch; audited without an actor). Bad arguments: a Chinese message on stderr, exit status 2, no file."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.core.exceptions import DomainError
from bianban.reports.workbooks import services
from bianban.reports.workbooks.outfile import write_whole, xlsx_target
from bianban.reports.workbooks.party import build_party


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--branch", required=True, help="党支部代码或编号")
    parser.add_argument("--year", required=True, help="年度，如2023")
    parser.add_argument("--out", required=True, help="输出文件（.xlsx）")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        branch = services.party_branch(None, options.get("branch"))
        year = services.check_year(options.get("year"))
    except DomainError as exc:
        hint = "（--branch 应为党支部代码或编号）" if exc.status == 404 else ""
        raise CommandError(f"{exc.message}{hint}", returncode=2) from None
    path = xlsx_target(str(options["out"]))
    data, figures = build_party(branch, year)
    write_whole(path, data)
    services.party_export(actor=None, branch=branch, year=year, members=len(figures.members))
    command.stdout.write(f"已写入 {path}")
    command.stdout.write(f"{branch.name}{year}年度党建工作统计表：召开活动 {figures.held} 次，"
                         f"党员 {len(figures.members)} 人")
