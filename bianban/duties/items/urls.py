"""责任清单 pages under /duties/items/ (names prefixed item_ in the "duties" namespace)."""

from django.urls import path

from bianban.duties.items import views

urlpatterns = [
    path("", views.index_view, name="item_index"),
    path("month/", views.month_view, name="item_month"),
    path("export/", views.export_view, name="item_export"),
    path("new/", views.create_view, name="item_create"),
    path("<int:pk>/", views.detail_view, name="item_detail"),
    path("<int:pk>/edit/", views.edit_view, name="item_edit"),
    path("<int:pk>/delete/", views.delete_view, name="item_delete"),
    path("<int:pk>/complete/", views.complete_view, name="item_complete"),
    path("<int:pk>/reopen/", views.reopen_view, name="item_reopen"),
    path("<int:pk>/evidence/", views.evidence_upload_view, name="item_evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_view, name="item_evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete_view, name="item_evidence_delete"),
]
