"""Party pages, one module per area (members and the branch, activities, talks, compliance, appraisals)."""

from django.urls import include, path

app_name = "party"
urlpatterns = [
    path("", include("bianban.party.members.urls")),
    path("activities/", include("bianban.party.activities.urls")),
    path("talks/", include("bianban.party.talks.urls")),
    path("compliance/", include("bianban.party.compliance.urls")),
    path("appraisals/", include("bianban.party.appraisals.urls")),
]
