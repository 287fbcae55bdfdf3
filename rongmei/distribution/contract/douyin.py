"""Douyin's open platform as documented (platforms.md §3), for the tests and the demo.

Replies are ``{"data": {…, "error_code", "description"}, "extra": {"error_code", "description",
"logid", "now"}}``. What it checks:

* ``/oauth/refresh_token/``: form ``client_key``, ``grant_type=refresh_token``, ``refresh_token`` →
  a new access token (``expires_in`` 1,296,000 s); an unknown refresh token → 10010 (DY refresh pages);
* every video call: the ``access-token`` header is a live token (an expired one → 10008) and
  ``open_id`` is in the query (dygo ``video.go``) → 10005 when missing;
* ``/video/upload/``: multipart ``video``, at most 128 MB (``single_max_bytes``) → 2100005;
* parts: ``/video/part/init/`` → ``upload_id``; ``/video/part/upload/?upload_id&part_number`` with
  numbers from 1; ``/video/part/complete/?upload_id`` needs parts 1…N without a gap, each but the
  last at least ``min_chunk_bytes`` (5 MB; tests lower it), at most 4 GB in all → 2100005;
* ``/video/create/`` JSON ``{video_id, text}``: the video id comes from an upload and was not used by
  a create before ("a fresh upload for every create") → 2100005;
* ``/video/delete/`` ``{item_id}`` of a post that exists → 2100005 otherwise.

State: ``videos`` (id → bytes uploaded), ``items`` (item id → post), ``deleted``, ``refreshes``.
Faults besides the generic ones: ``expired_token`` (every live token expires and the call answers
10008), ``expired_token_2190008`` (the same with the other code), ``refresh_expired`` (10010),
``no_permission`` (10004), ``created_then_timeout`` (the create is made, the answer is late),
``quota`` (2190001 "quota 已用完": the app's call quota is used up; Douyin's status-code page,
https://developer.open-douyin.com/docs/resource/zh-cn/dop/develop/openapi/status-code, lists it
among the general codes of the older APIs, which the video APIs answer with).
"""

import itertools
import secrets
import time
import uuid

from .base import ContractServer, Request, Response

MB = 1024 * 1024

DESCRIPTIONS = {
    10004: "no permission",
    10005: "missing parameter",
    10008: "access_token expired",
    2190008: "access_token expired",
    10010: "refresh_token expired",
    2100005: "parameter error",
    2190001: "quota 已用完",
}


