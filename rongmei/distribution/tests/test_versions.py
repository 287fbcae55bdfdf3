"""Channel versions (issue 9): chosen per story, defaults per section, checked against the platform's
limits on save, proofread with the story, delivered as 三审 approved them."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from rongmei.distribution import adapters, services, versions
from rongmei.distribution.adapters import Capabilities, ChannelAdapter, Result
from rongmei.distribution.models import Channel, StoryChannelStatus, StoryChannelVersion
from rongmei.newsroom.models import StoryPage
from rongmei.newsroom.tests.factories import pass_review, story_form
from rongmei.proofing import story_checks
from rongmei.proofing.models import Term, WordList
from rongmei.proofing.views import field_label
from rongmei.testing import fresh, login

from .factories import add_story_with_version

S = StoryChannelStatus.State


class EchoAdapter(ChannelAdapter):
    """A platform with a 10-character title limit that remembers what it was given."""

    kind = "echo"
    capabilities = Capabilities(can_update=True, can_retract=True, idempotent=True)
    default_limits = {"title": {"max_chars": 10, "source": "test platform documentation"}}
    version_fields = {"title": "Echo title", "text": "Echo text"}
    received: list = []

    def publish(self, item):
        EchoAdapter.received.append(item.version)
        return Result(remote_id=f"echo-{item.story.pk}")

    update = retract = lambda self, item, remote_id: Result(remote_id=remote_id)


@pytest.fixture
def echo(review, monkeypatch):
    monkeypatch.setitem(adapters.ADAPTERS, "echo", EchoAdapter)
    EchoAdapter.received = []
    services.ensure_channels()
    return Channel.objects.create(
        code="echo", name="回声平台", kind="echo", selection=Channel.Selection.DEFAULT
    )


def with_version(review, channel, **fields):
    return add_story_with_version(
        review, channel, version=fields, title="全市新建学校三所今秋开学", body="<p>某地新建学校三所。</p>"
    )


def test_a_chosen_channel_gets_the_approved_version_and_an_unchosen_one_nothing(review, echo, on_commit):
    chosen = with_version(review, echo, title="三所新校开学")
    pass_review(review, chosen, on_commit)
    plain = review.add_story(title="没选回声平台")
    pass_review(review, plain, on_commit)

    assert [v.title for v in EchoAdapter.received] == ["三所新校开学"]
    assert StoryChannelStatus.objects.get(story=chosen, channel=echo).state == S.PUBLISHED
    assert not StoryChannelStatus.objects.filter(story=plain, channel=echo).exists()
    # The always-on channels got both.
    assert StoryChannelStatus.objects.filter(story=plain, channel__code="website").exists()


def test_a_blank_field_is_generated_from_the_story_within_the_limit(review, echo, on_commit):
    story = with_version(review, echo, title="")
    pass_review(review, story, on_commit)
    (version,) = EchoAdapter.received
    assert version.title == "全市新建学校三所今…"  # the headline, clipped to the 10-character limit
    assert len(version.title) == 10
    assert version.text.startswith("【全市新建学校三所今秋开学】")
    assert version.link == fresh(story).get_full_url()


def test_an_adapter_shapes_its_generated_version_and_the_editors_field_still_wins(
    review, echo, on_commit, monkeypatch
):
    import dataclasses

    def default_version(self, story, base):
        return dataclasses.replace(base, text=base.text + " ~回声")

    monkeypatch.setattr(EchoAdapter, "default_version", default_version)
    generated = with_version(review, echo, text="")
    written = with_version(review, echo, text="编辑写的文字")
    for story in (generated, written):
        pass_review(review, story, on_commit)
    texts = [version.text for version in EchoAdapter.received]
    assert texts == ["【全市新建学校三所今秋开学】某地新建学校三所。 ~回声", "编辑写的文字"]


def test_a_draft_edited_after_approval_does_not_change_what_goes_out(review, echo, on_commit):
    story = with_version(review, echo, title="已审标题")
    pass_review(review, story, on_commit)
    approved = fresh(story).live_revision_id
    draft = fresh(story)
    draft.channel_versions = [StoryChannelVersion(channel=echo, title="未审新标题")]
    draft.save_revision(user=review.reporter)
    assert versions.resolve(fresh(story), echo, revision_id=approved).title == "已审标题"
    assert services.chosen_channel_ids(fresh(story), approved) == {echo.pk}


def test_a_new_story_starts_with_its_sections_default_channels(client, review, echo):
    other = Channel.objects.create(code="echo2", name="只给别的栏目", kind="echo", selection="default")
    other.default_sections.add(
        review.home.add_child(instance=type(review.section)(title="别的栏目", slug="other"))
    )
    login(client, review.reporter)
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "storypage", review.section.pk))
    body = client.get(url).content.decode()
    assert f'<option value="{echo.pk}" selected>' in body
    assert f'<option value="{other.pk}" selected>' not in body
    assert 'id="channel-version-rules"' in body  # the limits the editor's counter uses


def test_an_over_limit_version_is_refused_with_the_field_and_the_limit_and_nothing_is_lost(
    client, review, echo
):
    login(client, review.reporter)
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "storypage", review.section.pk))
    data = story_form(
        channel_versions=inline_formset([{"channel": echo.pk, "title": "这个标题一共有十一个字"}])
    )
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "回声平台" in body and "11" in body and "10" in body
    assert "这个标题一共有十一个字" in body  # what was typed is still there
    assert not StoryPage.objects.filter(title="市政府召开常务会议").exists()

    data = story_form(channel_versions=inline_formset([{"channel": echo.pk, "title": "十字以内"}]))
    assert client.post(url, data).status_code == 302
    story = StoryPage.objects.get(title="市政府召开常务会议")
    assert [(v.channel_id, v.title) for v in story.channel_versions.all()] == [(echo.pk, "十字以内")]


def test_the_always_on_channels_cannot_be_chosen_as_versions(client, review, echo):
    website = Channel.objects.get(code="website")
    login(client, review.reporter)
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "storypage", review.section.pk))
    response = client.post(url, story_form(channel_versions=inline_formset([{"channel": website.pk}])))
    assert response.status_code == 200
    assert not StoryPage.objects.filter(title="市政府召开常务会议").exists()


def test_channel_version_text_is_proofread_with_the_story_and_a_suggestion_lands_in_it(review, echo):
    word_list = WordList.objects.create(name="易错词（测试）", category="misspelling", severity="warn")
    Term.objects.create(word_list=word_list, term="再接再励", suggestion="再接再厉")
    story = with_version(review, echo, text="全市干部再接再励")
    check = story_checks.run_check(fresh(story), trigger="manual")
    finding = check.findings.get(flagged_text="再接再励")
    assert finding.field == f"cv{echo.pk}.text"
    assert field_label(finding.field) == "回声平台 · 文字"
    story_checks.accept_suggestion(finding, acting_user=review.editor)
    latest = fresh(story).latest_revision.as_object()
    assert [v.text for v in latest.channel_versions.all()] == ["全市干部再接再厉"]


def test_a_weibo_text_that_leaves_no_room_for_the_link_is_refused_before_review(client, review, echo):
    weibo = Channel.objects.get(code="weibo")
    weibo.enabled = True
    weibo.config = {"safe_domain": "localhost", "rip": "127.0.0.1"}
    weibo.save()
    login(client, review.reporter)
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "storypage", review.section.pk))
    response = client.post(
        url, story_form(channel_versions=inline_formset([{"channel": weibo.pk, "text": "字" * 130}]))
    )
    assert response.status_code == 200
    assert not StoryPage.objects.filter(title="市政府召开常务会议").exists()
    assert "微博" in response.content.decode()
    fits = story_form(channel_versions=inline_formset([{"channel": weibo.pk, "text": "字" * 60}]))
    assert client.post(url, fits).status_code == 302


def test_a_channel_of_one_outlet_takes_only_that_outlets_stories(review, echo, on_commit):
    from rongmei.organisation.models import Outlet

    morning = Outlet.objects.create(name="晨报", short_name="晨报", slug="morning")
    echo.outlets.add(morning)
    ours = with_version(review, echo, title="日报的稿")  # the test newsroom's own outlet
    pass_review(review, ours, on_commit)
    assert not StoryChannelStatus.objects.filter(story=ours, channel=echo).exists()
    assert EchoAdapter.received == []
    echo.outlets.add(review.outlet)
    theirs = with_version(review, echo, title="也发日报")
    pass_review(review, theirs, on_commit)
    assert StoryChannelStatus.objects.get(story=theirs, channel=echo).state == S.PUBLISHED


def test_the_apps_list_title_is_labelled_as_the_short_title(review, english):
    """Issue 9 names a "short title" (短标题) among the versions' fields: the app's list title is it
    (the API sends it as the ninjs headline of role "short"), and the editor's label says so."""
    from rongmei.distribution.panels import channel_rules

    services.ensure_channels()
    rules = channel_rules(Channel.objects.get(code="app"))
    assert rules["fields"]["title"] == "Short title (app list title)"
