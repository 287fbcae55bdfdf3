"""The campaigns' admin URLs (under /admin/campaigns/, namespace ``campaigns``)."""

from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("new/", views.FormView.as_view(), name="add"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.FormView.as_view(), name="edit"),
    path("<int:pk>/topic-page/", views.CreateTopicPageView.as_view(), name="create_topic_page"),
    path("<int:pk>/topics/", views.AttachTopicsView.as_view(), name="attach_topics"),
    path("<int:pk>/topics/<int:topic_pk>/detach/", views.DetachTopicView.as_view(), name="detach_topic"),
]
