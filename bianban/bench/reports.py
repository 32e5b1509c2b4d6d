"""The report benchmarks of `bianban bench` (issue 7, "Performance"):

- the 述职报告: composing the demo branch's 2023 and writing its .docx (target ≤ 2 s), in a fresh database holding
  the full demo (a branch with a full year of organisational life, talks, visits, the 书记项目 and its register
  records); the demo load itself is set-up, not timed;
- the establishment statistics workbook over the whole synthesised register (target ≤ 30 s for 20,000 units).
"""

from bianban.bench.report import LOWER, Result
from bianban.bench.sandbox import Sandbox

DUTY_REPORT_SECONDS = 2.0
WORKBOOK_SECONDS = 30.0


def bench_duty_report(box: Sandbox, sizes: object, quick: bool) -> list[Result]:
    db = box.root / "duty_report.sqlite3"
    try:
        box.bianban(db, "migrate", "-v0", timeout=300)
        box.bianban(db, "demo", timeout=900)
        out = box.workload(db, "duty_report", repeat=5)
    finally:
        box.drop(db)
    note = (f"示例区编办党支部 2023 年度：生成 {out['compose_s'] * 1000:.0f} 毫秒、"
            f"写 .docx {out['docx_s'] * 1000:.0f} 毫秒（5 次中位数）；{out['figures']} 个统计数字，"
            f"{out['queries']} 次查询，文件 {out['docx_bytes'] / 1024:.0f} KB")
    return [Result("duty_report_seconds", "述职报告生成并写 Word", out["total_s"], "秒", DUTY_REPORT_SECONDS, LOWER,
                   note)]


def bench_establishment_workbook(box: Sandbox, sizes: object, quick: bool) -> list[Result]:
    """The 机构编制统计表 of the whole synthesised register, as of today (the live counters) and as of the end of
    last year (figures rebuilt from the journal), on a copy of the synth database."""
    db = box.copy("workbook")
    try:
        today = box.workload(db, "establishment_workbook")
        past = box.workload(db, "establishment_workbook", as_of=f"{int(today['as_of'][:4]) - 1}-12-31")
    finally:
        box.drop(db)
    target = None if quick else WORKBOOK_SECONDS
    results = []
    for key, label, out in (("workbook_seconds", "机构编制统计表（今天）", today),
                            ("workbook_past_seconds", "机构编制统计表（历史基准日）", past)):
        note = (f"{out['units']:,} 个单位，{out['rows']:,} 行，{out['bytes'] / 1024 / 1024:.1f} MB，"
                f"{out['queries']} 次查询；基准日 {out['as_of']}")
        results.append(Result(key, label, out["seconds"], "秒", target, LOWER, note))
    return results
