"""`python -m bianban.bench.child NAME 'JSON'`: run one workload of workloads.py inside a benchmark database and
print its result as JSON on the last line (after MARKER).

It refuses to run unless the environment names the very database it is connected to as the sandbox
(benchmarks.Sandbox sets it), so that it can never write benchmark users and persons into a real register.
"""

import json
import os
import sys

MARKER = "BENCH-RESULT "
SANDBOX_ENV = "BIANBAN_BENCH_SANDBOX_DB"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianban.settings")
    import django

    django.setup()
    from django.conf import settings

    from bianban.bench import workloads
    from bianban.reports.duty.compose_bench import compose_workload
    from bianban.reports.workbooks.bench import establishment_workbook_seconds

    database = str(settings.DATABASES["default"]["NAME"])
    if not os.environ.get(SANDBOX_ENV) or os.environ[SANDBOX_ENV] != database:
        sys.stderr.write("拒绝运行：当前数据库不是基准测试的临时数据库\n")
        return 2
    functions = {
        "service_enrol": workloads.service_enrol,
        "api_setup": workloads.api_setup,
        "register_check": workloads.register_check,
        "pages_setup": workloads.pages_setup,
        "roster_import": workloads.roster_import,
        "duty_report": compose_workload,
        "establishment_workbook": establishment_workbook_seconds,
    }
    name, kwargs = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = functions[name](**kwargs)
    sys.stdout.write(MARKER + json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
