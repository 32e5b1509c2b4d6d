"""ideology pages."""

urlpatterns: list = []
