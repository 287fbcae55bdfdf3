"""The story editor as staff use it: the add form, its validation and what it keeps on error."""

import io

import lxml.html
from django.urls import reverse
from PIL import Image as PILImage

from rongmei.newsroom.models import StoryPage
from rongmei.testing import login

from .factories import story_form


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=("newsroom", "storypage", section.pk))


def test_reporter_creates_a_draft_story(client, newsroom):
    login(client, newsroom.reporter)
    response = client.post(add_url(newsroom.section), story_form())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    story = StoryPage.objects.get(title="市政府召开常务会议")
    assert story.live is False
    assert story.owner == newsroom.reporter
    assert story.get_parent().pk == newsroom.section.pk
    assert story.slug.isascii()


def test_empty_headline_is_refused_and_the_typed_text_is_kept(client, newsroom):
    login(client, newsroom.reporter)
    response = client.post(add_url(newsroom.section), story_form(title=""))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    content = response.content.decode()
    assert "会议研究部署了冬季供暖工作。" in content  # the lead survives the error
    assert not StoryPage.objects.exists()


def test_bad_embargo_date_gets_a_message_not_a_500(client, newsroom):
    login(client, newsroom.reporter)
    response = client.post(add_url(newsroom.section), story_form(embargo_until="2026-13-45 99:00"))
    assert response.status_code == 200
    assert "embargo_until" in response.context["form"].errors
    assert "会议研究部署了冬季供暖工作。" in response.content.decode()


def test_retraction_without_reason_is_refused(client, newsroom):
    story = newsroom.add_story(title="已发布稿件", publish=True)
    login(client, newsroom.chief)
    url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    response = client.post(url, story_form(title="已发布稿件", slug=story.slug, is_retracted="on"))
    assert response.status_code == 200
    assert "retraction_reason" in response.context["form"].errors


def _upload(client, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("wagtailimages:add"),
        {"title": "测试图片", "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_non_image_upload_gets_a_clear_message(client, newsroom):
    login(client, newsroom.reporter)
    response = _upload(client, "notes.jpg", b"this is not a picture", "image/jpeg")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_oversized_upload_gets_a_clear_message(client, newsroom, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    buffer = io.BytesIO()
    PILImage.effect_noise((300, 300), 100).convert("RGB").save(buffer, "PNG")
    assert buffer.tell() > 10_000
    login(client, newsroom.reporter)
    response = _upload(client, "big.png", buffer.getvalue(), "image/png")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_image_upload_keeps_caption_and_credit(client, newsroom):
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    login(client, newsroom.reporter)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "红色",
            "caption": "图为现场",
            "credit": "记者 王明 摄",
            "file": SimpleUploadedFile("red.png", buffer.getvalue(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="红色")
    assert (image.caption, image.credit) == ("图为现场", "记者 王明 摄")


def test_admin_lists_regions_and_outlets(client, newsroom):
    from rongmei.newsroom.models import Region

    Region.objects.create(name="山东省", slug="shandong", level=Region.Level.PROVINCE)
    client.force_login(newsroom.admin)
    response = client.get(reverse("wagtailsnippets_newsroom_region:list"))
    assert response.status_code == 200
    assert "山东省" in response.content.decode()
    response = client.get(reverse("wagtailsnippets_newsroom_region:list"), {"q": "山东"})
    assert response.status_code == 200
    assert "山东省" in response.content.decode()
    response = client.get(reverse("wagtailsnippets_organisation_outlet:list"))
    assert response.status_code == 200
    assert "测试日报" in response.content.decode()


def _page_search_header(client, query):
    response = client.get(reverse("wagtailadmin_pages:search") + query)
    assert response.status_code == 200
    document = lxml.html.document_fromstring(response.content.decode())
    return " ".join(" ".join(th.text_content().split()) for th in document.cssselect("th"))


def test_page_search_header_names_what_it_counts(client, newsroom):
    """Wagtail's page search named no model: its header read "第 1-2 个，共 2 个None"."""
    newsroom.add_story(title="暖气")
    newsroom.add_story(title="供暖")
    login(client, newsroom.editor)
    everything = _page_search_header(client, "?q=")
    assert "None" not in everything
    assert "个页面" in everything
    stories = _page_search_header(client, "?q=&content_type=newsroom.storypage")
    assert "None" not in stories
    assert "共 2 个稿件" in stories
