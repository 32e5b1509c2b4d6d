"""Branch, member, group and committee pages (namespace "party"; entry point: party:branch_list at /party/)."""

from django.urls import path

from bianban.party.members import views

urlpatterns = [
    path("", views.branch_list_view, name="branch_list"),
    path("b/new/", views.branch_create_view, name="branch_create"),
    path("b/<int:pk>/", views.branch_detail_view, name="branch_detail"),
    path("b/<int:pk>/edit/", views.branch_edit_view, name="branch_edit"),
    path("b/<int:pk>/members/admit/", views.member_admit_view, name="member_admit"),
    path("b/<int:pk>/members/transfer-in/", views.member_transfer_in_view, name="member_transfer_in"),
    path("b/<int:pk>/groups/new/", views.group_create_view, name="group_create"),
    path("b/<int:pk>/terms/", views.term_list_view, name="term_list"),
    path("b/<int:pk>/terms/new/", views.term_elect_view, name="term_elect"),
    path("m/<int:pk>/", views.member_detail_view, name="member_detail"),
    path("m/<int:pk>/edit/", views.member_edit_view, name="member_edit"),
    path("m/<int:pk>/leave/", views.member_leave_view, name="member_leave"),
    path("m/<int:pk>/make-full/", views.member_make_full_view, name="member_make_full"),
    path("m/<int:pk>/extend/", views.member_extend_view, name="member_extend"),
    path("g/<int:pk>/edit/", views.group_edit_view, name="group_edit"),
    path("g/<int:pk>/dissolve/", views.group_dissolve_view, name="group_dissolve"),
    path("t/<int:pk>/seats/new/", views.term_seat_assign_view, name="term_seat_assign"),
    path("seats/<int:pk>/end/", views.term_seat_end_view, name="term_seat_end"),
]
