"""书记项目 pages, under /duties/projects/ (names prefixed project_ in the "duties" namespace)."""

from django.urls import path

from bianban.duties.projects import views, views_parts

urlpatterns = [
    path("", views.index_view, name="project_index"),
    path("new/", views.create_view, name="project_create"),
    path("<int:pk>/", views.detail_view, name="project_detail"),
    path("<int:pk>/edit/", views.edit_view, name="project_edit"),
    path("<int:pk>/targets/new/", views_parts.target_add_view, name="project_target_add"),
    path("<int:pk>/targets/<int:tid>/edit/", views_parts.target_edit_view, name="project_target_edit"),
    path("<int:pk>/targets/<int:tid>/delete/", views_parts.target_delete_view, name="project_target_delete"),
    path("<int:pk>/milestones/new/", views_parts.milestone_add_view, name="project_milestone_add"),
    path("<int:pk>/milestones/<int:mid>/edit/", views_parts.milestone_edit_view, name="project_milestone_edit"),
    path("<int:pk>/milestones/<int:mid>/status/", views_parts.milestone_status_view,
         name="project_milestone_status"),
    path("<int:pk>/milestones/<int:mid>/delete/", views_parts.milestone_delete_view,
         name="project_milestone_delete"),
    path("<int:pk>/outcomes/new/", views_parts.outcome_add_view, name="project_outcome_add"),
    path("<int:pk>/outcomes/<int:oid>/delete/", views_parts.outcome_delete_view, name="project_outcome_delete"),
]
