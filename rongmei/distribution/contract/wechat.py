"""A stand-in for WeChat's official-account API (the calls the WeChat adapter makes), checking what
the documented API checks. Facts and sources: ``../shared/reference/platforms.md`` §1 (WXD =
https://developers.weixin.qq.com/doc/subscription/api/). Where the documentation is unconfirmed the
check is a switch on the server (``count_tags_in_content``, ``check_crop_ratio``).

It keeps its state (``tokens``, ``materials``, ``uploaded_urls``, ``drafts``, ``jobs``,
``articles``) so a test can assert, for example, that exactly one article was published.

Platform faults (``fail_next(fault, path=…)``): ``expired_token`` (the call answers 42001 and the
current token stops being valid), ``quota`` (45009, the daily quota), ``rejected`` (the publishing
job ends with status 4, 平台审核不通过, ``fail_idx`` [1]).
"""

import itertools
import re
import secrets
from io import BytesIO

from rongmei.media.sniffing import picture_kind

from .base import ContractServer, Request, Response

# Limits — WXD draftbox/draftmanage/api_draft_add.html: title ≤32, author ≤16, digest ≤128,
# content <20,000 characters and <1 MB, content_source_url <1 KB.
TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1024 * 1024
SOURCE_URL_MAX_BYTES = 1024
# WXD material/permanent/api_uploadimage.html: jpg/png, under 1 MB (40005 type, 40009 size).
UPLOADIMG_MAX_BYTES = 1024 * 1024
# WXD material/permanent/api_addmaterial.html: image 10 MB, bmp/png/jpeg/jpg/gif.
MATERIAL_IMAGE_MAX_BYTES = 10 * 1024 * 1024
MATERIAL_IMAGE_TYPES = {"bmp", "png", "jpeg", "jpg", "gif"}

_CROP = re.compile(r"(?:0|1|0\.\d{1,6}|1\.0{1,6})(?:_(?:0|1|0\.\d{1,6}|1\.0{1,6})){3}")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMG_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def error(code: int, message: str) -> Response:
    # WeChat answers errors with HTTP 200 and {errcode, errmsg} (platforms.md §1).
    return Response(200, {"errcode": code, "errmsg": f"{message} rid: {secrets.token_hex(4)}"})


def ok(**fields) -> Response:
    return Response(200, {"errcode": 0, "errmsg": "ok", **fields})


def _image_kind(data: bytes) -> str:
    kind = picture_kind(data)
    return "jpg" if kind == "jpeg" else kind


def _pixels(data: bytes) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(BytesIO(data)) as picture:
            return picture.size
    except Exception:
        return None


