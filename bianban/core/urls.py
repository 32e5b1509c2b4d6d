from django.urls import path

from bianban.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("workdays/", views.workday_list, name="workdays"),
    path("workdays/<int:pk>/delete/", views.workday_delete, name="workday_delete"),
]
