"""The acts on video and audio: a chunked upload, the transcode the worker runs, the metadata edit.

Every function checks who acts (``permissions``) and refuses bad input with ``VideoError`` (a
message for the person, in the site's language) without losing anything already there.
"""

import logging
import os
import posixpath
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rongmei.media import quotas

from . import ffmpeg, permissions, sniffing
from .models import AudioAsset, AudioRendition, State, Upload, VideoAsset, VideoRendition

logger = logging.getLogger(__name__)

MB = 1024 * 1024
GB = 1024 * MB
DEFAULT_VIDEO_MAX_BYTES = 2 * GB
DEFAULT_AUDIO_MAX_BYTES = 200 * MB
# What one request may carry; the page sends 5 MB.
CHUNK_MAX_BYTES = 8 * MB
COPY_BYTES = 1 * MB

# The rendition ladder (decision 0031): the short side of each MP4, never above the original's.
SHORT_SIDE = {VideoRendition.Kind.P720: 720, VideoRendition.Kind.P1080: 1080}
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-profile:v", "high"]
AAC = ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]
AUDIO_KBITS = 128
# A transcode that reads this much less than the probe promised stopped at damage in the file.
SHORT_BY_AT_MOST = 0.9


class VideoError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class OutOfStep(VideoError):
    """A chunk that does not start where the bytes received so far end: the client resumes."""

    def __init__(self, message, received):
        super().__init__(message)
        self.received = received


def video_max_bytes() -> int:
    return int(getattr(settings, "VIDEO_MAX_UPLOAD_BYTES", DEFAULT_VIDEO_MAX_BYTES))


def audio_max_bytes() -> int:
    return int(getattr(settings, "AUDIO_MAX_UPLOAD_BYTES", DEFAULT_AUDIO_MAX_BYTES))


def chunk_bytes() -> int:
    """The size of the chunks the upload page sends (at most CHUNK_MAX_BYTES)."""
    return min(int(getattr(settings, "VIDEO_UPLOAD_CHUNK_BYTES", 5 * MB)), CHUNK_MAX_BYTES)


