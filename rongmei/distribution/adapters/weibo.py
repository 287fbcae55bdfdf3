"""The Weibo channel: one post per story through ``POST 2/statuses/share.json`` (platforms.md §2).

The post is the channel version's Weibo text and the story's link (``rendering.plain``), with the
version's picture when it has one. Weibo cannot be asked whether a post exists (no read API is
confirmed in platforms.md) and cannot update or delete one through v2 (delete unconfirmed): an
update, a correction and a retraction are "needs manual action" (``services._carry_out``).

**Nothing is posted twice.** Before the request the adapter records the marker
``OUTCOME_UNKNOWN`` on the outbox message (``item.record_remote``); an answer that says what
happened replaces it (the post's id, or ``NOT_POSTED`` when Weibo refused or the request never
left). A retry that finds the marker still there (a timeout, a dropped connection, an answer that
is not Weibo's JSON, a worker that died mid-post) does not post again: ``exists()`` answers
"needs manual action" and asks someone to look on Weibo. See docs/decisions/0018-weibo-douyin-adapters.md.

Configuration (``Channel.config``): ``base_url`` (default https://api.weibo.com), ``timeout``
(seconds), ``safe_domain`` (the app's bound 安全域名; the story's link must be on it), ``rip``
(the server's public IP, sent as ``rip``), ``uid`` (optional: the account's id, for the post's
address when Weibo's answer does not name the user). The access token comes from the environment:
``RONGMEI_CHANNEL_<CODE>_ACCESS_TOKEN``.
"""

import json
import logging
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.outbound import OutboundRefused, check_url, outbound_client
from rongmei.media.sniffing import picture_kind

from ..rendering.plain import WEIBO_STATUS_MAX_CHARS, StatusError, compose_weibo_status, links_in
from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result

logger = logging.getLogger(__name__)

SHARE_DOC = "https://open.weibo.com/wiki/2/statuses/share"
ERROR_DOC = "https://open.weibo.com/wiki/Error_code"
DEFAULT_BASE_URL = "https://api.weibo.com"
SHARE_PATH = "/2/statuses/share.json"
DEFAULT_TIMEOUT = 20.0

# What the outbox message holds while a post's fate is open (see the module docstring).
OUTCOME_UNKNOWN = "weibo:outcome-unknown"
NOT_POSTED = "weibo:not-posted"
# The status's remote id after "needs manual action" for an unknown outcome: a later act knows too.
UNCONFIRMED = "weibo:unconfirmed"
MARKERS = (OUTCOME_UNKNOWN, NOT_POSTED, UNCONFIRMED)

# https://open.weibo.com/wiki/2/statuses/share: pic "仅支持JPEG、GIF、PNG格式，图片大小小于5M".
# 5 MB read as 5,000,000 bytes (the stricter reading).
PICTURE_MAX_BYTES = 5_000_000
PICTURE_FORMATS = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
# Renditions tried, largest first, when the original is not a JPEG/GIF/PNG under the limit.
PICTURE_RENDITIONS = (
    "max-2048x2048|format-jpeg|jpegquality-85",
    "max-1280x1280|format-jpeg|jpegquality-75",
    "max-800x800|format-jpeg|jpegquality-70",
)

# Weibo's error codes (platforms.md §2, from the Error_code page as copied in an SDK docstring).
RATE_LIMITED = {"10022", "10023", "10024", "20016"}  # IP, user, user × API limits; posting too often
TOKEN_GONE = {"21327", "21319"}  # token expired; authorisation revoked


