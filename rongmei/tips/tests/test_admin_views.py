"""The tips desk's screens and who may read what: the contact only for the desk, each read logged."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from rongmei.testing import fresh, login
from rongmei.tips import services
from rongmei.tips.models import ContactRead, Reward, Tip

from .factories import receive

PHONE = "13800001234"


@pytest.fixture
def tip(desk):
    return receive(contact_name="张先生", contact_phone=PHONE)


def test_the_desk_lists_new_tips_and_filters_them(desk, tip, client):
    receive(text="另一条：公交站牌倒了", location="周村区")
    services.triage(tip, acting_user=desk.desk, state=Tip.State.NOT_NEWS)
    login(client, desk.desk)
    page = client.get(reverse("tips_desk")).content.decode()
    assert tip.reference in page and "公交站牌倒了" in page
    assert PHONE not in page
    filtered = client.get(reverse("tips_desk"), {"state": "not_news"}).content.decode()
    assert tip.reference in filtered and "公交站牌倒了" not in filtered
    searched = client.get(reverse("tips_desk"), {"q": "站牌"}).content.decode()
    assert "公交站牌倒了" in searched and tip.reference not in searched


@pytest.mark.parametrize("who", ["reporter", "editor", "director", "chief", "newmedia"])
def test_other_roles_cannot_open_the_desk_or_a_tip(desk, tip, client, who):
    login(client, getattr(desk, who))
    for url in (reverse("tips_desk"), reverse("tips_tip", args=[tip.pk]), reverse("tips_rewards")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    response = client.post(reverse("tips_contact", args=[tip.pk]))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not ContactRead.objects.exists()


def test_the_desk_reads_the_contact_only_by_asking_and_the_read_is_logged(desk, tip, client):
    login(client, desk.desk)
    page = client.get(reverse("tips_tip", args=[tip.pk])).content.decode()
    assert tip.text in page and PHONE not in page and "张先生" not in page
    assert not ContactRead.objects.exists()
    response = client.post(reverse("tips_contact", args=[tip.pk]))
    assert PHONE in response.content.decode() and "张先生" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    read = ContactRead.objects.get()
    assert (read.tip, read.user, read.where) == (tip, desk.desk, "tip")
    assert ModelLogEntry.objects.filter(action="rongmei.tips.contact_read", user=desk.desk).exists()
    assert client.get(reverse("tips_contact", args=[tip.pk])).status_code == 405


def test_an_assigned_reporter_reads_the_text_but_never_the_contact(desk, tip, client):
    services.assign(tip, acting_user=desk.desk, person=desk.reporter)
    login(client, desk.reporter)
    page = client.get(reverse("tips_tip", args=[tip.pk])).content.decode()
    assert tip.text in page and PHONE not in page and "张先生" not in page
    assert tip.reference in client.get(reverse("tips_mine")).content.decode()
    response = client.post(reverse("tips_contact", args=[tip.pk]))
    assert response.status_code == 302 and not ContactRead.objects.exists()
    response = client.post(reverse("tips_act", args=[tip.pk, "note"]), {"note": "已到现场"})
    assert tip.events.filter(action="note", actor=desk.reporter).exists()
    response = client.post(reverse("tips_act", args=[tip.pk, "triage"]), {"state": "not_news"})
    assert fresh(tip).state == Tip.State.FOLLOW_UP


def test_the_public_api_never_carries_the_contact(desk, tip, client):
    story = desk.add_story(title="幸福路井盖丢失", body="<p>记者接到市民爆料。</p>", publish=True)
    services.link_story(tip, acting_user=desk.desk, story=story)
    for url in ("/api/v1/items", f"/api/v1/items/{story.pk}", "/api/v1/openapi.json", story.url):
        body = client.get(url).content.decode()
        assert PHONE not in body and "张先生" not in body, url


def test_the_desk_takes_a_hotline_tip_and_works_it(desk, client):
    login(client, desk.desk)
    response = client.post(
        reverse("tips_hotline"),
        {
            "text": "来电：北京路一处围墙倒塌",
            "location": "北京路",
            "contact_name": "孙先生",
            "contact_phone": "13900000000",
        },
    )
    tip = Tip.objects.get()
    assert response.url == reverse("tips_tip", args=[tip.pk])
    assert tip.source == Tip.Source.HOTLINE and tip.taken_by == desk.desk
    client.post(reverse("tips_act", args=[tip.pk, "assign"]), {"person": desk.reporter.pk})
    assert fresh(tip).assigned_to == desk.reporter
    story = desk.add_story(title="北京路围墙倒塌", publish=True)
    client.post(reverse("tips_act", args=[tip.pk, "story"]), {"story": story.pk})
    assert fresh(tip).story_id == story.pk and Reward.objects.get(tip=tip).state == Reward.State.DUE
    response = client.post(reverse("tips_act", args=[tip.pk, "reward"]), {"amount": "80"})
    assert "reason" in response.content.decode() or "理由" in response.content.decode()
    client.post(reverse("tips_act", args=[tip.pk, "reward"]), {"amount": "80", "reason": "现场视频"})
    client.post(reverse("tips_act", args=[tip.pk, "payment"]), {"method": "cash"})
    assert fresh(tip).reward.state == Reward.State.PAID


def test_the_rewards_page_and_its_excel_export(desk, tip, client):
    story = desk.add_story(title="井盖补上了", publish=True)
    services.link_story(tip, acting_user=desk.desk, story=story)
    services.set_reward(tip, acting_user=desk.desk, lead_story=False)
    login(client, desk.desk)
    page = client.get(reverse("tips_rewards")).content.decode()
    assert tip.reference in page and PHONE not in page
    response = client.post(reverse("tips_rewards_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert PHONE in [cell.value for cell in sheet[2]]
    assert ContactRead.objects.filter(where="payment_list").count() == 1


def test_an_attachment_downloads_for_the_desk_only(desk, client):
    from .factories import jpeg_with_gps

    tip = receive(files=[services.prepare_upload(jpeg_with_gps())])
    attachment = tip.attachments.get()
    url = reverse("tips_attachment", args=[attachment.pk])
    login(client, desk.editor)
    assert client.get(url).status_code in (302, 403)
    login(client, desk.desk)
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_one_click_turns_a_tip_into_a_topic(desk, tip, client):
    login(client, desk.desk)
    assert 'id="topic-form"' in client.get(reverse("tips_tip", args=[tip.pk])).content.decode()
    response = client.post(reverse("tips_act", args=[tip.pk, "topic"]))
    assert response.url == reverse("tips_tip", args=[tip.pk])
    tip = fresh(tip)
    assert tip.topic is not None
    page = client.get(reverse("tips_tip", args=[tip.pk])).content.decode()
    assert reverse("planning_topic", args=[tip.topic.pk]) in page and 'id="topic-form"' not in page


def test_the_settings_are_edited_in_the_admin_and_shown_on_the_form(desk, client):
    from rongmei.tips.models import TipsSettings

    login(client, desk.admin)
    url = client.get(reverse("wagtailsettings:edit", args=["tips", "tipssettings"])).url
    assert client.get(url).status_code == 200
    data = {
        field.name: getattr(TipsSettings(), field.name)
        for field in TipsSettings._meta.fields
        if field.name not in ("id",)
    }
    data.update(hotline="0533-2345678", promise="线索奖最低100元", reward_minimum="100")
    client.post(url, data)
    assert TipsSettings.objects.get().reward_minimum == 100
    page = client.get("/tips/").content.decode()
    assert "0533-2345678" in page and "线索奖最低100元" in page
