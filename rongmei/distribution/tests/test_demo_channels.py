"""The demo's Weibo stand-in takes links to the address the demo serves (its 安全域名 follows it)."""

from rongmei.distribution.contract.demo import demo_channel_configs, demo_servers


def weibo_server():
    return next(server for name, server, _port in demo_servers() if name == "weibo")


def test_the_demo_weibo_safe_domain_is_the_host_the_demo_serves(monkeypatch):
    monkeypatch.setenv("BASE_URL", "http://127.0.0.1:8000")
    assert demo_channel_configs()["weibo"]["safe_domain"] == "127.0.0.1"
    assert weibo_server().safe_domain == "127.0.0.1"


def test_without_an_address_the_demo_weibo_safe_domain_is_localhost(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    assert demo_channel_configs()["weibo"]["safe_domain"] == "localhost"
