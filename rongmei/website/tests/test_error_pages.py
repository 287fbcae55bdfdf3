"""Error pages speak the reader's language (Chinese first) with the site's name, never Django's English defaults."""

from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from rongmei.website import views


def test_a_missing_page_is_answered_in_chinese_with_the_site_around_it(client, newsroom):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "这个页面不存在" in page and "返回首页" in page
    assert "测试融媒" in page  # the site's name from its Site record, and its navigation
    assert "Not Found" not in page and "The requested resource" not in page


def test_a_reader_who_chose_english_gets_it_in_english(client, newsroom):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "This page does not exist." in page


def test_a_server_error_page_needs_no_database_and_is_chinese(db):
    with translation.override("zh-hans"):  # the locale middleware's choice for a reader with no cookie
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出了问题" in page and settings.WAGTAIL_SITE_NAME in page


def test_an_expired_form_says_what_happened_and_what_to_do(newsroom):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已过期" in page and "CSRF" not in page
