"""Duties pages, one module per area: the responsibility list, the 书记项目, visits, ideology, integrity (key dates),
volunteer service, reminders."""

from django.urls import include, path

app_name = "duties"
urlpatterns = [
    path("items/", include("bianban.duties.items.urls")),
    path("projects/", include("bianban.duties.projects.urls")),
    path("visits/", include("bianban.duties.visits.urls")),
    path("ideology/", include("bianban.duties.ideology.urls")),
    path("integrity/", include("bianban.duties.integrity.urls")),
    path("volunteer/", include("bianban.duties.volunteer.urls")),
    path("reminders/", include("bianban.duties.reminders.urls")),
]
