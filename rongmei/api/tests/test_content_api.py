"""The content API v1: ninjs items that validate against the IPTC schema, lists, cursors, caching,
retractions, and what the public may never see."""

from datetime import UTC, datetime

import pytest
from wagtail.models import PageViewRestriction

from rongmei.newsroom.models import CreditRole
from rongmei.testing import make_image
from rongmei.website.tests.hostile import HOSTILE_VALUES

pytestmark = pytest.mark.django_db


def get_items(client, url, valid):
    response = client.get(url)
    assert response.status_code == 200, response.content
    data = response.json()
    for item in data["items"]:
        valid(item)
    return data


def ids(items):
    return [int(next(a["value"] for a in item["altids"] if a["role"] == "id")) for item in items]


def walk(client, url, valid):
    seen, pages = [], 0
    while url:
        data = get_items(client, url, valid)
        seen += ids(data["items"])
        url = data["next"]
        pages += 1
        assert pages < 50
    return seen, pages


# --- the item -------------------------------------------------------------------------------------


def test_item_is_valid_ninjs_with_everything_an_app_needs(client, api_site, valid):
    image = make_image()
    body_image = make_image(caption="正文图片", credit="摄影 李四")
    story = api_site.story(
        title="淄博新区开工",
        subheadline="总投资百亿元",
        kicker="项目建设",
        lead="今天上午，新区一期工程开工。",
        body=(
            '<p class="intro">正文第一段</p>'
            f'<embed embedtype="image" id="{body_image.pk}" format="fullwidth" alt="工地"/>'
            f'<p>详见<a linktype="page" id="{api_site.newsroom.section.pk}">要闻</a></p>'
            '<embed embedtype="media" url="https://v.example.com/1"/>'
        ),
        cover_image=image,
        source="淄博日报",
        regions=[api_site.district],
        topics=[api_site.topic],
        credits=[(CreditRole.REPORTER, "张三"), (CreditRole.PHOTOGRAPHER, "李四")],
        corrections=[(datetime(2025, 3, 2, 9, 30, tzinfo=UTC), "第二段的数字应为一百亿元。")],
    )
    response = client.get(f"/api/v1/items/{story.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    item = valid(response.json())

    assert item["uri"] == f"urn:rongmei:localhost:story:{story.pk}"
    assert item["type"] == "text"
    assert item["pubstatus"] == "usable"
    assert item["version"] == str(story.live_revision_id)
    assert item["language"] == "zh-Hans"
    assert item["firstcreated"].endswith("Z") and item["versioncreated"]
    assert {"role": "main", "value": "淄博新区开工"} in item["headlines"]
    assert {"role": "sub", "value": "总投资百亿元"} in item["headlines"]
    assert item["descriptions"][0]["value"] == "今天上午，新区一期工程开工。"
    assert [(p["name"], p["rel"]) for p in item["places"]] == [
        ("山东省", "province"),
        ("淄博市", "city"),
        ("张店区", "district"),
    ]
    assert {"name": "记者走基层", "rel": "topic", "literal": f"topic:{api_site.topic.pk}"} in item["subjects"]
    assert {"name": "要闻", "rel": "section", "literal": f"section:{api_site.newsroom.section.pk}"} in item[
        "subjects"
    ]
    assert item["genres"][0]["literal"] == "news"
    assert "张三" in item["by"] and {"name": "李四", "rel": "photographer"} in item["people"]
    assert item["copyrightnotice"] == "本稿件版权归测试日报所有"
    assert item["infosources"] == [{"name": "淄博日报", "role": "source"}]

    cover = item["associations"][0]
    assert cover["name"] == "featureimage" and cover["type"] == "picture"
    assert cover["descriptions"][0]["value"] == "市民在广场参加活动" and cover["by"] == "记者 王明 摄"
    assert all(r["href"].startswith("http://testserver/media/images/") for r in cover["renditions"])

    main = next(b for b in item["bodies"] if b["role"] == "main")["value"]
    assert "<embed" not in main and "linktype" not in main and "class=" not in main
    assert "body-figure" not in main and "srcset" not in main and "<iframe" not in main
    assert '<img src="http://testserver/media/images/' in main
    assert "<figcaption>正文图片 摄影 李四</figcaption>" in main
    assert '<a href="http://testserver/yaowen/">要闻</a>' in main
    assert '<a href="https://v.example.com/1">' in main
    correction = next(b for b in item["bodies"] if b["role"] == "correction")["value"]
    assert 'datetime="2025-03-02T09:30:00Z"' in correction and "一百亿元" in correction


def test_lists_hold_partial_items_without_bodies(client, api_site, valid):
    api_site.story(title="一条", cover_image=make_image())
    data = get_items(client, "/api/v1/items", valid)
    assert data["items"][0]["representationtype"] == "partial"
    assert "bodies" not in data["items"][0]
    assert data["next"] is None


# --- lists ----------------------------------------------------------------------------------------


def test_section_list_includes_its_own_and_cross_listed_stories(client, api_site, valid):
    newsroom = api_site.newsroom
    own = api_site.story(title="本栏目")
    other = api_site.story(title="别的栏目", section=newsroom.other_section)
    crossed = api_site.story(title="交叉", section=newsroom.other_section)
    crossed.other_sections = [newsroom.section]
    api_site.newsroom.add_story(title="草稿")  # a draft in the section
    from rongmei.testing import publish_outside_review

    publish_outside_review(crossed.save_revision(user=newsroom.reporter), user=newsroom.chief)

    data = get_items(client, f"/api/v1/sections/{newsroom.section.pk}/items", valid)
    assert set(ids(data["items"])) == {own.pk, crossed.pk}
    assert other.pk in ids(
        get_items(client, f"/api/v1/sections/{newsroom.other_section.pk}/items", valid)["items"]
    )


def test_region_list_of_a_city_includes_its_districts(client, api_site, valid):
    in_district = api_site.story(title="张店", regions=[api_site.district])
    in_city = api_site.story(title="淄博", regions=[api_site.city])
    elsewhere = api_site.story(title="济南", regions=[api_site.other_city])

    assert set(ids(get_items(client, "/api/v1/regions/zibo/items", valid)["items"])) == {
        in_district.pk,
        in_city.pk,
    }
    assert ids(get_items(client, "/api/v1/regions/zhangdian/items", valid)["items"]) == [in_district.pk]
    assert set(ids(get_items(client, "/api/v1/regions/shandong/items", valid)["items"])) == {
        in_district.pk,
        in_city.pk,
        elsewhere.pk,
    }


def test_topic_list(client, api_site, valid):
    in_topic = api_site.story(title="专题稿", topics=[api_site.topic])
    api_site.story(title="不在专题")
    assert ids(get_items(client, f"/api/v1/topics/{api_site.topic.pk}/items", valid)["items"]) == [
        in_topic.pk
    ]


def test_channel_indexes(client, api_site):
    newsroom = api_site.newsroom
    sections = client.get("/api/v1/sections").json()
    assert [s["id"] for s in sections] == [newsroom.section.pk, newsroom.other_section.pk]
    assert sections[0]["items"] == f"http://testserver/api/v1/sections/{newsroom.section.pk}/items"

    regions = client.get("/api/v1/regions").json()
    assert [r["slug"] for r in regions] == ["shandong"]
    cities = regions[0]["children"]
    assert [c["slug"] for c in cities] == ["jinan", "zibo"] or [c["slug"] for c in cities] == [
        "zibo",
        "jinan",
    ]
    zibo = next(c for c in cities if c["slug"] == "zibo")
    assert [(d["slug"], d["level"]) for d in zibo["children"]] == [("zhangdian", "district")]

    topics = client.get("/api/v1/topics").json()
    assert [t["id"] for t in topics] == [api_site.topic.pk]


def test_pagination_walks_every_story_once_newest_first(client, api_site, valid):
    stories = [api_site.story(title=f"第{n}条") for n in range(7)]
    seen, pages = walk(client, "/api/v1/items?limit=3", valid)
    assert pages == 3
    assert seen == [s.pk for s in reversed(stories)]


def test_pagination_with_equal_publication_times_has_no_duplicates(client, api_site, valid):
    from rongmei.newsroom.models import StoryPage

    stories = [api_site.story(title=f"同时{n}") for n in range(5)]
    StoryPage.objects.filter(pk__in=[s.pk for s in stories]).update(
        first_published_at=datetime(2025, 3, 5, tzinfo=UTC)
    )
    seen, _pages = walk(client, "/api/v1/items?limit=2", valid)
    assert sorted(seen) == sorted(s.pk for s in stories) and len(seen) == len(set(seen))


# --- caching --------------------------------------------------------------------------------------


def test_etag_and_304_and_cache_control(client, api_site):
    story = api_site.story(title="缓存")
    for url in ("/api/v1/items", f"/api/v1/items/{story.pk}", "/api/v1/regions", "/api/v1/sections"):
        first = client.get(url)
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, max-age=60"
        etag = first["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b"" and again["ETag"] == etag
        assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_a_new_version_changes_the_etag_and_the_page_cache_keeps_nothing(client, api_site, settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    story = api_site.story(title="旧标题")
    first = client.get("/api/v1/items")
    assert "X-Cache" not in first  # the public page cache does not touch the API
    story.title = "新标题"
    from rongmei.testing import publish_outside_review

    publish_outside_review(story.save_revision(user=api_site.newsroom.editor), user=api_site.newsroom.chief)
    second = client.get("/api/v1/items", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second.json()["items"][0]["headlines"][0]["value"] == "新标题"


# --- what the public never sees -------------------------------------------------------------------


def test_retracted_story_is_canceled_by_id_and_absent_from_lists(client, api_site, valid):
    story = api_site.story(title="撤稿", regions=[api_site.city], topics=[api_site.topic])
    api_site.retract(story)

    item = valid(client.get(f"/api/v1/items/{story.pk}").json())
    assert item["pubstatus"] == "canceled"
    assert item["uri"] == f"urn:rongmei:localhost:story:{story.pk}"
    assert [b["role"] for b in item["bodies"]] == ["retraction"]
    assert "事实有误" in item["bodies"][0]["value"]
    assert "正文" not in str(item)  # none of the story's text stays in the app

    for url in (
        "/api/v1/items",
        f"/api/v1/sections/{api_site.newsroom.section.pk}/items",
        "/api/v1/regions/zibo/items",
        f"/api/v1/topics/{api_site.topic.pk}/items",
    ):
        assert story.pk not in ids(get_items(client, url, valid)["items"]), url


def test_drafts_in_review_and_restricted_stories_never_appear(en, api_site, valid, review):
    from rongmei.review import services

    draft = api_site.story(title="草稿", publish=False)
    in_review = api_site.story(title="送审", publish=False)
    services.submit_for_review(in_review, acting_user=api_site.newsroom.reporter)
    restricted = api_site.story(title="受限")
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="x")
    public = api_site.story(title="公开")

    assert ids(get_items(en, "/api/v1/items", valid)["items"]) == [public.pk]
    for story in (draft, in_review, restricted):
        response = en.get(f"/api/v1/items/{story.pk}")
        assert response.status_code == 404, story.title
        assert response.json() == {"code": "not_found", "detail": "There is no published story with this id."}


def test_a_live_story_with_a_draft_shows_the_live_version(client, api_site):
    story = api_site.story(title="已发布标题")
    story.title = "未审的新标题"
    story.save_revision(user=api_site.newsroom.reporter)
    item = client.get(f"/api/v1/items/{story.pk}").json()
    assert item["headlines"][0]["value"] == "已发布标题"
    assert item["version"] == str(story.live_revision_id)


# --- OpenAPI and bad input ------------------------------------------------------------------------


def test_openapi_document_is_3_1_and_the_docs_ui_is_off(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "融媒 content API"
    assert "/api/v1/items/{story_id}" in document["paths"]
    assert "/api/v1/regions/{slug}/items" in document["paths"]
    assert client.get("/api/v1/docs", follow=True).status_code == 404


@pytest.mark.parametrize(
    "url, status, code",
    [
        ("/api/v1/items?limit=0", 400, "bad_request"),
        ("/api/v1/items?limit=1000", 400, "bad_request"),
        ("/api/v1/items?limit=abc", 400, "bad_request"),
        ("/api/v1/items?cursor=garbage", 400, "bad_cursor"),
        ("/api/v1/items?cursor=eyJ4IjoxfQ", 400, "bad_cursor"),  # base64 of a JSON object
        ("/api/v1/items/abc", 400, "bad_request"),
        ("/api/v1/items/0", 400, "bad_request"),
        ("/api/v1/items/99999999999999999999999", 400, "bad_request"),
        ("/api/v1/items/123456", 404, "not_found"),
        ("/api/v1/regions/nowhere/items", 404, "not_found"),
        ("/api/v1/sections/123456/items", 404, "not_found"),
        ("/api/v1/topics/123456/items", 404, "not_found"),
    ],
)
def test_bad_parameters_get_a_clear_json_answer(en, api_site, url, status, code):
    response = en.get(url)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert response["Cache-Control"] == "no-store"


def test_bad_cursor_message_in_chinese_by_default(client, api_site):
    response = client.get("/api/v1/items?cursor=garbage")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_section_id_that_is_a_story_is_not_a_section(en, api_site):
    story = api_site.story(title="稿件")
    assert en.get(f"/api/v1/sections/{story.pk}/items").status_code == 404
    assert en.get(f"/api/v1/topics/{story.pk}/items").status_code == 404


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_parameters_never_500(client, api_site, value):
    from urllib.parse import quote

    quoted = quote(value, safe="")
    for url in (
        f"/api/v1/items?cursor={quoted}",
        f"/api/v1/items?limit={quoted}",
        f"/api/v1/items/{quoted}",
        f"/api/v1/sections/{quoted}/items",
        f"/api/v1/topics/{quoted}/items",
        f"/api/v1/regions/{quoted}/items",
        f"/api/v1/regions/zibo/items?cursor={quoted}&limit={quoted}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        if response.status_code != 404 or response["Content-Type"].startswith("application/json"):
            assert response.json()


def test_the_body_does_not_repeat_the_cover_image(client, api_site, valid):
    """The app shows the cover (associations) above the text, as the website does: the same image
    embedded in the body would show twice. Other body images stay."""
    cover = make_image()
    other = make_image(caption="正文图片")
    story = api_site.story(
        title="封面不重复",
        body=(
            f'<embed embedtype="image" id="{cover.pk}" format="fullwidth" alt="封面"/>'
            "<p>正文</p>"
            f'<embed embedtype="image" id="{other.pk}" format="fullwidth" alt="另一张"/>'
        ),
        cover_image=cover,
    )
    item = valid(client.get(f"/api/v1/items/{story.pk}").json())
    body = next(b["value"] for b in item["bodies"] if b["role"] == "main")
    assert 'alt="封面"' not in body
    assert 'alt="另一张"' in body
    assert f":image:{cover.pk}" in " ".join(a["uri"] for a in item["associations"])
