"""The article of a story page is a fragment keyed by what it shows (templatetags/articles.py): a
cached fragment is used as it is, and a new revision, a correction, a recaptioned cover image or a
renamed reporter gives it a new key. Retraction is answered before the fragment is looked at."""

import pytest
from django.core.cache import cache

from rongmei.newsroom.models import CorrectionNote, CreditRole, StoryCredit
from rongmei.organisation.models import StaffProfile
from rongmei.testing import make_image, publish_outside_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    cache.clear()


def article_key(client, story):
    response = client.get(story.url)
    assert response.status_code == 200
    return response.context["article"].key


def page_html(client, story):
    response = client.get(story.url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_article_is_used_as_it_is(client, site):
    story = site.story(title="缓存中的文章", body="<p>正文第一段</p>")
    key = article_key(client, story)
    cache.set(key, ('<meta name="from-cache">', '<article class="story">FROM-THE-CACHE</article>'))
    html = page_html(client, story)
    assert "FROM-THE-CACHE" in html and '<meta name="from-cache">' in html
    assert "正文第一段" not in html


def test_the_same_article_keeps_its_key(client, site):
    story = site.story(title="不变的文章")
    assert article_key(client, story) == article_key(client, story)


def test_a_new_revision_gives_the_article_a_new_key(client, site):
    story = site.story(title="初稿标题")
    before = article_key(client, story)
    story.title = "更新后的标题"
    publish_outside_review(story.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    story.refresh_from_db()
    assert article_key(client, story) != before
    assert "更新后的标题" in page_html(client, story)


def test_a_correction_gives_the_article_a_new_key(client, site):
    story = site.story(title="待更正的稿件")
    before = article_key(client, story)
    site.correct(story, text="更正：人数应为三人。")
    assert article_key(client, story) != before
    assert "更正：人数应为三人。" in page_html(client, story)


def test_a_correction_written_outside_a_revision_is_shown_too(client, site):
    story = site.story(title="直接写入更正")
    before = article_key(client, story)
    CorrectionNote.objects.create(story=story, text="更正：日期应为五日。")
    assert article_key(client, story) != before
    assert "更正：日期应为五日。" in page_html(client, story)


def test_a_recaptioned_cover_image_gives_the_article_a_new_key(client, site):
    image = make_image(caption="开工现场", credit="记者 王明 摄")
    story = site.story(title="有图的稿件", cover_image=image)
    before = article_key(client, story)
    assert "开工现场" in page_html(client, story)
    image.caption = "竣工现场"
    image.credit = "记者 李亮 摄"
    image.save()
    assert article_key(client, story) != before
    html = page_html(client, story)
    assert "竣工现场" in html and "记者 李亮 摄" in html and "开工现场" not in html


def test_a_renamed_reporter_gives_the_article_a_new_key(client, site):
    story = site.story(title="署名的稿件")
    reporter = site.newsroom.reporter
    StoryCredit.objects.create(story=story, role=CreditRole.REPORTER, staff=reporter)
    before = article_key(client, story)
    assert "记者 王记者" in page_html(client, story)
    StaffProfile.objects.filter(user=reporter).update(display_name="王新名")
    assert article_key(client, story) != before
    html = page_html(client, story)
    assert "记者 王新名" in html and "王记者" not in html


def test_a_retracted_story_is_gone_even_with_its_article_cached(client, site):
    story = site.story(title="仍在线的撤稿")
    article_key(client, story)  # the fragment is now in the cache
    type(story).objects.filter(pk=story.pk).update(is_retracted=True, retraction_reason="事实有误")
    response = client.get(story.url)
    assert response.status_code == 410
    assert "仍在线的撤稿" not in response.content.decode()


def test_the_related_stories_are_outside_the_article(client, site):
    story = site.story(title="主稿")
    key = article_key(client, story)
    site.story(title="同栏目的新稿")
    assert article_key(client, story) == key
    assert "同栏目的新稿" in page_html(client, story)


def test_a_preview_shows_the_draft_and_leaves_the_cache_alone(client, site):
    """A preview is the draft rendered with the live page's revision id: never from the cache, never
    stored in it (the preview request is made for the site's own host, as the reader's here)."""
    story = site.story(title="已发布的标题", body="<p>已发布的正文</p>")
    host = story.get_site().hostname
    assert "已发布的正文" in client.get(story.url, HTTP_HOST=host).content.decode()  # cached
    story.title = "草稿中的新标题"
    story.body = "<p>草稿中的正文</p>"
    html = story.make_preview_request().content.decode()
    assert "草稿中的新标题" in html and "草稿中的正文" in html and "已发布的正文" not in html
    cache.clear()
    story.make_preview_request()
    html = client.get(story.url, HTTP_HOST=host).content.decode()
    assert "已发布的正文" in html and "草稿中的正文" not in html
