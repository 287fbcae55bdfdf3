"""The WeChat official account (微信公众号) channel: a story becomes a published article.

The platform's facts, with their sources, are in ``../shared/reference/platforms.md`` §1; **WXD** =
https://developers.weixin.qq.com/doc/subscription/api/ (the official API pages). Decision:
``docs/decisions/0017-wechat-adapter.md``.

**The flow of a publication** (each step is one API call under ``{base_url}/cgi-bin/``):

1. ``stable_token``: the access token, kept in Django's cache per account until shortly before it
   expires; an answer 40001/40014/42001 (the token is no longer good) fetches a new one once and
   repeats the call once.
2. the body's images → ``media/uploadimg`` (JPEG renditions under 1 MB); their addresses replace
   the images in the article HTML (``rendering.wechat``);
3. the cover (``item.version.image``) → ``material/add_material?type=image`` (a permanent
   ``media_id``) with the 2.35:1 and 1:1 crops around the image's focal point;
4. ``draft/add`` → the draft's ``media_id``, **recorded at once** (``item.record_remote``) as
   ``draft:<media_id>``;
5. ``freepublish/submit`` → ``publish_id``, recorded as ``publish:<publish_id>``;
6. ``freepublish/get`` asked every ``poll_interval`` seconds for up to ``poll_seconds``: status 0 is
   the published article (``Result(remote_id="article:<article_id>", remote_url=article_url)``),
   2–6 a refusal in plain words, still 1 a retryable error.

A retry continues from what the previous attempt recorded (``item.remote_id``): a recorded draft is
submitted, a recorded publish job is only asked about, never submitted again; ``exists()`` answers
from ``freepublish/get``. WeChat cannot replace a published article (``can_update=False``: a
correction becomes "needs manual action"); a retraction deletes it (``freepublish/delete``).

**Configuration** (``Channel.config``): ``app_id`` (required), ``base_url`` (default
https://api.weixin.qq.com; checked by the outbound guard like any address staff type), ``timeout``
(seconds per request, default 15), ``poll_seconds`` (default 10), ``poll_interval`` (default 2).
The AppSecret comes from the environment: ``RONGMEI_CHANNEL_<CODE>_APP_SECRET``. Neither the secret
nor a token ever appears in a message or a log line (httpx logs request URLs, which carry the
token: the filter below hides it).
"""

import hashlib
import json
import logging
import re
import time

import httpx
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.outbound import OutboundRefused, check_url, outbound_client

from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
DEFAULT_TIMEOUT = 15.0
DEFAULT_POLL_SECONDS = 10.0
DEFAULT_POLL_INTERVAL = 2.0

DRAFT_SOURCE = "WXD draftbox/draftmanage/api_draft_add.html"
# media/uploadimg: "仅支持jpg/png格式，大小必须在1MB以下" — WXD material/permanent/api_uploadimage.html
UPLOADIMG_MAX_BYTES = 1024 * 1024
# material/add_material type=image: 10 MB, bmp/png/jpeg/jpg/gif — WXD material/permanent/api_addmaterial.html
MATERIAL_IMAGE_MAX_BYTES = 10 * 1024 * 1024
# draft/add content_source_url ("阅读原文"): under 1 KB — WXD draftbox/draftmanage/api_draft_add.html
SOURCE_URL_MAX_BYTES = 1024
# Renditions tried in turn until one is small enough (a WeChat article is at most 1080 px wide on a phone).
BODY_IMAGE_SPECS = (
    "width-1080|bgcolor-fff|format-jpeg|jpegquality-85",
    "width-1080|bgcolor-fff|format-jpeg|jpegquality-70",
    "width-720|bgcolor-fff|format-jpeg|jpegquality-60",
)
COVER_SPECS = (
    "max-1280x1280|bgcolor-fff|format-jpeg|jpegquality-85",
    "max-900x900|bgcolor-fff|format-jpeg|jpegquality-70",
)
# A placeholder as long as an uploadimg address (http://mmbiz.qpic.cn/mmbiz_jpg/<64 chars>/0?wx_fmt=jpeg),
# to check the article's size before anything is uploaded.
PLACEHOLDER_IMAGE_URL = "http://mmbiz.qpic.cn/mmbiz_jpg/" + "x" * 96 + "/0?wx_fmt=jpeg"

