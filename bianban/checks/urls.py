from django.urls import path

from bianban.checks import views

app_name = "checks"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("rules/", views.rules_view, name="rules"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/status/", views.status_view, name="status"),
    path("<int:pk>/export/", views.export_view, name="export"),
    path("findings/<int:pk>/", views.finding_view, name="finding"),
]
