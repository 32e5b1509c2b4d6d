"""/registration/: the register of registrations and certificates (names prefixed registration_/certificate_)."""

from django.urls import path

from bianban.registration.registrations import views

urlpatterns = [
    path("", views.list_view, name="registration_list"),
    path("new/", views.create_view, name="registration_create"),
    path("export.xlsx", views.export_view, name="registration_export"),
    path("import/", views.import_view, name="registration_import"),
    path("import/template.xlsx", views.import_template_view, name="registration_import_template"),
    path("import/errors.xlsx", views.import_errors_view, name="registration_import_errors"),
    path("<int:pk>/", views.detail_view, name="registration_detail"),
    path("<int:pk>/correct/", views.correct_view, name="registration_correct"),
    path("<int:pk>/certificates/new/", views.certificate_issue_view, name="certificate_issue"),
    path("certificates/<int:pk>/collect/", views.certificate_collect_view, name="certificate_collect"),
]
