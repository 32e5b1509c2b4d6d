"""民主评议党员 pages (namespace "party", under /party/appraisals/; entry point: party:appraisal_index)."""

from django.urls import path

from bianban.party.appraisals import views

urlpatterns = [
    path("", views.appraisal_index_view, name="appraisal_index"),
    path("b/<int:branch_pk>/", views.appraisal_list_view, name="appraisal_list"),
    path("b/<int:branch_pk>/new/", views.appraisal_start_view, name="appraisal_start"),
    path("<int:pk>/", views.appraisal_detail_view, name="appraisal_detail"),
    path("<int:pk>/edit/", views.appraisal_edit_view, name="appraisal_edit"),
    path("<int:pk>/stage/", views.appraisal_transition_view, name="appraisal_transition"),
    path("<int:pk>/self/<int:member_pk>/", views.appraisal_self_evaluation_view, name="appraisal_self_evaluation"),
    path("<int:pk>/ballot/", views.appraisal_ballot_view, name="appraisal_ballot"),
    path("<int:pk>/paper-ballots/", views.appraisal_paper_ballot_view, name="appraisal_paper_ballot"),
    path("<int:pk>/tallies/", views.appraisal_tallies_view, name="appraisal_tallies"),
    path("<int:pk>/determination/", views.appraisal_determination_view, name="appraisal_determination"),
    path("<int:pk>/results/", views.appraisal_results_view, name="appraisal_results"),
    path("<int:pk>/export/", views.appraisal_export_view, name="appraisal_export"),
]
