"""URLs of the partners app (filled in by its own work)."""

urlpatterns: list = []
