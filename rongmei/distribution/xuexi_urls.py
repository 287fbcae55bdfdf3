"""Admin URLs of the 学习强国 contribution packages (download, mark submitted)."""

from django.urls import path

from . import views_xuexi

urlpatterns = [
    path("<int:pk>/", views_xuexi.XuexiStatusView.as_view(), name="distribution_xuexi"),
    path("<int:pk>/package/", views_xuexi.package_download, name="distribution_xuexi_package"),
    path(
        "<int:pk>/package/make/", views_xuexi.RebuildPackageView.as_view(), name="distribution_xuexi_rebuild"
    ),
    path("<int:pk>/done/", views_xuexi.MarkDoneView.as_view(), name="distribution_xuexi_done"),
]
