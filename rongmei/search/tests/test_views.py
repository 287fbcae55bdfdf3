"""The public search page /search/ and Wagtail's admin page search."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from rongmei.newsroom.models import Region, StoryPage
from rongmei.testing import login

SENTENCE = "国务院总理今天在北京出席新闻发布会"


def get(client, **params):
    # English (the reader's language switch), the msgid language, so the assertions do not depend
    # on the zh-hans catalogue.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get("/search/", params)


def result_titles(response):
    html = response.content.decode()
    headlines = re.findall(r'class="search-result__headline"><a href="[^"]*">(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", headline) for headline in headlines]


def set_published(story, day):
    StoryPage.objects.filter(pk=story.pk).update(
        first_published_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    )


@pytest.fixture
def regions(db):
    shandong = Region.objects.create(name="山东省", slug="shandong", level=1)
    zibo = Region.objects.create(name="淄博市", slug="zibo", level=2, parent=shandong)
    zhangdian = Region.objects.create(name="张店区", slug="zhangdian", level=3, parent=zibo)
    jinan = Region.objects.create(name="济南市", slug="jinan", level=2, parent=shandong)
    return {"shandong": shandong, "zibo": zibo, "zhangdian": zhangdian, "jinan": jinan}


def test_word_inside_sentence_found_with_highlight(client, newsroom):
    newsroom.add_story(title="总理出席活动", lead=f"{SENTENCE}。", publish=True)
    response = get(client, q="北京")
    assert response.status_code == 200
    assert result_titles(response) == ["总理出席活动"]
    html = response.content.decode()
    assert "在<mark>北京</mark>出席" in html
    assert "1 story found" in html


def test_only_public_stories_appear(client, newsroom):
    newsroom.add_story(title="淄博新闻已发布", publish=True)
    newsroom.add_story(title="淄博新闻草稿", publish=False)
    retracted = newsroom.add_story(title="淄博新闻已撤稿", publish=True)
    StoryPage.objects.filter(pk=retracted.pk).update(is_retracted=True, retraction_reason="事实错误")
    unpublished = newsroom.add_story(title="淄博新闻已下线", publish=True)
    unpublished.specific.unpublish()
    private = newsroom.add_story(title="淄博新闻内部", publish=True)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert result_titles(get(client, q="淄博")) == ["淄博新闻已发布"]


def test_title_hit_ranks_first(client, newsroom):
    newsroom.add_story(title="城市绿化工作推进会召开", body="<p>会议要求保护湿地资源。</p>", publish=True)
    newsroom.add_story(title="湿地公园开园", body="<p>公园位于城东。</p>", publish=True)
    assert result_titles(get(client, q="湿地")) == ["湿地公园开园", "城市绿化工作推进会召开"]


def test_highlighting_escapes_html(client, newsroom):
    newsroom.add_story(
        title="<script>alert(1)</script>北京快讯",
        lead="北京 <b>加粗</b> & <img src=x onerror=alert(1)>",
        publish=True,
    )
    html = get(client, q="北京").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>北京</mark>快讯" in html
    assert "<img src=x" not in html


def test_section_filter(client, newsroom):
    newsroom.add_story(title="要闻里的淄博", publish=True)
    newsroom.add_story(title="社会里的淄博", section=newsroom.other_section, publish=True)
    assert result_titles(get(client, q="淄博", section="shehui")) == ["社会里的淄博"]
    assert set(result_titles(get(client, q="淄博"))) == {"要闻里的淄博", "社会里的淄博"}


def test_region_filter_includes_descendants(client, newsroom, regions):
    district = newsroom.add_story(title="张店区的淄博烧烤", publish=True)
    district.regions.add(regions["zhangdian"])
    district.save()
    other = newsroom.add_story(title="济南的淄博游客", publish=True)
    other.regions.add(regions["jinan"])
    other.save()
    assert result_titles(get(client, q="淄博", region="zibo")) == ["张店区的淄博烧烤"]
    assert set(result_titles(get(client, q="淄博", region="shandong"))) == {
        "张店区的淄博烧烤",
        "济南的淄博游客",
    }


def test_date_filter(client, newsroom):
    old = newsroom.add_story(title="淄博旧闻", publish=True)
    new = newsroom.add_story(title="淄博新闻", publish=True)
    set_published(old, datetime.date(2024, 1, 10))
    set_published(new, datetime.date(2024, 3, 5))
    assert result_titles(get(client, q="淄博", **{"from": "2024-03-01"})) == ["淄博新闻"]
    assert result_titles(get(client, q="淄博", to="2024-01-10")) == ["淄博旧闻"]
    assert result_titles(get(client, q="淄博", **{"from": "2024-01-10", "to": "2024-01-10"})) == ["淄博旧闻"]


def test_bad_date_gives_message_and_other_filters_still_apply(client, newsroom):
    newsroom.add_story(title="要闻里的淄博", publish=True)
    newsroom.add_story(title="社会里的淄博", section=newsroom.other_section, publish=True)
    response = get(client, q="淄博", section="shehui", **{"from": "2024-13-45"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()
    assert result_titles(response) == ["社会里的淄博"]


def test_reversed_dates_are_reported(client, newsroom):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="淄博", **{"from": "2024-05-01", "to": "2024-04-01"})
    assert response.status_code == 200
    assert "The end date is before the start date" in response.content.decode()
    assert result_titles(response) == ["淄博新闻"]


def test_unknown_section_slug_is_reported(client, newsroom):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="淄博", section="no-such-section")
    assert response.status_code == 200
    assert "this filter was not applied" in response.content.decode()
    assert result_titles(response) == ["淄博新闻"]


def test_empty_query_shows_form_with_hint(client, newsroom):
    response = get(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html
    assert "search the stories" in html
    assert result_titles(response) == []


def test_punctuation_only_query(client, newsroom):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="，。！？……")
    assert response.status_code == 200
    assert "Type at least one word or number" in response.content.decode()


def test_very_long_query_is_truncated_with_notice(client, newsroom):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="淄博" + "啊" * 10_000)
    assert response.status_code == 200
    html = response.content.decode()
    assert "only its first 100 characters were used" in html


def test_long_query_keeps_its_first_words(client, newsroom):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="淄博" + "，" * 10_000)
    assert response.status_code == 200
    assert "only its first 100 characters were used" in response.content.decode()
    assert result_titles(response) == ["淄博新闻"]


def test_no_results_message(client, newsroom):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="北海")
    assert response.status_code == 200
    assert "No stories match your search" in response.content.decode()


def test_pagination_twenty_per_page_keeps_query(client, newsroom):
    for number in range(23):
        newsroom.add_story(title=f"淄博新闻第{number}条", publish=True)
    first = get(client, q="淄博", section="yaowen")
    assert len(result_titles(first)) == 20
    html = first.content.decode()
    assert "page=2" in html and "q=%E6%B7%84%E5%8D%9A" in html and "section=yaowen" in html
    second = get(client, q="淄博", section="yaowen", page="2")
    assert len(result_titles(second)) == 3
    assert get(client, q="淄博", page="abc").status_code == 200


def test_admin_page_search_finds_word_inside_sentence(client, newsroom):
    newsroom.add_story(title=SENTENCE, publish=True)
    newsroom.add_story(title="北海银滩游客增多", publish=True)
    login(client, newsroom.admin)
    response = client.get("/admin/pages/search/", {"q": "北京"})
    assert response.status_code == 200
    html = response.content.decode()
    assert SENTENCE in html
    assert "北海银滩游客增多" not in html


def test_a_very_common_word_says_only_the_newest_are_ranked(client, newsroom, monkeypatch):
    from django.db import connection

    if connection.vendor == "sqlite":
        from rongmei.search.sqlite_backend import ChineseSQLiteSearchQueryCompiler as compiler
    else:
        from rongmei.search.postgres_backend import ChinesePostgresSearchQueryCompiler as compiler
    monkeypatch.setattr(compiler, "RANK_MAX_MATCHES", 2)
    for n in range(3):
        newsroom.add_story(title=f"发展新闻{n}", publish=True)
    html = get(client, q="发展").content.decode()
    assert "2 stories found" in html
    if connection.vendor == "sqlite":
        assert "appear in about 3 stories; the newest 2 are ranked here" in html
    else:
        assert "appear in more than 2 stories; the newest 2 are ranked here" in html
    assert "the newest" not in get(client, q="发展新闻0").content.decode()


# --- hostile parameters: a clear message, never a 500 ---------------------------------------------


@pytest.mark.parametrize("name", ["from", "to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_far_off_date_is_refused_with_a_message(client, newsroom, name, value):
    newsroom.add_story(title="淄博新闻", publish=True)
    response = get(client, q="淄博", **{name: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a date between 1900-01-01 and 2999-12-31; this date was not applied." in html
    assert result_titles(response) == ["淄博新闻"]  # the other filters and the query still apply


def test_far_off_dates_in_the_query_helper_filter_nothing_out(newsroom):
    from rongmei.search import queries

    story = newsroom.add_story(title="淄博新闻", publish=True)
    found = queries.filtered_stories(date_from=datetime.date.min, date_to=datetime.date.max)
    assert list(found.values_list("pk", flat=True)) == [story.pk]


@pytest.mark.parametrize("name", ["q", "from", "to", "section", "region", "page"])
def test_hostile_values_never_give_a_server_error(client, newsroom, regions, name):
    from rongmei.website.tests.hostile import HOSTILE_VALUES

    newsroom.add_story(title="淄博新闻", publish=True)
    client.raise_request_exception = False
    for value in HOSTILE_VALUES:
        params = {"q": "淄博", name: value}
        response = get(client, **params)
        assert response.status_code == 200, (name, value[:40], response.status_code)
