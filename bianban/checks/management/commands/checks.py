"""`bianban checks`: verification from the command line.

    bianban checks rules
    bianban checks run [--as-of YYYY-MM-DD] [--unit ID] [--user USERNAME] [--json]

`run` runs every rule in this process (not through the task worker) and prints a summary, or with --json one
line: {"run_id", "findings": {rule: count}, "seconds", "stages", "new", "persisting", "resolved", ...}.
Exit status 0 when the run finished (whatever it found), 1 when it failed, 2 for bad arguments. Without --user
the run is system work (whole register allowed, audited without an actor).
"""

import json
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianban.checks.choices import RunStatus
from bianban.checks.rules import RULES
from bianban.checks.services import check_run_execute, check_run_request
from bianban.core.exceptions import DomainError
from bianban.units.models import Unit


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}", returncode=2) from None


class Command(BaseCommand):
    help = "编制核查：列出核查规则，或对全部（或某机构及其下属）机构运行核查"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rules", help="列出核查规则")
        run = sub.add_parser("run", help="运行核查")
        run.add_argument("--as-of", dest="as_of", help="核查基准日（YYYY-MM-DD，默认今天；历史日期不登记问题台账）")
        run.add_argument("--unit", type=int, help="只核查该机构及其下属机构（机构id）")
        run.add_argument("--user", help="以该用户身份核查（检查其授权范围）")
        run.add_argument("--json", action="store_true", help="以一行 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rules":
            for rule in RULES:
                self.stdout.write(f"{rule.code}\t{rule.title}\t{rule.severity_label}\t{rule.subject_label}")
            return
        self._run(options)

    def _run(self, options: dict[str, Any]) -> None:
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}", returncode=2)
        root = None
        if options["unit"] is not None:
            root = Unit.objects.filter(pk=options["unit"]).first()
            if root is None:
                raise CommandError(f"机构不存在：{options['unit']}", returncode=2)
        as_of = _date(options["as_of"]) if options["as_of"] else None
        try:
            run = check_run_request(actor=actor, root=root, as_of=as_of)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        run = check_run_execute(run_id=run.pk)
        run.refresh_from_db()
        # In registry order (PostgreSQL's jsonb keeps its own key order).
        counts = {rule.code: run.counts.get(rule.code, 0) for rule in RULES} if run.counts else {}
        if options["json"]:
            self.stdout.write(json.dumps({
                "run_id": run.pk, "status": run.status, "as_of": run.as_of.isoformat(), "findings": counts,
                "seconds": run.seconds, "stages": run.timings, "new": run.new_count,
                "persisting": run.persisting_count, "resolved": run.resolved_count,
                "problems_opened": run.problems_opened, "problems_resolved": run.problems_resolved,
            }, ensure_ascii=False))
        else:
            self.stdout.write(f"核查 #{run.pk}（{run.scope_label}，基准日 {run.as_of:%Y-%m-%d}）：{run.message}")
            titles = {r.code: r.title for r in RULES}
            for code, n in counts.items():
                if n:
                    self.stdout.write(f"  {titles[code]}：{n}")
            if run.seconds is not None:
                self.stdout.write(f"用时 {run.seconds:.2f} 秒")
        if run.status != RunStatus.DONE:
            if not options["json"]:
                self.stderr.write(run.message)
            raise SystemExit(1)
