"""WeCom (企业微信) group bot: POST {"msgtype": "markdown", "markdown": {"content": …}} to the
webhook (…/cgi-bin/webhook/send?key=…). Markdown content at most 4096 bytes (UTF-8); the reply is
{"errcode": 0, "errmsg": "ok"}; each bot takes at most 20 messages a minute."""

from django.utils.translation import gettext as _

from .base import AlertMessage, DeliveryResult, WebhookChannel, truncate_bytes

MAX_MARKDOWN_BYTES = 4096

RATE_LIMITED = 45009
INVALID_KEY = 93000
TOO_LONG = 40058


class WeComChannel(WebhookChannel):
    label = "WeCom"

    def request(self, message: AlertMessage) -> tuple[str, dict]:
        content = truncate_bytes(message.as_markdown(), MAX_MARKDOWN_BYTES)
        return self.webhook_url, {"msgtype": "markdown", "markdown": {"content": content}}

    def interpret(self, status: int, answer: dict) -> DeliveryResult:
        code = answer.get("errcode")
        if code == 0:
            return DeliveryResult.success()
        explanations = {
            RATE_LIMITED: _("The WeCom bot takes at most 20 messages a minute; will try again."),
            INVALID_KEY: _("WeCom does not know this webhook key; check the bot's webhook address."),
            TOO_LONG: _("WeCom refused the message as too long or malformed."),
        }
        return self.platform_error(code, answer.get("errmsg", ""), explanations.get(code, ""))


channel_class = WeComChannel
