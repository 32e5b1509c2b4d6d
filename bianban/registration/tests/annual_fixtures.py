"""Annual-report test set-up (R3): complete §3.4 contents, reports opened through the services at a fixed "today"
inside the 2025 reporting window, and on-quota placements for the 从业人员 prefill. The registrations themselves
come from R1's conftest (`registration`: 区第一中学 since 2016, sponsor 区教育局; `hospital_registration`: 区人民医院
under 区卫生健康局, outside the liaison's subtree)."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bianban.registration.annual import services
from bianban.registration.models import AnnualReport, Registration

YEAR = 2025
TODAY = date(2026, 2, 10)  # inside the window for 2025 (1 January – 31 March 2026)
DUE = date(2026, 3, 31)
AFTER_DUE = date(2026, 4, 1)

CONTENTS: dict[str, Any] = {
    "business_activities": "完成高中教学任务，开展课后服务",
    "net_assets_start": "1200.50", "net_assets_end": "1350.25", "revenue": "3000", "expenditure": "2850.75",
    "change_compliance": "本年度无登记事项变更", "performance": "获评市级文明校园", "litigation": "无",
    "complaints": "无", "donations": "无", "online_name": "示例区第一中学.公益",
}


def filled(actor: Any, report: AnnualReport, **overrides: Any) -> AnnualReport:
    return services.annual_report_update(actor=actor, report=report, **{**CONTENTS, **overrides})


@pytest.fixture
def make_report(staff: Any) -> Callable[..., AnnualReport]:
    """Open a report as 编办 staff; `upto` walks it through the flow: "draft", "filled", "submitted",
    "sponsor_approved", "published"."""

    def make(registration: Registration, year: int = YEAR, upto: str = "draft", today: date = TODAY) -> AnnualReport:
        report = services.annual_report_create(actor=staff, registration=registration, year=year, today=today)
        steps = ["filled", "submitted", "sponsor_approved", "published"]
        done = steps[:steps.index(upto) + 1] if upto in steps else []
        if "filled" in done:
            report = filled(staff, report)
        if "submitted" in done:
            report = services.annual_report_submit(actor=staff, report=report, today=today)
        if "sponsor_approved" in done:
            report = services.annual_report_sponsor_approve(actor=staff, report=report, today=today)
        if "published" in done:
            report = services.annual_report_publish(actor=staff, report=report, today=today)
        return report

    return make
