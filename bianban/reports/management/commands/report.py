"""`bianban report`: report files from the command line.

    bianban report duty --branch CODE --year YYYY --out FILE.docx
    bianban report establishment [--unit ID] [--as-of YYYY-MM-DD] --out FILE.xlsx
    bianban report party --branch CODE --year YYYY --out FILE.xlsx

Each kind is one module's `add_arguments(parser)` / `handle(command, options)`: duty/cli.py,
workbooks/establishment_cli.py, workbooks/party_cli.py.
Exit status 0 when the file was written, 2 for bad arguments (message on stderr, nothing written).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bianban.reports.duty import cli as duty_cli
from bianban.reports.workbooks import establishment_cli, party_cli

KINDS = {
    "duty": (duty_cli, "党支部书记抓基层党建工作述职报告（.docx，GB/T 9704 格式）"),
    "establishment": (establishment_cli, "机构编制统计表（.xlsx）"),
    "party": (party_cli, "党建工作统计表（.xlsx）"),
}


class Command(BaseCommand):
    help = "生成报告文件：述职报告、机构编制统计表、党建工作统计表"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        for name, (module, title) in KINDS.items():
            module.add_arguments(sub.add_parser(name, help=title))

    def handle(self, *args: Any, **options: Any) -> None:
        module, _ = KINDS[options["kind"]]
        module.handle(self, options)
