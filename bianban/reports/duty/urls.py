"""述职报告 pages under /reports/duty/ (names prefixed duty_ in the "reports" namespace)."""

from django.urls import path

from bianban.reports.duty import views, views_blocks

urlpatterns = [
    path("", views.index_view, name="duty_index"),
    path("new/", views.create_view, name="duty_create"),
    path("preview/", views.preview_view, name="duty_preview"),
    path("file/", views.file_view, name="duty_file"),
    path("<int:pk>/", views.detail_view, name="duty_detail"),
    path("<int:pk>/edit/", views.update_view, name="duty_update"),
    path("<int:pk>/regenerate/", views.regenerate_view, name="duty_regenerate"),
    path("<int:pk>/blocks/<int:block_id>/", views_blocks.block_view, name="duty_block"),
    path("<int:pk>/blocks/<int:block_id>/edit/", views_blocks.block_edit_view, name="duty_block_edit"),
    path("<int:pk>/blocks/<int:block_id>/history/", views_blocks.block_history_view, name="duty_block_history"),
    path("<int:pk>/blocks/<int:block_id>/restore/", views_blocks.block_restore_view, name="duty_block_restore"),
    path("<int:pk>/blocks/<int:block_id>/keep/", views_blocks.block_keep_view, name="duty_block_keep"),
    path("<int:pk>/blocks/<int:block_id>/remove/", views_blocks.block_remove_view, name="duty_block_remove"),
]
