"""Report pages, one module per area: the 述职报告 drafts, the statistics workbooks, the dashboards."""

from django.urls import include, path

app_name = "reports"
urlpatterns = [
    path("duty/", include("bianban.reports.duty.urls")),
    path("statistics/", include("bianban.reports.workbooks.urls")),
    path("dashboards/", include("bianban.reports.dashboards.urls")),
]
