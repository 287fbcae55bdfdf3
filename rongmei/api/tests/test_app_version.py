"""The app channel's version (issue 9): a list title and thumbnail 三审 approved with the story show in
the content API's items, and every item still validates against the IPTC ninjs 2.1 schema."""

from django.urls import reverse

from rongmei.distribution.models import Channel, StoryChannelVersion
from rongmei.distribution.services import ensure_channels
from rongmei.testing import make_image


def test_the_app_version_gives_the_list_title_and_thumbnail(client, api_site, valid):
    ensure_channels()
    app = Channel.objects.get(code="app")
    thumbnail = make_image(caption="列表缩略图")
    story = api_site.story(
        title="全市首批32个“一刻钟便民生活圈”建成投用",
        channel_versions=[StoryChannelVersion(channel=app, title="便民生活圈来了", image=thumbnail)],
    )
    plain = api_site.story(title="没有客户端版本的稿件")

    listing = client.get(reverse("api-v1:latest")).json()
    items = {item["altids"][0]["value"]: valid(item) for item in listing["items"]}
    mine = items[str(story.pk)]
    assert {"role": "short", "value": "便民生活圈来了"} in mine["headlines"]
    assert [a["name"] for a in mine["associations"]] == ["thumbnail"]  # no cover; the app's thumbnail
    assert mine["associations"][0]["uri"].endswith(f":image:{thumbnail.pk}")
    assert [h["role"] for h in items[str(plain.pk)]["headlines"]] == ["main"]

    one = valid(client.get(reverse("api-v1:item", kwargs={"story_id": story.pk})).json())
    assert {"role": "short", "value": "便民生活圈来了"} in one["headlines"]
