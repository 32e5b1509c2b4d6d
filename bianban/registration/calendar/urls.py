"""/registration/calendar/ (included by the registration URLconf; URL name registration:calendar)."""

from django.urls import path

from bianban.registration.calendar import views

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
]