class WeChatContractServer(ContractServer):
    routes = {
        ("POST", "/cgi-bin/stable_token"): "stable_token",
        ("GET", "/cgi-bin/stable_token"): "must_post",
        ("POST", "/cgi-bin/media/uploadimg"): "uploadimg",
        ("POST", "/cgi-bin/material/add_material"): "add_material",
        ("POST", "/cgi-bin/draft/add"): "draft_add",
        ("POST", "/cgi-bin/freepublish/submit"): "freepublish_submit",
        ("POST", "/cgi-bin/freepublish/get"): "freepublish_get",
        ("POST", "/cgi-bin/freepublish/delete"): "freepublish_delete",
        ("POST", "/cgi-bin/freepublish/batchget"): "freepublish_batchget",
    }
    platform_faults = ("expired_token", "quota", "rejected")

    def __init__(self, *, app_id="wx0123456789abcdef", secret="contract-secret", publishing_polls=1):
        super().__init__()
        self.app_id = app_id
        self.secret = secret
        self.expires_in = 7200
        # How many freepublish/get calls answer "publishing" (1) before a job is done.
        self.publishing_polls = publishing_polls
        # Unconfirmed rules, on by default (the strict reading): the 20,000 characters count tags too;
        # a crop's shape matches its name (2.35:1, 1:1) on the cover's pixels.
        self.count_tags_in_content = True
        self.check_crop_ratio = True
        self.tokens: dict[str, str] = {}  # token → "valid" | "expired"
        self.current_token = ""
        self.force_refreshes = 0
        self.uploaded_urls: set[str] = set()
        self.materials: dict[str, dict] = {}  # permanent media_id → {"data", "size"}
        self.drafts: dict[str, dict] = {}  # media_id → {"articles", "submitted"}
        self.jobs: dict[str, dict] = {}  # publish_id → {"media_id", "polls_left", "status", "article_id"}
        self.articles: dict[str, dict] = {}  # article_id → {"publish_id", "article", "url", "deleted"}
        self._reject_next_job = False
        self._ids = itertools.count(2247483001)

    # --- helpers ---------------------------------------------------------------------------------

    def _new_id(self) -> str:
        return str(next(self._ids))

    def _new_token(self) -> str:
        token = "TOKEN_" + secrets.token_urlsafe(24)
        self.tokens[token] = "valid"
        self.current_token = token
        return token

    def _token_problem(self, request: Request) -> Response | None:
        token = request.query.get("access_token", "")
        if not token:
            return error(41001, "access_token missing")
        state = self.tokens.get(token)
        if state is None:
            return error(40001, "invalid credential, access_token is invalid or not latest")
        if state == "expired":
            return error(42001, "access_token expired")
        return None

    def published(self) -> list[dict]:
        """The articles that are out and not deleted."""
        with self.lock:
            return [a for a in self.articles.values() if not a["deleted"]]

    def finish_publishing(self):
        """Every job still publishing is done at its next freepublish/get."""
        with self.lock:
            for job in self.jobs.values():
                job["polls_left"] = 0

    # --- faults ----------------------------------------------------------------------------------

    def platform_fault(self, fault: str, request: Request) -> Response:
        if fault == "expired_token":
            with self.lock:
                if self.current_token:
                    self.tokens[self.current_token] = "expired"
            if request.path.endswith("/stable_token"):
                return self.stable_token(request)
            return error(42001, "access_token expired")
        if fault == "quota":
            return error(45009, "reach max api daily quota limit")
        if fault == "rejected":
            with self.lock:
                self._reject_next_job = True
            name = self.routes.get((request.method, request.path))
            return getattr(self, name)(request) if name else self.not_found(request)
        raise NotImplementedError(fault)

    # --- routes ----------------------------------------------------------------------------------

    def must_post(self, request: Request) -> Response:
        return error(43002, "require POST method")

    def stable_token(self, request: Request) -> Response:
        # WXD base/api_getstableaccesstoken.html: JSON {grant_type, appid, secret, force_refresh}.
        body = request.json()
        if not isinstance(body, dict):
            return error(47001, "data format error")
        if body.get("grant_type") != "client_credential":
            return error(40002, "invalid grant_type")
        if body.get("appid") != self.app_id:
            return error(40013, "invalid appid")
        if body.get("secret") != self.secret:
            return error(40125, "invalid appsecret")
        with self.lock:
            if body.get("force_refresh"):
                self.force_refreshes += 1
                if self.current_token:
                    self.tokens[self.current_token] = "expired"
                token = self._new_token()
            elif self.tokens.get(self.current_token) == "valid":
                token = self.current_token  # normal mode: the same token while it is valid
            else:
                token = self._new_token()
        return Response(200, {"access_token": token, "expires_in": self.expires_in})

    def uploadimg(self, request: Request) -> Response:
        problem = self._token_problem(request)
        if problem:
            return problem
        upload = request.files.get("media")
        if upload is None:
            return error(41005, "media data missing")
        if _image_kind(upload.data) not in ("jpg", "png"):
            return error(40005, "invalid file type")
        if len(upload.data) >= UPLOADIMG_MAX_BYTES:
            return error(40009, "invalid image size")
        kind = _image_kind(upload.data)
        url = f"http://mmbiz.qpic.cn/mmbiz_{kind}/{secrets.token_urlsafe(32)}/0?wx_fmt={'jpeg' if kind == 'jpg' else kind}"
        with self.lock:
            self.uploaded_urls.add(url)
        return Response(200, {"url": url})

    def add_material(self, request: Request) -> Response:
        problem = self._token_problem(request)
        if problem:
            return problem
        if request.query.get("type") != "image":
            return error(40004, "invalid media type")
        upload = request.files.get("media")
        if upload is None:
            return error(41005, "media data missing")
        if _image_kind(upload.data) not in MATERIAL_IMAGE_TYPES:
            return error(40005, "invalid file type")
        if len(upload.data) > MATERIAL_IMAGE_MAX_BYTES:
            return error(40009, "invalid image size")
        media_id = secrets.token_urlsafe(32)
        url = f"http://mmbiz.qpic.cn/mmbiz_jpg/{secrets.token_urlsafe(32)}/0?wx_fmt=jpeg"
        with self.lock:
            self.materials[media_id] = {"data": upload.data, "size": _pixels(upload.data), "url": url}
        return ok(media_id=media_id, url=url)

    def _crop_problem(self, article: dict, size) -> Response | None:
        for name, ratio in (("pic_crop_235_1", 2.35), ("pic_crop_1_1", 1.0)):
            value = article.get(name)
            if value in (None, ""):
                continue
            if not isinstance(value, str) or not _CROP.fullmatch(value):
                return error(40097, f"invalid args: {name}")
            x1, y1, x2, y2 = (float(v) for v in value.split("_"))
            if not (x1 < x2 and y1 < y2):
                return error(40097, f"invalid args: {name}")
            if self.check_crop_ratio and size:
                width, height = size
                shape = ((x2 - x1) * width) / ((y2 - y1) * height)
                if abs(shape - ratio) / ratio > 0.02:
                    return error(40097, f"invalid args: {name} is not {ratio}:1")
        return None

    def draft_add(self, request: Request) -> Response:
        problem = self._token_problem(request)
        if problem:
            return problem
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("articles"), list) or not body["articles"]:
            return error(44003, "empty news data")
        stored = []
        for article in body["articles"]:
            if not isinstance(article, dict):
                return error(47001, "data format error")
            title = article.get("title") or ""
            if not title:
                return error(44003, "empty news data")
            if len(title) > TITLE_MAX:
                return error(45003, "title size out of limit")
            if len(article.get("author") or "") > AUTHOR_MAX:
                return error(45110, "author size out of limit")
            if len(article.get("digest") or "") > DIGEST_MAX:
                return error(45004, "description size out of limit")
            content = article.get("content") or ""
            if not content:
                return error(44004, "empty content")
            counted = content if self.count_tags_in_content else re.sub(r"<[^>]*>", "", content)
            if len(counted) >= CONTENT_MAX_CHARS or len(content.encode("utf-8")) >= CONTENT_MAX_BYTES:
                return error(45002, "content size out of limit")
            if len((article.get("content_source_url") or "").encode("utf-8")) >= SOURCE_URL_MAX_BYTES:
                return error(40097, "invalid args: content_source_url")
            thumb = article.get("thumb_media_id") or ""
            with self.lock:
                material = self.materials.get(thumb)
            if material is None:
                return error(40007, "invalid media_id")
            crop_problem = self._crop_problem(article, material["size"])
            if crop_problem:
                return crop_problem
            # JS is stripped and images that are not uploadimg addresses are filtered, as the real one does.
            content = _SCRIPT.sub("", content)

            def keep_uploaded(match):
                src = _IMG_SRC.search(match.group(0))
                return (
                    match.group(0) if src and src.group(1).replace("&amp;", "&") in self.uploaded_urls else ""
                )

            stored.append({**article, "content": _IMG.sub(keep_uploaded, content)})
        media_id = secrets.token_urlsafe(32)
        with self.lock:
            self.drafts[media_id] = {"articles": stored, "submitted": False}
        return Response(200, {"media_id": media_id})

    def freepublish_submit(self, request: Request) -> Response:
        problem = self._token_problem(request)
        if problem:
            return problem
        body = request.json() or {}
        with self.lock:
            draft = self.drafts.get(str(body.get("media_id") or ""))
            # A submitted draft leaves the draft box: submitting it again names no draft.
            if draft is None or draft["submitted"]:
                return error(40007, "invalid media_id")
            draft["submitted"] = True
            publish_id = self._new_id()
            self.jobs[publish_id] = {
                "media_id": body["media_id"],
                "polls_left": self.publishing_polls,
                "status": 1,
                "article_id": "",
            }
        return ok(publish_id=publish_id, msg_data_id=int(publish_id) + 1000)

    def _materialise(self, publish_id, job):
        """The job's article comes out (under the lock)."""
        article_id = f"{secrets.token_hex(8)}_{publish_id}"
        article = self.drafts[job["media_id"]]["articles"][0]
        url = f"https://mp.weixin.qq.com/s/{secrets.token_urlsafe(16)}"
        self.articles[article_id] = {
            "publish_id": publish_id,
            "article": article,
            "url": url,
            "deleted": False,
        }
        job.update(status=0, article_id=article_id)

    def freepublish_batchget(self, request: Request) -> Response:
        """The account's successfully published articles, newest first (WXD
        public/api_freepublish_batchget.html: offset, count 1–20, no_content)."""
        problem = self._token_problem(request)
        if problem:
            return problem
        body = request.json() or {}
        try:
            offset, count = int(body.get("offset", 0)), int(body.get("count", 0))
        except (TypeError, ValueError):
            return error(40097, "invalid args")
        if offset < 0 or not 1 <= count <= 20:
            return error(40097, "invalid args")
        with self.lock:
            for publish_id, job in self.jobs.items():
                if job["status"] == 1 and job["polls_left"] <= 0 and not self._reject_next_job:
                    self._materialise(publish_id, job)
            live = [(aid, a) for aid, a in self.articles.items() if not a["deleted"]][::-1]
            page = live[offset : offset + count]
            items = [
                {
                    "article_id": aid,
                    "content": {
                        "news_item": [
                            {
                                "title": a["article"].get("title", ""),
                                "content_source_url": a["article"].get("content_source_url", ""),
                                "url": a["url"],
                                "is_deleted": False,
                                **(
                                    {}
                                    if body.get("no_content")
                                    else {"content": a["article"].get("content", "")}
                                ),
                            }
                        ]
                    },
                }
                for aid, a in page
            ]
        return ok(total_count=len(live), item_count=len(items), item=items)

    def freepublish_get(self, request: Request) -> Response:
        problem = self._token_problem(request)
        if problem:
            return problem
        body = request.json() or {}
        publish_id = str(body.get("publish_id") or "")
        with self.lock:
            job = self.jobs.get(publish_id)
            if job is None:
                return error(53502, "invalid publish_id")
            if job["status"] == 1 and self._reject_next_job:
                self._reject_next_job = False
                job["status"] = 4
            if job["status"] == 1:
                if job["polls_left"] > 0:
                    job["polls_left"] -= 1
                    return ok(publish_id=publish_id, publish_status=1)
                self._materialise(publish_id, job)
            if job["status"] == 0:
                article = self.articles[job["article_id"]]
                if article["deleted"]:
                    return ok(publish_id=publish_id, publish_status=5)
                return ok(
                    publish_id=publish_id,
                    publish_status=0,
                    article_id=job["article_id"],
                    article_detail={"count": 1, "item": [{"idx": 1, "article_url": article["url"]}]},
                    fail_idx=[],
                )
            # fail_idx (1-based) is set for status 2 and 4 (WXD public/api_freepublish_get.html).
            fail_idx = [1] if job["status"] in (2, 4) else []
            return ok(publish_id=publish_id, publish_status=job["status"], fail_idx=fail_idx)

    def freepublish_delete(self, request: Request) -> Response:
        problem = self._token_problem(request)
        if problem:
            return problem
        body = request.json() or {}
        with self.lock:
            article = self.articles.get(str(body.get("article_id") or ""))
            if article is None or article["deleted"]:
                return error(53600, "invalid article_id")
            article["deleted"] = True
        return ok()
