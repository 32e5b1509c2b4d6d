"""Volunteer service pages under /duties/volunteer/ (names prefixed volunteer_ in the duties namespace)."""

from django.urls import path

from bianban.duties.volunteer import views

urlpatterns = [
    path("", views.index_view, name="volunteer_index"),
    path("export/", views.export_view, name="volunteer_export"),
]
