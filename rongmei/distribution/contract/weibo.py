"""Weibo's ``2/statuses/share.json`` as documented (platforms.md §2), for the tests and the demo.

What it checks (each rule cites its source; codes marked *unconfirmed* are not on the platforms.md
list and only need to be some refusal):

* ``access_token`` is one the server issued (``access_token``); ``status`` and (current page) ``rip``
  are present;
* the status is at most 140 characters, counted as ``rendering.plain.weibo_length`` does → 20012;
* it contains no ``#话题#`` → 20021 (*unconfirmed* code);
* it contains a link on the configured ``safe_domain`` → 20018;
* it is not identical to a status posted before → 20019;
* ``pic``: JPEG/GIF/PNG → 20005, smaller than 5 MB → 20006.

It keeps every post in ``posts`` so tests can assert exactly one. Faults besides the generic ones:
``expired_token`` (21327), ``revoked`` (21319), ``quota`` (10023, user rate limit), ``ip_limit``
(10022), ``too_often`` (20016), ``posted_then_timeout`` (the post is made, the answer comes after
``timeout_seconds``: a post whose outcome the sender cannot know).
"""

import itertools
import re
import time
from urllib.parse import urlsplit

from rongmei.media.sniffing import picture_kind

from ..rendering.plain import WEIBO_STATUS_MAX_CHARS, weibo_length
from .base import ContractServer, Request, Response

SHARE = "/2/statuses/share.json"
# https://open.weibo.com/wiki/2/statuses/share: pic "JPEG、GIF、PNG … 小于5M".
PICTURE_MAX_BYTES = 5_000_000
_URL = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+")
_TOPIC = re.compile(r"[#＃][^#＃\n]{1,64}[#＃]")

ERRORS = {
    # https://open.weibo.com/wiki/Error_code (as copied in an SDK docstring, platforms.md §2)
    "10022": "IP requests out of rate limit",
    "10023": "User requests out of rate limit",
    "10024": "User requests for (statuses/share) out of rate limit",
    "20005": "Unsupported image type, only suport JPG, GIF, PNG",
    "20006": "Image size too large",
    "20012": "Text too long, please input text less than 140 characters",
    "20016": "Out of limit",
    "20018": "Contain illegal website",
    "20019": "Repeat content",
    "20021": "Contain illegal content",
    "21319": "Accessor was revoked",
    "21327": "expired_token",
    # unconfirmed codes (not on the platforms.md list): a refusal of some kind is all that matters
    "10016": "Miss required parameter",
    "21301": "Auth failed",
}


class WeiboContractServer(ContractServer):
    routes = {("POST", SHARE): "share"}
    platform_faults = ("expired_token", "revoked", "quota", "ip_limit", "too_often", "posted_then_timeout")

    def __init__(self, *, access_token="weibo-test-token", safe_domain="localhost", uid="5512345678"):
        super().__init__()
        self.access_token = access_token
        self.safe_domain = safe_domain
        self.uid = uid
        self.require_rip = True  # required in the current share page; optional in an older revision
        self.posts: list[dict] = []
        self._ids = itertools.count(4_950_000_000_000_001)

    # --- answers --------------------------------------------------------------------------------

    def error(self, request: Request, code: str, status: int = 400) -> Response:
        # https://open.weibo.com/wiki/Error_code: {"request", "error_code", "error"}
        return Response(
            status, {"request": request.path, "error_code": code, "error": ERRORS.get(code, "error")}
        )

    def platform_fault(self, fault, request):
        if fault == "posted_then_timeout":
            response = self.share(request)
            time.sleep(self.timeout_seconds)
            return response
        code = {"expired_token": "21327", "revoked": "21319", "quota": "10023", "ip_limit": "10022"}.get(
            fault, "20016"
        )
        return self.error(request, code, 403 if code in ("21327", "21319") else 400)

    def share(self, request: Request) -> Response:
        token = request.param("access_token")
        if not token or token != self.access_token:
            return self.error(request, "21301", 403)
        status = request.param("status")
        if not status:
            return self.error(request, "10016")
        if self.require_rip and not request.param("rip"):
            return self.error(request, "10016")
        if weibo_length(status) > WEIBO_STATUS_MAX_CHARS:
            return self.error(request, "20012")
        if _TOPIC.search(status):
            return self.error(request, "20021")
        if not any(self._on_safe_domain(url) for url in _URL.findall(status)):
            return self.error(request, "20018")
        picture = request.files.get("pic")
        if picture is not None:
            if picture_kind(picture.data) not in ("jpeg", "png", "gif"):
                return self.error(request, "20005")
            if len(picture.data) >= PICTURE_MAX_BYTES:
                return self.error(request, "20006")
        with self.lock:
            if any(post["text"] == status for post in self.posts):
                return self.error(request, "20019")
            post_id = next(self._ids)
            post = {
                "id": post_id,
                "idstr": str(post_id),
                "mid": str(post_id),
                "created_at": time.strftime("%a %b %d %H:%M:%S +0800 %Y"),
                "text": status,
                "user": {"id": int(self.uid), "idstr": self.uid, "screen_name": "测试融媒"},
            }
            if picture is not None:
                post["original_pic"] = f"https://wx1.sinaimg.cn/large/{post_id}.jpg"
                post["picture_bytes"] = len(picture.data)
            self.posts.append(post)
        return Response(200, {key: value for key, value in post.items() if key != "picture_bytes"})

    def _on_safe_domain(self, url) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        domain = self.safe_domain.lower()
        return host == domain or host.endswith("." + domain)
