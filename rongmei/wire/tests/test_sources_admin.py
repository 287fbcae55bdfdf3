"""The sources in the admin: the list with states, add/edit with the shared secret (stored
encrypted, never shown again), delete kept for sources with items, and "fetch now"."""

import json

import pytest
from django.urls import reverse

from rongmei.testing import login
from rongmei.wire.models import WireItem, WireSource

from .feed_server import PartnerFeedServer
from .helpers import SECRET, make_source, ninjs_item


def test_the_sources_list_shows_states_and_refused_items(client, newsroom):
    source = make_source(url="https://partner.example/feed.json", name="新华社")
    WireSource.objects.filter(pk=source.pk).update(
        last_run_problems=[
            {"ref": "urn:bad:1", "errors": {"headlines": [{"code": "required", "params": {}}]}}
        ],
        last_error_code="not_found",
        last_error_params={"status": 404},
    )
    push = make_source(kind=WireSource.Kind.PUSH, name="合作台")
    login(client, newsroom.director)
    html = client.get(reverse("wire_sources")).content.decode()
    assert "新华社" in html and "urn:bad:1" in html and "<code>headlines</code>" in html
    assert f"/wire/push/{push.pk}/" in html
    assert SECRET not in html and push.secret_encrypted not in html
    assert reverse("wire_fetch_source", args=[source.pk]) in html
    assert reverse("wagtailsnippets_wire_wiresource:edit", args=[source.pk]) not in html  # director: no edit


def form_data(**overrides):
    data = {
        "name": "合作台",
        "kind": "push",
        "url": "",
        "active": "on",
        "poll_interval_minutes": "15",
        "rights_note": "转载须注明来源",
        "shared_secret": "",
    }
    data.update(overrides)
    return data


def test_adding_a_push_source_with_its_secret(client, newsroom):
    login(client, newsroom.chief)
    add_url = reverse("wagtailsnippets_wire_wiresource:add")
    refused = client.post(add_url, form_data(shared_secret="short"))
    assert refused.status_code == 200 and WireSource.objects.count() == 0
    assert refused.context["form"].errors["shared_secret"]
    assert 'value="合作台"' in refused.content.decode()  # what was typed stays (the secret does not)
    missing = client.post(add_url, form_data())
    assert "shared_secret" in missing.context["form"].errors
    response = client.post(add_url, form_data(shared_secret=SECRET))
    assert response.status_code == 302
    source = WireSource.objects.get()
    assert source.shared_secret() == SECRET and SECRET not in source.secret_encrypted
    edit_url = reverse("wagtailsnippets_wire_wiresource:edit", args=[source.pk])
    page = client.get(edit_url).content.decode()
    assert SECRET not in page and source.secret_encrypted not in page
    # saving without typing a secret keeps it; typing one replaces it
    client.post(edit_url, form_data(name="合作台（新）"))
    source.refresh_from_db()
    assert source.name == "合作台（新）" and source.shared_secret() == SECRET
    client.post(edit_url, form_data(shared_secret="n" * 40))
    source.refresh_from_db()
    assert source.shared_secret() == "n" * 40


def test_a_private_feed_address_is_refused_on_the_form(client, newsroom):
    login(client, newsroom.chief)
    response = client.post(
        reverse("wagtailsnippets_wire_wiresource:add"),
        form_data(kind="rss", url="http://192.168.1.10/rss.xml"),
    )
    assert response.status_code == 200 and "url" in response.context["form"].errors
    assert WireSource.objects.count() == 0


def test_a_source_with_items_is_switched_off_not_deleted(client, newsroom):
    source = make_source(url="https://partner.example/feed.json")
    WireItem.objects.create(source=source, guid="g-1", headline="稿件")
    login(client, newsroom.chief)
    response = client.post(reverse("wagtailsnippets_wire_wiresource:delete", args=[source.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("wire_sources")
    assert WireSource.objects.filter(pk=source.pk).exists()
    empty = make_source(name="空源", url="https://partner.example/empty.json")
    client.post(reverse("wagtailsnippets_wire_wiresource:delete", args=[empty.pk]))
    assert not WireSource.objects.filter(pk=empty.pk).exists()


def test_fetch_now_queues_the_task(client, newsroom, allow_loopback, django_capture_on_commit_callbacks):
    with PartnerFeedServer() as server:
        server.serve("/feed.json", json.dumps([ninjs_item()]))
        source = make_source(url=server.url("/feed.json"))
        login(client, newsroom.director)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("wire_fetch_source", args=[source.pk]))
        assert response.status_code == 302
        assert WireItem.objects.filter(source=source).count() == 1
        source.refresh_from_db()
        assert source.last_success_at is not None


def test_fetch_now_is_refused_without_the_permission(client, newsroom, django_capture_on_commit_callbacks):
    source = make_source(url="https://partner.example/feed.json")
    login(client, newsroom.editor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("wire_fetch_source", args=[source.pk]))
    assert response.status_code == 302 and callbacks == []
    source.refresh_from_db()
    assert source.next_fetch_at is None


@pytest.mark.parametrize("username", ["editor", "director", "chief"])
def test_the_menu_shows_the_incoming_wire_to_editors(client, newsroom, username):
    login(client, getattr(newsroom, username))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'"{reverse("wire_items")}"' in html
    assert (f'"{reverse("wire_sources")}"' in html) == (username != "editor")
