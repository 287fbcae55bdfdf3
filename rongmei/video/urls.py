from django.urls import path

from . import views

urlpatterns = [
    path("", views.LibraryView.as_view(), name="video_index"),
    path("status/", views.StatusView.as_view(), name="video_status"),
    path("upload/", views.UploadPage.as_view(), name="video_upload"),
    path("uploads/", views.UploadStartView.as_view(), name="video_upload_start"),
    path("uploads/<uuid:upload_id>/", views.UploadChunkView.as_view(), name="video_upload_chunk"),
    path("uploads/<uuid:upload_id>/forget/", views.UploadForgetView.as_view(), name="video_upload_forget"),
    path("<str:kind>/<int:pk>/", views.EditView.as_view(), name="video_edit"),
    path("<str:kind>/<int:pk>/transcode/", views.TranscodeAgainView.as_view(), name="video_transcode"),
    path("<str:kind>/<int:pk>/delete/", views.DeleteView.as_view(), name="video_delete"),
]
