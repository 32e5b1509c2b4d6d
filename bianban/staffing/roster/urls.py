from django.urls import path

from bianban.staffing.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.imports_view, name="imports"),
    path("template/", views.template_view, name="template"),
    path("upload/", views.upload_view, name="upload"),
    path("imports/<int:pk>/", views.import_detail_view, name="import_detail"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors_view, name="import_errors"),
    path("imports/<int:pk>/file.xlsx", views.import_file_view, name="import_file"),
    path("export/", views.export_view, name="export"),
]
