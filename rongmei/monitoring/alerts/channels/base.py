"""The shared shape of an alert channel: `send(message) -> DeliveryResult`.

Adapters only make the HTTP call and map the platform's answer to plain words; delivery rows,
retries and backoff stay in `alerts/services.py`. The webhook URL of each bot is the base URL (a
test points it at a local contract server).
"""

import json
import time
from dataclasses import dataclass

import httpx
from django.utils.translation import gettext as _

from rongmei.core.outbound import OutboundRefused, check_url, outbound_client


@dataclass(frozen=True)
class AlertMessage:
    title: str
    lines: tuple[str, ...] = ()  # plain-text lines under the title
    url: str = ""  # the alert in the admin

    def as_text(self) -> str:
        parts = [self.title, *self.lines]
        if self.url:
            parts.append(self.url)
        return "\n".join(parts)

    def as_markdown(self, *, line_end: str = "") -> str:
        """The bots' markdown: the title as a heading, each line quoted, a link to the alert.
        ``line_end`` ends each quoted line (DingTalk needs a blank line to end a quote)."""
        lines = [f"### {self.title}", *(f"> {line}{line_end}" for line in self.lines)]
        if self.url:
            link_text = _("Open in Rongmei")
            lines.append(f"[{link_text}]({self.url})")
        return "\n".join(lines)


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    error: str = ""  # in plain words, for the delivery row and the alerts list

    @classmethod
    def success(cls):
        return cls(True)

    @classmethod
    def failure(cls, error: str):
        return cls(False, error)


def truncate_bytes(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes (platforms count bytes), whole characters only."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(ellipsis.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + ellipsis


class WebhookChannel:
    """A group bot reached by POSTing JSON to its webhook URL."""

    label = ""  # the platform's name, for messages
    timeout = httpx.Timeout(10.0, connect=5.0)

    def __init__(self, webhook_url: str, secret: str = "", *, clock=time.time, transport=None):
        self.webhook_url = webhook_url
        self.secret = secret
        self.clock = clock  # seconds since the epoch; tests move it to check the timestamp window
        self.transport = transport

    def send(self, message: AlertMessage) -> DeliveryResult:
        if not self.webhook_url:
            return DeliveryResult.failure(
                _("No %(platform)s webhook address is set.") % {"platform": self.label}
            )
        url, payload = self.request(message)
        # Staff type the webhook address: it may reach the public internet only (or the allow-list).
        refusal = check_url(url)
        if refusal is not None:
            return self.refused(refusal)
        try:
            with outbound_client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(url, json=payload)
        except OutboundRefused as exc:
            return self.refused(exc.refusal)
        except httpx.TimeoutException:
            return DeliveryResult.failure(
                _("%(platform)s did not answer in time; will try again.") % {"platform": self.label}
            )
        except httpx.HTTPError as exc:
            return DeliveryResult.failure(
                _("Could not reach %(platform)s (%(error)s).") % {"platform": self.label, "error": exc}
            )
        try:
            answer = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = None
        if not isinstance(answer, dict):
            return DeliveryResult.failure(
                _("%(platform)s answered HTTP %(status)d with something that is not its usual reply.")
                % {"platform": self.label, "status": response.status_code}
            )
        return self.interpret(response.status_code, answer)

    def refused(self, refusal) -> DeliveryResult:
        return DeliveryResult.failure(
            _("The %(platform)s webhook address was not used: %(reason)s")
            % {"platform": self.label, "reason": refusal.message}
        )

    def request(self, message: AlertMessage) -> tuple[str, dict]:
        raise NotImplementedError

    def interpret(self, status: int, answer: dict) -> DeliveryResult:
        raise NotImplementedError

    def platform_error(self, code, text: str, explanation: str = "") -> DeliveryResult:
        """The platform's own code and message, after our explanation (staff search for the code)."""
        raw = _("%(platform)s error %(code)s: %(message)s") % {
            "platform": self.label,
            "code": code,
            "message": text or "-",
        }
        return DeliveryResult.failure(f"{explanation} ({raw})" if explanation else raw)
