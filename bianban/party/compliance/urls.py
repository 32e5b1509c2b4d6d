"""Compliance pages, under /party/compliance/ (names prefixed compliance_ in the "party" namespace)."""

from django.urls import path

from bianban.party.compliance import views

urlpatterns = [
    path("", views.index_view, name="compliance_index"),
    path("<int:branch_id>/", views.year_view, name="compliance_year"),
    path("<int:branch_id>/rules/", views.rules_view, name="compliance_rules"),
    path("<int:branch_id>/rules/install/", views.install_view, name="compliance_rules_install"),
    path("<int:branch_id>/rules/<slug:code>/", views.rule_edit_view, name="compliance_rule_edit"),
    path("<int:branch_id>/rules/<slug:code>/exemptions/new/", views.exemption_create_view,
         name="compliance_exemption_create"),
    path("<int:branch_id>/exemptions/<int:pk>/delete/", views.exemption_delete_view,
         name="compliance_exemption_delete"),
]