# 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired — wechatpy
# client/base.py (refetches the token and retries on these); platforms.md §1 "token errors".
TOKEN_ERRORS = frozenset({40001, 40014, 42001})

# --- WeChat's error codes in plain words ------------------------------------------------------------------
# Codes: WXD pages named in platforms.md §1 and wechatpy constants.py (WeChatErrorCode).
# (message, retryable): quotas, "busy" and token trouble pass; refused content or set-up does not.
ERRORS = {
    -1: (gettext_lazy("WeChat’s system was busy."), True),
    40001: (gettext_lazy("WeChat did not accept the access token, even a freshly fetched one."), True),
    40002: (gettext_lazy("WeChat refused the way Rongmei asked for an access token."), False),
    40004: (gettext_lazy("WeChat refused the kind of file uploaded."), False),
    40005: (gettext_lazy("WeChat refused an image’s file type: only JPG and PNG images can be used."), False),
    40007: (
        gettext_lazy(
            "WeChat does not know the draft or picture it was given: it may have been deleted in the "
            "WeChat console."
        ),
        False,
    ),
    40009: (gettext_lazy("An image is too large for WeChat (article images must be under 1 MB)."), False),
    40013: (gettext_lazy("WeChat does not know this AppID: check the channel’s app_id."), False),
    40014: (gettext_lazy("WeChat did not accept the access token, even a freshly fetched one."), True),
    40097: (gettext_lazy("WeChat refused one of the article’s settings as invalid."), False),
    40125: (
        gettext_lazy("WeChat refused the AppSecret: check the channel’s secret in the server’s environment."),
        False,
    ),
    40164: (
        gettext_lazy(
            "WeChat refused this server’s IP address: add it to the official account’s IP whitelist "
            "(WeChat console → Settings and development → Basic configuration)."
        ),
        False,
    ),
    40243: (gettext_lazy("The official account’s AppSecret is frozen in the WeChat console."), False),
    41001: (gettext_lazy("WeChat received no access token."), True),
    42001: (gettext_lazy("WeChat said the access token expired, even a freshly fetched one."), True),
    43002: (gettext_lazy("WeChat expects this request to be sent differently (POST)."), False),
    44003: (gettext_lazy("WeChat found the article empty (no title or no text)."), False),
    44004: (gettext_lazy("WeChat found the article’s text empty."), False),
    45001: (gettext_lazy("A picture or file is too large for WeChat."), False),
    45002: (
        gettext_lazy("The article is too long for WeChat (fewer than 20,000 characters allowed)."),
        False,
    ),
    45003: (gettext_lazy("The title is too long for WeChat (at most 32 characters)."), False),
    45004: (gettext_lazy("The digest is too long for WeChat (at most 128 characters)."), False),
    45008: (gettext_lazy("Too many articles in one WeChat draft."), False),
    45009: (
        gettext_lazy(
            "The official account has used up today’s WeChat API quota. Rongmei tries again later; an "
            "administrator can reset the quota in the WeChat console."
        ),
        True,
    ),
    45011: (gettext_lazy("Too many calls to WeChat in this minute; Rongmei tries again shortly."), True),
    45110: (gettext_lazy("The author’s name is too long for WeChat (at most 16 characters)."), False),
    45166: (gettext_lazy("WeChat found content in the article that it does not accept."), False),
    47001: (gettext_lazy("WeChat could not read the request (data format error)."), False),
    48001: (
        gettext_lazy(
            "This official account may not use this WeChat function (it may not be verified, or the "
            "permission was not granted to it)."
        ),
        False,
    ),
    53500: (gettext_lazy("Publishing is blocked for this official account."), False),
    53501: (gettext_lazy("The account publishes too often for WeChat; Rongmei tries again later."), True),
    53502: (gettext_lazy("WeChat does not know the publishing job."), False),
    53503: (gettext_lazy("The draft did not pass WeChat’s check before publishing."), False),
    53504: (gettext_lazy("WeChat wants this article published by hand in the WeChat console."), False),
    53505: (
        gettext_lazy(
            "WeChat wants the draft saved once by hand in the WeChat console before it can be published."
        ),
        False,
    ),
    53600: (gettext_lazy("WeChat does not know this article."), False),
}
# On the token call itself, 40001 means the AppSecret is wrong (WXD base/api_getstableaccesstoken.html).
TOKEN_CALL_ERRORS = {
    40001: ERRORS[40125],
    45009: (
        gettext_lazy(
            "The official account has used up today’s access-token quota; Rongmei tries again later."
        ),
        True,
    ),
}

