from django.conf import settings


def test_reader_switches_the_site_to_english_and_back(client, newsroom):
    newsroom.add_story(title="双语测试稿件", publish=True)
    home = client.get("/")
    assert home.status_code == 200
    assert 'lang="en"' in home.content.decode()  # the switch link, in its own language

    response = client.get("/language/en/", {"next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get("/").content.decode()
    assert '<html lang="en"' in english
    assert "简体中文" in english  # the way back

    client.get("/language/zh-hans/", {"next": "/"})
    assert '<html lang="zh-hans"' in client.get("/").content.decode()


def test_language_switch_refuses_unknown_languages_and_outside_redirects(client, db):
    assert client.get("/language/xx/").status_code == 404
    response = client.get("/language/en/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_english_browser_still_gets_the_chinese_site(client, newsroom):
    newsroom.add_story(title="默认中文稿件", publish=True)
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans"' in content
    assert "头条" in content or "最新" in content
    assert "Latest" not in content
