from django.urls import path

from bianban.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("export/", views.export_view, name="export"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/transition/", views.transition_view, name="transition"),
    path("<int:pk>/measures/new/", views.measure_create_view, name="measure_create"),
    path("<int:pk>/measures/<int:mid>/edit/", views.measure_edit_view, name="measure_edit"),
    path("<int:pk>/measures/<int:mid>/complete/", views.measure_complete_view, name="measure_complete"),
    path("<int:pk>/measures/<int:mid>/evidence/", views.evidence_upload_view, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_view, name="evidence"),
]