class DouyinContractServer(ContractServer):
    routes = {
        ("POST", "/oauth/refresh_token/"): "refresh_token",
        ("POST", "/video/upload/"): "upload",
        ("POST", "/video/part/init/"): "part_init",
        ("POST", "/video/part/upload/"): "part_upload",
        ("POST", "/video/part/complete/"): "part_complete",
        ("POST", "/video/create/"): "create",
        ("POST", "/video/delete/"): "delete",
    }
    platform_faults = (
        "expired_token",
        "expired_token_2190008",
        "refresh_expired",
        "no_permission",
        "created_then_timeout",
        "quota",
    )

    def __init__(self, *, client_key="douyin-client", refresh_token="douyin-refresh", open_id="open-id-test"):
        super().__init__()
        self.client_key = client_key
        self.refresh_token_value = refresh_token
        self.open_id = open_id
        # https://open.douyin.com/…/create/upload/: ≤128 MB in one request; parts ≥5 MB but the last;
        # ≤4 GB in all. Tests lower the first two to work with small files.
        self.single_max_bytes = 128 * MB
        self.min_chunk_bytes = 5 * MB
        self.total_max_bytes = 4 * 1024 * MB
        self.live_tokens: set[str] = set()
        self.refreshes = 0
        self.videos: dict[str, int] = {}  # video_id → bytes
        self.used_videos: set[str] = set()
        self.uploads: dict[str, dict[int, int]] = {}  # upload_id → {part_number: bytes}
        self.items: dict[str, dict] = {}
        self.deleted: list[str] = []
        self._numbers = itertools.count(1)

    # --- answers --------------------------------------------------------------------------------

    def ok(self, **data) -> Response:
        return Response(200, {"data": {**data, "error_code": 0, "description": ""}, "extra": self._extra(0)})

    def error(self, code: int) -> Response:
        description = DESCRIPTIONS.get(code, "error")
        return Response(
            200,
            {
                "data": {"error_code": code, "description": description},
                "extra": self._extra(code, description),
            },
        )

    def _extra(self, code, description=""):
        return {
            "error_code": code,
            "description": description,
            "sub_error_code": 0,
            "sub_description": "",
            "logid": uuid.uuid4().hex,
            "now": int(time.time() * 1000),
        }

    def platform_fault(self, fault, request):
        if fault in ("expired_token", "expired_token_2190008"):
            self.expire_tokens()
            return self.error(10008 if fault == "expired_token" else 2190008)
        if fault == "refresh_expired":
            return self.error(10010)
        if fault == "no_permission":
            return self.error(10004)
        if fault == "quota":
            return self.error(2190001)
        # created_then_timeout
        response = self.create(request)
        time.sleep(self.timeout_seconds)
        return response

    def expire_tokens(self):
        with self.lock:
            self.live_tokens.clear()

    def _authorised(self, request: Request) -> Response | None:
        token = request.headers.get("access-token", "")
        if not token or token not in self.live_tokens:
            return self.error(10008)
        if not request.query.get("open_id"):
            return self.error(10005)
        if request.query["open_id"] != self.open_id:
            return self.error(10004)
        return None

    # --- routes ---------------------------------------------------------------------------------

    def refresh_token(self, request: Request) -> Response:
        if request.form.get("grant_type") != "refresh_token" or not request.form.get("client_key"):
            return self.error(10005)
        if request.form.get("client_key") != self.client_key:
            return self.error(2100005)
        if request.form.get("refresh_token") != self.refresh_token_value:
            return self.error(10010)
        token = "act." + secrets.token_hex(8)
        with self.lock:
            self.live_tokens.add(token)
            self.refreshes += 1
        return self.ok(
            access_token=token,
            expires_in=1_296_000,
            open_id=self.open_id,
            refresh_token=self.refresh_token_value,
            refresh_expires_in=2_592_000,
            scope="video.create,video.delete",
        )

    def _new_video(self, size) -> str:
        video_id = f"v0200f{next(self._numbers):08d}"
        with self.lock:
            self.videos[video_id] = size
        return video_id

    def upload(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused:
            return refused
        video = request.files.get("video")
        if video is None:
            return self.error(10005)
        if len(video.data) > self.single_max_bytes:
            return self.error(2100005)
        video_id = self._new_video(len(video.data))
        return self.ok(video={"video_id": video_id, "width": 1080, "height": 1920})

    def part_init(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused:
            return refused
        upload_id = "@" + secrets.token_urlsafe(12)
        with self.lock:
            self.uploads[upload_id] = {}
        return self.ok(upload_id=upload_id)

    def part_upload(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused:
            return refused
        upload_id = request.query.get("upload_id", "")
        try:
            number = int(request.query.get("part_number", ""))
        except ValueError:
            return self.error(10005)
        video = request.files.get("video")
        if video is None or not upload_id:
            return self.error(10005)
        if upload_id not in self.uploads or number < 1:
            return self.error(2100005)
        with self.lock:
            self.uploads[upload_id][number] = len(video.data)
        return self.ok()

    def part_complete(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused:
            return refused
        with self.lock:
            parts = self.uploads.pop(request.query.get("upload_id", ""), None)
        if not parts:
            return self.error(2100005)
        numbers = sorted(parts)
        if numbers != list(range(1, len(numbers) + 1)):
            return self.error(2100005)
        if any(parts[n] < self.min_chunk_bytes for n in numbers[:-1]):
            return self.error(2100005)
        total = sum(parts.values())
        if total > self.total_max_bytes:
            return self.error(2100005)
        return self.ok(video={"video_id": self._new_video(total), "width": 1080, "height": 1920})

    def create(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused:
            return refused
        body = request.json() or {}
        video_id = body.get("video_id")
        if not video_id:
            return self.error(10005)
        with self.lock:
            if video_id not in self.videos or video_id in self.used_videos:
                return self.error(2100005)
            self.used_videos.add(video_id)
            item_id = f"@9VwKzuuES8gmaXS7ZohvRsm{next(self._numbers):06d}"
            self.items[item_id] = {
                "video_id": video_id,
                "text": body.get("text") or "",
                "open_id": self.open_id,
            }
        return self.ok(item_id=item_id)

    def delete(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused:
            return refused
        item_id = (request.json() or {}).get("item_id")
        if not item_id:
            return self.error(10005)
        with self.lock:
            if item_id not in self.items:
                return self.error(2100005)
            del self.items[item_id]
            self.deleted.append(item_id)
        return self.ok()
