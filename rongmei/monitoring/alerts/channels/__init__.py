"""Alert channels: one adapter module per group-bot platform behind `base.WebhookChannel.send()`."""

from .base import AlertMessage, DeliveryResult, WebhookChannel
from .dingtalk import DingTalkChannel
from .feishu import FeishuChannel
from .wecom import WeComChannel

__all__ = [
    "AlertMessage",
    "DeliveryResult",
    "DingTalkChannel",
    "FeishuChannel",
    "WeComChannel",
    "WebhookChannel",
]
