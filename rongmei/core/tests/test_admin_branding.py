import re

import pytest
from django.urls import reverse

from rongmei.monitoring.models import Source
from rongmei.testing import login

pytestmark = pytest.mark.django_db


def test_admin_tabs_carry_the_newsroom_name_not_wagtail(client, newsroom, settings):
    settings.WAGTAIL_SITE_NAME = "张店融媒"
    for url in (reverse("wagtailadmin_login"), reverse("wagtailadmin_home")):
        if url != reverse("wagtailadmin_login"):
            login(client, newsroom.admin)
        title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1)
        assert title.strip().endswith("- 张店融媒") and "Wagtail" not in title


def test_boolean_list_columns_show_ticks_not_true_false(client, newsroom):
    Source.objects.create(name="鲁中网", url="http://www.lznews.cn/rss.xml", category="local", enabled=False)
    login(client, newsroom.admin)
    page = client.get(reverse("wagtailsnippets_monitoring_source:list")).content.decode()
    assert "鲁中网" in page
    assert not re.search(r"<td[^>]*>\s*False\s*</td>", page)
    assert "icon-cross" in page


def test_the_login_page_is_chinese_and_carries_the_newsroom_name(client, newsroom, settings):
    settings.WAGTAIL_SITE_NAME = "张店融媒"
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert "登录" in heading and "张店融媒" in heading and "Wagtail" not in heading
    assert re.search(r'<label[^>]*for="id_password"[^>]*>\s*密码', page)
    assert ">Password<" not in page and "Password\n" not in page
