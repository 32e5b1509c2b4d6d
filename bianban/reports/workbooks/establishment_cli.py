"""`bianban report establishment [--unit ID] [--as-of YYYY-MM-DD] --out FILE.xlsx`: the 机构编制统计表 of the whole
register (or of one unit's subtree) as of a date, as system work — like `bianban checks run`, the command line reads
the whole register and is audited without an actor. Bad arguments: a Chinese message on stderr, exit status 2, no
file written."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.core.exceptions import DomainError
from bianban.reports.workbooks import services
from bianban.reports.workbooks.establishment import build_establishment
from bianban.reports.workbooks.outfile import write_whole, xlsx_target


def add_arguments(parser: CommandParser) -> None:
    # Strings, not type=int / a date type: the checks (and their messages) are the services' own, in Chinese.
    parser.add_argument("--unit", help="只统计该单位及其全部下属单位（单位编号）；默认全部单位")
    parser.add_argument("--as-of", dest="as_of", help="基准日（YYYY-MM-DD），默认今天")
    parser.add_argument("--out", required=True, help="输出文件（.xlsx）")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        root, as_of = services.establishment_inputs(None, options.get("unit"), options.get("as_of"))
    except DomainError as exc:
        raise CommandError(exc.message, returncode=2) from None
    path = xlsx_target(str(options["out"]))
    data, figures = build_establishment(None, root, as_of)
    write_whole(path, data)
    services.establishment_export(actor=None, root=root, as_of=as_of, units=len(figures.units),
                                  lines=len(figures.lines))
    total = figures.total()
    command.stdout.write(f"已写入 {path}")
    command.stdout.write(f"机构编制统计表（{figures.scope_label}，基准日 {as_of:%Y-%m-%d}）："
                         f"{len(figures.units)} 个单位、{total.lines} 条编制，"
                         f"核定 {total.approved} 名，实有 {total.occupied} 名")
