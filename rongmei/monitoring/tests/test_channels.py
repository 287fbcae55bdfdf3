"""The bot adapters against local contract servers that enforce each platform's documented rules:
address key or token, signature and its one-hour timestamp window, message shape, length limits,
keywords, 20 (Feishu: 5 a second) messages a minute, and the platforms' error codes."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone, translation

from rongmei.core import outbox
from rongmei.monitoring.alerts import services as alerts
from rongmei.monitoring.alerts.channels import AlertMessage, DingTalkChannel, FeishuChannel, WeComChannel
from rongmei.monitoring.alerts.channels.base import truncate_bytes
from rongmei.monitoring.models import AlertDelivery

from .factories import make_alert_rule, make_client, make_event, negative_items


@pytest.fixture(autouse=True)
def english():
    # The assertions read the English msgids; the catalogue tests check the Chinese.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def contract_servers_allowed(allow_loopback):
    """The contract servers run on 127.0.0.1, which webhooks may only reach through the allow-list."""


HOUR = 3600


class ContractServer:
    """A platform's webhook endpoint on 127.0.0.1. ``offset`` moves the server's clock (seconds)."""

    per_minute = 20

    def __init__(self):
        self.received = []  # (path, query, parsed JSON body)
        self.offset = 0.0
        self.frozen = None
        self.sent = deque()  # accepted messages' times, for the rate limit
        self.lock = threading.Lock()
        self.keyword = ""
        self.down = 0  # answer this many requests with an HTML 502, as a proxy in front of a down platform
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                with server.lock:
                    status, answer = server.answer(parts.path, parse_qs(parts.query), raw)
                body = json.dumps(answer).encode() if isinstance(answer, dict) else answer
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if isinstance(answer, dict) else "text/html"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def now(self):
        # ``frozen`` stops the server's clock, so a test's burst lands in one second however slowly
        # a loaded machine sends it.
        return (self.frozen if self.frozen is not None else time.time()) + self.offset

    def over_limit(self) -> bool:
        now = self.now()
        while self.sent and self.sent[0] <= now - 60:
            self.sent.popleft()
        return len(self.sent) >= self.per_minute

    def accept(self):
        self.sent.append(self.now())

    def answer(self, path, query, raw):
        if self.down:
            self.down -= 1
            return 502, b"<html><body>502 Bad Gateway</body></html>"
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, self.error(*self.bad_json)
        self.received.append((path, query, body))
        return 200, self.check(path, query, body)


class WeComServer(ContractServer):
    """qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"""

    bad_json = (40000, "invalid json")

    def __init__(self, key="wecom-key"):
        self.key = key
        super().__init__()

    @property
    def url(self):
        return f"{self.base}/cgi-bin/webhook/send?key={self.key}"

    def error(self, code, message):
        return {"errcode": code, "errmsg": message}

    def check(self, path, query, body):
        if path != "/cgi-bin/webhook/send" or query.get("key") != [self.key]:
            return self.error(93000, "invalid webhook url")
        kind = body.get("msgtype")
        if kind not in ("text", "markdown") or not isinstance(body.get(kind), dict):
            return self.error(40008, "invalid message type")
        content = body[kind].get("content")
        if not isinstance(content, str) or not content:
            return self.error(44004, "empty content")
        limit = 4096 if kind == "markdown" else 2048
        if len(content.encode()) > limit:
            return self.error(40058, f"{kind}.content exceed max length {limit}")
        if self.over_limit():
            return self.error(45009, "api freq out of limit")
        self.accept()
        return self.error(0, "ok")


class DingTalkServer(ContractServer):
    """oapi.dingtalk.com/robot/send?access_token=…[&timestamp=…&sign=…]"""

    bad_json = (40035, "缺少参数 json")

    def __init__(self, token="ding-token", secret="SECding-secret"):
        self.token, self.secret = token, secret
        super().__init__()

    @property
    def url(self):
        return f"{self.base}/robot/send?access_token={self.token}"

    def error(self, code, message):
        return {"errcode": code, "errmsg": message}

    def check(self, path, query, body):
        if path != "/robot/send" or query.get("access_token") != [self.token]:
            return self.error(300001, "token is not exist")
        if self.secret:
            try:
                timestamp = int(query["timestamp"][0])
                given = query["sign"][0]  # parse_qs has undone the URL-encoding
            except (KeyError, ValueError):
                return self.error(310000, "sign not match")
            if abs(self.now() * 1000 - timestamp) > HOUR * 1000:
                return self.error(310000, "timestamp is out of range")
            digest = hmac.new(
                self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
            if base64.b64encode(digest).decode() != given:
                return self.error(310000, "sign not match")
        if body.get("msgtype") != "markdown" or not isinstance(body.get("markdown"), dict):
            return self.error(40035, "缺少参数 markdown")
        title, text = body["markdown"].get("title"), body["markdown"].get("text")
        if not title or not text:
            return self.error(40035, "缺少参数 title/text")
        if len(text.encode()) > 20000:
            return self.error(460101, "message too long")
        if self.keyword and self.keyword not in title + text:
            return self.error(310000, "keywords not in content")
        if self.over_limit():
            return self.error(410100, "send too fast, exceed 20 times per minute")
        self.accept()
        return self.error(0, "ok")


class FeishuServer(ContractServer):
    """open.feishu.cn/open-apis/bot/v2/hook/<id>, signature in the body; 5 a second, 100 a minute."""

    bad_json = (9499, "Bad Request")
    per_minute = 100

    def __init__(self, hook="feishu-hook", secret="feishu-secret"):
        self.hook, self.secret = hook, secret
        super().__init__()

    @property
    def url(self):
        return f"{self.base}/open-apis/bot/v2/hook/{self.hook}"

    def error(self, code, message):
        return {"code": code, "msg": message, "data": {}}

    def over_limit(self):
        recent = sum(1 for t in self.sent if t > self.now() - 1)
        return super().over_limit() or recent >= 5

    def answer(self, path, query, raw):
        if len(raw) > 20 * 1024:
            return 200, self.error(9499, "request body too large")
        return super().answer(path, query, raw)

    def check(self, path, query, body):
        if path != f"/open-apis/bot/v2/hook/{self.hook}":
            return self.error(19001, "param invalid: incoming webhook access token invalid")
        if self.secret:
            try:
                timestamp = int(body["timestamp"])
                given = body["sign"]
            except (KeyError, TypeError, ValueError):
                return self.error(
                    19021, "sign match fail or timestamp is not within one hour from current time"
                )
            key = f"{timestamp}\n{self.secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if abs(self.now() - timestamp) > HOUR or given != expected:
                return self.error(
                    19021, "sign match fail or timestamp is not within one hour from current time"
                )
        if body.get("msg_type") != "text" or not isinstance(body.get("content"), dict):
            return self.error(9499, "Bad Request")
        text = body["content"].get("text")
        if not isinstance(text, str) or not text:
            return self.error(9499, "Bad Request")
        if self.keyword and self.keyword not in text:
            return self.error(19024, "Key Words Not Found")
        if self.over_limit():
            return self.error(11232, "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]")
        self.accept()
        return self.error(0, "success")


@pytest.fixture
def wecom():
    server = WeComServer()
    yield server
    server.close()


@pytest.fixture
def dingtalk():
    server = DingTalkServer()
    yield server
    server.close()


@pytest.fixture
def feishu():
    server = FeishuServer()
    yield server
    server.close()


MESSAGE = AlertMessage(
    title="张店区政府: “化工厂异味” 舆情预警",
    lines=("规则: 负面预警", "某网: 化工厂排放异味 居民投诉"),
    url="http://127.0.0.1:8000/admin/monitoring/alerts/?alert=1",
)
LONG = AlertMessage(title="长消息 舆情预警", lines=("异味" * 8000,))


# --- WeCom ---------------------------------------------------------------------------------------


def test_wecom_sends_markdown(wecom):
    result = WeComChannel(wecom.url).send(MESSAGE)
    assert result.ok, result.error
    _path, _query, body = wecom.received[-1]
    assert body["msgtype"] == "markdown"
    assert MESSAGE.title in body["markdown"]["content"]
    assert MESSAGE.url in body["markdown"]["content"]


def test_wecom_long_message_is_cut_to_the_limit(wecom):
    result = WeComChannel(wecom.url).send(LONG)
    assert result.ok, result.error
    assert len(wecom.received[-1][2]["markdown"]["content"].encode()) <= 4096


def test_wecom_wrong_key(wecom):
    result = WeComChannel(f"{wecom.base}/cgi-bin/webhook/send?key=wrong").send(MESSAGE)
    assert not result.ok
    assert "does not know this webhook key" in result.error and "93000" in result.error


def test_wecom_rate_limit_then_later_succeeds(wecom):
    channel = WeComChannel(wecom.url)
    assert all(channel.send(MESSAGE).ok for _ in range(20))
    refused = channel.send(MESSAGE)
    assert not refused.ok
    assert "20 messages a minute" in refused.error and "45009" in refused.error
    wecom.offset = 61
    assert channel.send(MESSAGE).ok


def test_wecom_server_refuses_an_overlong_body_with_its_code(wecom):
    # The contract server itself must refuse what the platform refuses (else the tests above prove nothing).
    import httpx

    answer = httpx.post(wecom.url, json={"msgtype": "markdown", "markdown": {"content": "长" * 2000}}).json()
    assert answer["errcode"] == 40058
    result = WeComChannel(wecom.url).interpret(200, answer)
    assert "too long" in result.error


# --- DingTalk ------------------------------------------------------------------------------------


def test_dingtalk_signs_and_sends_markdown(dingtalk):
    result = DingTalkChannel(dingtalk.url, dingtalk.secret).send(MESSAGE)
    assert result.ok, result.error
    _path, query, body = dingtalk.received[-1]
    assert "timestamp" in query and "sign" in query
    assert body["markdown"]["title"] == MESSAGE.title
    assert "化工厂排放异味" in body["markdown"]["text"]


def test_dingtalk_sign_is_url_encoded():
    from rongmei.monitoring.alerts.channels.dingtalk import sign

    # +, / and = in base64 must travel encoded, or DingTalk reads a different signature.
    encoded = sign(1_700_000_000_000, "SECsecret")
    assert "+" not in encoded and "/" not in encoded and "=" not in encoded


def test_dingtalk_wrong_secret(dingtalk):
    result = DingTalkChannel(dingtalk.url, "SECwrong").send(MESSAGE)
    assert not result.ok
    assert "signing secret" in result.error and "310000" in result.error


def test_dingtalk_timestamp_outside_the_hour(dingtalk):
    skewed = DingTalkChannel(dingtalk.url, dingtalk.secret, clock=lambda: time.time() - 2 * HOUR)
    result = skewed.send(MESSAGE)
    assert not result.ok
    assert "clock" in result.error and "timestamp is out of range" in result.error


def test_dingtalk_keyword_and_token(dingtalk):
    dingtalk.keyword = "警报"
    result = DingTalkChannel(dingtalk.url, dingtalk.secret).send(MESSAGE)
    assert not result.ok and "keywords" in result.error
    dingtalk.keyword = "舆情预警"
    assert DingTalkChannel(dingtalk.url, dingtalk.secret).send(MESSAGE).ok
    unknown = DingTalkChannel(f"{dingtalk.base}/robot/send?access_token=nope", dingtalk.secret).send(MESSAGE)
    assert not unknown.ok and "access token" in unknown.error


def test_dingtalk_long_message_and_rate_limit(dingtalk):
    channel = DingTalkChannel(dingtalk.url, dingtalk.secret)
    assert channel.send(LONG).ok
    assert all(channel.send(MESSAGE).ok for _ in range(19))
    refused = channel.send(MESSAGE)
    assert not refused.ok and "410100" in refused.error and "20 messages a minute" in refused.error
    dingtalk.offset = 61
    assert channel.send(MESSAGE).ok


# --- Feishu --------------------------------------------------------------------------------------


def test_feishu_signs_in_the_body(feishu):
    result = FeishuChannel(feishu.url, feishu.secret).send(MESSAGE)
    assert result.ok, result.error
    _path, _query, body = feishu.received[-1]
    assert body["msg_type"] == "text"
    assert body["timestamp"].isdigit() and body["sign"]
    assert MESSAGE.title in body["content"]["text"]


def test_feishu_wrong_secret_and_skewed_clock(feishu):
    wrong = FeishuChannel(feishu.url, "nope").send(MESSAGE)
    assert not wrong.ok and "signing secret" in wrong.error and "19021" in wrong.error
    skewed = FeishuChannel(feishu.url, feishu.secret, clock=lambda: time.time() + 2 * HOUR).send(MESSAGE)
    assert not skewed.ok and "19021" in skewed.error


def test_feishu_keyword_missing(feishu):
    feishu.keyword = "告警"
    result = FeishuChannel(feishu.url, feishu.secret).send(MESSAGE)
    assert not result.ok and "keywords" in result.error and "19024" in result.error


def test_feishu_body_limit_and_frequency(feishu):
    channel = FeishuChannel(feishu.url, feishu.secret)
    huge = AlertMessage(title="长", lines=('"引号"\n' * 6000,))
    feishu.frozen = time.time()  # the six sends below are one second's, as fast as a quiet machine sends them
    assert channel.send(huge).ok  # cut to fit 20 KB, escapes included
    assert all(channel.send(MESSAGE).ok for _ in range(4))
    refused = channel.send(MESSAGE)
    assert not refused.ok and "11232" in refused.error and "too many messages" in refused.error
    feishu.offset = 2
    assert channel.send(MESSAGE).ok


# --- common failures --------------------------------------------------------------------------------


def test_unreachable_and_odd_answers(wecom):
    result = WeComChannel("http://127.0.0.1:1/cgi-bin/webhook/send?key=x").send(MESSAGE)
    assert not result.ok and "Could not reach WeCom" in result.error
    odd = WeComChannel(f"{wecom.base}/cgi-bin/webhook/send?key={wecom.key}")
    # A body that is not JSON: the contract server answers HTTP 400 with its own code.
    import httpx

    assert httpx.post(odd.webhook_url, content=b"not json").json()["errcode"] == 40000
    assert WeComChannel("").send(MESSAGE).error == "No WeCom webhook address is set."


def test_truncate_bytes_keeps_whole_characters():
    cut = truncate_bytes("舆情" * 10, 10)
    assert len(cut.encode()) <= 10
    assert cut.endswith("…") and cut.startswith("舆")


# --- deliveries through the service ------------------------------------------------------------------


@pytest.mark.django_db
def test_alert_deliveries_reach_every_bot(wecom, dingtalk, feishu):
    now = timezone.now()
    client, watch = make_client()
    make_alert_rule(
        client,
        wecom_webhook=wecom.url,
        dingtalk_webhook=dingtalk.url,
        dingtalk_secret=dingtalk.secret,
        feishu_webhook=feishu.url,
        feishu_secret=feishu.secret,
    )
    negative_items(3, event=make_event(now=now), watch=watch, now=now)
    alerts.evaluate_alerts(now=now)

    for delivery in AlertDelivery.objects.all():
        outbox.deliver(delivery.outbox_message_id, now=now)

    statuses = dict(AlertDelivery.objects.values_list("channel", "outbox_message__status"))
    assert statuses == {"wecom": "sent", "dingtalk": "sent", "feishu": "sent"}
    assert len(wecom.received) == len(dingtalk.received) == len(feishu.received) == 1
    # The repeats the rule held back are mentioned in the one message.
    # Deliveries are written in the site's language (zh-hans), whoever triggered them.
    assert "此后又有 2 条类似信息" in wecom.received[0][2]["markdown"]["content"]


@pytest.mark.django_db
def test_refused_delivery_keeps_the_reason_and_a_retry_later_succeeds(dingtalk, feishu):
    now = timezone.now()
    client, watch = make_client()
    rule = make_alert_rule(
        client,
        dingtalk_webhook=dingtalk.url,
        dingtalk_secret="SECtypo",
        feishu_webhook=feishu.url,
        feishu_secret=feishu.secret,
    )
    feishu.keyword = "紧急"
    negative_items(1, event=make_event(now=now), watch=watch, now=now)
    alerts.evaluate_alerts(now=now)
    ding = AlertDelivery.objects.get(channel="dingtalk")
    fei = AlertDelivery.objects.get(channel="feishu")

    for delivery in (ding, fei):
        outbox.deliver(delivery.outbox_message_id, now=now)
        delivery.refresh_from_db()
        assert delivery.status == AlertDelivery.Status.FAILED
        assert delivery.attempts == 1
        assert delivery.next_attempt_at == now + outbox.backoff_after(1)
    # Deliveries are written in the site's language (zh-hans), whoever triggered them.
    assert "加签密钥" in ding.error and "310000" in ding.error
    assert "关键词" in fei.error and "19024" in fei.error

    # Staff fix the secret and the bot's keyword; the next scheduled try goes through.
    rule.dingtalk_secret = dingtalk.secret
    rule.save()
    feishu.keyword = ""
    later = now + timedelta(minutes=2)
    due = set(outbox.claimable(later).values_list("pk", flat=True))
    assert due == {ding.outbox_message_id, fei.outbox_message_id}
    for delivery in (ding, fei):
        outbox.deliver(delivery.outbox_message_id, now=later)
        delivery.refresh_from_db()
        assert delivery.status == AlertDelivery.Status.SENT
        assert delivery.error == "" and delivery.attempts == 2 and delivery.next_attempt_at is None


@pytest.mark.django_db
def test_deliver_task_sends_a_pending_delivery(wecom):
    from rongmei.core.tasks import deliver_outbox_message

    now = timezone.now()
    client, watch = make_client()
    make_alert_rule(client, wecom_webhook=wecom.url)
    negative_items(1, event=make_event(now=now), watch=watch, now=now)
    alerts.evaluate_alerts(now=now)
    delivery = AlertDelivery.objects.get()

    assert deliver_outbox_message.enqueue(delivery.outbox_message_id).return_value == "sent"
    # Sent once: a second run (a duplicate task) sends nothing.
    assert deliver_outbox_message.enqueue(delivery.outbox_message_id).return_value is None
    assert len(wecom.received) == 1


@pytest.mark.django_db
def test_a_bot_down_then_up_gets_the_alert_exactly_once_through_the_outbox(wecom, on_commit):
    now = timezone.now()
    client, watch = make_client()
    make_alert_rule(client, wecom_webhook=wecom.url)
    negative_items(1, event=make_event(now=now), watch=watch, now=now)
    wecom.down = 1

    # The alert's message starts on commit (the test backend runs the task inline) and meets the 502.
    with on_commit():
        alerts.evaluate_alerts(now=now)
    delivery = AlertDelivery.objects.select_related("outbox_message").get()
    message = delivery.outbox_message
    assert message.target == "monitoring.wecom" and message.about == delivery.alert
    assert message.status == "failed" and message.attempts == 1
    assert "HTTP 502" in message.last_error and wecom.received == []
    assert outbox.deliver(message.pk, now=now + timedelta(seconds=10)) is None  # pausing

    later = now + outbox.backoff_after(1) + timedelta(seconds=5)
    assert outbox.deliver(message.pk, now=later).status == "sent"
    # A duplicate task, the sweep, a second evaluation: nothing goes out again.
    assert outbox.deliver(message.pk, now=later + timedelta(hours=1)) is None
    assert outbox.retry_due(now=later + timedelta(hours=1)) == []
    with on_commit():
        alerts.evaluate_alerts(now=later)
    assert len(wecom.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2 and delivery.error == ""
    assert [m.pk for m in outbox.messages_about(delivery.alert)] == [message.pk]


# --- webhooks reach the public internet only (issue 8, point 3) ----------------------------------


@pytest.mark.parametrize("channel_class", [WeComChannel, DingTalkChannel, FeishuChannel])
def test_a_webhook_on_this_machine_is_not_posted_to(channel_class, wecom, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    result = channel_class(wecom.url, "secret").send(MESSAGE)
    assert not result.ok and "(127.0.0.1)" in result.error and "allow-list" in result.error
    assert wecom.received == []


def test_a_webhook_name_resolving_to_this_machine_is_not_posted_to(wecom, settings, monkeypatch):
    from rongmei.core import outbound

    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["127.0.0.1"])
    url = wecom.url.replace("127.0.0.1", "qyapi.weixin.qq.com")
    result = WeComChannel(url).send(MESSAGE)
    assert not result.ok and "(127.0.0.1)" in result.error
    assert wecom.received == []


def test_an_alert_rule_refuses_internal_webhook_addresses(settings, db):
    from django.core.exceptions import ValidationError

    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    rule = make_alert_rule(
        make_client()[0],
        wecom_webhook="http://169.254.169.254/latest/meta-data/",
        dingtalk_webhook="http://localhost:8080/robot/send?access_token=x",
        feishu_webhook="https://open.feishu.cn/open-apis/bot/v2/hook/abc",
    )
    with pytest.raises(ValidationError) as info:
        rule.full_clean()
    assert set(info.value.message_dict) == {"wecom_webhook", "dingtalk_webhook"}
    assert "(169.254.169.254)" in info.value.message_dict["wecom_webhook"][0]
