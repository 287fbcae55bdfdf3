"""The Douyin channel: a story's video, uploaded and posted with the channel version's caption
(platforms.md §3; Douyin's open platform ``https://open.douyin.com``).

Only stories with a video go to Douyin (``story.video``, a VideoAsset of the media library): its 9:16
rendition, or the 720p one of a vertical original (``rongmei.video``, decision 0031); a video still
being transcoded is tried again later. The path:

1. **Token.** ``POST /oauth/refresh_token/`` with the channel's ``CLIENT_KEY`` and ``REFRESH_TOKEN``
   (environment) gives a 15-day access token, kept in Django's cache until shortly before it
   expires; a call answered 10008/2190008 (token expired) renews it once and is repeated.
2. **Upload.** Up to 128 MB one ``POST /video/upload/`` (multipart ``video``); above, in parts:
   ``/video/part/init/`` → ``/video/part/upload/?upload_id&part_number=N`` (1-based) →
   ``/video/part/complete/`` → ``video_id``. The id is recorded (``video:<id>``) so a retry does not
   upload again.
3. **Post.** ``POST /video/create/`` ``{video_id, text}`` → ``item_id`` (recorded ``item:<id>``). A
   ``video_id`` serves one create only: after any create attempt the next one uploads afresh.
4. **Retraction.** ``POST /video/delete/`` ``{item_id}`` (known from the dygo SDK only, see the decision
   record). Updates and corrections are "needs manual action" (Douyin has no edit).

Like Weibo, Douyin cannot be asked whether a post exists, so a create whose outcome is unknown
(timeout, dropped connection, an answer that is not Douyin's) leaves ``creating:<video_id>`` on the
outbox message and the retry answers "needs manual action" instead of posting twice.

Configuration (``Channel.config``): ``base_url`` (default https://open.douyin.com), ``open_id`` (the
account; otherwise the one the token answer names), ``timeout`` (seconds), ``chunk_bytes`` (part
size, default 20 MB, at least 5 MB), ``chunk_above_bytes`` (upload in parts above this size; default
and maximum 128 MB).
"""

import dataclasses
import hashlib
import json
import logging
import mimetypes
import os
import re
from collections.abc import Callable

import httpx
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.outbound import OutboundRefused, check_url, outbound_client

from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result

logger = logging.getLogger(__name__)

MB = 1024 * 1024
UPLOAD_DOC = "https://open.douyin.com/platform/resource/docs/openapi/video-management/douyin/create/upload/"
CAPTION_DOC = (
    "https://open.douyin.com/platform/resource/docs/ability/content-management/douyin-publish-solution"
)
DEFAULT_BASE_URL = "https://open.douyin.com"
DEFAULT_TIMEOUT = 60.0
# UPLOAD_DOC: one request takes a file of at most 128 MB; above that, parts are required.
SINGLE_UPLOAD_MAX_BYTES = 128 * MB
# UPLOAD_DOC: "chunk 20 MB recommended, ≥5 MB minimum" (every part but the last), total ≤4 GB.
DEFAULT_CHUNK_BYTES = 20 * MB
MIN_CHUNK_BYTES = 5 * MB
VIDEO_MAX_BYTES = 4 * 1024 * MB
# UPLOAD_DOC: a video of at most 15 minutes.
VIDEO_MAX_SECONDS = 15 * 60
# A cached token is dropped this long before Douyin's expires_in runs out.
TOKEN_MARGIN_SECONDS = 600

# Douyin's error codes (platforms.md §3: DY refresh-access-token page and the permission page).
TOKEN_EXPIRED = {10008, 2190008}
REFRESH_EXPIRED = 10010
NO_PERMISSION = 10004
MISSING_PARAMETER = 10005
PARAMETER_ERROR = 2100005
# Douyin's status-code page (状态码排查工具, QUOTA_DOC): 2190001 "quota 已用完" among the older
# general codes (the family the video APIs answer with: 2100005, 2190008), 28003017 "quota 已用完"
# and 28003018 "请求频率过高" among the newer ones. The quota comes back: tried again later.
QUOTA_DOC = "https://developer.open-douyin.com/docs/resource/zh-cn/dop/develop/openapi/status-code"
QUOTA_OR_RATE = {2190001, 28003017, 28003018}

# The generated caption's #话题 (``DouyinAdapter.default_version``). Douyin's documented way to
# attach topics is to write them into the video's text: "在视频标题text字段中直接增加 #话题1 #话题2"
# (抖音内容发布接入方案, CAPTION_DOC). The same page warns that unrelated topics can limit a video's
# reach: a few only, the story's 专题 first, then its tags. Neither that page nor the create API
# (platforms.md §3, dygo video.go) states a length for ``text``, so the only limit is the one a
# channel sets ({"text": {"max_chars": N}}): the generated caption keeps within it, whole topics only.
MAX_GENERATED_TOPICS = 5
NOT_IN_A_TOPIC = re.compile(r"[\W_]+")  # a topic runs to the first space or punctuation mark


