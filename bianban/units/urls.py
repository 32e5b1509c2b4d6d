from django.urls import path

from bianban.units import views, views_parts

app_name = "units"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/children/", views.children_view, name="children"),
    path("<int:pk>/events/", views.events_view, name="events"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/abolish/", views.abolish_view, name="abolish"),
    path("<int:pk>/divisions/new/", views_parts.division_create_view, name="division_create"),
    path("divisions/<int:pk>/edit/", views_parts.division_edit_view, name="division_edit"),
    path("divisions/<int:pk>/abolish/", views_parts.division_abolish_view, name="division_abolish"),
    path("<int:pk>/charters/new/", views_parts.charter_create_view, name="charter_create"),
]
