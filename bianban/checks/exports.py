"""A check run's findings as an xlsx workbook: one sheet per run, one row per finding (the reader's units only)."""

import io
from collections.abc import Iterable

from openpyxl import Workbook

from bianban.checks.choices import Change
from bianban.checks.models import CheckRun, Finding
from bianban.checks.rules import rule_by_code

COLUMNS = ["序号", "规则", "严重程度", "单位", "说明", "与上次比较", "对象类型", "对象编号"]
WIDTHS = [6, 20, 8, 24, 70, 10, 10, 10]


def findings_workbook(run: CheckRun, findings: Iterable[Finding]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"核查{run.pk}")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    title = f"核查 #{run.pk}：{run.scope_label}，基准日 {run.as_of:%Y-%m-%d}"
    ws.append([title])
    ws.append(COLUMNS)
    for index, finding in enumerate(findings, 1):
        rule = rule_by_code(finding.rule)
        ws.append([index, rule.title if rule else finding.rule, finding.get_severity_display(),
                   finding.unit.name if finding.unit else "", finding.message,
                   str(Change(finding.change).label), finding.get_subject_display(), finding.subject_id])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
