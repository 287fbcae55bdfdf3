"""URLs of the mobile app (filled in by its own work)."""

urlpatterns: list = []
