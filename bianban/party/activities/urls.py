"""Activity pages under /party/activities/ (names prefixed activity_ in the party namespace)."""

from django.urls import path

from bianban.party.activities import views

urlpatterns = [
    path("", views.list_view, name="activity_list"),
    path("new/", views.create_view, name="activity_create"),
    path("sheet/", views.attendance_rows_view, name="activity_sheet"),
    path("calendar/", views.calendar_view, name="activity_calendar"),
    path("study/", views.study_view, name="activity_study"),
    path("study/export/", views.study_export_view, name="activity_study_export"),
    path("<int:pk>/", views.detail_view, name="activity_detail"),
    path("<int:pk>/edit/", views.edit_view, name="activity_edit"),
    path("<int:pk>/files/", views.file_upload_view, name="activity_file_upload"),
    path("files/<int:pk>/", views.file_view, name="activity_file"),
    path("files/<int:pk>/delete/", views.file_delete_view, name="activity_file_delete"),
]
