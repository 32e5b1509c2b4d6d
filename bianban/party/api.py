"""/api/v1 party routes: /branches, /members, /activities, /talks, /appraisals and /branches/{id}/compliance."""

from ninja import Router

from bianban.party.activities.api import router as activities_router
from bianban.party.appraisals.api import router as appraisals_router
from bianban.party.compliance.api import router as compliance_router
from bianban.party.members.api import router as members_router
from bianban.party.talks.api import router as talks_router

router = Router(tags=["党支部工作"])
router.add_router("/", members_router)
router.add_router("/", activities_router)
router.add_router("/", talks_router)
router.add_router("/", compliance_router)
router.add_router("/", appraisals_router)
