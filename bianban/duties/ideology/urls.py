"""Ideology pages, under /duties/ideology/ (names prefixed risk_ / sensitive_ in the "duties" namespace)."""

from django.urls import path

from bianban.duties.ideology import views

urlpatterns = [
    path("", views.index_view, name="risk_index"),
    path("risks/new/", views.create_view, name="risk_create"),
    path("risks/<int:pk>/", views.detail_view, name="risk_detail"),
    path("risks/<int:pk>/edit/", views.edit_view, name="risk_edit"),
    path("risks/<int:pk>/review/", views.review_view, name="risk_review"),
    path("risks/<int:pk>/close/", views.close_view, name="risk_close"),
    path("risks/<int:pk>/reopen/", views.reopen_view, name="risk_reopen"),
    path("meetings/<int:activity_id>/", views.meeting_view, name="risk_meeting"),
    path("sensitive/new/", views.sensitive_create_view, name="sensitive_create"),
    path("sensitive/<int:pk>/edit/", views.sensitive_edit_view, name="sensitive_edit"),
    path("sensitive/<int:pk>/delete/", views.sensitive_delete_view, name="sensitive_delete"),
]