def caption_topics(story) -> list[str]:
    """``#话题`` tokens for ``story``: its live 专题 (topic pages), then its tags, each once."""
    names = []
    try:
        names += [topic.title for topic in story.topics.all() if getattr(topic, "live", True)]
    except (AttributeError, ValueError):  # a story without topics (or not saved yet)
        pass
    try:
        names += [tag.name for tag in story.tags.all()]
    except (AttributeError, ValueError):
        pass
    tokens = []
    for name in names:
        token = NOT_IN_A_TOPIC.sub("", name or "")
        if token and "#" + token not in tokens:
            tokens.append("#" + token)
    return tokens[:MAX_GENERATED_TOPICS]


# What the outbox message holds between the steps (see the module docstring).
VIDEO_PREFIX = "video:"  # uploaded, not yet used by a create
CREATING_PREFIX = "creating:"  # a create was sent; its outcome is not known yet
ITEM_PREFIX = "item:"  # posted
NOT_CREATED = "douyin:not-created"  # Douyin refused the create: the next attempt uploads afresh
UNCONFIRMED_PREFIX = "unconfirmed:"  # the status's remote id when nobody knows whether it was posted


def story_video(story):
    """The story's video (a ``rongmei.video`` VideoAsset), or None."""
    return getattr(story, "video", None) if story is not None else None


class DouyinError(AdapterError):
    def __init__(self, message, *, retryable=True, code=None):
        super().__init__(message, retryable=retryable)
        self.code = code


class _Unknown(Exception):
    """The request may have reached Douyin but no answer says what happened."""

    def __init__(self, what):
        super().__init__(str(what))
        self.what = str(what)


