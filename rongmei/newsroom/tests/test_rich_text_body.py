"""A story body with a broken or hostile image, link or embed: refused on save with a message, and a
story that already holds one still opens in the editor and renders safely on the site."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from rongmei.newsroom.models import StoryPage
from rongmei.testing import login, make_image, publish_outside_review

HOSTILE_FORMAT = 'fullwidth" onload="alert(1)'


def contentstate(entity, text="配图说明"):
    """A Draftail body: one paragraph and one atomic block holding ``entity`` (as the editor posts)."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                },
                {
                    "key": "b2",
                    "type": "atomic",
                    "depth": 0,
                    "text": " ",
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 1, "key": 0}],
                },
            ],
            "entityMap": {"0": entity},
        }
    )


def link_contentstate(data):
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "type": "unstyled",
                    "depth": 0,
                    "text": "相关报道",
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 4, "key": 0}],
                },
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": data}},
        }
    )


def image_entity(image_id, image_format, alt="现场"):
    return {
        "type": "IMAGE",
        "mutability": "IMMUTABLE",
        "data": {"id": image_id, "format": image_format, "alt": alt, "src": ""},
    }


def edit_form(story, body):
    return nested_form_data(
        {
            "title": story.title,
            "kicker": "",
            "subheadline": "",
            "lead": "导语",
            "body": body,
            "credits": inline_formset([]),
            "corrections": inline_formset([]),
            "channel_versions": inline_formset([]),
            "story_type": "news",
            "source": "",
            "slug": story.slug,
            "tags": "",
            "embargo_until": "",
            "retraction_reason": "",
        }
    )


def edit_url(story):
    return reverse("wagtailadmin_pages:edit", args=(story.pk,))


@pytest.fixture
def editor(client, newsroom):
    login(client, newsroom.reporter, language="en")
    client.raise_request_exception = False
    return client


def store_body(story, body, *, publish=False):
    """Put ``body`` into the story's latest revision as stored HTML, bypassing the editor's form
    (as data saved by an older version, an import or a script would be)."""
    story = StoryPage.objects.get(pk=story.pk)
    story.body = body
    revision = story.save_revision(user=story.owner)
    if publish:
        publish_outside_review(revision)
    return StoryPage.objects.get(pk=story.pk)


def editor_state(response):
    """The Draftail contentstate the editor page hands to the browser for the body."""
    form = response.context["form"]
    return json.loads(form.fields["body"].widget.format_value(form["body"].value()))


# --- refused on save -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entity, message",
    [
        (image_entity("IMAGE_ID", HOSTILE_FORMAT), "unknown image format"),
        (image_entity("IMAGE_ID", "thumbnail-huge"), "unknown image format"),
        (image_entity("abc", "fullwidth"), "broken image"),
        (image_entity("", "fullwidth"), "broken image"),
    ],
)
def test_a_hostile_image_is_refused_with_a_message_and_the_story_still_opens(
    editor, newsroom, entity, message
):
    image = make_image()
    if entity["data"]["id"] == "IMAGE_ID":
        entity["data"]["id"] = image.pk
    story = newsroom.add_story(title="图片稿件", owner=newsroom.reporter)
    response = editor.post(edit_url(story), edit_form(story, contentstate(entity)))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "body" in errors and message in " ".join(errors["body"]), errors
    assert "onload" not in StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().body
    assert editor.get(edit_url(story)).status_code == 200


def test_a_page_link_with_a_bad_id_is_refused(editor, newsroom):
    story = newsroom.add_story(title="链接稿件", owner=newsroom.reporter)
    response = editor.post(edit_url(story), edit_form(story, link_contentstate({"id": "abc"})))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors


def test_a_good_image_and_link_still_save(editor, newsroom):
    image = make_image()
    story = newsroom.add_story(title="正常稿件", owner=newsroom.reporter)
    response = editor.post(edit_url(story), edit_form(story, contentstate(image_entity(image.pk, "left"))))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    body = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().body
    assert re.search(rf'<embed [^>]*format="left" id="{image.pk}"', body), body
    link = link_contentstate({"id": newsroom.section.pk, "url": "/yaowen/", "parentId": None})
    assert editor.post(edit_url(story), edit_form(story, link)).status_code == 302


