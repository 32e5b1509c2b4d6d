from django.urls import path

from bianban.staffing import views, views_forms

app_name = "staffing"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("units/<int:pk>/", views.unit_view, name="unit"),
    path("units/<int:pk>/panel/", views.unit_panel_view, name="unit_panel"),
    path("units/<int:pk>/history/", views.unit_history_view, name="unit_history"),
    path("units/<int:pk>/approvals/", views.approvals_view, name="approvals"),
    path("units/<int:pk>/movements/new/", views_forms.movement_create_view, name="movement_create"),
    path("units/<int:pk>/posts/", views_forms.post_quota_view, name="post_quota"),
    path("units/<int:pk>/approvals/new/", views_forms.approval_create_view, name="approval_create"),
    path("units/<int:pk>/enrol/", views_forms.enrol_view, name="enrol"),
    path("lines/<int:pk>/configure/", views_forms.line_configure_view, name="line_configure"),
    path("approvals/<int:pk>/withdraw/", views_forms.approval_withdraw_view, name="approval_withdraw"),
    path("placements/<int:pk>/release/", views_forms.release_view, name="release"),
    path("placements/<int:pk>/transfer/", views_forms.transfer_view, name="transfer"),
    path("placements/<int:pk>/change-post/", views_forms.change_post_view, name="change_post"),
]
