"""/api/v1 事业单位登记 routes: /registrations (and certificates), /filings, /annual-reports."""

from ninja import Router

from bianban.registration.annual.api import router as annual_router
from bianban.registration.filings.api import router as filings_router
from bianban.registration.registrations.api import router as registrations_router

router = Router(tags=["事业单位登记"])
router.add_router("/", registrations_router)
router.add_router("/", filings_router)
router.add_router("/", annual_router)
