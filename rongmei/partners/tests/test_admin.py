"""The 合作媒体 admin: who sees it, the partner form, tokens and secrets shown once."""

import pytest
from django.urls import reverse

from rongmei.partners import services
from rongmei.partners.models import Partner, PartnerToken
from rongmei.testing import login


@pytest.fixture
def chief_client(client, site):
    return login(client, site.newsroom.chief)


@pytest.fixture
def partner(site):
    return site.partner("省融媒体中心")


def test_the_menu_and_screens_are_for_managers_only(client, site, partner):
    dashboard = reverse("wagtailadmin_home")
    for username, allowed in (("reporter", False), ("editor", False), ("director", True), ("chief", True)):
        login(client, getattr(site.newsroom, username))
        home = client.get(dashboard)
        assert (reverse("partners_index") in home.content.decode()) is allowed, username
        # Wagtail answers a refusal in its admin with a redirect to the dashboard and a message.
        for url in (reverse("partners_index"), reverse("partners_edit", args=[partner.pk])):
            response = client.get(url)
            if allowed:
                assert response.status_code == 200, (username, url)
            else:
                assert (response.status_code, response.url) == (302, dashboard), (username, url)
        response = client.post(reverse("partners_token_add", args=[partner.pk]))
        if allowed:
            assert response.status_code == 200, username
        else:
            assert (response.status_code, response.url) == (302, dashboard), username
        client.logout()
    assert PartnerToken.objects.count() == 2  # the director's and the chief's


def test_adding_a_partner_keeps_what_was_typed_when_the_push_address_is_refused(chief_client, site):
    data = {
        "name": "某县融媒体中心",
        "level": "county",
        "contact": "张主任 0533-1234567",
        "active": "on",
        "push_url": "http://192.168.1.20/push",
        "rights_note": "可转载，须注明来源",
        "regions": [site.city.pk],
        "sections": [site.newsroom.section.pk],
    }
    response = chief_client.post(reverse("partners_add"), data)
    assert response.status_code == 200
    assert "push_url" in response.context["form"].errors
    page = response.content.decode()
    assert "张主任 0533-1234567" in page and "可转载，须注明来源" in page
    assert not Partner.objects.exists()

    data["push_url"] = "https://partner.example.com/rongmei/push"
    response = chief_client.post(reverse("partners_add"), data)
    partner = Partner.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("partners_edit", args=[partner.pk])
    assert list(partner.regions.all()) == [site.city]
    assert list(partner.sections.all()) == [site.newsroom.section.specific]
    assert services.channel_for(partner).enabled


def test_a_token_is_shown_once_and_only_its_hash_is_kept(chief_client, partner):
    response = chief_client.post(reverse("partners_token_add", args=[partner.pk]), {"label": "稿件库"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["shown"]
    assert raw.startswith("rmp_") and raw in response.content.decode()
    token = PartnerToken.objects.get(partner=partner)
    assert token.label == "稿件库" and services.authenticate(raw) == token
    # Afterwards: the first characters, never the token.
    page = chief_client.get(reverse("partners_edit", args=[partner.pk])).content.decode()
    assert token.shown_part in page and raw not in page
    # A GET to the creating address creates nothing.
    chief_client.get(reverse("partners_token_add", args=[partner.pk]))
    assert PartnerToken.objects.count() == 1


def test_revoking_a_token(chief_client, site, partner):
    token, raw = services.create_token(partner, acting_user=site.newsroom.chief)
    response = chief_client.post(reverse("partners_token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == site.newsroom.chief
    with pytest.raises(services.Refused):
        services.authenticate(raw)
    # Revoking needs POST and a manager.
    assert chief_client.get(reverse("partners_token_revoke", args=[token.pk])).status_code == 405


def test_the_signing_secret_is_shown_once_and_kept_sealed(chief_client, partner):
    response = chief_client.post(reverse("partners_secret", args=[partner.pk]), {"secret": ""})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = response.context["shown"]
    assert len(secret) >= 32 and secret in response.content.decode()
    partner.refresh_from_db()
    assert partner.signing_secret_sealed and secret not in partner.signing_secret_sealed
    assert services.signing_secret(partner) == secret
    page = chief_client.get(reverse("partners_edit", args=[partner.pk])).content.decode()
    assert secret not in page and partner.signing_secret_sealed not in page

    # Too short: refused with the reason, the old secret kept.
    response = chief_client.post(
        reverse("partners_secret", args=[partner.pk]), {"secret": "short"}, follow=True
    )
    assert "签名密钥至少 32 个字符" in response.content.decode()
    partner.refresh_from_db()
    assert services.signing_secret(partner) == secret


def test_the_list_shows_last_pull_and_push(chief_client, site, partner, client):
    raw = site.token(partner)
    client.get("/partners/api/v1/items", HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = chief_client.get(reverse("partners_index"))
    partner.refresh_from_db()
    assert partner.last_pull_at is not None
    assert partner.last_pull_at.astimezone().strftime("%Y-%m-%d") in response.content.decode()