# freepublish/get publish_status — WXD public/api_freepublish_get.html (platforms.md §1).
PUBLISH_FAILURES = {
    2: gettext_lazy(
        "WeChat did not publish the article: its originality (原创) declaration failed the check."
    ),
    3: gettext_lazy(
        "WeChat could not publish the article (a general failure). The draft is still in the WeChat "
        "console: publish it there by hand or send the story again after changing it."
    ),
    4: gettext_lazy(
        "WeChat’s content review rejected the article, so it was not published. Check the text and "
        "pictures against WeChat’s rules, change them and send the story again."
    ),
    5: gettext_lazy("The article was published, then deleted in the WeChat console."),
    6: gettext_lazy("The article was published, then blocked by WeChat."),
}
PUBLISHING = 1
PUBLISHED = 0

_ACCESS_TOKEN = re.compile(r"(access_token=)[^&\s\"']+")


class _HideAccessToken(logging.Filter):
    """httpx logs every request's URL at INFO; WeChat's carry the access token in the query."""

    def filter(self, record):
        if isinstance(record.args, tuple) and any("access_token=" in str(arg) for arg in record.args):
            record.args = tuple(
                _ACCESS_TOKEN.sub(r"\1…", str(arg)) if "access_token=" in str(arg) else arg
                for arg in record.args
            )
        elif "access_token=" in str(record.msg):
            record.msg = _ACCESS_TOKEN.sub(r"\1…", str(record.msg))
        return True


def _install_log_filter():
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(existing, _HideAccessToken) for existing in httpx_logger.filters):
        httpx_logger.addFilter(_HideAccessToken())


_install_log_filter()


# --- remote ids: the stage a delivery reached -----------------------------------------------------------


def parse_remote(remote_id: str) -> tuple[str, str]:
    """``("draft"|"publish"|"article", id)`` from a recorded remote id; ``("", "")`` when none.
    A bare id is an article's (what a status may hold)."""
    value = (remote_id or "").strip()
    if not value:
        return "", ""
    stage, sep, ref = value.partition(":")
    if sep and stage in ("draft", "submitting", "publish", "article") and ref:
        return stage, ref
    return "article", value


# --- the cover's crops ----------------------------------------------------------------------------------


def _number(value: float) -> str:
    # "≤6 decimals" — WXD draftbox/draftmanage/api_draft_add.html (pic_crop_235_1, pic_crop_1_1)
    text = f"{min(max(value, 0.0), 1.0):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def wechat_box(box, image_width: int, image_height: int) -> str:
    """A box of the picture as WeChat's ``"X1_Y1_X2_Y2"``, normalised 0–1 from the top left."""
    if image_width <= 0 or image_height <= 0:
        return "0_0_1_1"
    return "_".join(_number(v) for v in box.normalised(image_width, image_height))


def cover_crops(image) -> dict:
    """``pic_crop_235_1`` and ``pic_crop_1_1``: the picture's WeChat crops from the media library (the
    editor's override for the channel, else around Wagtail's focal point, else the middle), the same
    boxes its ``wechat_cover``/``wechat_square`` renditions show."""
    from rongmei.media.channels import crop_box as channel_box

    return {
        name: wechat_box(channel_box(image, key), image.width, image.height)
        for name, key in (("pic_crop_235_1", "wechat_cover"), ("pic_crop_1_1", "wechat_square"))
    }


# --- one conversation with WeChat -----------------------------------------------------------------------


