"""Key-date pages, under /duties/integrity/ (names prefixed keydate_ in the "duties" namespace)."""

from django.urls import path

from bianban.duties.integrity import views

urlpatterns = [
    path("", views.index_view, name="keydate_index"),
    path("new/", views.create_view, name="keydate_create"),
    path("generate/", views.generate_view, name="keydate_generate"),
    path("<int:pk>/edit/", views.edit_view, name="keydate_edit"),
    path("<int:pk>/done/", views.done_view, name="keydate_done"),
    path("<int:pk>/delete/", views.delete_view, name="keydate_delete"),
]
