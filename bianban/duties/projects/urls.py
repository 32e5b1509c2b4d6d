"""projects pages."""

urlpatterns: list = []