class WeChatSession:
    """An httpx client through the outbound guard, the account's token and the error mapping."""

    def __init__(self, adapter: "WeChatAdapter"):
        self.base_url = adapter.base_url
        self.app_id = adapter.app_id
        self.secret = adapter.credential("APP_SECRET")
        self.timeout = adapter.timeout
        self._tokens: set[str] = set()  # every token seen, to scrub from messages
        refusal = check_url(self.base_url)
        if refusal is not None:
            raise AdapterError(
                _("The WeChat address in the channel’s configuration cannot be used: %(reason)s")
                % {"reason": refusal.message},
                retryable=refusal.code == "unresolved",
            )
        self.client = outbound_client(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)))

    def close(self):
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- words ---

    def scrub(self, text) -> str:
        """``text`` without the secret or any token (WeChat's errmsg, an exception's words)."""
        text = _ACCESS_TOKEN.sub(r"\1…", str(text))
        for secret in (self.secret, *self._tokens):
            if secret:
                text = text.replace(secret, "…")
        return text

    def error_for(self, code: int, errmsg: str, table=ERRORS) -> AdapterError:
        known = table.get(code) or ERRORS.get(code)
        raw = _("WeChat error %(code)s: %(message)s") % {"code": code, "message": self.scrub(errmsg) or "-"}
        if known is None:
            return AdapterError(
                _("WeChat refused the request (%(raw)s); Rongmei tries again later.") % {"raw": raw},
                retryable=True,
            )
        words, retryable = known
        return AdapterError(f"{words} ({raw})", retryable=retryable)

    # --- HTTP ---

    def _post(self, path: str, *, params=None, json_body=None, files=None) -> dict:
        url = f"{self.base_url}/cgi-bin/{path}"
        try:
            if files is not None:
                response = self.client.post(url, params=params, files=files)
            else:
                response = self.client.post(
                    url,
                    params=params,
                    # Raw UTF-8, not \\u escapes (wechatpy sends ensure_ascii=False as well).
                    content=json.dumps(json_body or {}, ensure_ascii=False).encode("utf-8"),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
        except OutboundRefused as exc:
            raise AdapterError(
                _("The WeChat address in the channel’s configuration cannot be used: %(reason)s")
                % {"reason": exc.refusal.message},
                retryable=exc.refusal.code == "unresolved",
            ) from None
        except httpx.TimeoutException:
            raise AdapterError(
                _("WeChat did not answer within %(seconds)s seconds; Rongmei tries again later.")
                % {"seconds": f"{self.timeout:g}"}
            ) from None
        except httpx.HTTPError as exc:
            raise AdapterError(
                _("Could not reach WeChat (%(error)s); Rongmei tries again later.")
                % {"error": self.scrub(str(exc) or type(exc).__name__)}
            ) from None
        return self._answer(response)

    def _answer(self, response: httpx.Response) -> dict:
        status = response.status_code
        if status >= 500 or status == 429:
            raise AdapterError(
                _("WeChat’s server answered with an error (HTTP %(status)d); Rongmei tries again later.")
                % {"status": status}
            )
        try:
            data = response.json()
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            start = response.content[:512].lstrip().lower()
            if "html" in response.headers.get("content-type", "").lower() or start.startswith(b"<"):
                raise AdapterError(
                    _(
                        "WeChat answered with a web page instead of data (HTTP %(status)d): WeChat or a "
                        "network device in between was not working normally. Rongmei tries again later."
                    )
                    % {"status": status}
                )
            raise AdapterError(
                _(
                    "WeChat’s answer could not be read: it was not the data WeChat sends (HTTP %(status)d). "
                    "Rongmei tries again later."
                )
                % {"status": status}
            )
        if status >= 400 and "errcode" not in data:
            raise AdapterError(
                _(
                    "The WeChat address answered HTTP %(status)d, which is not an answer of WeChat’s API: "
                    "check the channel’s base_url."
                )
                % {"status": status},
                retryable=False,
            )
        return data

    @staticmethod
    def errcode(data: dict) -> int:
        try:
            return int(data.get("errcode") or 0)
        except (TypeError, ValueError):
            return -1

    # --- the token ---

    @property
    def cache_key(self) -> str:
        # Per account and per API address (a test or staging server has tokens of its own).
        digest = hashlib.sha256(f"{self.base_url}\n{self.app_id}".encode()).hexdigest()[:24]
        return f"rongmei:distribution:wechat:token:{digest}"

    def _fetch_token(self, *, force: bool) -> tuple[str, int]:
        data = self._post(
            "stable_token",
            json_body={
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self.secret,
                "force_refresh": force,
            },
        )
        code = self.errcode(data)
        if code:
            raise self.error_for(code, str(data.get("errmsg") or ""), TOKEN_CALL_ERRORS)
        token = str(data.get("access_token") or "")
        if not token:
            raise AdapterError(_("WeChat gave no access token; Rongmei tries again later."))
        self._tokens.add(token)
        try:
            expires_in = int(data.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0
        return token, expires_in

    def token(self, *, rejected: str | None = None) -> str:
        """The account's access token: the cached one, else a fetched one. With ``rejected`` (a token
        WeChat just refused) a new one: stable_token in normal mode gives a new token once the old one
        expired; only if it answers the refused token again is a refresh forced (force_refresh is
        limited to 20 a day — WXD base/api_getstableaccesstoken.html)."""
        if rejected is None:
            cached = cache.get(self.cache_key)
            if cached:
                self._tokens.add(cached)
                return cached
        else:
            cache.delete(self.cache_key)
        token, expires_in = self._fetch_token(force=False)
        if rejected is not None and token == rejected:
            token, expires_in = self._fetch_token(force=True)
        # Kept until five minutes before it expires (a short-lived one: half its life).
        keep = expires_in - 300 if expires_in > 600 else expires_in // 2
        if keep > 0:
            cache.set(self.cache_key, token, timeout=keep)
        return token

    def call(self, path: str, *, params=None, json_body=None, files=None, accept=()) -> dict:
        """One API call with the token; a refused token is renewed once and the call repeated once.
        An ``errcode`` other than 0 (and not in ``accept``) is an ``AdapterError`` in plain words."""
        token = self.token()
        data = self._post(
            path, params={**(params or {}), "access_token": token}, json_body=json_body, files=files
        )
        if self.errcode(data) in TOKEN_ERRORS:
            logger.info(
                "WeChat refused the access token on %s (%s); fetching a new one", path, self.errcode(data)
            )
            token = self.token(rejected=token)
            data = self._post(
                path, params={**(params or {}), "access_token": token}, json_body=json_body, files=files
            )
        code = self.errcode(data)
        if code and code not in accept:
            raise self.error_for(code, str(data.get("errmsg") or ""))
        return data


# --- the adapter ----------------------------------------------------------------------------------------


class WeChatAdapter(ChannelAdapter):
    kind = "wechat"
    capabilities = Capabilities(can_update=False, can_retract=True, idempotent=False)
    default_limits = {
        # draft/add article fields — WXD draftbox/draftmanage/api_draft_add.html (platforms.md §1)
        "title": {"max_chars": 32, "source": DRAFT_SOURCE},
        "author": {"max_chars": 16, "source": DRAFT_SOURCE},
        "summary": {"max_chars": 128, "source": DRAFT_SOURCE},  # the article's digest
    }
    version_fields = {
        "title": gettext_lazy("WeChat title"),
        "author": gettext_lazy("Author"),
        "summary": gettext_lazy("Digest"),
        "image": gettext_lazy("Cover"),
    }

    # --- configuration ---

    @property
    def base_url(self) -> str:
        return str(self.config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")

    @property
    def app_id(self) -> str:
        app_id = str(self.config.get("app_id") or "").strip()
        if not app_id:
            raise AdapterError(
                _("The WeChat channel has no app_id: add the official account’s AppID to its configuration."),
                retryable=False,
            )
        return app_id

    def _seconds(self, name, default) -> float:
        try:
            return max(float(self.config.get(name, default)), 0.0)
        except (TypeError, ValueError):
            return default

    @property
    def timeout(self) -> float:
        return self._seconds("timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT

    @property
    def poll_seconds(self) -> float:
        return self._seconds("poll_seconds", DEFAULT_POLL_SECONDS)

    @property
    def poll_interval(self) -> float:
        return self._seconds("poll_interval", DEFAULT_POLL_INTERVAL)

    def session(self) -> WeChatSession:
        return WeChatSession(self)

    # --- the interface ---

    def publish(self, item: Item) -> Result:
        stage, ref = parse_remote(item.remote_id)
        if stage == "article":
            return self._known_article(item)
        with self.session() as wx:
            if stage == "publish":
                return self._await(wx, ref)
            if stage == "submitting":
                return self._submit(wx, item, ref, again=True)
            media_id = ref if stage == "draft" else self._make_draft(wx, item)
            return self._submit(wx, item, media_id)

    def exists(self, item: Item) -> Result | None:
        stage, ref = parse_remote(item.remote_id)
        if stage == "article":
            return self._known_article(item)
        if stage == "publish":
            with self.session() as wx:
                return self._await(wx, ref)
        return None  # nothing, or only a draft: publish() continues from it

    def update(self, item: Item, remote_id: str) -> Result:
        # Never called (can_update=False): services marks the channel "needs manual action".
        return Result(
            needs_manual=True,
            note=_("WeChat cannot change a published article: correct it there by hand."),
        )

    def retract(self, item: Item, remote_id: str) -> Result:
        # A publication that stopped half-way (still publishing, then the retraction came) recorded
        # its stage on its own outbox message only: the job may have become an article since.
        remote = remote_id or self._recorded_remote(item)
        stage, ref = parse_remote(remote)
        if stage in ("", "draft"):
            return Result(
                remote_id=remote_id,
                note=_("Nothing was published on WeChat, so there was nothing to delete."),
            )
        with self.session() as wx:
            if stage == "submitting":  # interrupted right after submitting: find what it became
                stage, ref = parse_remote(self._find_published(wx, item).remote_id)
            article_id = ref
            if stage == "publish":
                data = wx.call("freepublish/get", json_body={"publish_id": ref})
                status = self._publish_status(data)
                if status == PUBLISHING:
                    raise AdapterError(
                        _(
                            "WeChat is still publishing the article; Rongmei deletes it once it is out "
                            "(checked again later)."
                        )
                    )
                if status != PUBLISHED:
                    return Result(
                        remote_id=remote_id,
                        note=_("WeChat never published the article, so there was nothing to delete."),
                    )
                article_id = str(data.get("article_id") or "")
            data = wx.call("freepublish/delete", json_body={"article_id": article_id}, accept=(53600,))
            if wx.errcode(data) == 53600:
                return Result(
                    remote_id=remote_id,
                    note=_("WeChat no longer knows the article: it was deleted there already."),
                )
            # The status keeps the id it had: a deleted article must not later pass for a published one.
            return Result(remote_id=remote_id)

    def check_version(self, story, version, *, edited: bool = True) -> list[str]:
        """What would stop this version's publication, in plain words, without calling WeChat: for
        the editor's channel-version form or the submission to 三审, so a refusal comes before
        approval (the same checks ``publish`` makes first). ``edited`` is accepted for the shared
        signature: generated fields are already clipped to the limits."""
        from rongmei.distribution.rendering.wechat import wechat_html

        item = Item(story=story, revision_id=None, act="publish", idempotency_key="", version=version)
        checks = [lambda: self._checked_fields(item), lambda: self._cover_image(item)]
        if story is not None:
            checks.append(lambda: wechat_html(story, lambda image: PLACEHOLDER_IMAGE_URL))
        problems = []
        for check in checks:
            try:
                check()
            except AdapterError as error:
                problems.append(error.message)
        return problems

    # --- publishing steps ---

    def _checked_fields(self, item: Item) -> dict:
        """The article's text fields, refused here (in plain words, not retryable) when WeChat would
        refuse them."""
        version = item.version
        title = " ".join((version.title or "").split())
        if not title:
            raise AdapterError(
                _("The WeChat title is empty: write one in the story’s WeChat version."), retryable=False
            )
        fields = {"title": title}
        for name, key in (("author", "author"), ("summary", "digest")):
            value = " ".join((getattr(version, name) or "").split())
            if value:
                fields[key] = value
        for name, key in (("title", "title"), ("author", "author"), ("summary", "digest")):
            limit = (self.limits.get(name) or {}).get("max_chars")
            value = fields.get(key, "")
            if limit and len(value) > limit:
                raise AdapterError(
                    _(
                        "%(field)s is too long for WeChat: %(count)d characters, and WeChat allows at most "
                        "%(limit)d. Shorten it in the story’s WeChat version."
                    )
                    % {"field": self.version_fields[name], "count": len(value), "limit": limit},
                    retryable=False,
                )
        link = version.link or ""
        if link and len(link.encode("utf-8")) < SOURCE_URL_MAX_BYTES:
            fields["content_source_url"] = link
        return fields

    def _cover_image(self, item: Item):
        image = item.version.image
        if image is None:
            raise AdapterError(
                _(
                    "The story has no cover image, and WeChat needs one for every article. Choose a lead "
                    "image for the story (or a cover in its WeChat version), then publish the change."
                ),
                retryable=False,
            )
        return image

    def _body_source(self, item: Item):
        from rongmei.distribution.versions import story_at_revision

        return story_at_revision(item.story, item.revision_id)

    def _make_draft(self, wx: WeChatSession, item: Item) -> str:
        from rongmei.distribution.rendering.wechat import wechat_html

        fields = self._checked_fields(item)
        cover = self._cover_image(item)
        source = self._body_source(item)
        # The size first, before anything is uploaded (AdapterError naming the limit).
        wechat_html(source, lambda image: PLACEHOLDER_IMAGE_URL)

        uploaded = {}

        def url_for(image):
            if image.pk not in uploaded:
                uploaded[image.pk] = self._upload_body_image(wx, image)
            return uploaded[image.pk]

        content = wechat_html(source, url_for)
        thumb_media_id = self._upload_cover(wx, cover)
        article = {
            "article_type": "news",
            **fields,
            "content": content,
            "thumb_media_id": thumb_media_id,
            "need_open_comment": 0,
            "only_fans_can_comment": 0,
            **cover_crops(cover),
        }
        data = wx.call("draft/add", json_body={"articles": [article]})
        media_id = str(data.get("media_id") or "")
        if not media_id:
            raise AdapterError(_("WeChat saved no draft (its answer named none); Rongmei tries again later."))
        # At once: a retry after a crash continues with this draft instead of making another.
        item.record_remote(remote_id=f"draft:{media_id}")
        return media_id

    def _submit(self, wx: WeChatSession, item: Item, media_id: str, *, again: bool = False) -> Result:
        # Recorded before asking: a worker that dies between WeChat's answer and the record below
        # leaves "submitting", and the retry looks for the article instead of guessing.
        item.record_remote(remote_id=f"submitting:{media_id}")
        data = wx.call(
            "freepublish/submit", json_body={"media_id": media_id}, accept=(40007,) if again else ()
        )
        if again and wx.errcode(data) == 40007:
            # The draft has left the draft box: the interrupted attempt's job exists at WeChat.
            return self._find_published(wx, item)
        publish_id = str(data.get("publish_id") or "")
        if not publish_id:
            raise AdapterError(_("WeChat accepted no publishing job (its answer named none)."))
        item.record_remote(remote_id=f"publish:{publish_id}")
        return self._await(wx, publish_id)

    def _find_published(self, wx: WeChatSession, item: Item) -> Result:
        """The article an interrupted attempt published, found among the account's latest published
        articles by its 阅读原文 link (the story's address), else by its title."""
        data = wx.call("freepublish/batchget", json_body={"offset": 0, "count": 20, "no_content": 1})
        for entry in data.get("item") or []:
            for news in (entry.get("content") or {}).get("news_item") or []:
                link_matches = item.version.link and news.get("content_source_url") == item.version.link
                if link_matches or (not item.version.link and news.get("title") == item.version.title):
                    article_id = str(entry.get("article_id") or "")
                    item.record_remote(remote_id=f"article:{article_id}")
                    return Result(remote_id=f"article:{article_id}", remote_url=str(news.get("url") or ""))
        raise AdapterError(
            _(
                "An earlier attempt was interrupted just after asking WeChat to publish; the article is "
                "not among the account's published articles yet. Rongmei looks again later and does not "
                "submit it a second time."
            )
        )

    @staticmethod
    def _publish_status(data: dict) -> int:
        try:
            return int(data.get("publish_status"))
        except (TypeError, ValueError):
            return -1

    def _await(self, wx: WeChatSession, publish_id: str) -> Result:
        """Ask ``freepublish/get`` until the job is done or ``poll_seconds`` are over."""
        deadline = time.monotonic() + self.poll_seconds
        while True:
            data = wx.call("freepublish/get", json_body={"publish_id": publish_id})
            status = self._publish_status(data)
            if status == PUBLISHED:
                article_id = str(data.get("article_id") or "")
                items = (data.get("article_detail") or {}).get("item") or []
                url = str(items[0].get("article_url") or "") if items and isinstance(items[0], dict) else ""
                if not article_id:
                    raise AdapterError(_("WeChat reported the article published but named no article."))
                return Result(remote_id=f"article:{article_id}", remote_url=url)
            if status == PUBLISHING:
                if time.monotonic() + self.poll_interval > deadline:
                    raise AdapterError(
                        _(
                            "WeChat is still publishing the article; Rongmei checks again later (it is "
                            "not sent a second time)."
                        )
                    )
                time.sleep(self.poll_interval)
                continue
            words = PUBLISH_FAILURES.get(status)
            if words is None:
                raise AdapterError(
                    _("WeChat reported an unknown publishing state (%(status)s).") % {"status": status},
                    retryable=False,
                )
            fail_idx = data.get("fail_idx") or []
            if fail_idx:
                words = _("%(reason)s (articles refused: %(which)s)") % {
                    "reason": words,
                    "which": ", ".join(str(i) for i in fail_idx),
                }
            raise AdapterError(str(words), retryable=False)

    def _known_article(self, item: Item) -> Result:
        """A previous attempt got as far as the published article: its address as recorded."""
        from rongmei.core.models import OutboxMessage
        from rongmei.distribution.models import StoryChannelStatus

        url = (
            OutboxMessage.objects.filter(idempotency_key=item.idempotency_key)
            .values_list("remote_url", flat=True)
            .first()
        )
        if not url and self.channel.pk and item.story is not None:
            url = (
                StoryChannelStatus.objects.filter(story_id=item.story.pk, channel_id=self.channel.pk)
                .values_list("remote_url", flat=True)
                .first()
            )
        return Result(remote_id=item.remote_id, remote_url=url or "")

    def _recorded_remote(self, item: Item) -> str:
        """What an earlier delivery of this story to this channel recorded (a publication that stopped
        half-way leaves its draft or publish job on its own outbox message, not on the status)."""
        if item.story is None or not self.channel.code:
            return ""
        from rongmei.core import outbox

        recorded = (
            outbox.messages_about(item.story)
            .filter(target=f"distribution.{self.channel.code}")
            .exclude(remote_id="")
            .exclude(idempotency_key=item.idempotency_key)
            .order_by("-pk")
            .values_list("remote_id", flat=True)
            .first()
        )
        return recorded or ""

    # --- pictures ---

    def _jpeg(self, image, specs, limit: int) -> bytes:
        from wagtail.images.models import SourceImageIOError

        for spec in specs:
            try:
                rendition = image.get_rendition(spec)
                with rendition.file.open("rb") as handle:
                    data = handle.read()
            except (SourceImageIOError, OSError):
                raise AdapterError(
                    _("The picture “%(title)s” has no readable file on the server: upload it again.")
                    % {"title": image.title},
                    retryable=False,
                ) from None
            if len(data) < limit:
                return data
        raise AdapterError(
            _("The picture “%(title)s” cannot be made small enough for WeChat (under %(limit)s).")
            % {"title": image.title, "limit": f"{limit // (1024 * 1024)} MB"},
            retryable=False,
        )

    def _upload_body_image(self, wx: WeChatSession, image) -> str:
        data = self._jpeg(image, BODY_IMAGE_SPECS, UPLOADIMG_MAX_BYTES)
        answer = wx.call("media/uploadimg", files={"media": (f"image-{image.pk}.jpg", data, "image/jpeg")})
        url = str(answer.get("url") or "")
        if not url:
            raise AdapterError(_("WeChat kept no copy of a picture (its answer named no address)."))
        return url

    def _upload_cover(self, wx: WeChatSession, image) -> str:
        data = self._jpeg(image, COVER_SPECS, MATERIAL_IMAGE_MAX_BYTES)
        answer = wx.call(
            "material/add_material",
            params={"type": "image"},
            files={"media": (f"cover-{image.pk}.jpg", data, "image/jpeg")},
        )
        media_id = str(answer.get("media_id") or "")
        if not media_id:
            raise AdapterError(_("WeChat kept no copy of the cover (its answer named no media id)."))
        return media_id
