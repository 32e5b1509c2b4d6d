"""Talk pages, under /party/talks/ (names prefixed talk_ in the "party" namespace)."""

from django.urls import path

from bianban.party.talks import views

urlpatterns = [
    path("", views.list_view, name="talk_list"),
    path("new/", views.create_view, name="talk_create"),
    path("<int:pk>/", views.detail_view, name="talk_detail"),
    path("<int:pk>/edit/", views.edit_view, name="talk_edit"),
    path("<int:pk>/problem/", views.problem_view, name="talk_problem"),
    path("coverage/<int:branch_id>/", views.coverage_view, name="talk_coverage"),
]
