"""The partner pull API: tokens, the change feed with its since-cursor, filters, ninjs validity."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rongmei.partners import services
from rongmei.partners.models import Partner, PartnerToken

FEED = "/partners/api/v1/items"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def pull_all(client, token, since=None, limit=50):
    """Every item of the feed from ``since``, following ``next``; (items, last since)."""
    url = f"{FEED}?limit={limit}" + (f"&since={since}" if since else "")
    items = []
    while url:
        response = client.get(url, **bearer(token))
        assert response.status_code == 200, response.content
        data = response.json()
        items += data["items"]
        since = data["since"]
        url = data["next"]
    return items, since


@pytest.fixture
def partner(site):
    return site.partner()


@pytest.fixture
def token(site, partner):
    return site.token(partner)


# --- tokens ---------------------------------------------------------------------------------------


def test_no_token_is_401_in_plain_words(client, db):
    response = client.get(FEED)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["code"] == "unauthorized"
    assert "No API token was sent" in body["detail"]
    assert "Authorization: Bearer" in body["detail"]


def test_another_scheme_is_no_token(client, db):
    response = client.get(FEED, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert response.status_code == 401
    assert "No API token was sent" in response.json()["detail"]


@pytest.mark.parametrize("wrong", ["rmp_not-a-token", "x" * 300, "令牌"])
def test_a_wrong_token_is_401(client, site, token, wrong):
    response = client.get(FEED, **bearer(wrong))
    assert response.status_code == 401
    assert "is not valid" in response.json()["detail"]


def test_a_revoked_token_is_401_and_says_so(client, site, partner, token):
    assert client.get(FEED, **bearer(token)).status_code == 200
    services.revoke_token(PartnerToken.objects.get(partner=partner), acting_user=site.newsroom.chief)
    response = client.get(FEED, **bearer(token))
    assert response.status_code == 401
    assert "has been revoked" in response.json()["detail"]


def test_an_inactive_partner_or_one_that_may_not_pull_is_refused(client, site, partner, token):
    Partner.objects.filter(pk=partner.pk).update(active=False)
    response = client.get(FEED, **bearer(token))
    assert response.status_code == 403 and "switched off" in response.json()["detail"]
    Partner.objects.filter(pk=partner.pk).update(active=True, pull_allowed=False)
    response = client.get(FEED, **bearer(token))
    assert response.status_code == 403 and "by push" in response.json()["detail"]


def test_the_refusal_is_in_chinese_and_english_when_the_catalogue_has_it(client, db, monkeypatch):
    from rongmei.partners import api

    real = api._both_languages.__globals__["_"]

    def fake_gettext(message):
        from django.utils import translation

        return "没有发送访问令牌。" if translation.get_language() == "zh-hans" else real(message)

    monkeypatch.setitem(api._both_languages.__globals__, "_", fake_gettext)
    detail = client.get(FEED).json()["detail"]
    assert detail.startswith("没有发送访问令牌。 / No API token was sent")


def test_only_a_hash_and_the_first_characters_are_stored(site, partner):
    token, raw = services.create_token(partner, acting_user=site.newsroom.chief, label="新闻客户端")
    assert raw.startswith("rmp_") and len(raw) > 40
    token.refresh_from_db()
    stored = [str(value) for value in PartnerToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored
    assert token.shown_part == raw[:12]
    assert services.authenticate(raw) == token


def test_pulling_records_when_the_token_and_partner_were_last_used(client, site, partner, token):
    assert partner.last_pull_at is None
    client.get(FEED, **bearer(token))
    partner.refresh_from_db()
    used = PartnerToken.objects.get(partner=partner).last_used_at
    assert partner.last_pull_at is not None and used is not None


# --- the feed -------------------------------------------------------------------------------------


def test_pulled_items_are_valid_ninjs_with_the_full_text(client, site, token, no_settle, valid):
    story = site.story(
        title="淄博新建学校三所", body="<p>三所学校九月开学。</p>", regions=[site.district], lead="导语"
    )
    items, _since = pull_all(client, token)
    assert [item["uri"] for item in items] == [f"urn:rongmei:localhost:story:{story.pk}"]
    item = valid(items[0])
    assert item["pubstatus"] == "usable"
    assert item["representationtype"] == "full"
    assert item["bodies"][0]["value"] == "<p>三所学校九月开学。</p>"
    assert [p["name"] for p in item["places"]] == ["山东省", "淄博市", "张店区"]


def test_the_since_cursor_pages_forward_and_then_gives_only_changes(client, site, token, no_settle, valid):
    stories = [site.story(title=f"稿件{i}") for i in range(5)]
    response = client.get(f"{FEED}?limit=2", **bearer(token))
    data = response.json()
    assert [i["headlines"][0]["value"] for i in data["items"]] == ["稿件0", "稿件1"]
    assert data["next"] and data["since"]
    items, since = pull_all(client, token)
    assert [i["headlines"][0]["value"] for i in items] == [f"稿件{i}" for i in range(5)]

    # Nothing changed: an empty page that keeps the cursor.
    again = client.get(f"{FEED}?since={since}", **bearer(token)).json()
    assert again == {"items": [], "since": since, "next": None}

    # A correction and a retraction come next, and only they.
    corrected = site.correct(stories[1])
    site.retract(stories[3])
    items, since = pull_all(client, token, since=since)
    for item in items:
        valid(item)
    assert [(i["altids"][0]["value"], i["pubstatus"]) for i in items] == [
        (str(stories[1].pk), "usable"),
        (str(stories[3].pk), "canceled"),
    ]
    assert items[0]["version"] == str(corrected.live_revision_id)
    assert [b["role"] for b in items[0]["bodies"]] == ["main", "correction"]
    assert items[1]["bodies"][0]["role"] == "retraction"


def test_drafts_and_private_stories_are_never_in_the_feed(client, site, token, no_settle):
    site.story(title="草稿", publish=False)
    items, _since = pull_all(client, token)
    assert items == []


def test_a_change_younger_than_the_settle_time_waits_for_the_next_call(client, site, token, settings):
    settings.PARTNERS_FEED_SETTLE_SECONDS = 30
    story = site.story(title="刚刚发布")
    type(story).objects.filter(pk=story.pk).update(last_published_at=timezone.now())
    assert client.get(FEED, **bearer(token)).json()["items"] == []
    type(story).objects.filter(pk=story.pk).update(last_published_at=timezone.now() - timedelta(seconds=31))
    assert len(client.get(FEED, **bearer(token)).json()["items"]) == 1


def test_a_cursor_that_is_not_ours_is_400(client, site, token):
    response = client.get(f"{FEED}?since=garbage", **bearer(token))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_cursor"
    response = client.get(f"{FEED}?limit=500", **bearer(token))
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_an_unchanged_answer_is_304_with_its_etag(client, site, token, no_settle):
    site.story(title="缓存")
    first = client.get(FEED, **bearer(token))
    assert first["Cache-Control"] == "private, no-cache" and "Authorization" in first["Vary"]
    second = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"], **bearer(token))
    assert second.status_code == 304


# --- filters --------------------------------------------------------------------------------------


def test_a_partner_gets_only_its_sections_and_regions(client, site, no_settle, valid):
    newsroom = site.newsroom
    in_section = site.story(title="要闻稿件")
    elsewhere = site.story(title="社会稿件", section=newsroom.other_section)
    district = site.story(title="张店稿件", section=newsroom.other_section, regions=[site.district])
    jinan = site.story(title="济南稿件", regions=[site.other_city])

    by_section = site.partner("省台", sections=[newsroom.section])
    by_region = site.partner("淄博台", level=Partner.Level.MUNICIPAL, regions=[site.city])
    both = site.partner(
        "淄博要闻", level=Partner.Level.COUNTY, sections=[newsroom.section], regions=[site.city]
    )
    everything = site.partner("中央台", level=Partner.Level.CENTRAL)

    def titles(partner):
        items, _since = pull_all(client, site.token(partner))
        return {valid(i)["headlines"][0]["value"] for i in items}

    assert titles(by_section) == {in_section.title, jinan.title}
    assert titles(by_region) == {district.title}  # a city includes its districts
    assert titles(both) == set()
    assert titles(everything) == {in_section.title, elsewhere.title, district.title, jinan.title}

    # One story outside the partner's filters is not found either.
    token = site.token(by_region)
    assert client.get(f"{FEED}/{jinan.pk}", **bearer(token)).status_code == 404
    assert client.get(f"{FEED}/{district.pk}", **bearer(token)).status_code == 200


def test_a_cross_listed_story_reaches_the_section_partner(client, site, no_settle):
    newsroom = site.newsroom
    story = site.newsroom.add_story(title="跨栏目", section=newsroom.other_section)
    story.other_sections = [newsroom.section]
    from rongmei.testing import publish_outside_review

    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    partner = site.partner("省台", sections=[newsroom.section])
    items, _since = pull_all(client, site.token(partner))
    assert [i["headlines"][0]["value"] for i in items] == ["跨栏目"]


# --- one item -------------------------------------------------------------------------------------


def test_one_item_and_its_cancellation(client, site, token, valid):
    story = site.story(title="单篇")
    response = client.get(f"{FEED}/{story.pk}", **bearer(token))
    assert response.status_code == 200
    assert valid(response.json())["pubstatus"] == "usable"
    site.retract(story)
    item = valid(client.get(f"{FEED}/{story.pk}", **bearer(token)).json())
    assert item["pubstatus"] == "canceled"
    assert "单篇" not in str(item.get("bodies"))
    assert client.get(f"{FEED}/999999", **bearer(token)).status_code == 404
    assert client.get(f"{FEED}/{story.pk}").status_code == 401


def test_the_openapi_document_describes_bearer_tokens(client, db):
    response = client.get("/partners/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert "/partners/api/v1/items" in document["paths"]
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
