"""Admin screens for video and audio: the list (live transcode progress), the upload page, an
asset's page (metadata, renditions with players); the JSON the page's script talks to.

Pages only read. Every POST hands its act to ``services``, which checks who may.
"""

import hashlib
import json
import re

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rongmei.core.admin_views import ActView, AdminPage, choice_of, page_of

from . import permissions, services
from .forms import form_class_for
from .models import AudioAsset, VideoAsset

KINDS = {"video": VideoAsset, "audio": AudioAsset}
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)\Z")


def asset_key(asset) -> str:
    return f"{'video' if isinstance(asset, VideoAsset) else 'audio'}-{asset.pk}"


def find_asset(kind, pk):
    model = KINDS.get(kind)
    asset = model.objects.filter(pk=pk).prefetch_related("renditions").first() if model else None
    if asset is None:
        raise Http404
    return asset


def status_of(asset) -> dict:
    return {
        "key": asset_key(asset),
        "state": asset.state,
        "state_label": str(asset.get_state_display()),
        "percent": asset.percent_done,
        "seconds_left": asset.seconds_left,
        "message": asset.failure_message,
        "duration": asset.duration_text(),
    }


class LibraryView(AdminPage):
    template_name = "video/index.html"
    page_title = gettext_lazy("Video and audio")
    header_icon = "media"

    def may_see(self, user):
        return permissions.may_see_library(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = choice_of(self.request, "kind", KINDS)
        videos = VideoAsset.objects.prefetch_related("renditions")
        audio = AudioAsset.objects.all()
        rows = []
        if kind in ("", "video"):
            rows += list(videos[:500])
        if kind in ("", "audio"):
            rows += list(audio[:500])
        rows.sort(key=lambda asset: asset.created_at, reverse=True)
        page = page_of(self.request, rows)
        for asset in page.object_list:
            asset.key = asset_key(asset)
            asset.kind = "video" if isinstance(asset, VideoAsset) else "audio"
        context.update(
            page=page,
            kind=kind,
            kinds=[("video", _("video")), ("audio", _("audio"))],
            may_upload=permissions.may_upload(self.request.user),
        )
        return context


class StatusView(View):
    """``?keys=video-1,audio-2``: their states and progress as JSON, with an ETag (polled every 2 s)."""

    def get(self, request):
        if not permissions.may_see_library(request.user):
            return _refused()
        wanted = {"video": [], "audio": []}
        for key in request.GET.get("keys", "").split(",")[:200]:
            kind, _sep, pk = key.partition("-")
            if kind in wanted and pk.isdigit():
                wanted[kind].append(int(pk))
        items = [
            status_of(asset)
            for kind, pks in wanted.items()
            for asset in KINDS[kind].objects.filter(pk__in=pks)
        ]
        body = json.dumps({"items": items}, ensure_ascii=False, sort_keys=True).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache, private"
        return response


class UploadPage(AdminPage):
    template_name = "video/upload.html"
    page_title = gettext_lazy("Upload video or audio")
    header_icon = "upload"

    def may_see(self, user):
        return permissions.may_upload(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            start_url=reverse("video_upload_start"),
            chunk_bytes=services.chunk_bytes(),
            video_max_bytes=services.video_max_bytes(),
            audio_max_bytes=services.audio_max_bytes(),
        )
        return context


def _error(message, status=400, **extra):
    return JsonResponse({"error": str(message), **extra}, status=status)


def _refused():
    # JSON for the page's script (Wagtail would redirect a PermissionDenied to the dashboard).
    return _error(_("You may not upload video or audio."), status=403)


def _upload_answer(upload):
    return {
        "id": str(upload.pk),
        "size": upload.size,
        "received": upload.received,
        "url": reverse("video_upload_chunk", args=[upload.pk]),
    }


def _finished_answer(asset):
    kind = "video" if isinstance(asset, VideoAsset) else "audio"
    return {"done": True, "key": asset_key(asset), "edit_url": reverse("video_edit", args=[kind, asset.pk])}


class UploadStartView(View):
    """POST ``name`` and ``size``: a new upload's id and where its chunks go."""

    def post(self, request):
        try:
            upload = services.start_upload(
                request.user, request.POST.get("name", ""), request.POST.get("size")
            )
        except PermissionDenied:
            return _refused()
        except services.VideoError as error:
            return _error(error.message)
        return JsonResponse(_upload_answer(upload), status=201)


class UploadChunkView(View):
    """GET: how much of the upload arrived (to resume). POST: a chunk as the body, its place in
    ``Content-Range: bytes START-END/TOTAL``; 409 with ``received`` when it is not the next one."""

    def get(self, request, upload_id):
        try:
            upload = services.upload_for(request.user, upload_id)
        except services.VideoError as error:
            return _error(error.message, status=404)
        return JsonResponse(_upload_answer(upload))

    def post(self, request, upload_id):
        found = _CONTENT_RANGE.fullmatch(request.headers.get("Content-Range", "").strip())
        if found is None:
            return _error(_("The chunk has no Content-Range header."))
        start, end, total = (int(value) for value in found.groups())
        # Read from the stream: request.body would refuse anything above DATA_UPLOAD_MAX_MEMORY_SIZE.
        data = request.read(services.CHUNK_MAX_BYTES + 1)
        if len(data) > services.CHUNK_MAX_BYTES:
            return _error(
                _("A chunk may be at most %(size)d MB.") % {"size": services.CHUNK_MAX_BYTES // services.MB}
            )
        if end - start + 1 != len(data):
            return _error(_("The chunk is shorter than its Content-Range says (the connection dropped?)."))
        try:
            result = services.receive_chunk(request.user, upload_id, start, total, data)
        except PermissionDenied:
            return _refused()
        except services.OutOfStep as error:
            return _error(error.message, status=409, received=error.received)
        except services.VideoError as error:
            return _error(error.message)
        if isinstance(result, VideoAsset | AudioAsset):
            return JsonResponse(_finished_answer(result))
        return JsonResponse(_upload_answer(result))


class UploadForgetView(View):
    def post(self, request, upload_id):
        try:
            services.forget_upload(request.user, upload_id)
        except services.VideoError as error:
            return _error(error.message, status=404)
        return JsonResponse({"forgotten": True})


class EditView(AdminPage):
    template_name = "video/edit.html"
    header_icon = "media"

    def may_see(self, user):
        return permissions.may_see_library(user)

    def dispatch(self, request, kind, pk):
        self.asset = find_asset(kind, pk)
        self.kind = kind
        return super().dispatch(request, kind, pk)

    def get_page_title(self):
        return self.asset.title

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        asset = self.asset
        asset.key = asset_key(asset)
        context.update(
            asset=asset,
            kind=self.kind,
            form=form or form_class_for(asset)(instance=asset),
            may_edit=permissions.may_edit(self.request.user, asset),
            renditions=sorted(asset.renditions.all(), key=lambda r: r.pk),
            status_url=reverse("video_status"),
        )
        return context

    def post(self, request, kind, pk):
        form = form_class_for(self.asset)(request.POST, instance=self.asset)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        services.update_metadata(request.user, self.asset, form)
        flash.success(request, _("Saved."))
        return redirect("video_edit", kind, pk)


class TranscodeAgainView(ActView):
    errors = (services.VideoError,)

    def get_object(self, kind, pk):
        return find_asset(kind, pk)

    def act(self, asset):
        services.transcode_again(self.request.user, asset)
        return _("It will be transcoded again.")

    def default_next(self, asset):
        return reverse("video_edit", args=[self.kwargs["kind"], asset.pk])


class DeleteView(ActView):
    errors = (services.VideoError,)

    def get_object(self, kind, pk):
        return find_asset(kind, pk)

    def act(self, asset):
        title = asset.title
        services.delete_asset(self.request.user, asset)
        return _("“%(title)s” was deleted.") % {"title": title}

    def default_next(self, asset):
        return reverse("video_index")  # the asset's own page is gone
