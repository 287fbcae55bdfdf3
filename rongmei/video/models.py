"""Video and audio in the media library (issue 13, decision 0031).

An asset keeps its original (never public) and the worker's renditions as rows of their own: for a
video H.264/AAC MP4s at 720p and 1080p (never above the original), a 9:16 vertical one for
short-video channels and a poster JPEG; for audio an MP3 and an AAC (m4a). A chunked upload is an
``Upload`` row with the bytes received so far in a local temporary file (``services``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from wagtail.images.models import get_rendition_storage

from rongmei.media.metadata import MediaMetadata


class State(models.TextChoices):
    UPLOADING = "uploading", _("uploading")
    WAITING = "waiting", _("waiting for the worker")
    TRANSCODING = "transcoding", _("transcoding")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class TranscodedMedia(MediaMetadata):
    """What a video and an audio asset share: the original, the probe's results and the worker's state."""

    title = models.CharField(_("title"), max_length=255)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Never served: only the renditions are public (rongmei.media.static_media).
    original = models.FileField(_("original file"), upload_to="media_originals/", max_length=255, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    file_size = models.BigIntegerField(_("file size"), null=True, blank=True)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    audio_codec = models.CharField(_("audio codec"), max_length=40, blank=True)
    container = models.CharField(_("container"), max_length=80, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.UPLOADING)
    percent_done = models.PositiveSmallIntegerField(_("percent done"), default=0)
    seconds_left = models.PositiveIntegerField(_("seconds left"), null=True, blank=True)
    failure_message = models.TextField(_("why it failed"), blank=True)

    tags = TaggableManager(verbose_name=_("keywords"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.state == State.READY

    def duration_text(self) -> str:
        if self.duration is None:
            return ""
        seconds = round(self.duration)
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    def rendition(self, kind):
        for rendition in self.renditions.all():
            if rendition.kind == kind:
                return rendition
        return None


class VideoAsset(TranscodedMedia):
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    video_codec = models.CharField(_("video codec"), max_length=40, blank=True)

    class Meta(TranscodedMedia.Meta):
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    @property
    def is_vertical(self) -> bool:
        return bool(self.width and self.height and self.height > self.width)

    @property
    def poster(self):
        return self.rendition(VideoRendition.Kind.POSTER)

    def playable_renditions(self) -> list:
        """The MP4s a player offers, smallest first."""
        order = [VideoRendition.Kind.P720, VideoRendition.Kind.P1080]
        found = {rendition.kind: rendition for rendition in self.renditions.all()}
        return [found[kind] for kind in order if kind in found]

    def short_video_rendition(self):
        """The 9:16 rendition for short-video channels; a vertical original's 720p serves as it is."""
        return self.rendition(VideoRendition.Kind.VERTICAL) or (
            self.rendition(VideoRendition.Kind.P720) if self.is_vertical else None
        )


class AudioAsset(TranscodedMedia):
    class Meta(TranscodedMedia.Meta):
        verbose_name = _("audio")
        verbose_name_plural = _("audio")

    def playable_renditions(self) -> list:
        order = [AudioRendition.Kind.AAC, AudioRendition.Kind.MP3]
        found = {rendition.kind: rendition for rendition in self.renditions.all()}
        return [found[kind] for kind in order if kind in found]


class Rendition(models.Model):
    # Public: in the renditions' storage (MEDIA_ROOT, or the public bucket with MEDIA_STORAGE=s3),
    # named "video/<asset>-<kind>.<content hash>.<ext>" by it and cached for good.
    file = models.FileField(_("file"), upload_to="video/", max_length=255, storage=get_rendition_storage)
    file_size = models.BigIntegerField(_("file size"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def url(self) -> str:
        return self.file.url


class VideoRendition(Rendition):
    class Kind(models.TextChoices):
        P720 = "720p", _("720p")
        P1080 = "1080p", _("1080p")
        VERTICAL = "vertical", _("vertical 9:16")
        POSTER = "poster", _("poster")

    asset = models.ForeignKey(VideoAsset, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "kind"], name="video_rendition_one_per_kind")]

    @property
    def content_type(self) -> str:
        return "image/jpeg" if self.kind == self.Kind.POSTER else "video/mp4"


class AudioRendition(Rendition):
    class Kind(models.TextChoices):
        MP3 = "mp3", _("MP3")
        AAC = "aac", _("AAC (m4a)")

    asset = models.ForeignKey(AudioAsset, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    bitrate = models.PositiveIntegerField(_("bit rate (kbit/s)"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "kind"], name="audio_rendition_one_per_kind")]

    @property
    def content_type(self) -> str:
        return "audio/mpeg" if self.kind == self.Kind.MP3 else "audio/mp4"


class Upload(models.Model):
    """A chunked upload under way: the client sends the file in parts and may ask how much arrived."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the first chunk, from the file's first bytes.
    video = models.ForeignKey(VideoAsset, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    audio = models.ForeignKey(AudioAsset, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    @property
    def asset(self):
        return self.video or self.audio