def upload_dir() -> Path:
    """Where chunks collect: local disk (the file is appended to), then it goes into the storage."""
    folder = Path(getattr(settings, "VIDEO_UPLOAD_DIR", settings.VAR_DIR / "video-uploads"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _part_path(upload) -> Path:
    return upload_dir() / f"{upload.pk}.part"


def _size_text(size) -> str:
    return f"{size / GB:.1f} GB" if size >= GB else f"{size / MB:.0f} MB"


# --- upload ---------------------------------------------------------------------------------------


def start_upload(user, file_name: str, size) -> Upload:
    if not permissions.may_upload(user):
        raise PermissionDenied
    try:
        size = int(size)
    except (TypeError, ValueError):
        raise VideoError(_("The upload did not say how large the file is.")) from None
    if size <= 0:
        raise VideoError(_("The file is empty (0 bytes): choose the video or audio file again."))
    largest = max(video_max_bytes(), audio_max_bytes())
    if size > largest:
        raise VideoError(
            _("The file is %(size)s; the library takes at most %(limit)s.")
            % {"size": _size_text(size), "limit": _size_text(largest)}
        )
    name = posixpath.basename((file_name or "").replace("\\", "/"))[:200] or "upload"
    return Upload.objects.create(user=user, file_name=name, size=size)


def upload_for(user, upload_id) -> Upload:
    """The user's own upload under way, or VideoError."""
    if not permissions.may_upload(user):
        # Someone whose right to upload was taken away mid-upload does not go on with it; the
        # stale-upload sweep removes what is left.
        raise PermissionDenied
    upload = Upload.objects.select_related("video", "audio").filter(pk=upload_id, user=user).first()
    if upload is None:
        raise VideoError(
            _("This upload is not known (finished, or started by someone else): start it again.")
        )
    return upload


def _title_from(file_name: str) -> str:
    return posixpath.splitext(file_name)[0].strip()[:255] or file_name


def _begin_asset(upload, head: bytes):
    kind, container = sniffing.media_kind(head[: sniffing.HEAD_BYTES])
    if not kind:
        raise VideoError(
            _(
                "“%(name)s” is not a video or audio file we take (MP4, MOV, MKV, WebM, AVI, MP3, M4A, "
                "WAV), whatever its name says."
            )
            % {"name": upload.file_name}
        )
    limit = video_max_bytes() if kind == sniffing.VIDEO else audio_max_bytes()
    if upload.size > limit:
        raise VideoError(
            _("The file is %(size)s; a %(kind)s may be at most %(limit)s.")
            % {
                "size": _size_text(upload.size),
                "kind": _("video") if kind == sniffing.VIDEO else _("audio file"),
                "limit": _size_text(limit),
            }
        )
    try:
        quotas.check_room("video" if kind == sniffing.VIDEO else "audio", upload.size)
    except quotas.QuotaExceeded as full:
        raise VideoError(full.message) from None
    model = VideoAsset if kind == sniffing.VIDEO else AudioAsset
    asset = model.objects.create(
        title=_title_from(upload.file_name),
        uploaded_by_user=upload.user,
        original_name=upload.file_name,
        file_size=upload.size,
        container=container,
        state=State.UPLOADING,
    )
    if kind == sniffing.VIDEO:
        upload.video = asset
    else:
        upload.audio = asset
    return asset


def receive_chunk(user, upload_id, start, total, data: bytes):
    """Append ``data`` (bytes ``start``… of a ``total``-byte file) to the upload. Returns the upload,
    or the finished asset when this was the last chunk. A chunk that does not start where the bytes
    so far end raises OutOfStep with the count the client should resume from. A first chunk that is
    no video or audio ends the upload (VideoError)."""
    if not permissions.may_upload(user):
        raise PermissionDenied
    with transaction.atomic():
        result = _receive_chunk(user, upload_id, start, total, data)
    if isinstance(result, VideoError):
        # Refused by its content: committed as gone (raising inside the transaction would undo that).
        raise result
    return result


def _receive_chunk(user, upload_id, start, total, data):
    upload = Upload.objects.select_for_update().filter(pk=upload_id, user=user).first()
    if upload is None:
        raise VideoError(
            _("This upload is not known (finished, or started by someone else): start it again.")
        )
    if total != upload.size:
        raise VideoError(_("The chunk belongs to a file of another size: start the upload again."))
    if start != upload.received:
        raise OutOfStep(_("The upload resumes where the server's copy ends."), upload.received)
    if not data or start + len(data) > upload.size:
        raise VideoError(_("The chunk is empty or runs past the end of the file."))
    if start == 0:
        try:
            _begin_asset(upload, data)
        except VideoError as refused:
            upload.delete()
            _part_path(upload).unlink(missing_ok=True)
            return refused
    path = _part_path(upload)
    with open(path, "r+b" if start else "wb") as part:
        part.seek(start)
        part.write(data)
        part.truncate()
    upload.received = start + len(data)
    upload.save(update_fields=["received", "video", "audio", "updated_at"])
    asset = upload.asset
    if upload.received < upload.size:
        type(asset).objects.filter(pk=asset.pk).update(percent_done=upload.received * 100 // upload.size)
        return upload
    return _finish_upload(upload, asset, path)


def _finish_upload(upload, asset, path):
    extension = posixpath.splitext(upload.file_name)[1].lower()[:8] or ".bin"
    with open(path, "rb") as received:
        asset.original.save(f"{asset.pk}{extension}", File(received), save=False)
    asset.state = State.WAITING
    asset.percent_done = 0
    asset.save()
    upload.delete()
    os.unlink(path)
    enqueue_transcode(asset)
    return asset


def forget_upload(user, upload_id) -> None:
    """The person gives up an upload: its chunks and its asset (still uploading) go."""
    upload = upload_for(user, upload_id)
    asset = upload.asset
    _part_path(upload).unlink(missing_ok=True)
    upload.delete()
    if asset is not None and asset.state == State.UPLOADING:
        asset.delete()


def forget_stale_uploads(older_than_hours=48) -> int:
    """Uploads nobody continued for ``older_than_hours``: their chunks and their (still uploading)
    assets go. Returns how many."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    count = 0
    for upload in Upload.objects.filter(updated_at__lt=cutoff).select_related("video", "audio"):
        asset = upload.asset
        _part_path(upload).unlink(missing_ok=True)
        upload.delete()
        if asset is not None and asset.state == State.UPLOADING:
            asset.delete()
        count += 1
    return count


def enqueue_transcode(asset):
    from .tasks import transcode_audio, transcode_video

    task = transcode_video if isinstance(asset, VideoAsset) else transcode_audio
    transaction.on_commit(lambda: task.enqueue(asset.pk))


def transcode_again(user, asset):
    if not permissions.may_edit(user, asset):
        raise PermissionDenied
    if asset.state in (State.UPLOADING, State.TRANSCODING):
        raise VideoError(_("It is being uploaded or transcoded now."))
    if not asset.original:
        raise VideoError(_("The original file is missing: upload it again."))
    type(asset).objects.filter(pk=asset.pk).update(
        state=State.WAITING, percent_done=0, seconds_left=None, failure_message=""
    )
    enqueue_transcode(asset)


def update_metadata(user, asset, form):
    if not permissions.may_edit(user, asset):
        raise PermissionDenied
    return form.save()


def delete_asset(user, asset):
    """Delete an asset and its files, unless a story (or anything else) still uses it."""
    from wagtail.models import ReferenceIndex

    if not permissions.may_edit(user, asset):
        raise PermissionDenied
    if ReferenceIndex.get_references_to(asset).exists():
        raise VideoError(
            _("“%(title)s” is used in a story: take it out of the story first.") % {"title": asset.title}
        )
    files = [rendition.file for rendition in asset.renditions.all()] + [asset.original]
    asset.delete()
    for field_file in files:
        if field_file:
            transaction.on_commit(
                lambda name=field_file.name, storage=field_file.storage: storage.delete(name)
            )


# --- transcoding (the worker) -------------------------------------------------------------------


def even(value) -> int:
    return max(2, int(round(value / 2)) * 2)


def scaled(width, height, short_side) -> tuple[int, int]:
    """The size with the short side ``short_side`` (or the original's, when smaller: no upscaling)."""
    short = min(width, height)
    target = min(short_side, short)
    return even(width * target / short), even(height * target / short)


def video_ladder(width, height) -> list:
    """[(kind, width, height)] of the MP4s to make from a ``width``×``height`` original."""
    ladder = [(VideoRendition.Kind.P720, *scaled(width, height, 720))]
    if min(width, height) > 720:
        ladder.append((VideoRendition.Kind.P1080, *scaled(width, height, 1080)))
    if height <= width:  # a vertical original serves short-video channels as it is
        canvas = (1080, 1920) if min(width, height) >= 1080 else (720, 1280)
        ladder.append((VideoRendition.Kind.VERTICAL, *canvas))
    return ladder


def _video_filter(kind, width, height, source: str, target: str) -> str:
    if kind != VideoRendition.Kind.VERTICAL:
        return f"[{source}]scale={width}:{height}:flags=bicubic,setsar=1[{target}]"
    # The whole picture, fitted into the 9:16 frame over a blurred, filled copy of itself: nothing
    # of a news picture is cut off (decision 0031). The blur runs at an eighth of the size.
    small_w, small_h = even(width / 8), even(height / 8)
    return (
        f"[{source}]split[{target}b][{target}f];"
        f"[{target}b]scale={small_w}:{small_h}:force_original_aspect_ratio=increase,"
        f"crop={small_w}:{small_h},boxblur=8:2,scale={width}:{height}[{target}bg];"
        f"[{target}f]scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"scale=trunc(iw/2)*2:trunc(ih/2)*2[{target}fg];"
        f"[{target}bg][{target}fg]overlay=(W-w)/2:(H-h)/2,setsar=1[{target}]"
    )


def video_arguments(source: str, ladder: list, outputs: list, has_audio: bool) -> list:
    """One ffmpeg run for every MP4 of the ladder: the original is read and decoded once."""
    names = [f"v{index}" for index in range(len(ladder))]
    graph = [f"[0:v:0]split={len(ladder)}" + "".join(f"[s{index}]" for index in range(len(ladder)))]
    graph += [
        _video_filter(kind, width, height, f"s{index}", names[index])
        for index, (kind, width, height) in enumerate(ladder)
    ]
    arguments = ["-i", source, "-filter_complex", ";".join(graph)]
    for name, output in zip(names, outputs, strict=True):
        arguments += ["-map", f"[{name}]"]
        if has_audio:
            arguments += ["-map", "0:a:0", *AAC]
        arguments += [*X264, "-movflags", "+faststart", output]
    return arguments


def _message(text, **values) -> str:
    """A failure message kept on the row, in the site's language (the worker has no request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % values if values else str(text)


class _Progress:
    def __init__(self, model, pk):
        self.model, self.pk = model, pk

    def __call__(self, fraction, seconds_left):
        self.model.objects.filter(pk=self.pk).update(
            percent_done=min(99, int(fraction * 100)), seconds_left=max(0, int(seconds_left))
        )


def _copy_original(asset, directory) -> str:
    """The original, copied from the storage (local or S3) into ``directory``."""
    local = os.path.join(directory, "original" + (posixpath.splitext(asset.original.name)[1] or ".bin"))
    with asset.original.storage.open(asset.original.name, "rb") as source, open(local, "wb") as target:
        shutil.copyfileobj(source, target, COPY_BYTES)
    return local


def _store(rendition, local_path, kind, extension):
    # The renditions' storage (public, like image renditions) adds the content hash to the name.
    with open(local_path, "rb") as handle:
        rendition.file_size = os.fstat(handle.fileno()).st_size
        rendition.file.save(f"{rendition.asset_id}-{kind}{extension}", File(handle), save=False)


def _replace_renditions(model, asset, made: list):
    """Swap the asset's renditions for ``made`` (unsaved, files stored); old files go after commit."""
    with transaction.atomic():
        old = list(model.objects.filter(asset=asset))
        model.objects.filter(asset=asset).delete()
        for rendition in made:
            rendition.save()
        for rendition in old:
            if rendition.file and rendition.file.name not in {new.file.name for new in made}:
                transaction.on_commit(
                    lambda name=rendition.file.name, storage=rendition.file.storage: storage.delete(name)
                )


def _fail(model, pk, message):
    model.objects.filter(pk=pk).update(
        state=State.FAILED, failure_message=message, seconds_left=None, updated_at=timezone.now()
    )


def _unreadable(asset, found) -> str:
    logger.info("video: asset %s unreadable: %s", asset.pk, found.error)
    return _message(
        _(
            "ffmpeg cannot read “%(name)s”: the file is damaged or incomplete (perhaps the upload or copy "
            "stopped early). Upload a complete file; the original is kept."
        ),
        name=asset.original_name or asset.title,
    )


def _claim(model, pk):
    """The asset, marked transcoding, or None when it is not waiting (deleted, or done already)."""
    claimed = model.objects.filter(pk=pk, state=State.WAITING).update(
        state=State.TRANSCODING, percent_done=0, seconds_left=None, failure_message=""
    )
    return model.objects.filter(pk=pk).first() if claimed else None


def _transcode(model, pk, work) -> str:
    """Claim the asset and run ``work`` on it; the asset ends ready or failed (with a message).
    Returns the state. Nothing escapes: the worker goes on with its next job."""
    asset = _claim(model, pk)
    if asset is None:
        return ""
    try:
        work(asset)
    except Exception:  # the worker must go on: the asset says what happened
        logger.exception("video: transcoding %s %s failed", model._meta.model_name, pk)
        _fail(
            model,
            pk,
            _message(
                _("Transcoding failed for a reason Rongmei did not expect; the original is kept. Try again.")
            ),
        )
    return model.objects.filter(pk=pk).values_list("state", flat=True).first() or ""


def transcode_video(pk) -> str:
    """Probe the original and make the renditions (720p, 1080p, 9:16, poster)."""
    return _transcode(VideoAsset, pk, _transcode_video)


def _transcode_video(asset):
    with tempfile.TemporaryDirectory(prefix="rongmei-video-") as directory:
        source = _copy_original(asset, directory)
        found = ffmpeg.probe(source)
        if not found.has_video:
            if found.audio_codec or found.duration:
                return _fail(
                    VideoAsset,
                    asset.pk,
                    _message(_("The file has sound but no picture: upload it as audio.")),
                )
            return _fail(VideoAsset, asset.pk, _unreadable(asset, found))
        VideoAsset.objects.filter(pk=asset.pk).update(
            duration=found.duration,
            width=found.width,
            height=found.height,
            video_codec=found.video_codec,
            audio_codec=found.audio_codec,
            container=asset.container or found.container,
        )
        ladder = video_ladder(found.width, found.height)
        outputs = [os.path.join(directory, f"{kind}.mp4") for kind, _w, _h in ladder]
        arguments = video_arguments(source, ladder, outputs, bool(found.audio_codec))
        try:
            ffmpeg.run_with_progress(arguments, found.duration, _Progress(VideoAsset, asset.pk))
        except ffmpeg.FfmpegFailed as failure:
            logger.info("video: ffmpeg failed on asset %s: %s", asset.pk, failure.tail)
            return _fail(VideoAsset, asset.pk, _unreadable(asset, found))
        made = []
        for (kind, _w, _h), output in zip(ladder, outputs, strict=True):
            result = ffmpeg.probe(output)
            if not result.has_video:
                return _fail(VideoAsset, asset.pk, _unreadable(asset, found))
            if found.duration and (result.duration or 0) < found.duration * SHORT_BY_AT_MOST - 0.5:
                return _fail(
                    VideoAsset,
                    asset.pk,
                    _message(
                        _(
                            "Only %(read).1f of %(whole).1f seconds of “%(name)s” could be read: the file "
                            "is damaged or incomplete. Upload a complete file; the original is kept."
                        ),
                        read=result.duration or 0,
                        whole=found.duration,
                        name=asset.original_name or asset.title,
                    ),
                )
            rendition = VideoRendition(asset=asset, kind=kind, width=result.width, height=result.height)
            _store(rendition, output, kind, ".mp4")
            made.append(rendition)
        poster = os.path.join(directory, "poster.jpg")
        at = min(1.0, (found.duration or 0) / 2)
        ffmpeg.run_with_progress(
            ["-ss", f"{at:.2f}", "-i", outputs[0], "-frames:v", "1", "-q:v", "3", poster], None, None
        )
        rendition = VideoRendition(asset=asset, kind=VideoRendition.Kind.POSTER)
        rendition.width, rendition.height = ladder[0][1], ladder[0][2]
        _store(rendition, poster, "poster", ".jpg")
        made.append(rendition)
        _replace_renditions(VideoRendition, asset, made)
        VideoAsset.objects.filter(pk=asset.pk).update(
            state=State.READY, percent_done=100, seconds_left=0, updated_at=timezone.now()
        )


def transcode_audio(pk) -> str:
    """Probe the original and make the MP3 and AAC renditions."""
    return _transcode(AudioAsset, pk, _transcode_audio)


def _transcode_audio(asset):
    with tempfile.TemporaryDirectory(prefix="rongmei-audio-") as directory:
        source = _copy_original(asset, directory)
        found = ffmpeg.probe(source)
        if not found.audio_codec:
            return _fail(AudioAsset, asset.pk, _unreadable(asset, found))
        AudioAsset.objects.filter(pk=asset.pk).update(
            duration=found.duration,
            audio_codec=found.audio_codec,
            container=asset.container or found.container,
        )
        mp3, m4a = os.path.join(directory, "audio.mp3"), os.path.join(directory, "audio.m4a")
        arguments = ["-i", source, "-map", "0:a:0", "-c:a", "libmp3lame", "-b:a", f"{AUDIO_KBITS}k", mp3]
        arguments += ["-map", "0:a:0", *AAC[:2], "-b:a", f"{AUDIO_KBITS}k", "-movflags", "+faststart", m4a]
        try:
            ffmpeg.run_with_progress(arguments, found.duration, _Progress(AudioAsset, asset.pk))
        except ffmpeg.FfmpegFailed as failure:
            logger.info("video: ffmpeg failed on audio %s: %s", asset.pk, failure.tail)
            return _fail(AudioAsset, asset.pk, _unreadable(asset, found))
        made = []
        for kind, path, extension in (
            (AudioRendition.Kind.MP3, mp3, ".mp3"),
            (AudioRendition.Kind.AAC, m4a, ".m4a"),
        ):
            if not ffmpeg.probe(path).audio_codec:
                return _fail(AudioAsset, asset.pk, _unreadable(asset, found))
            rendition = AudioRendition(asset=asset, kind=kind, bitrate=AUDIO_KBITS)
            _store(rendition, path, kind, extension)
            made.append(rendition)
        _replace_renditions(AudioRendition, asset, made)
        AudioAsset.objects.filter(pk=asset.pk).update(
            state=State.READY, percent_done=100, seconds_left=0, updated_at=timezone.now()
        )


def make_asset_from_file(user, file_name: str, handle, *, title="", transcode_now=False):
    """A video or audio asset from a whole file at once (the demo, data moved from documents):
    checked like an upload. ``transcode_now`` transcodes in this process instead of the worker."""
    if not permissions.may_upload(user):
        raise PermissionDenied
    head = handle.read(sniffing.HEAD_BYTES)
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    if size <= 0:
        raise VideoError(_("The file is empty (0 bytes): choose the video or audio file again."))
    upload = Upload(user=user, file_name=file_name, size=size)
    asset = _begin_asset(upload, head)
    if title:
        asset.title = title
    extension = posixpath.splitext(file_name)[1].lower()[:8] or ".bin"
    asset.original.save(f"{asset.pk}{extension}", File(handle), save=False)
    asset.state = State.WAITING
    asset.save()
    if transcode_now:
        (transcode_video if isinstance(asset, VideoAsset) else transcode_audio)(asset.pk)
        asset.refresh_from_db()
    else:
        enqueue_transcode(asset)
    return asset
