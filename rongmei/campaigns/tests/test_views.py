"""The campaign screens: who sees them, the form's bad input, the acts on POST only."""

import pytest

from rongmei.campaigns import services
from rongmei.campaigns.models import Campaign
from rongmei.testing import fresh, login

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "记者看淄川",
        "partner_name": "淄川区人民政府",
        "partner_region": "",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
        "description": "走进淄川。",
        "goal_stories": "10",
        "goal_photo_stories": "4",
        "goal_videos": "2",
        "goal_live_events": "1",
        "wants_topic_page": "on",
        "state": "planned",
    }
    data.update(overrides)
    return data


def test_every_newsroom_role_reads_the_campaigns_the_analyst_is_sent_away(client, world):
    campaign = world.campaign()
    newsroom = world.newsroom
    for user in (newsroom.reporter, newsroom.editor, newsroom.newmedia, newsroom.director, newsroom.chief):
        login(client, user)
        for url in ("/admin/campaigns/", f"/admin/campaigns/{campaign.pk}/"):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            assert "记者看张店" in response.content.decode()
        client.logout()
    login(client, world.analyst)
    response = client.get(f"/admin/campaigns/{campaign.pk}/")
    assert response.status_code == 302 and response.url == "/admin/"


def test_the_menu_shows_campaigns_to_staff_only(client, world):
    login(client, world.newsroom.reporter)
    assert "/admin/campaigns/" in client.get("/admin/").content.decode()
    client.logout()
    login(client, world.analyst)
    assert "/admin/campaigns/" not in client.get("/admin/").content.decode()


def test_a_reporter_reads_but_gets_no_form(client, world):
    campaign = world.campaign()
    login(client, world.newsroom.reporter)
    html = client.get(f"/admin/campaigns/{campaign.pk}/").content.decode()
    assert f"/admin/campaigns/{campaign.pk}/edit/" not in html
    assert "create_topic_page" not in html and f"/admin/campaigns/{campaign.pk}/topic-page/" not in html
    response = client.get("/admin/campaigns/new/")
    assert response.status_code == 302 and response.url == "/admin/"
    response = client.post(f"/admin/campaigns/{campaign.pk}/topic-page/", {"slug": "x"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert fresh(campaign).topic_page_id is None


def test_a_director_adds_a_campaign(client, world):
    login(client, world.newsroom.director)
    response = client.post("/admin/campaigns/new/", form_data())
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == f"/admin/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.goal_stories, campaign.goal_live_events) == ("记者看淄川", 10, 1)
    assert campaign.created_by == world.newsroom.director


def test_bad_input_keeps_what_was_typed_and_says_why(client, world):
    login(client, world.newsroom.director)
    response = client.post("/admin/campaigns/new/", form_data(ends_on="2026-02-01", goal_videos="-3"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "记者看淄川" in html and "走进淄川。" in html
    assert not Campaign.objects.exists()
    form = response.context["form"]
    assert "ends_on" in form.errors and "goal_videos" in form.errors


def test_editing_a_campaign(client, world):
    campaign = world.campaign()
    login(client, world.newsroom.chief)
    assert client.get(f"/admin/campaigns/{campaign.pk}/edit/").status_code == 200
    response = client.post(f"/admin/campaigns/{campaign.pk}/edit/", form_data(name="记者看张店（第二季）"))
    assert response.status_code == 302
    assert fresh(campaign).name == "记者看张店（第二季）"


def test_the_chief_creates_the_topic_page_from_the_progress_screen(client, world):
    campaign = world.campaign()
    login(client, world.newsroom.chief)
    assert client.get(f"/admin/campaigns/{campaign.pk}/topic-page/").status_code == 405
    response = client.post(
        f"/admin/campaigns/{campaign.pk}/topic-page/", {"title": "", "slug": "kan-zhangdian"}
    )
    assert response.status_code == 302 and response.url == f"/admin/campaigns/{campaign.pk}/"
    page = fresh(campaign).topic_page
    assert page.live and page.slug == "kan-zhangdian"
    html = client.get(response.url).content.decode()
    assert page.url in html


def test_a_bad_slug_is_a_message_not_a_page(client, world):
    campaign = world.campaign()
    login(client, world.newsroom.chief)
    response = client.post(f"/admin/campaigns/{campaign.pk}/topic-page/", {"slug": "张店 专题"}, follow=True)
    assert fresh(campaign).topic_page_id is None
    assert any("Latin letters" in str(m) or "英文字母" in str(m) for m in response.context["messages"])


def test_topics_are_attached_and_detached_on_the_screen(client, world):
    campaign = world.campaign()
    topic = world.topic("企业走访")
    world.topic("被否决的选题", state="declined")
    login(client, world.newsroom.director)
    html = client.get(f"/admin/campaigns/{campaign.pk}/").content.decode()
    assert "企业走访" in html and "被否决的选题" not in html
    client.post(f"/admin/campaigns/{campaign.pk}/topics/", {"topics": [topic.pk]})
    assert list(campaign.topics.all()) == [topic]
    client.post(f"/admin/campaigns/{campaign.pk}/topics/{topic.pk}/detach/")
    assert not campaign.topics.exists()


def test_the_progress_screen_shows_the_figures(client, world, on_commit):
    from rongmei.newsroom.tests.factories import pass_review

    campaign = world.campaign()
    topic = world.topic()
    services.attach_topics(campaign, [topic], acting_user=world.newsroom.director)
    story = pass_review(world.newsroom, world.newsroom.add_story(title="老街换新颜"), on_commit)
    world.assignment(topic, "text", story=story, state="done")
    world.assignment(topic, "video")
    login(client, world.newsroom.reporter)
    response = client.get(f"/admin/campaigns/{campaign.pk}/")
    progress = response.context["progress"]
    assert [(row.format, row.planned, row.filed, row.published) for row in progress.formats][:3] == [
        ("text", 1, 1, 1),
        ("photo", 0, 0, 0),
        ("video", 1, 0, 0),
    ]
    html = response.content.decode()
    assert 'aria-valuenow="33"' in html and "老街换新颜" in html
