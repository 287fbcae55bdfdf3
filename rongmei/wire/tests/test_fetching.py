"""Fetching partners' feeds end to end against a local feed server: items stored, refused items kept
on the source per item, updates as new versions, errors in plain words, the periodic job."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from rongmei.core.scheduler import registered_jobs
from rongmei.wire import services, tasks
from rongmei.wire.models import WireItem, WireSource

from .feed_server import PartnerFeedServer
from .helpers import make_source, ninjs_item


@pytest.fixture
def server(allow_loopback):
    with PartnerFeedServer() as srv:
        yield srv


@pytest.mark.django_db
def test_ninjs_feed_stores_the_good_items_and_names_the_bad_ones(server):
    server.serve_fixture("/feed.json", "partner_ninjs.json")
    source = make_source(url=server.url("/feed.json"))
    report = services.fetch_source(source.pk)
    assert report.ok and report.created == 2
    item = WireItem.objects.get(guid="urn:partner:xinhua:item:1001")
    assert item.source == source and item.state == WireItem.State.NEW
    assert item.rights.endswith("转载须注明“新华社”")  # the item's own terms
    assert "<script" not in item.body_html and item.raw["by"] == "新华社记者 张华"
    plain = WireItem.objects.get(guid="urn:partner:xinhua:item:1003")
    assert plain.rights == "转载须注明来源"  # none of its own: the source's note
    source.refresh_from_db()
    assert source.last_success_at and source.last_run_new == 2
    refs = [problem["ref"] for problem in source.problem_messages]
    assert refs == ["urn:partner:xinhua:item:1002", "没有 uri 的稿件", "#5"]
    with translation.override("en"):
        messages = dict(source.problem_messages[0]["errors"])
    assert messages["versioncreated"].startswith("This is not a date and time")
    # the same feed again: nothing new, nothing updated
    again = services.fetch_source(source.pk)
    assert again.created == 0 and again.updated == 0
    assert WireItem.objects.filter(source=source).count() == 2


@pytest.mark.django_db
def test_a_new_version_updates_the_item_and_flags_an_adopted_one(server):
    source = make_source(url=server.url("/feed.json"))
    server.serve("/feed.json", json.dumps([ninjs_item(version="1", headline="第一版")]))
    services.fetch_source(source.pk)
    item = WireItem.objects.get()
    item.state = WireItem.State.ADOPTED
    item.save()
    server.serve("/feed.json", json.dumps([ninjs_item(version="2", headline="第二版")]))
    report = services.fetch_source(source.pk)
    assert report.updated == 1 and report.created == 0
    item.refresh_from_db()
    assert item.headline == "第二版" and item.version == "2" and item.versions_received == 2
    assert item.updated_after_adoption
    # the partner withdraws it
    server.serve(
        "/feed.json", json.dumps([{"uri": "urn:partner:x:1", "version": "3", "pubstatus": "canceled"}])
    )
    services.fetch_source(source.pk)
    item.refresh_from_db()
    assert item.is_withdrawn and item.withdrawn_at and item.headline == "第二版"


@pytest.mark.django_db
def test_an_older_version_arriving_late_changes_nothing(server):
    source = make_source(url=server.url("/feed.json"))
    newer = ninjs_item(version="b", headline="新", versioncreated="2026-11-26T10:00:00Z")
    older = ninjs_item(version="a", headline="旧", versioncreated="2026-11-26T09:00:00Z")
    server.serve("/feed.json", json.dumps([newer]))
    services.fetch_source(source.pk)
    server.serve("/feed.json", json.dumps([older]))
    assert services.fetch_source(source.pk).updated == 0
    assert WireItem.objects.get().headline == "新"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, name, count", [("rss", "partner_rss.xml", 2), ("atom", "partner_atom.xml", 1)]
)
def test_rss_and_atom_sources(server, kind, name, count):
    server.serve_fixture("/feed.xml", name)
    source = make_source(kind=kind, url=server.url("/feed.xml"), rights_note="合作协议第3条")
    report = services.fetch_source(source.pk)
    assert report.ok and report.created == count
    assert len(report.problems) == 1
    assert WireItem.objects.filter(source=source).count() == count
    assert all(item.rights for item in WireItem.objects.filter(source=source))


@pytest.mark.django_db
def test_conditional_get_with_the_partners_etag(server):
    server.serve("/feed.json", json.dumps([ninjs_item()]), ETag='"v1"')
    source = make_source(url=server.url("/feed.json"))
    services.fetch_source(source.pk)
    source.refresh_from_db()
    assert source.etag == '"v1"'
    services.fetch_source(source.pk)
    assert server.calls[-1].headers.get("if-none-match") == '"v1"'


@pytest.mark.django_db
def test_errors_stay_on_the_source_in_plain_words(server):
    source = make_source(url=server.url("/missing.json"))
    report = services.fetch_source(source.pk)
    assert not report.ok and report.error_code == "not_found"
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and source.next_fetch_at > timezone.now()
    with translation.override("en"):
        assert source.last_error_message == "The address no longer exists (HTTP 404)."
    server.serve("/bad.json", b"{broken")
    source.url = server.url("/bad.json")
    source.save()
    services.fetch_source(source.pk)
    source.refresh_from_db()
    assert source.last_error_code == "bad_json"
    with translation.override("en"):
        assert source.last_error_message.startswith("The partner did not send valid JSON")


@pytest.mark.django_db
def test_a_private_address_is_refused_on_save_and_when_fetching():
    source = WireSource(name="内网", kind=WireSource.Kind.RSS, url="http://127.0.0.1:8080/feed.xml")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "127.0.0.1" in str(error.value.message_dict["url"])
    source.save()  # as if saved before the rule: the fetch refuses it too
    report = services.fetch_source(source.pk)
    assert report.error_code == "outbound_refused"
    push_with_url = WireSource(name="推送", kind=WireSource.Kind.PUSH, url="https://example.com/")
    with pytest.raises(ValidationError) as error:
        push_with_url.full_clean()
    assert "url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        WireSource(name="无地址", kind=WireSource.Kind.NINJS, poll_interval_minutes=1).full_clean()
    assert set(error.value.message_dict) == {"url", "poll_interval_minutes"}


def test_loopback_allowed_only_with_the_fixture(allow_loopback):
    WireSource(name="测试", kind=WireSource.Kind.RSS, url="http://127.0.0.1:8080/feed.xml").full_clean()


def test_the_periodic_job_is_registered():
    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["wire_fetch_due_sources"].task_path == "rongmei.wire.tasks.fetch_due_sources"
    assert jobs["wire_fetch_due_sources"].every_minutes == 1


@pytest.mark.django_db
def test_the_periodic_task_fetches_due_polled_sources_once(server):
    server.serve("/feed.json", json.dumps([ninjs_item()]))
    due = make_source(url=server.url("/feed.json"))
    later = make_source(name="未到时间", url=server.url("/feed.json"))
    WireSource.objects.filter(pk=later.pk).update(next_fetch_at=timezone.now() + timedelta(minutes=5))
    make_source(name="停用", url=server.url("/feed.json"), active=False)
    make_source(name="推送", kind=WireSource.Kind.PUSH)
    result = tasks.fetch_due_sources.enqueue()
    assert result.return_value == [due.pk]
    assert WireItem.objects.filter(source=due).count() == 1
    # claimed: the next minute's run leaves it alone until its interval has passed
    assert tasks.fetch_due_sources.enqueue().return_value == []
    due.refresh_from_db()
    assert due.next_fetch_at > timezone.now() + timedelta(minutes=14)