def on_domain(url: str, domain: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    domain = domain.lower().strip().lstrip(".").rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def post_url(uid, post_id) -> str:
    return f"https://weibo.com/{uid}/{post_id}" if uid and post_id else ""


class WeiboAdapter(ChannelAdapter):
    kind = "weibo"
    # v2 has no confirmed delete nor edit (platforms.md §2: delete "v2 unconfirmed"); Weibo has no
    # idempotency key of its own.
    capabilities = Capabilities(can_update=False, can_retract=False, idempotent=False)
    default_limits = {
        "text": {
            "max_chars": WEIBO_STATUS_MAX_CHARS,
            "source": SHARE_DOC + " (status ≤140 Chinese characters, the story’s link included)",
        },
        "image": {"max_bytes": PICTURE_MAX_BYTES, "formats": sorted(PICTURE_FORMATS), "source": SHARE_DOC},
    }
    version_fields = {"text": gettext_lazy("Weibo text"), "image": gettext_lazy("Picture")}

    # --- configuration --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return (self.config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")

    @property
    def timeout(self) -> float:
        try:
            return float(self.config.get("timeout") or DEFAULT_TIMEOUT)
        except (TypeError, ValueError):
            return DEFAULT_TIMEOUT

    def _text_limit(self) -> int:
        limit = self.limits.get("text") or {}
        try:
            return int(limit.get("max_chars") or WEIBO_STATUS_MAX_CHARS)
        except (AttributeError, TypeError, ValueError):
            return WEIBO_STATUS_MAX_CHARS

    def _config_missing(self, name, explanation):
        return AdapterError(
            _("The Weibo channel’s configuration lacks “%(name)s”: %(explanation)s")
            % {"name": name, "explanation": explanation},
            retryable=False,
        )

    # --- the status -----------------------------------------------------------------------------

    def _editor_wrote_text(self, item: Item) -> bool:
        """Whether the text is the editor's (approved word for word) rather than generated."""
        from .. import versions

        source = versions.story_at_revision(item.story, item.revision_id) if item.story else None
        edited = versions.edited_version(source, self.channel) if source is not None else None
        return bool(edited is not None and (edited.text or "").strip())

    def compose(self, item: Item):
        try:
            status = compose_weibo_status(
                item.version, self._text_limit(), shorten=not self._editor_wrote_text(item)
            )
        except StatusError as error:
            raise AdapterError(error.message, retryable=False) from None
        self._check_domain(item, status)
        return status

    def _check_domain(self, item: Item, status) -> None:
        safe_domain = (self.config.get("safe_domain") or "").strip()
        # share.json: the status must contain at least one link on the app's 安全域名 (SHARE_DOC).
        if safe_domain and not any(on_domain(url, safe_domain) for url in links_in(status.text)):
            raise AdapterError(
                _(
                    "Weibo only takes a post that links to the app’s safe domain (%(domain)s), and the "
                    "story’s address %(link)s is not on it. Ask an administrator to correct the Weibo "
                    "channel’s safe domain or the site’s address."
                )
                % {"domain": safe_domain, "link": item.version.link},
                retryable=False,
            )

    def _picture(self, image):
        """(file name, bytes, content type) of a JPEG/GIF/PNG under 5 MB made from ``image``."""
        try:
            with image.file.open("rb") as handle:
                data = handle.read(PICTURE_MAX_BYTES + 1)
        except (OSError, ValueError):
            raise AdapterError(
                _("The picture “%(title)s” has no file on the server; choose another picture.")
                % {"title": image.title},
                retryable=False,
            ) from None
        found = picture_kind(data)
        if found in PICTURE_FORMATS and len(data) < PICTURE_MAX_BYTES:
            return (f"picture.{'jpg' if found == 'jpeg' else found}", data, PICTURE_FORMATS[found])
        for spec in PICTURE_RENDITIONS:
            rendition = image.get_rendition(spec)
            with rendition.file.open("rb") as handle:
                data = handle.read(PICTURE_MAX_BYTES + 1)
            if len(data) < PICTURE_MAX_BYTES:
                return ("picture.jpg", data, "image/jpeg")
        raise AdapterError(
            _("The picture “%(title)s” could not be made smaller than Weibo’s 5 MB limit; choose another.")
            % {"title": image.title},
            retryable=False,
        )

    def check_version(self, story, version, *, edited: bool = True) -> list[str]:
        """What would stop this version's delivery, in plain words, without calling Weibo: for the
        editor's channel-version form or the submission to 三审, so a refusal comes before approval.
        ``edited``: the text is the editor's (a generated one is shortened instead of refused)."""
        item = Item(story=story, revision_id=None, act="publish", idempotency_key="", version=version)
        try:
            status = compose_weibo_status(version, self._text_limit(), shorten=not edited)
            self._check_domain(item, status)
        except StatusError as error:
            return [error.message]
        except AdapterError as error:
            return [error.message]
        return []

    # --- the calls ------------------------------------------------------------------------------

    def publish(self, item: Item) -> Result:
        if item.remote_id in (OUTCOME_UNKNOWN, UNCONFIRMED):
            return self._unconfirmed()  # an earlier post may be there: never a second one
        token = self.credential("ACCESS_TOKEN")
        rip = (self.config.get("rip") or "").strip()
        if not rip:
            # share.json: rip (the real user IP) is required in the current page (SHARE_DOC).
            raise self._config_missing(
                "rip", _("the public IP address of this server, which Weibo requires.")
            )
        status = self.compose(item)
        form = {"access_token": token, "status": status.text, "rip": rip}
        files = {"pic": self._picture(item.version.image)} if item.version.image is not None else None
        answer = self._share(item, form, files)
        post_id = str(answer.get("idstr") or answer.get("id") or answer.get("mid") or "")
        user = answer.get("user") if isinstance(answer.get("user"), dict) else {}
        uid = user.get("idstr") or user.get("id") or self.config.get("uid") or ""
        url = post_url(uid, post_id)
        item.record_remote(remote_id=post_id, remote_url=url)
        notes = []
        if status.removed_topics:
            notes.append(
                _("Weibo takes no #topics# from apps: the # marks around %(topics)s were left out.")
                % {"topics": "、".join(f"“{topic}”" for topic in status.removed_topics)}
            )
        if status.shortened:
            notes.append(_("The generated Weibo text was shortened to leave room for the story’s link."))
        return Result(remote_id=post_id, remote_url=url, note=" ".join(notes))

    def _share(self, item: Item, form: dict, files) -> dict:
        url = self.base_url + SHARE_PATH
        refusal = check_url(url)
        if refusal is not None:
            raise AdapterError(
                _("The Weibo address was not used: %(reason)s") % {"reason": refusal.message}, retryable=False
            )
        # From here until Weibo's answer says otherwise, the post may exist.
        item.record_remote(remote_id=OUTCOME_UNKNOWN)
        timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        try:
            with outbound_client(timeout=timeout) as client:
                if files:
                    response = client.post(url, data=form, files=files)
                else:
                    response = client.post(url, data=form)
        except OutboundRefused as error:
            item.record_remote(remote_id=NOT_POSTED)
            raise AdapterError(
                _("The Weibo address was not used: %(reason)s") % {"reason": error.refusal.message},
                retryable=False,
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            # The request never reached Weibo: nothing was posted.
            item.record_remote(remote_id=NOT_POSTED)
            raise AdapterError(
                _("Could not reach Weibo; nothing was posted. Rongmei will try again.")
            ) from None
        except httpx.TimeoutException:
            raise self._unknown(_("Weibo did not answer in time.")) from None
        except httpx.HTTPError as error:
            logger.info("weibo share: %s", error)
            raise self._unknown(_("The connection to Weibo broke off before it answered.")) from None
        try:
            answer = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = None
        if isinstance(answer, dict) and answer.get("error_code") not in (None, "", 0, "0"):
            item.record_remote(remote_id=NOT_POSTED)
            raise self.refusal(answer)
        if not isinstance(answer, dict) or not (answer.get("idstr") or answer.get("id")):
            raise self._unknown(
                _("Weibo answered HTTP %(status)d with something that is not its usual reply.")
                % {"status": response.status_code}
            )
        return answer

    def _unknown(self, what) -> AdapterError:
        return AdapterError(
            _(
                "%(what)s Whether the post appeared on Weibo is not known, so Rongmei will not post it "
                "again by itself: its next attempt asks someone to look on Weibo."
            )
            % {"what": what}
        )

    def refusal(self, answer: dict) -> AdapterError:
        """Weibo's ``{error_code, error}`` in plain words; ``retryable`` only where waiting helps."""
        code = str(answer.get("error_code"))
        raw = _("Weibo error %(code)s: %(message)s") % {"code": code, "message": answer.get("error") or "-"}
        variable = f"RONGMEI_CHANNEL_{self.channel.code.upper().replace('-', '_')}_ACCESS_TOKEN"
        if code in RATE_LIMITED:
            words, retryable = (
                _("Weibo is limiting how often this account may post; Rongmei will try again later."),
                True,
            )
        elif code == "20012":
            words, retryable = (
                _(
                    "Weibo says the text is longer than 140 characters: shorten the Weibo text in the story’s "
                    "channel version."
                ),
                False,
            )
        elif code in ("20017", "20019"):
            words, retryable = (
                _(
                    "Weibo refused the post as the same as (or too like) one this account posted before; "
                    "look on Weibo whether the story is there already."
                ),
                False,
            )
        elif code == "20018":
            words, retryable = (
                _(
                    "Weibo refused the link: a post must link to the app’s safe domain. Check the channel’s "
                    "safe domain and the site’s address."
                ),
                False,
            )
        elif code == "20021":
            words, retryable = _("Weibo refused the content as not allowed; nothing was posted."), False
        elif code == "20005":
            words, retryable = (
                _("Weibo does not take this picture’s type: use a JPEG, GIF or PNG picture."),
                False,
            )
        elif code == "20006":
            words, retryable = _("Weibo says the picture is too large (the limit is 5 MB)."), False
        elif code in TOKEN_GONE:
            words, retryable = (
                _(
                    "Weibo no longer accepts the channel’s access token (expired or revoked): renew the token "
                    "with the account’s authorisation, set it in %(variable)s on the server, then try again."
                )
                % {"variable": variable},
                False,
            )
        elif code == "10014":
            words, retryable = _("The Weibo app is not allowed to post through this interface."), False
        else:
            words, retryable = _("Weibo refused the post; nothing was posted."), False
        return AdapterError(f"{words} ({raw})", retryable=retryable)

    # --- retries, updates, retraction ----------------------------------------------------------

    def exists(self, item: Item) -> Result | None:
        """On a retry: the post when an earlier attempt got its id; "needs manual action" when an
        earlier attempt's outcome is unknown (Weibo cannot be asked); None when nothing was posted."""
        remote_id = item.remote_id or ""
        if remote_id in (OUTCOME_UNKNOWN, UNCONFIRMED):
            return self._unconfirmed()
        if remote_id and remote_id not in MARKERS:
            return Result(remote_id=remote_id, remote_url=post_url(self.config.get("uid"), remote_id))
        return None

    def _unconfirmed(self) -> Result:
        return Result(
            remote_id=UNCONFIRMED,
            needs_manual=True,
            note=_(
                "An earlier attempt got no clear answer from Weibo, so the post may be there already. "
                "Look on the account’s Weibo page: if the story is not there, post it by hand."
            ),
        )

    def update(self, item: Item, remote_id: str) -> Result:
        # Not called: capabilities.can_update is False (services marks "needs manual action").
        raise AdapterError(
            _("Weibo posts cannot be changed; correct the story there by hand."), retryable=False
        )

    def retract(self, item: Item, remote_id: str) -> Result:
        # Not called: capabilities.can_retract is False (services marks "needs manual action").
        raise AdapterError(
            _("Weibo posts cannot be deleted from Rongmei; delete it there by hand."), retryable=False
        )
