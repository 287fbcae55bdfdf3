"""Feishu (飞书) custom bot: POST {"msg_type": "text", "content": {"text": …}} to the webhook
(…/open-apis/bot/v2/hook/…). With 签名校验 the JSON body also carries ``timestamp`` (seconds) and
``sign`` = base64 of HMAC-SHA256(key="timestamp\\nsecret", message=""); the timestamp must be within an
hour. The body may be at most 20 KB. The reply is {"code": 0, "msg": "success"}; 19021 is a bad
signature or timestamp, 19024 a missing keyword, 11232 too many messages (100 a minute, 5 a second)."""

import base64
import hashlib
import hmac
import json

from django.utils.translation import gettext as _

from .base import AlertMessage, DeliveryResult, WebhookChannel, truncate_bytes

MAX_BODY_BYTES = 20 * 1024
TEXT_BYTES = MAX_BODY_BYTES - 1024  # room for the JSON around the text and its escapes

BAD_SIGNATURE = 19021
IP_NOT_ALLOWED = 19022
KEYWORD_MISSING = 19024
RATE_LIMITED = 11232


def sign(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class FeishuChannel(WebhookChannel):
    label = "Feishu"

    def request(self, message: AlertMessage) -> tuple[str, dict]:
        text = truncate_bytes(message.as_text(), TEXT_BYTES)
        # JSON escapes (\n, quotes) grow the body; cut more until the whole body fits.
        while len(json.dumps({"content": {"text": text}}, ensure_ascii=False).encode()) > TEXT_BYTES:
            text = truncate_bytes(text, len(text.encode()) - 256)
        payload: dict = {"msg_type": "text", "content": {"text": text}}
        if self.secret:
            timestamp = int(self.clock())
            payload = {"timestamp": str(timestamp), "sign": sign(timestamp, self.secret), **payload}
        return self.webhook_url, payload

    def interpret(self, status: int, answer: dict) -> DeliveryResult:
        code = answer.get("code", answer.get("StatusCode"))
        if code == 0:
            return DeliveryResult.success()
        explanations = {
            BAD_SIGNATURE: _(
                "Feishu refused the signature: check the signing secret and this server's clock."
            ),
            IP_NOT_ALLOWED: _("Feishu refused this server's IP address (the bot's allow-list)."),
            KEYWORD_MISSING: _("Feishu refused the message: it must contain one of the bot's keywords."),
            RATE_LIMITED: _("The Feishu bot is receiving too many messages; will try again."),
        }
        return self.platform_error(code, answer.get("msg", ""), explanations.get(code, ""))


channel_class = FeishuChannel
