"""volunteer pages."""

urlpatterns: list = []
