"""The HTTP API at /api/v1: one NinjaAPI, each app's router mounted on it."""

from bianban.accounts.api import router as accounts_router
from bianban.accounts.api_auth import API_AUTH
from bianban.checks.api import router as checks_router
from bianban.core.api import ChineseJSONRenderer, DocumentedAPI, ObjectBodyParser, install_error_handlers
from bianban.duties.api import router as duties_router
from bianban.ledger.api import router as ledger_router
from bianban.party.api import router as party_router
from bianban.people.api import router as people_router
from bianban.registration.api import router as registration_router
from bianban.reports.api import router as reports_router
from bianban.staffing.api import router as staffing_router
from bianban.units.api import router as units_router

api = DocumentedAPI(
    title="bianban 编办工作平台 API",
    version="1",
    description=(
        "机构编制、实名制、核查、问题台账与党建工作的数据接口。"
        "认证：`Authorization: Bearer <令牌>`，或浏览器会话。"
    ),
    renderer=ChineseJSONRenderer(),
    parser=ObjectBodyParser(),
    auth=API_AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/units", units_router)
api.add_router("/people", people_router)
api.add_router("/", staffing_router)
api.add_router("/problems", ledger_router)
api.add_router("/", checks_router)
api.add_router("/", party_router)
api.add_router("/", duties_router)
api.add_router("/", reports_router)
api.add_router("/", registration_router)
