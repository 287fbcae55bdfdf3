"""The contract servers as the demo runs them: fixed local ports and published demo credentials,
so ``make demo`` shows a story reaching WeChat, Weibo, Douyin and a partner center offline.

``rongmei contract_servers`` serves them until stopped; ``demo_environment()`` is what the demo's
web server and worker need to talk to them (credentials as the adapters read them, loopback
allowed for outbound calls); ``configure_demo_channels()`` points the channels at them.
Nothing here is a secret: these values exist only for the demo's stand-in servers.
"""

import os

DEMO_HOST = "127.0.0.1"
WECHAT_PORT = 8791
WEIBO_PORT = 8792
DOUYIN_PORT = 8793

WECHAT_APP_ID = "wxdemo2026rongmei"
WECHAT_SECRET = "demo-wechat-app-secret"
WEIBO_TOKEN = "demo-weibo-access-token"
WEIBO_UID = "7700112233"
DOUYIN_CLIENT_KEY = "demo-douyin-client"
DOUYIN_REFRESH_TOKEN = "demo-douyin-refresh-token"
DOUYIN_OPEN_ID = "demo-douyin-open-id"


def base_url(port: int) -> str:
    return f"http://{DEMO_HOST}:{port}"


def demo_environment() -> dict:
    return {
        "RONGMEI_CHANNEL_WECHAT_APP_SECRET": WECHAT_SECRET,
        "RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN": WEIBO_TOKEN,
        "RONGMEI_CHANNEL_DOUYIN_CLIENT_KEY": DOUYIN_CLIENT_KEY,
        "RONGMEI_CHANNEL_DOUYIN_REFRESH_TOKEN": DOUYIN_REFRESH_TOKEN,
        # The stand-in servers listen on this machine; the SSRF guard refuses loopback otherwise.
        "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
    }


def demo_safe_domain() -> str:
    """The Weibo app's 安全域名 in the demo: the host the demo serves its site on (``rongmei demo``
    sets BASE_URL before loading, and the processes it starts inherit it), else localhost."""
    from urllib.parse import urlsplit

    return urlsplit(os.environ.get("BASE_URL", "")).hostname or "localhost"


def demo_servers() -> list:
    """The servers, not yet started: (name, server, port)."""
    from rongmei.partners.demo import DEMO_PUSH_PORT, DEMO_PUSH_SECRET

    from .douyin import DouyinContractServer
    from .partner import PartnerContractServer
    from .wechat import WeChatContractServer
    from .weibo import WeiboContractServer

    return [
        ("wechat", WeChatContractServer(app_id=WECHAT_APP_ID, secret=WECHAT_SECRET), WECHAT_PORT),
        (
            "weibo",
            WeiboContractServer(access_token=WEIBO_TOKEN, safe_domain=demo_safe_domain(), uid=WEIBO_UID),
            WEIBO_PORT,
        ),
        (
            "douyin",
            DouyinContractServer(
                client_key=DOUYIN_CLIENT_KEY, refresh_token=DOUYIN_REFRESH_TOKEN, open_id=DOUYIN_OPEN_ID
            ),
            DOUYIN_PORT,
        ),
        ("partner", PartnerContractServer(DEMO_PUSH_SECRET), DEMO_PUSH_PORT),
    ]


# (code, config) of the channels the demo switches on.
def demo_channel_configs() -> dict:
    return {
        "wechat": {
            "base_url": base_url(WECHAT_PORT),
            "app_id": WECHAT_APP_ID,
            "timeout": 10,
            "poll_seconds": 10,
        },
        "weibo": {
            "base_url": base_url(WEIBO_PORT),
            "safe_domain": demo_safe_domain(),
            "rip": DEMO_HOST,
            "uid": WEIBO_UID,
        },
        "douyin": {"base_url": base_url(DOUYIN_PORT), "open_id": DOUYIN_OPEN_ID},
        "xuexi": {},
        "print": {},
    }


def configure_demo_channels() -> list:
    """Switch the platform channels on against the stand-in servers (staff's edits to other
    settings are kept); returns the channels."""
    from rongmei.distribution.models import Channel
    from rongmei.distribution.services import ensure_channels

    ensure_channels()
    channels = []
    for code, config in demo_channel_configs().items():
        channel = Channel.objects.get(code=code)
        channel.config = {**(channel.config or {}), **config}
        channel.enabled = True
        channel.save(update_fields=["config", "enabled"])
        channels.append(channel)
    return channels