class DouyinAdapter(ChannelAdapter):
    kind = "douyin"
    # Delete: /video/delete/ (dygo SDK only; official page not found). No edit. No idempotency key.
    capabilities = Capabilities(can_update=False, can_retract=True, idempotent=False)
    # No documented caption limit (platforms.md §3): a channel may set {"text": {"max_chars": N}}.
    default_limits = {}
    version_fields = {"text": gettext_lazy("Douyin caption")}

    # --- the generated caption ------------------------------------------------------------------

    def default_version(self, story, base):
        """``base``'s text with the story's ``#话题`` appended (``caption_topics``), within the
        channel's caption limit if it sets one: the text is shortened to make room for the topics,
        which take at most half of it; a topic that does not fit is left out whole."""
        from rongmei.distribution.versions import clip

        topics = caption_topics(story)
        if not topics:
            return base
        limit = self.limits.get("text") or {}
        max_chars = limit.get("max_chars") if isinstance(limit, dict) else None
        chosen = []
        for topic in topics:
            tail = " ".join([*chosen, topic])
            if max_chars and len(tail) + 1 > int(max_chars) // 2:
                break
            chosen.append(topic)
        if not chosen:
            return base
        tail = " ".join(chosen)
        text = base.text
        if max_chars:
            text = clip(text, int(max_chars) - len(tail) - 1)
        return dataclasses.replace(base, text=f"{text} {tail}".strip())

    # --- configuration --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return (self.config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")

    def _number(self, name, default):
        try:
            value = float(self.config.get(name) or default)
        except (TypeError, ValueError):
            return default
        return value if value > 0 else default

    @property
    def timeout(self) -> float:
        return self._number("timeout", DEFAULT_TIMEOUT)

    @property
    def chunk_bytes(self) -> int:
        return max(int(self._number("chunk_bytes", DEFAULT_CHUNK_BYTES)), MIN_CHUNK_BYTES)

    @property
    def chunk_above_bytes(self) -> int:
        return min(int(self._number("chunk_above_bytes", SINGLE_UPLOAD_MAX_BYTES)), SINGLE_UPLOAD_MAX_BYTES)

    def _token_cache_key(self) -> str:
        # A new refresh token in the environment (re-authorisation) starts a new cache entry.
        digest = hashlib.sha256(
            (self.credential("CLIENT_KEY") + ":" + self.credential("REFRESH_TOKEN")).encode()
        ).hexdigest()[:16]
        return f"rongmei:distribution:douyin:{self.channel.code}:{digest}"

    # --- HTTP -----------------------------------------------------------------------------------

    def _post(
        self, path, *, params=None, data=None, json_body=None, files: Callable | None = None, token=None
    ):
        """One POST; returns Douyin's ``data`` object or raises ``DouyinError`` (an answer that says
        no), ``_Unknown`` (no usable answer) or ``AdapterError`` (the request never left)."""
        url = self.base_url + path
        refusal = check_url(url)
        if refusal is not None:
            raise AdapterError(
                _("The Douyin address was not used: %(reason)s") % {"reason": refusal.message},
                retryable=False,
            )
        headers = {"access-token": token} if token else {}
        timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        try:
            with outbound_client(timeout=timeout) as client:
                response = client.post(
                    url,
                    params=params,
                    data=data,
                    json=json_body,
                    files=files() if files else None,
                    headers=headers,
                )
        except OutboundRefused as error:
            raise AdapterError(
                _("The Douyin address was not used: %(reason)s") % {"reason": error.refusal.message},
                retryable=False,
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise AdapterError(_("Could not reach Douyin. Rongmei will try again.")) from None
        except httpx.TimeoutException:
            raise _Unknown(_("Douyin did not answer in time.")) from None
        except httpx.HTTPError as error:
            logger.info("douyin %s: %s", path, error)
            raise _Unknown(_("The connection to Douyin broke off before it answered.")) from None
        try:
            answer = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = None
        body = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(body, dict):
            raise _Unknown(
                _("Douyin answered HTTP %(status)d with something that is not its usual reply.")
                % {"status": response.status_code}
            )
        extra = answer.get("extra") if isinstance(answer.get("extra"), dict) else {}
        code = body.get("error_code", extra.get("error_code", 0))
        try:
            code = int(code or 0)
        except (TypeError, ValueError):
            code = -1
        if code != 0:
            raise self.refusal(code, body.get("description") or extra.get("description") or "")
        return body

    def refusal(self, code: int, description: str) -> DouyinError:
        """Douyin's error code in plain words (platforms.md §3)."""
        raw = _("Douyin error %(code)s: %(message)s") % {"code": code, "message": description or "-"}
        prefix = f"RONGMEI_CHANNEL_{self.channel.code.upper().replace('-', '_')}_"
        retryable = False
        if code in TOKEN_EXPIRED:
            words, retryable = _("Douyin refused the access token as expired."), True
        elif code == REFRESH_EXPIRED:
            words = _(
                "The Douyin account’s authorisation has run out (its refresh token lasts 30 days): the "
                "account holder must authorise Rongmei again, and the new refresh token be set in "
                "%(variable)s on the server."
            ) % {"variable": prefix + "REFRESH_TOKEN"}
        elif code == NO_PERMISSION:
            words = _(
                "The Douyin account has not given Rongmei permission for this (video.create to post, "
                "video.delete to delete): authorise again with that permission."
            )
        elif code in QUOTA_OR_RATE:
            words, retryable = (
                _(
                    "Douyin says the app’s call quota is used up or it is called too often; Rongmei "
                    "tries again later."
                ),
                True,
            )
        elif code == MISSING_PARAMETER:
            words = _("Douyin says a required parameter is missing.")
        elif code == PARAMETER_ERROR:
            words = _("Douyin refused a parameter of the request (for example the video or the caption).")
        else:
            words = _("Douyin refused the request.")
        return DouyinError(f"{words} ({raw})", retryable=retryable, code=code)

    # --- token ----------------------------------------------------------------------------------

    def _account(self, *, renew=False) -> dict:
        """{"token", "open_id"}: from the cache, or renewed with the refresh token."""
        key = self._token_cache_key()
        if not renew:
            cached = cache.get(key)
            if cached:
                return cached
        form = {
            "client_key": self.credential("CLIENT_KEY"),
            "grant_type": "refresh_token",
            "refresh_token": self.credential("REFRESH_TOKEN"),
        }
        try:
            body = self._post("/oauth/refresh_token/", data=form)
        except _Unknown as unknown:  # renewing a token twice harms nothing
            raise AdapterError(unknown.what + " " + _("Rongmei will try again.")) from None
        token = body.get("access_token") or ""
        if not token:
            raise AdapterError(_("Douyin gave no access token; Rongmei will try again."))
        try:
            expires_in = int(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0
        account = {"token": token, "open_id": body.get("open_id") or ""}
        # DY refresh-access-token: the access token lasts expires_in seconds (15 days).
        cache.set(key, account, timeout=max(expires_in - TOKEN_MARGIN_SECONDS, 60))
        return account

    def _open_id(self, account) -> str:
        open_id = (self.config.get("open_id") or account.get("open_id") or "").strip()
        if not open_id:
            raise AdapterError(
                _("The Douyin channel’s configuration lacks “open_id”, the account to post as."),
                retryable=False,
            )
        return open_id

    def call(self, path, *, params=None, **kwargs) -> dict:
        """A call with the account's token and open_id; an expired token is renewed once."""
        account = self._account()
        for attempt in (1, 2):
            query = {"open_id": self._open_id(account), **(params or {})}
            try:
                return self._post(path, params=query, token=account["token"], **kwargs)
            except DouyinError as error:
                if error.code not in TOKEN_EXPIRED or attempt == 2:
                    raise
                cache.delete(self._token_cache_key())
                account = self._account(renew=True)
        raise AssertionError("unreachable")

    # --- the video ------------------------------------------------------------------------------

    def _video(self, item: Item):
        """The file Douyin gets: the 9:16 rendition of the story's library video (a vertical
        original's 720p), and its size."""
        from rongmei.video.models import State

        video = story_video(item.story)
        if video is None:
            raise AdapterError(
                _(
                    "This story has no video, and Douyin takes videos only: add a video to the story, or "
                    "leave Douyin out of its channels."
                ),
                retryable=False,
            )
        if video.state == State.FAILED:
            raise AdapterError(
                _("The video “%(title)s” could not be transcoded: %(why)s")
                % {"title": video.title, "why": video.failure_message},
                retryable=False,
            )
        if video.state != State.READY:
            # Retried later: the worker is still making the renditions.
            raise AdapterError(
                _(
                    "The video “%(title)s” is still being uploaded or transcoded (%(percent)d%%); "
                    "Rongmei sends it to Douyin when it is ready."
                )
                % {"title": video.title, "percent": video.percent_done}
            )
        if video.duration is not None and round(video.duration) > VIDEO_MAX_SECONDS:
            raise AdapterError(
                _(
                    "The video “%(title)s” runs %(length)s; Douyin takes videos of at most 15 minutes. "
                    "Cut a shorter version in the media library and choose it for the story."
                )
                % {"title": video.title, "length": video.duration_text()},
                retryable=False,
            )
        rendition = video.short_video_rendition()
        try:
            if rendition is None:
                raise ValueError
            size = rendition.file.size
        except (OSError, ValueError):
            raise AdapterError(
                _("The video “%(title)s” has no vertical rendition on the server; transcode it again.")
                % {"title": video.title},
                retryable=False,
            ) from None
        if size > VIDEO_MAX_BYTES:
            raise AdapterError(
                _("The video is %(size).1f GB; Douyin takes at most 4 GB.") % {"size": size / 1024 / MB},
                retryable=False,
            )
        return rendition, size

    def upload(self, item: Item) -> str:
        rendition, size = self._video(item)
        name = os.path.basename(rendition.file.name) or "video.mp4"
        content_type = mimetypes.guess_type(name)[0] or "video/mp4"
        try:
            with rendition.file.open("rb") as handle:
                if size <= self.chunk_above_bytes:

                    def files():
                        handle.seek(0)
                        return {"video": (name, handle, content_type)}

                    body = self.call("/video/upload/", files=files)
                    found = (body.get("video") or {}).get("video_id")
                else:
                    found = self._upload_in_parts(handle, size, name, content_type)
        except _Unknown as unknown:  # an upload nobody uses harms nothing: upload again next time
            raise AdapterError(unknown.what + " " + _("The video will be uploaded again.")) from None
        if not found:
            raise AdapterError(_("Douyin took the video but named no video id; it will be uploaded again."))
        return str(found)

    def _upload_in_parts(self, handle, size, name, content_type) -> str:
        upload_id = self.call("/video/part/init/").get("upload_id")
        if not upload_id:
            raise AdapterError(_("Douyin did not start the upload in parts; Rongmei will try again."))
        part_number = 0
        while True:
            chunk = handle.read(self.chunk_bytes)
            if not chunk:
                break
            part_number += 1  # dygo video.go: part_number counts from 1

            def files(chunk=chunk):
                return {"video": (name, chunk, content_type)}

            self.call(
                "/video/part/upload/",
                params={"upload_id": upload_id, "part_number": part_number},
                files=files,
            )
        body = self.call("/video/part/complete/", params={"upload_id": upload_id})
        return (body.get("video") or {}).get("video_id") or ""

    # --- the acts -------------------------------------------------------------------------------

    def _check_caption(self, item: Item) -> str:
        text = (item.version.text or "").strip()
        limit = self.limits.get("text") or {}
        max_chars = limit.get("max_chars") if isinstance(limit, dict) else None
        if max_chars and len(text) > int(max_chars):
            raise AdapterError(
                _(
                    "The %(field)s is %(length)d characters long; this channel takes at most %(limit)d. "
                    "Shorten it in the story’s channel version."
                )
                % {"field": _("Douyin caption"), "length": len(text), "limit": int(max_chars)},
                retryable=False,
            )
        return text

    def check_version(self, story, version, *, edited: bool = True) -> list[str]:
        """What would stop this version's delivery, in plain words, without calling Douyin (for the
        editor's channel-version form or the submission to 三审)."""
        item = Item(story=story, revision_id=None, act="publish", idempotency_key="", version=version)
        problems = []
        for check in (self._video, self._check_caption):
            try:
                check(item)
            except AdapterError as error:
                problems.append(error.message)
        return problems

    def publish(self, item: Item) -> Result:
        recorded = item.remote_id or ""
        if recorded.startswith((CREATING_PREFIX, UNCONFIRMED_PREFIX)):
            return self._unconfirmed(recorded)  # an earlier post may be there: never a second one
        text = self._check_caption(item)
        if recorded.startswith(VIDEO_PREFIX):
            video_id = recorded[len(VIDEO_PREFIX) :]
        else:
            video_id = self.upload(item)
            item.record_remote(remote_id=VIDEO_PREFIX + video_id)
        item.record_remote(remote_id=CREATING_PREFIX + video_id)
        try:
            body = self.call("/video/create/", json_body={"video_id": video_id, "text": text})
        except _Unknown as unknown:
            raise AdapterError(
                _(
                    "%(what)s Whether the video was posted is not known, so Rongmei will not post it again "
                    "by itself: its next attempt asks someone to look on Douyin."
                )
                % {"what": unknown.what}
            ) from None
        except DouyinError:
            item.record_remote(remote_id=NOT_CREATED)  # Douyin said no: the next attempt uploads afresh
            raise
        except AdapterError:
            item.record_remote(remote_id=VIDEO_PREFIX + video_id)  # the create never left: reuse the video
            raise
        item_id = str(body.get("item_id") or "")
        if not item_id:
            item.record_remote(remote_id=NOT_CREATED)
            raise AdapterError(_("Douyin accepted the video but named no post; Rongmei will try again."))
        item.record_remote(remote_id=ITEM_PREFIX + item_id)
        return Result(
            remote_id=item_id,
            note=_("Douyin reviews the video first: until then only the account itself sees it."),
        )

    def _unconfirmed(self, recorded: str) -> Result:
        video_id = recorded.removeprefix(CREATING_PREFIX).removeprefix(UNCONFIRMED_PREFIX)
        return Result(
            # Kept as the status's remote id, so a later act (an update, a retraction) knows too.
            remote_id=UNCONFIRMED_PREFIX + video_id,
            needs_manual=True,
            note=_(
                "An earlier attempt got no clear answer from Douyin, so the video may be posted "
                "already. Look on the Douyin account: if the story is not there, post it by hand."
            ),
        )

    def exists(self, item: Item) -> Result | None:
        recorded = item.remote_id or ""
        if recorded.startswith((CREATING_PREFIX, UNCONFIRMED_PREFIX)):
            return self._unconfirmed(recorded)
        if not recorded or recorded == NOT_CREATED or recorded.startswith(VIDEO_PREFIX):
            return None  # nothing posted (an uploaded video id is used by publish)
        # ``item:<id>``, or the bare id the sender stored with the result: posted already.
        return Result(remote_id=recorded.removeprefix(ITEM_PREFIX))

    def update(self, item: Item, remote_id: str) -> Result:
        # Not called: capabilities.can_update is False (services marks "needs manual action").
        raise AdapterError(_("Douyin posts cannot be changed; correct it there by hand."), retryable=False)

    def retract(self, item: Item, remote_id: str) -> Result:
        remote_id = remote_id or ""
        if remote_id.startswith(ITEM_PREFIX):
            remote_id = remote_id[len(ITEM_PREFIX) :]
        if remote_id.startswith((UNCONFIRMED_PREFIX, CREATING_PREFIX)):
            return Result(
                needs_manual=True,
                note=_(
                    "Rongmei does not know whether the video was posted on Douyin: look on the account and "
                    "delete it there by hand."
                ),
            )
        if not remote_id or remote_id == NOT_CREATED or remote_id.startswith(VIDEO_PREFIX):
            return Result(note=_("The story was never posted on Douyin: there is nothing to delete."))
        try:
            self.call("/video/delete/", json_body={"item_id": remote_id})
        except _Unknown as unknown:  # deleting twice is harmless: try again
            raise AdapterError(unknown.what + " " + _("Rongmei will try again.")) from None
        return Result(remote_id=remote_id)
