"""/api/v1 duties routes: /duty-items, /secretary-projects, /visit-campaigns and /visits, /risk-points,
/key-dates, /volunteer-activities, /reminders."""

from ninja import Router

from bianban.duties.ideology.api import router as ideology_router
from bianban.duties.integrity.api import router as integrity_router
from bianban.duties.items.api import router as items_router
from bianban.duties.projects.api import router as projects_router
from bianban.duties.reminders.api import router as reminders_router
from bianban.duties.visits.api import router as visits_router
from bianban.duties.volunteer.api import router as volunteer_router

router = Router(tags=["党建责任与专项工作"])
router.add_router("/", items_router)
router.add_router("/", projects_router)
router.add_router("/", visits_router)
router.add_router("/", ideology_router)
router.add_router("/", integrity_router)
router.add_router("/", volunteer_router)
router.add_router("/", reminders_router)
