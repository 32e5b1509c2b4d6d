"""/reports/statistics/: the 统计报表 page and its two downloads (included by reports/urls.py, app "reports")."""

from django.urls import path

from bianban.reports.workbooks import views

urlpatterns = [
    path("", views.index_view, name="statistics_index"),
    path("establishment/", views.establishment_view, name="statistics_establishment"),
    path("party/", views.party_view, name="statistics_party"),
]
