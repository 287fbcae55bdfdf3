"""The H5 app's shell: rendered in the reader's language with the outlet's name, its config for the
script, and nothing the Content-Security-Policy would block (no inline script, nothing outside)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from wagtail.models import Site

from rongmei.mobile import views

pytestmark = pytest.mark.django_db

STATIC = Path(views.__file__).resolve().parent / "static" / "mobile"


def config_of(response):
    match = re.search(
        rb'<script id="h5-config" type="application/json">(.*?)</script>', response.content, re.S
    )
    assert match, response.content[:2000]
    return json.loads(match.group(1))


def test_shell_renders_in_chinese_with_the_outlet_name(client, newsroom):
    response = client.get("/h5/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "<title>测试融媒</title>" in html
    assert re.search(r'class="topbar__name"[^>]*>测试融媒<', html)
    config = config_of(response)
    assert config["siteName"] == "测试融媒"
    assert config["lang"] == "zh-Hans"
    assert config["timeZone"] == "Asia/Shanghai"
    assert config["pageSize"] == views.PAGE_SIZE
    # Every text the script shows comes from here, so it is translated with the rest.
    assert set(config["strings"]) == set(views.strings())
    assert all(isinstance(text, str) and text for text in config["strings"].values())


def test_shell_follows_the_readers_language(client, newsroom):
    client.cookies["django_language"] = "en"
    response = client.get("/h5/")
    assert '<html lang="en">' in response.content.decode()
    config = config_of(response)
    assert config["lang"] == "en"
    assert config["strings"]["latest"] == "Latest"
    assert config["strings"]["networkError"] == "The network is not cooperating. Pull down to try again."
    assert "Cookie" in response["Vary"]


def test_outlet_name_falls_back_to_the_home_page_title(client, newsroom):
    Site.objects.update(site_name="")
    response = client.get("/h5/")
    assert config_of(response)["siteName"] == newsroom.home.title == "测试融媒"


def test_config_points_at_the_content_api(client, newsroom):
    config = config_of(client.get("/h5/"))
    assert config["api"] == "/api/v1/"
    assert client.get(config["api"] + "items").status_code == 200
    assert client.get(config["api"] + "regions").status_code == 200


def test_shell_runs_no_inline_script_under_the_policy(client, newsroom):
    response = client.get("/h5/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src([^;]*)", policy).group(1).split()
    assert script_src == ["'self'"], policy
    assert re.search(r"connect-src 'self'", policy)
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 2, scripts
    for attrs, body in scripts:
        if 'type="application/json"' in attrs:
            continue  # data, never run
        assert re.search(r'src="/static/mobile/app\.js"', attrs), attrs
        assert body.strip() == "", body
    # No inline event handlers, no javascript: addresses.
    assert not re.search(r"\son[a-z]+\s*=", html), html
    assert "javascript:" not in html


def test_static_files_exist_and_fetch_nothing_outside(client, newsroom):
    html = client.get("/h5/").content.decode()
    for name in ("mobile/app.js", "mobile/app.css"):
        assert f"/static/{name}" in html
        path = finders.find(name)
        assert path and Path(path) == STATIC / name.split("/")[1]
        text = Path(path).read_text()
        # No CDN, no web font, no analytics: nothing but our origin.
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), name
        assert "@import" not in text and "innerHTML" not in text and "eval(" not in text
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_shell_is_read_only_and_not_shared_between_readers(client, newsroom):
    response = client.get("/h5/")
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.head("/h5/").status_code == 200
    assert client.post("/h5/").status_code == 405
