"""事业单位登记 pages, one module per area: registrations and certificates, filings, annual reports."""

from django.urls import include, path

app_name = "registration"
urlpatterns = [
    path("", include("bianban.registration.registrations.urls")),
    path("filings/", include("bianban.registration.filings.urls")),
    path("annual-reports/", include("bianban.registration.annual.urls")),
    path("calendar/", include("bianban.registration.calendar.urls")),
]
