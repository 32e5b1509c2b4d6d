"""items pages."""

urlpatterns: list = []
