"""DingTalk (钉钉) custom robot: POST {"msgtype": "markdown", "markdown": {"title", "text"}} to the
webhook (…/robot/send?access_token=…). With 加签 the query string also carries ``timestamp`` (ms)
and ``sign`` = URL-encoded base64 of HMAC-SHA256(key=secret, message="timestamp\\nsecret"); the
timestamp must be within an hour of DingTalk's clock. The reply is {"errcode": 0, "errmsg": "ok"};
310000 means the signature, the keyword or the IP allow-list refused the message; each robot takes at
most 20 messages a minute (then it is throttled for 10 minutes)."""

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from django.utils.translation import gettext as _

from .base import AlertMessage, DeliveryResult, WebhookChannel, truncate_bytes

MAX_TEXT_BYTES = 20000  # DingTalk's documented cap on a message body

SECURITY_REFUSED = 310000
UNKNOWN_TOKEN = 300001
RATE_LIMITED = 410100


def sign(timestamp_ms: int, secret: str) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


class DingTalkChannel(WebhookChannel):
    label = "DingTalk"

    def request(self, message: AlertMessage) -> tuple[str, dict]:
        text = truncate_bytes(message.as_markdown(line_end="\n"), MAX_TEXT_BYTES)
        url = self.webhook_url
        if self.secret:
            timestamp = int(self.clock() * 1000)
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={timestamp}&sign={sign(timestamp, self.secret)}"
        return url, {"msgtype": "markdown", "markdown": {"title": message.title[:100], "text": text}}

    def interpret(self, status: int, answer: dict) -> DeliveryResult:
        code = answer.get("errcode")
        if code == 0:
            return DeliveryResult.success()
        explanations = {
            SECURITY_REFUSED: _(
                "DingTalk's security settings refused the message: check the signing secret and this "
                "server's clock, the robot's keywords (the message must contain one) or its IP allow-list."
            ),
            UNKNOWN_TOKEN: _("DingTalk does not know this robot's access token; check the webhook address."),
            RATE_LIMITED: _(
                "The DingTalk robot takes at most 20 messages a minute and is paused for a while; will try again."
            ),
        }
        return self.platform_error(code, answer.get("errmsg", ""), explanations.get(code, ""))


channel_class = DingTalkChannel
