"""Admin URLs of the 学习强国 contribution packages (download, mark submitted)."""

urlpatterns: list = []
