"""Annual-report pages under /registration/annual-reports/ (names prefixed annual_ in the "registration" namespace)."""

from django.urls import path

from bianban.registration.annual import views

urlpatterns = [
    path("", views.list_view, name="annual_list"),
    path("export/", views.export_view, name="annual_export"),
    path("new/", views.create_view, name="annual_create"),
    path("<int:pk>/", views.detail_view, name="annual_detail"),
    path("<int:pk>/edit/", views.edit_view, name="annual_edit"),
    path("<int:pk>/submit/", views.submit_view, name="annual_submit"),
    path("<int:pk>/sponsor-approve/", views.sponsor_approve_view, name="annual_sponsor_approve"),
    path("<int:pk>/publish/", views.publish_view, name="annual_publish"),
    path("<int:pk>/return/", views.return_view, name="annual_return"),
]
