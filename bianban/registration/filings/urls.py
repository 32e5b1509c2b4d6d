"""/registration/filings/: 设立、变更、注销登记 (names prefixed filing_)."""

from django.urls import path

from bianban.registration.filings import views

urlpatterns = [
    path("", views.list_view, name="filing_list"),
    path("new/", views.create_view, name="filing_create"),
    path("<int:pk>/", views.detail_view, name="filing_detail"),
    path("<int:pk>/transition/", views.transition_view, name="filing_transition"),
    path("<int:pk>/materials/", views.materials_view, name="filing_materials"),
]
