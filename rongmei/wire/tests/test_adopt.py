"""Adopting an item into a draft story, ignoring it, and who may do what (service and admin)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from rongmei.newsroom.models import StoryPage
from rongmei.testing import login, make_user
from rongmei.wire import services
from rongmei.wire.models import WireItem, WireSource

from .helpers import make_source


@pytest.fixture
def item(newsroom):
    source = make_source(kind=WireSource.Kind.NINJS, url="https://partner.example/feed.json", name="新华社")
    return WireItem.objects.create(
        source=source,
        guid="urn:partner:x:1",
        headline="全省冬小麦播种面积稳中有增",
        lead="记者从省农业农村厅获悉。",
        body_html='<p>今年<strong>稳中有增</strong>。</p><img src="https://img.partner.example/1.jpg" alt="">',
        byline="张华",
        rights="仅限合作单位使用，转载须注明“新华社”",
        version="3",
        original_url="https://www.partner.example/1001.html",
        raw={"uri": "urn:partner:x:1"},
    )


def test_adoption_makes_a_draft_story_with_source_and_rights(newsroom, item):
    story = services.adopt(item, acting_user=newsroom.editor, section=newsroom.section)
    story = StoryPage.objects.get(pk=story.pk)
    assert story.get_parent().pk == newsroom.section.pk
    assert not story.live and story.owner == newsroom.editor and story.outlet == newsroom.outlet
    assert story.title == "全省冬小麦播种面积稳中有增" and story.lead == "记者从省农业农村厅获悉。"
    assert story.source == "新华社"
    assert story.body == "<p>今年<b>稳中有增</b>。</p>"  # the partner's picture is not in our library
    assert [c.name for c in story.credits.all()] == ["张华"]
    assert story.latest_revision is not None and story.latest_revision.user == newsroom.editor
    item.refresh_from_db()
    assert item.state == WireItem.State.ADOPTED and item.adopted_story_id == story.pk
    assert item.adopted_by == newsroom.editor and item.adopted_at
    assert item.rights == "仅限合作单位使用，转载须注明“新华社”"  # the rights stay on the wire record
    assert services.wire_record_for_story(story) == item
    entry = PageLogEntry.objects.get(page=story, action="rongmei.wire.adopt")
    assert entry.data["source"] == "新华社" and entry.data["rights"].startswith("仅限合作单位")
    with pytest.raises(services.WireError):
        services.adopt(item, acting_user=newsroom.director, section=newsroom.section)
    assert StoryPage.objects.count() == 1


def test_who_may_adopt(newsroom, item):
    with pytest.raises(PermissionDenied) as refusal:
        services.adopt(item, acting_user=newsroom.reporter, section=newsroom.section)
    assert "采用或忽略入库稿" in str(refusal.value)  # the permission it needs, in the reader's language
    with pytest.raises(PermissionDenied):
        services.ignore(item, acting_user=newsroom.reporter)
    analyst = make_user("analyst2", display_name="分析师")
    with pytest.raises(PermissionDenied):
        services.adopt(item, acting_user=analyst, section=newsroom.section)
    assert StoryPage.objects.count() == 0
    item.refresh_from_db()
    assert item.state == WireItem.State.NEW


def test_a_withdrawn_item_cannot_be_adopted(newsroom, item):
    item.pubstatus = WireItem.PubStatus.CANCELED
    item.withdrawn_at = timezone.now()
    item.save()
    with pytest.raises(services.WireError):
        services.adopt(item, acting_user=newsroom.editor, section=newsroom.section)


def test_ignore_and_take_back(newsroom, item):
    services.ignore(item, acting_user=newsroom.editor)
    item.refresh_from_db()
    assert item.state == WireItem.State.IGNORED and item.ignored_by == newsroom.editor
    services.restore(item, acting_user=newsroom.editor)
    item.refresh_from_db()
    assert item.state == WireItem.State.NEW
    services.adopt(item, acting_user=newsroom.editor, section=newsroom.section)
    with pytest.raises(services.WireError):
        services.ignore(item, acting_user=newsroom.editor)


# --- the admin ----------------------------------------------------------------------------------


def test_the_incoming_list_filters_and_searches(client, newsroom, item):
    other = make_source(kind=WireSource.Kind.RSS, url="https://other.example/rss", name="合作台")
    WireItem.objects.create(
        source=other, guid="o-1", headline="图书馆延长开放时间", state=WireItem.State.IGNORED
    )
    login(client, newsroom.editor)
    page = client.get(reverse("wire_items"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "全省冬小麦播种面积稳中有增" in html and "图书馆延长开放时间" in html
    assert html.index("图书馆延长开放时间") < html.index("全省冬小麦播种面积稳中有增")  # newest first
    by_source = client.get(reverse("wire_items"), {"source": other.pk}).content.decode()
    assert "图书馆" in by_source and "冬小麦" not in by_source
    by_state = client.get(reverse("wire_items"), {"state": "new"}).content.decode()
    assert "冬小麦" in by_state and "图书馆" not in by_state
    searched = client.get(reverse("wire_items"), {"q": "稳中有增"}).content.decode()
    assert "冬小麦" in searched and "图书馆" not in searched


def test_the_item_page_and_adoption_through_the_admin(client, newsroom, item):
    login(client, newsroom.editor)
    page = client.get(reverse("wire_item", args=[item.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "仅限合作单位使用" in html and 'name="section"' in html
    assert "<strong>稳中有增</strong>" in html
    response = client.post(reverse("wire_adopt", args=[item.pk]), {"section": newsroom.other_section.pk})
    story = StoryPage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_pages:edit", args=[story.pk]
    )
    assert story.get_parent().pk == newsroom.other_section.pk
    # the story's editor says where it came from and on what terms
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert editor.status_code == 200
    text = editor.content.decode()
    assert "仅限合作单位使用" in text and reverse("wire_item", args=[item.pk]) in text


def test_admin_refusals(client, newsroom, item):
    login(client, newsroom.reporter)
    # Wagtail turns a refusal into a message on the dashboard
    for url in (reverse("wire_items"), reverse("wire_item", args=[item.pk]), reverse("wire_sources")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    response = client.post(reverse("wire_adopt", args=[item.pk]), {"section": newsroom.section.pk})
    assert response.status_code == 302 and StoryPage.objects.count() == 0
    assert client.post(reverse("wire_fetch_all")).status_code == 302
    # an editor reads the incoming list but does not manage sources
    client.logout()
    login(client, newsroom.editor)
    assert client.get(reverse("wire_sources"))["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailsnippets_wire_wiresource:add"))["Location"] == reverse(
        "wagtailadmin_home"
    )
    # no section picked: nothing happens, and the item says why
    response = client.post(reverse("wire_adopt", args=[item.pk]), {"section": ""}, follow=True)
    assert StoryPage.objects.count() == 0
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_roles_get_the_wire_permissions(newsroom):
    assert services.can_see_wire(newsroom.editor) and services.can_adopt(newsroom.editor)
    assert services.can_adopt(newsroom.director) and services.can_adopt(newsroom.chief)
    assert not services.can_see_sources(newsroom.editor)
    assert services.can_see_sources(newsroom.director) and services.can_fetch(newsroom.director)
    assert not newsroom.director.has_perm("wire.change_wiresource")
    assert newsroom.chief.has_perm("wire.change_wiresource")
    assert not services.can_see_wire(newsroom.reporter)