# --- a story that already holds bad data ------------------------------------------------------------

BAD_BODIES = {
    "hostile format": '<embed alt="x" embedtype="image" format="fullwidth&quot; onload=&quot;alert(1)" id="{image}"/>',
    "unknown format": '<embed alt="x" embedtype="image" format="nope" id="{image}"/>',
    "no format": '<embed alt="x" embedtype="image" id="{image}"/>',
    "image id not a number": '<embed alt="x" embedtype="image" format="fullwidth" id="abc"/>',
    "no image id": '<embed alt="x" embedtype="image" format="fullwidth"/>',
    "missing image": '<embed alt="x" embedtype="image" format="fullwidth" id="999999"/>',
    "huge image id": '<embed alt="x" embedtype="image" format="fullwidth" id="99999999999999999999999"/>',
    "page id not a number": '<p><a linktype="page" id="abc">链接</a></p>',
    "no page id": '<p><a linktype="page">链接</a></p>',
    "huge page id": '<p><a linktype="page" id="99999999999999999999999">链接</a></p>',
    "unknown linktype": '<p><a linktype="nope" id="1">链接</a></p>',
    "unknown embedtype": '<embed embedtype="nope" id="1"/>',
    "media without url": '<embed embedtype="media"/>',
}


@pytest.mark.parametrize("name", BAD_BODIES)
def test_a_story_holding_bad_rich_text_opens_in_the_editor_and_on_the_site(editor, client, newsroom, name):
    image = make_image()
    story = newsroom.add_story(title="旧稿件", owner=newsroom.reporter)
    body = "<p>第一段正文。</p>" + BAD_BODIES[name].format(image=image.pk) + "<p>最后一段。</p>"
    story = store_body(story, body, publish=True)

    response = editor.get(edit_url(story))
    assert response.status_code == 200, name
    state = editor_state(response)
    texts = [block["text"] for block in state["blocks"]]
    assert "第一段正文。" in texts and "最后一段。" in texts, name  # the story is not lost

    editor.logout()
    page = client.get(story.url)
    assert page.status_code == 200, name
    content = page.content.decode()
    assert "第一段正文" in content and "最后一段" in content
    assert "onload=" not in content  # no attribute injection


def test_an_image_with_a_bad_format_is_shown_in_the_default_format_and_saves_clean(editor, newsroom):
    image = make_image()
    story = newsroom.add_story(title="旧稿件", owner=newsroom.reporter)
    story = store_body(story, BAD_BODIES["hostile format"].format(image=image.pk))
    state = editor_state(editor.get(edit_url(story)))
    (entity,) = state["entityMap"].values()
    assert entity["data"]["format"] == "fullwidth" and str(entity["data"]["id"]) == str(image.pk)
    with translation.override("en"):
        response = editor.post(edit_url(story), edit_form(story, json.dumps(state)))
    assert response.status_code == 302
    saved = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().body
    assert 'format="fullwidth"' in saved and "onload" not in saved


def test_the_public_figure_uses_a_known_format_class(client, newsroom):
    image = make_image()
    story = newsroom.add_story(title="公开稿件")
    story = store_body(story, BAD_BODIES["hostile format"].format(image=image.pk), publish=True)
    content = client.get(story.url).content.decode()
    assert 'class="body-figure body-figure--fullwidth"' in content


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{}",
        '{"blocks": "x", "entityMap": {}}',
        contentstate({"type": "LINK", "mutability": "MUTABLE", "data": {}}),
        contentstate({"type": "IMAGE", "mutability": "IMMUTABLE", "data": {}}),
    ],
)
def test_a_malformed_body_post_gets_a_message_not_a_500(editor, newsroom, body):
    story = newsroom.add_story(title="原稿件", owner=newsroom.reporter)
    response = editor.post(edit_url(story), edit_form(story, body))
    if response.status_code == 302:  # a body it could read as empty is saved, and the editor reopens
        assert response.url == edit_url(story)
    else:
        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors.get("body", []))
        assert "could not be read" in errors or "broken" in errors, errors
