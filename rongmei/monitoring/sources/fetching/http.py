"""A polite HTTP client: robots.txt, a per-host rate limit shared by every worker, timeouts, retries
with backoff, a size cap, and redirects followed one hop at a time so each hop obeys the same rules."""

import logging
import time
import urllib.robotparser
from dataclasses import dataclass, field, fields
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from rongmei.core.outbound import OutboundRefused, check_url, outbound_client
from rongmei.core.weburls import host_key, is_http_url

from .errors import FetchError

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}
MB = 1024 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one client; `MONITORING_FETCH` in settings overrides any of them by name."""

    user_agent: str = "RongmeiMonitor/0.1 (+public-opinion monitoring of a converged-media center)"
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0  # a server that drips one byte at a time still ends here
    max_bytes: int = 5 * MB
    robots_max_bytes: int = 512 * 1024
    retries: int = 2
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    max_backoff: float = 30.0
    host_interval: float = 1.0  # seconds between two requests to one host, across all workers
    max_crawl_delay: float = 60.0
    max_host_wait: float = 30.0
    robots_ttl: timedelta = timedelta(hours=12)
    max_redirects: int = 5
    max_articles_per_run: int = 30
    max_child_sitemaps: int = 3
    future_tolerance: timedelta = timedelta(minutes=10)

    @classmethod
    def from_settings(cls, **overrides):
        names = {f.name for f in fields(cls)}
        configured = {k: v for k, v in getattr(settings, "MONITORING_FETCH", {}).items() if k in names}
        return cls(**{**configured, **overrides})


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""
    history: list[str] = field(default_factory=list)

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    @property
    def not_modified(self):
        return self.status == 304


def wait_for_host(host, interval, max_wait, *, sleep=time.sleep):
    """Claim the next request slot of `host`, waiting for it if another worker holds it.

    The claim is a conditional UPDATE (`next_allowed_at <= now`): on one database exactly one of
    several processes wins each slot, so the limit holds however many workers run.
    """
    from ..models import HostThrottle

    if interval <= 0:
        return
    waited = 0.0
    while True:
        now = timezone.now()
        try:
            HostThrottle.objects.get_or_create(host=host, defaults={"next_allowed_at": now})
        except IntegrityError:
            pass  # created by another worker just now
        claimed = HostThrottle.objects.filter(host=host, next_allowed_at__lte=now).update(
            next_allowed_at=now + timedelta(seconds=interval)
        )
        if claimed:
            return
        next_at = HostThrottle.objects.filter(host=host).values_list("next_allowed_at", flat=True).first()
        wait = max(0.01, (next_at - now).total_seconds()) if next_at else 0.01
        if waited + wait > max_wait:
            raise FetchError("host_busy", host=host)
        sleep(wait)
        waited += wait


class PoliteClient:
    def __init__(self, policy=None, *, transport=None, sleep=time.sleep):
        self.policy = policy or FetchPolicy.from_settings()
        self.sleep = sleep
        self._robots = {}
        self._intervals = {}
        # Only public addresses (or the allow-list): checked as written, and again when connecting.
        self._client = outbound_client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                connect=self.policy.connect_timeout,
                read=self.policy.read_timeout,
                write=self.policy.read_timeout,
                pool=self.policy.connect_timeout,
            ),
            transport=transport,
        )

    def close(self):
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- public -----------------------------------------------------------------------------------

    def get(self, url, *, headers=None, check_robots=True, max_bytes=None, raise_for_status=True):
        """Fetch `url`; raise `FetchError` with a plain-words code on anything that is not a page."""
        max_bytes = max_bytes or self.policy.max_bytes
        history = []
        for _hop in range(self.policy.max_redirects + 1):
            if not is_http_url(url):
                raise FetchError("bad_redirect", location=url[:300])
            refusal = check_url(url)
            if refusal is not None:
                raise _refused(refusal)
            if check_robots and not self.allowed_by_robots(url):
                raise FetchError("robots_disallowed", url=url[:300])
            response = self._get_with_retries(url, headers or {}, max_bytes)
            if response.status in REDIRECT_STATUSES and response.headers.get("location"):
                history.append(url)
                url = urljoin(url, response.headers["location"])
                continue
            response.history = history
            if raise_for_status and response.status >= 400:
                if response.status in (404, 410):
                    raise FetchError("not_found", status=response.status)
                raise FetchError("http_status", status=response.status)
            return response
        raise FetchError("too_many_redirects", max=self.policy.max_redirects)

    def allowed_by_robots(self, url):
        host = host_key(url)
        parser = self._robots.get(host)
        if parser is None:
            parser = self._robots[host] = self._load_robots(url)
        return parser.can_fetch(self.policy.user_agent, url)

    # -- internals --------------------------------------------------------------------------------

    def _load_robots(self, url):
        from ..models import RobotsCache

        host = host_key(url)
        parts = urlsplit(url)
        now = timezone.now()
        row = RobotsCache.objects.filter(host=host, fetched_at__gte=now - self.policy.robots_ttl).first()
        if row is None:
            rule, body = "parse", ""
            try:
                response = self.get(
                    f"{parts.scheme}://{parts.netloc}/robots.txt",
                    check_robots=False,
                    max_bytes=self.policy.robots_max_bytes,
                    raise_for_status=False,
                )
            except FetchError as exc:
                if exc.code == "too_large":
                    rule = "allow_all"  # a robots.txt that big is not one
                else:
                    raise  # the site itself is unreachable: the real fetch would fail the same way
            else:
                if 400 <= response.status < 500:
                    rule = "allow_all"  # no robots.txt: everything is allowed
                elif response.status >= 500:
                    # The server is failing; assume nothing is allowed, and ask again next run.
                    return self._parser("deny_all", "")
                else:
                    body = response.content.decode("utf-8", errors="replace")
            row, _ = RobotsCache.objects.update_or_create(
                host=host, defaults={"body": body, "rule": rule, "fetched_at": now}
            )
        return self._parser(row.rule, row.body, host=host)

    def _parser(self, rule, body, host=None):
        parser = urllib.robotparser.RobotFileParser()
        if rule == "allow_all":
            parser.allow_all = True
        elif rule == "deny_all":
            parser.disallow_all = True
        else:
            parser.parse(body.splitlines())
            delay = parser.crawl_delay(self.policy.user_agent)
            if host and delay:
                self._intervals[host] = min(float(delay), self.policy.max_crawl_delay)
        return parser

    def _get_with_retries(self, url, headers, max_bytes):
        host = host_key(url)
        attempt = 0
        while True:
            retry_after = None
            wait_for_host(
                host,
                max(self.policy.host_interval, self._intervals.get(host, 0)),
                self.policy.max_host_wait,
                sleep=self.sleep,
            )
            try:
                response = self._get_once(url, headers, max_bytes)
            except OutboundRefused as exc:
                raise _refused(exc.refusal) from None  # not worth a retry: the answer stays the same
            except httpx.TimeoutException:
                error = FetchError("timeout", seconds=self.policy.read_timeout)
            except httpx.TransportError as exc:
                error = FetchError("connect", detail=type(exc).__name__, debug=repr(exc))
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                error = FetchError("http_status", status=response.status)
                retry_after = _retry_after_seconds(response.headers.get("retry-after"))
            if attempt >= self.policy.retries:
                raise error
            delay = min(self.policy.backoff * 2**attempt, self.policy.max_backoff)
            if retry_after is not None:
                if retry_after > self.policy.max_backoff:
                    raise error  # the site asks us to come back much later: the next run will
                delay = max(delay, retry_after)
            logger.info("retrying %s in %.2fs after %s", url, delay, error.code)
            self.sleep(delay)
            attempt += 1

    def _get_once(self, url, headers, max_bytes):
        deadline = time.monotonic() + self.policy.total_timeout
        limit_mb = f"{max_bytes / MB:g}"
        with self._client.stream("GET", url, headers=headers) as r:
            length = r.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError("too_large", limit_mb=limit_mb)
            chunks, size = [], 0
            # iter_bytes() yields decompressed bytes, so the cap also stops a gzip bomb.
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError("too_large", limit_mb=limit_mb)
                if time.monotonic() > deadline:
                    raise FetchError("timeout", seconds=self.policy.total_timeout)
                chunks.append(chunk)
            return Response(url=str(r.url), status=r.status_code, headers=r.headers, content=b"".join(chunks))


def _refused(refusal):
    if refusal.code == "internal":
        return FetchError("outbound_refused", address=refusal.address)
    return FetchError("outbound_refused_other", detail=refusal.message)


def _retry_after_seconds(value):
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
