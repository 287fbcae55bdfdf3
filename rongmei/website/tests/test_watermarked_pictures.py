"""An outlet's visible watermark on every public picture of its stories: the article's cover and the
pictures in its text on the website, and the pictures in the app API's text; none when the outlet has
no watermark."""

import pytest
from django.test import Client

from rongmei.testing import make_image

pytestmark = pytest.mark.django_db


def story_with_pictures(site, on_commit):
    cover, inline = make_image(title="封面"), make_image(title="车间")
    with on_commit():
        story = site.story(
            title="有图的稿件",
            cover_image=cover,
            body=f'<p>第一段。</p><embed embedtype="image" id="{inline.pk}" format="fullwidth" alt="车间"/>',
        )
    return story, cover, inline


def renditions_of(image):
    return list(image.renditions.values_list("filter_spec", flat=True))


def urls_in(page, image, marked, spec_start=""):
    found = [
        r
        for r in image.renditions.all()
        if ("watermark-" in r.filter_spec) == marked and r.filter_spec.startswith(spec_start)
    ]
    return [r.url for r in found if r.url in page]


def test_the_cover_and_the_pictures_in_the_text_carry_the_outlets_watermark(site, on_commit):
    outlet = site.newsroom.outlet
    outlet.watermark_text = "融媒日报"
    outlet.save()
    story, cover, inline = story_with_pictures(site, on_commit)

    page = Client().get(story.url).content.decode()

    assert len(urls_in(page, cover, marked=True, spec_start="width-")) == 2  # both widths of the srcset
    assert urls_in(page, inline, marked=True)
    # No unmarked copy of either picture is on the page (og:image is the marked social card).
    assert urls_in(page, cover, marked=False) == [] and urls_in(page, inline, marked=False) == []

    item = Client().get(f"/api/v1/items/{story.pk}").json()
    text = item["bodies"][0]["value"]
    assert urls_in(text, inline, marked=True) and urls_in(text, inline, marked=False) == []


def test_without_a_watermark_the_pictures_are_plain(site, on_commit):
    story, cover, inline = story_with_pictures(site, on_commit)

    page = Client().get(story.url).content.decode()

    assert len(urls_in(page, cover, marked=False, spec_start="width-")) == 2 and urls_in(
        page, inline, marked=False
    )
    assert not any("watermark-" in spec for spec in renditions_of(cover) + renditions_of(inline))
