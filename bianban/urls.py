from django.contrib import admin
from django.urls import include, path, re_path

from bianban import views
from bianban.api import api
from bianban.core.api import unknown_route

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("bianban.accounts.urls")),
    path("units/", include("bianban.units.urls")),
    path("people/", include("bianban.people.urls")),
    path("staffing/", include("bianban.staffing.urls")),
    path("ledger/", include("bianban.ledger.urls")),
    path("checks/", include("bianban.checks.urls")),
    path("party/", include("bianban.party.urls")),
    path("duties/", include("bianban.duties.urls")),
    path("reports/", include("bianban.reports.urls")),
    path("registration/", include("bianban.registration.urls")),
    path("roster/", include("bianban.staffing.roster.urls")),
    path("", include("bianban.core.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", unknown_route),
    path("admin/", admin.site.urls),
]
