"""The demo's partners: idempotent, the pull token works, pushes reach the demo partner server."""

from datetime import timedelta

from django.utils import timezone

from rongmei.distribution import services as distribution_services
from rongmei.newsroom.models import Region
from rongmei.partners import demo, services
from rongmei.partners.models import Partner, PartnerToken


def test_load_demo_is_idempotent_and_its_token_pulls(client, site, settings):
    settings.PARTNERS_FEED_SETTLE_SECONDS = 0
    first = demo.load_demo()
    demo.load_demo()
    assert Partner.objects.count() == 2 and PartnerToken.objects.count() == 1
    assert services.channel_for(first["county"]).enabled
    assert services.channel_for(first["provincial"]) is None
    story = site.story(title="演示稿件")
    type(story).objects.filter(pk=story.pk).update(last_published_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/partners/api/v1/items", HTTP_AUTHORIZATION=f"Bearer {demo.DEMO_PULL_TOKEN}")
    assert [i["headlines"][0]["value"] for i in response.json()["items"]] == ["演示稿件"]


def test_the_demo_partner_server_receives_the_county_pushes(review, site, allow_loopback, on_commit):
    from rongmei.newsroom.tests.factories import pass_review

    distribution_services.ensure_channels()
    huantai = Region.objects.create(
        name="桓台县", slug="huantai", level=Region.Level.DISTRICT, parent=site.city
    )
    server = demo.start_partner_server(port=0)
    try:
        loaded = demo.load_demo(push_url=server.push_url)
        assert list(loaded["county"].regions.all()) == [huantai]
        pass_review(review, review.add_story(title="张店新闻"), on_commit)  # not the county's
        story = review.add_story(title="桓台新闻")
        story.regions = [huantai]
        story.save_revision(user=review.reporter)
        pass_review(review, story, on_commit)
        assert [i["headlines"][0]["value"] for i in server.received_items()] == ["桓台新闻"]
    finally:
        server.stop()
