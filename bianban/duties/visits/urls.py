"""Visit pages, under /duties/visits/ (names prefixed campaign_ / visit_ in the "duties" namespace)."""

from django.urls import path

from bianban.duties.visits import views

urlpatterns = [
    path("", views.index_view, name="visit_index"),
    path("campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail_view, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit_view, name="campaign_edit"),
    path("campaigns/<int:pk>/export/", views.campaign_export_view, name="campaign_export"),
    path("campaigns/<int:campaign_pk>/visits/new/", views.visit_create_view, name="visit_create"),
    path("<int:pk>/", views.visit_detail_view, name="visit_detail"),
    path("<int:pk>/edit/", views.visit_edit_view, name="visit_edit"),
    path("<int:pk>/delete/", views.visit_delete_view, name="visit_delete"),
    path("<int:pk>/issues/", views.visit_issue_add_view, name="visit_issue_add"),
    path("issues/<int:pk>/", views.visit_issue_view, name="visit_issue"),
]
