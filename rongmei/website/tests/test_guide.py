"""The admin's help menu leads to the newsroom's Chinese guide, not Wagtail's English one."""

import pytest

from rongmei.website.guide import render_markdown

pytestmark = pytest.mark.django_db


def test_help_menu_links_the_chinese_guide(client, newsroom):
    client.force_login(newsroom.reporter)
    content = client.get("/admin/").content.decode()
    menu = content.split('id="wagtail-sidebar-props"', 1)[1].split("</script>", 1)[0]
    assert "rongmei-guide" in menu and "/admin/guide/" in menu
    assert "guide.wagtail.org" not in menu  # Wagtail's English editor guide
    assert "whats-new-in-wagtail" not in menu


def test_guide_page_renders_in_the_admin(client, newsroom):
    assert client.get("/admin/guide/").status_code == 302  # sign in first
    client.force_login(newsroom.reporter)
    response = client.get("/admin/guide/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "融媒新闻编辑部使用指南" in page and "三审" in page and "<h2>写稿（记者）</h2>" in page
    assert client.get("/admin/guide/no-such-page/").status_code == 404
    assert client.get("/admin/guide/..%2Fsettings/").status_code == 404


def test_markdown_subset_escapes_everything():
    title, html = render_markdown("# 标题\n\n一段 **粗体** `code` <script>\n\n- 一\n- 二\n\n1. 甲\n")
    assert title == "标题"
    assert "<strong>粗体</strong>" in html and "<code>code</code>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<ul>\n<li>一</li>\n<li>二</li>\n</ul>" in html and "<ol>\n<li>甲</li>\n</ol>" in html


def test_the_dashboard_account_panel_links_the_newsroom_guide_not_wagtails(client, newsroom):
    client.force_login(newsroom.reporter)
    page = client.get("/admin/").content.decode()
    assert "/admin/guide/" in page
    assert "guide.wagtail.org" not in page
