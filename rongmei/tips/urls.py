"""The public's side of news tips (爆料): the form and its answer page."""

app_name = "tips"

urlpatterns: list = []
