"""/api/v1 report routes: /reports/duty (the 述职报告 as JSON or .docx), /reports/statistics/* (workbooks),
/dashboards/* (chart data)."""

from ninja import Router

from bianban.reports.dashboards.api import router as dashboards_router
from bianban.reports.duty.api import router as duty_router
from bianban.reports.workbooks.api import router as workbooks_router

router = Router(tags=["报告与统计"])
router.add_router("/", duty_router)
router.add_router("/", workbooks_router)
router.add_router("/", dashboards_router)
