"""Reminder pages, under /duties/reminders/ (names prefixed reminder_ in the "duties" namespace)."""

from django.urls import path

from bianban.duties.reminders import views

urlpatterns = [
    path("", views.list_view, name="reminder_list"),
    path("<int:pk>/dismiss/", views.dismiss_view, name="reminder_dismiss"),
    path("<int:pk>/restore/", views.restore_view, name="reminder_restore"),
]
