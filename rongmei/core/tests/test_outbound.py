"""Outbound requests to user-given addresses go to the public internet only (issue 8, point 3):
the address as written, every address its name resolves to, every redirect hop; the allow-list
lets an administrator open an intranet network or name."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from rongmei.core import outbound
from rongmei.core.outbound import OutboundRefused, check_url, outbound_client


class Server:
    """A web server on 127.0.0.1 that records the Host header of each request."""

    def __init__(self):
        self.hosts = []
        self.redirect_to = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hosts.append(self.headers.get("Host"))
                if self.path == "/redirect" and server.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", server.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture
def fake_dns(monkeypatch):
    """Answers for chosen names; any other name fails as if offline."""
    answers = {}

    def resolve(host, port):
        if host in answers:
            return answers[host]
        if outbound.literal_ip(host) is not None:
            return [str(outbound.literal_ip(host))]
        raise OSError("no such name")

    monkeypatch.setattr(outbound, "resolve", resolve)
    return answers


REFUSED = [
    ("http://127.0.0.1:8000/feed.xml", "127.0.0.1"),
    ("http://localhost:8000/", "localhost"),
    ("http://LOCALHOST./", "localhost"),
    ("http://admin.localhost/", "admin.localhost"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://2130706433/", "127.0.0.1"),
    ("http://0x7f.1/", "127.0.0.1"),
    ("http://0177.0.0.1/", "127.0.0.1"),
    ("http://127.1/", "127.0.0.1"),
    ("http://0/", "0.0.0.0"),
    ("http://0.0.0.0:8000/", "0.0.0.0"),
    ("http://10.1.2.3/", "10.1.2.3"),
    ("http://172.16.0.1/", "172.16.0.1"),
    ("http://192.168.1.1/", "192.168.1.1"),
    ("http://100.64.0.1/", "100.64.0.1"),
    ("http://224.0.0.1/", "224.0.0.1"),
    ("http://240.0.0.1/", "240.0.0.1"),
    ("http://255.255.255.255/", "255.255.255.255"),
    ("http://[::1]:8000/", "::1"),
    ("http://[::]/", "::"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
    ("http://[::ffff:a9fe:a9fe]/", "::ffff:a9fe:a9fe"),
    ("http://[fe80::1]/", "fe80::1"),
    ("http://[fc00::1]/", "fc00::1"),
    ("http://[ff02::1]/", "ff02::1"),
    ("http://[2002:7f00:1::1]/", "2002:7f00:1::1"),
    ("http://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1"),
    ("http://intranet/rss", "intranet"),
    ("http://printer.local/", "printer.local"),
    ("http://metadata.google.internal/", "metadata.google.internal"),
]


@pytest.mark.parametrize(("url", "address"), REFUSED)
def test_internal_addresses_are_refused_as_written(url, address, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    refusal = check_url(url)
    assert refusal is not None and refusal.code == "internal"
    assert refusal.address == address


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "http:///x"])
def test_other_schemes_and_missing_hosts_are_refused(url):
    assert check_url(url).code in ("scheme", "no_host")


@pytest.mark.parametrize(
    "url",
    ["https://www.people.com.cn/rss/politics.xml", "http://8.8.8.8/", "http://[2001:4860:4860::8888]/", "https://cafe.be/"],
)
def test_public_addresses_pass(url, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    assert check_url(url) is None


def test_the_allow_list_opens_networks_and_names(settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32", "10.8.0.0/16", "rss.intranet", ".corp.example"]
    assert check_url("http://127.0.0.1:8000/") is None
    assert check_url("http://[::ffff:127.0.0.1]/") is None
    assert check_url("http://10.8.3.4/") is None
    assert check_url("http://rss.intranet/feed") is None
    assert check_url("http://news.corp.example/") is None
    assert check_url("http://127.0.0.2/").code == "internal"
    assert check_url("http://10.9.0.1/").code == "internal"
    assert check_url("http://localhost/").code == "internal"


def test_the_message_says_why_in_plain_words():
    from django.utils import translation

    with translation.override("en"):
        message = check_url("http://127.0.0.1/").message
    assert "(127.0.0.1)" in message and "allow-list" in message


# --- at connect time ----------------------------------------------------------------------------


def test_a_public_name_that_resolves_to_loopback_is_refused(server, fake_dns, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    fake_dns["news.example.com"] = ["127.0.0.1"]
    with outbound_client() as client, pytest.raises(OutboundRefused) as info:
        client.get(f"http://news.example.com:{server.port}/")
    assert info.value.refusal.address == "127.0.0.1"
    assert server.hosts == []


def test_a_name_with_one_internal_answer_among_public_ones_is_refused(server, fake_dns, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    fake_dns["news.example.com"] = ["93.184.216.34", "127.0.0.1"]
    with outbound_client() as client, pytest.raises(OutboundRefused):
        client.get(f"http://news.example.com:{server.port}/")
    assert server.hosts == []


def test_the_checked_address_is_the_one_connected_to_and_the_host_header_is_kept(server, fake_dns, settings):
    # The name is allowed; DNS is asked once, by the guard, and the socket goes to that answer.
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["feeds.intranet.example"]
    fake_dns["feeds.intranet.example"] = ["127.0.0.1"]
    with outbound_client() as client:
        response = client.get(f"http://feeds.intranet.example:{server.port}/")
    assert response.text == "ok"
    assert server.hosts == [f"feeds.intranet.example:{server.port}"]


def test_every_redirect_hop_is_checked(server, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server.redirect_to = "http://169.254.169.254/latest/meta-data/"
    with outbound_client(follow_redirects=True) as client, pytest.raises(OutboundRefused) as info:
        client.get(f"http://127.0.0.1:{server.port}/redirect")
    assert info.value.refusal.address == "169.254.169.254"
    assert len(server.hosts) == 1


def test_a_local_server_is_reached_only_through_the_allow_list(server, settings):
    url = f"http://127.0.0.1:{server.port}/"
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    with outbound_client() as client, pytest.raises(OutboundRefused):
        client.get(url)
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with outbound_client() as client:
        assert client.get(url).status_code == 200


def test_a_refusal_is_an_httpx_connect_error():
    # Code that only knows httpx's errors still treats it as a failed connection, not a crash.
    assert issubclass(OutboundRefused, httpx.ConnectError)


def test_proxies_from_the_environment_are_ignored(monkeypatch, server, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    with outbound_client(timeout=2) as client:
        assert client.get(f"http://127.0.0.1:{server.port}/").status_code == 200
