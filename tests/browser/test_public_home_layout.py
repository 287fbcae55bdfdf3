"""The home page at desktop width is a portal front page in columns; at phone width one column.

Before issue 10 the home page at 1,366 px was one 760 px column, 8,373 px tall with the demo.
Here: 5 headlines, 12 latest stories and 8 sections of 6 stories each (the demo's shape).
"""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from rongmei.media.models import NewsImage
from rongmei.newsroom.models import SectionPage
from rongmei.testing import publish_outside_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def image(n):
    buffer = io.BytesIO()
    PILImage.new("RGB", (960, 540), (30 + n, 90, 160)).save(buffer, "JPEG")
    return NewsImage.objects.create(title=f"图{n}", file=ImageFile(buffer, name=f"home{n}.jpg"))


@pytest.fixture
def portal(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    sections = [newsroom.section, newsroom.other_section]
    for n, (title, slug) in enumerate([("时政", "shizheng"), ("经济", "jingji"), ("文化", "wenhua")]):
        sections.append(
            newsroom.home.add_child(instance=SectionPage(title=title, slug=slug, home_order=n + 3))
        )
    n = 0
    for section in sections:
        for i in range(7):
            n += 1
            story = newsroom.add_story(
                title=f"{section.title}新闻第{i + 1}条：全市重点项目建设稳步推进",
                section=section,
                is_headline=i == 0,
                lead="导语" * 30,
                cover_image=image(n) if i < 2 else None,
            )
            publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    return newsroom


def layout(browser, live_server, width, height):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("load")
    result = page.evaluate(
        """() => {
        const box = (s) => { const e = document.querySelector(s); if (!e) return null;
          const r = e.getBoundingClientRect(); return {x: r.left, y: r.top + scrollY, w: r.width, h: r.height}; };
        const sections = [...document.querySelectorAll('.block--section')].map((e) => e.getBoundingClientRect().left);
        return {
          height: document.documentElement.scrollHeight,
          scrollWidth: document.documentElement.scrollWidth,
          headlines: box('.block--headlines'), latest: box('.block--latest'), search: box('#masthead-q'),
          sectionColumns: new Set(sections.map(Math.round)).size,
          headlinesAboveFold: [...document.querySelectorAll('.block--headlines a, .block--latest a')]
            .filter((a) => a.getBoundingClientRect().bottom <= innerHeight).length,
        };
    }"""
    )
    context.close()
    return result


def test_desktop_home_is_in_columns_and_phone_home_is_one(browser, live_server, portal):
    desktop = layout(browser, live_server, 1366, 768)
    assert desktop["scrollWidth"] <= 1366
    assert desktop["height"] < 4000, desktop  # was 8,373 px with the demo
    # 头条 and 最新 side by side, the sections in three columns.
    assert desktop["latest"]["x"] > desktop["headlines"]["x"] + desktop["headlines"]["w"] - 1, desktop
    assert abs(desktop["latest"]["y"] - desktop["headlines"]["y"]) < 40, desktop
    assert desktop["sectionColumns"] == 3, desktop
    assert desktop["headlinesAboveFold"] >= 10, desktop  # many headlines before any scrolling
    assert desktop["search"] is not None and desktop["search"]["w"] > 150

    phone = layout(browser, live_server, 390, 844)
    assert phone["scrollWidth"] <= 390
    # One column: the latest list under the headlines, the sections stacked.
    assert phone["latest"]["y"] > phone["headlines"]["y"] + phone["headlines"]["h"] - 1, phone
    assert abs(phone["latest"]["x"] - phone["headlines"]["x"]) < 2, phone
    assert phone["sectionColumns"] == 1, phone
    assert phone["search"] is not None
