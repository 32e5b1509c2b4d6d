"""/reports/dashboards/: the office dashboard (编制看板) and the branch dashboards (党建看板)."""

from django.urls import path

from bianban.reports.dashboards import views

urlpatterns = [
    path("office/", views.office_view, name="dashboard_office"),
    path("branch/", views.branch_index_view, name="dashboard_branch_index"),
    path("branch/<int:branch_id>/", views.branch_view, name="dashboard_branch"),
]
