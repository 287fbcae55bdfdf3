"""The WeChat official account channel against its contract server: the real pipeline (三审 → outbox →
adapter → status), token renewal, WeChat down, a crash half-way, a job still publishing, refusals in
plain words, retraction, and the article markup."""

import logging
from datetime import timedelta
from unittest import mock

import pytest

from rongmei.core import outbox
from rongmei.core.models import OutboxMessage
from rongmei.distribution import services, versions
from rongmei.distribution.adapters import AdapterError, ChannelVersion, Item
from rongmei.distribution.adapters.wechat import WeChatAdapter, cover_crops, parse_remote, wechat_box
from rongmei.distribution.contract.wechat import WeChatContractServer
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.distribution.rendering.wechat import CONTENT_MAX_CHARS, check_content_size, wechat_html
from rongmei.media.channels import focal_box
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.tests.factories import approve_all, pass_review
from rongmei.testing import fresh, make_image

from .factories import only_channel

S = StoryChannelStatus.State
DRAFT_ADD = "/cgi-bin/draft/add"
SUBMIT = "/cgi-bin/freepublish/submit"
GET = "/cgi-bin/freepublish/get"
TOKEN = "/cgi-bin/stable_token"


pytestmark = pytest.mark.usefixtures("empty_cache")


class WorkerDied(BaseException):
    """The process stops mid-send (not an error the sender could catch and record)."""


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def server():
    with WeChatContractServer() as running:
        yield running


def configure(channel, server, **config):
    channel.config = {
        "base_url": server.base_url,
        "app_id": server.app_id,
        "timeout": 5,
        "poll_seconds": 5,
        "poll_interval": 0.01,
        **config,
    }
    channel.save(update_fields=["config"])


@pytest.fixture
def wechat(review, server, allow_loopback, media, monkeypatch):
    """The newsroom's WeChat channel pointed at the contract server, the only channel switched on."""
    monkeypatch.setenv("RONGMEI_CHANNEL_WECHAT_APP_SECRET", server.secret)
    # every published story goes to it
    channel = only_channel(
        "wechat", name="微信公众号", kind="wechat", sort_order=30, selection=Channel.Selection.ALWAYS
    )
    configure(channel, server)
    services.register_channel_sender("wechat")
    return channel


def body_with(image, text="某地今天新建学校三所。"):
    return (
        f"<p>{text}</p>"
        f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="学校"/>'
        '<p>详见<a href="https://example.com/elsewhere">外部网站</a>。</p>'
    )


@pytest.fixture
def cover(media):
    return make_image("封面", size=(1200, 800))


@pytest.fixture
def story(review, cover):
    photo = make_image("校园")
    return review.add_story(
        title="某地新建学校三所",
        body=body_with(photo),
        lead="今年秋季开学前，三所新学校将投入使用。",
        cover_image=cover,
    )


def status_of(story):
    return StoryChannelStatus.objects.select_related("outbox_message").get(
        story=story, channel__code="wechat"
    )


def message_of(story):
    return outbox.messages_about(story).get(target="distribution.wechat", payload__act="publish")


def retry(message):
    message.refresh_from_db()
    return outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(seconds=1))


def item_for(story, channel, **version):
    base = versions.resolve(
        story, channel, revision_id=story.latest_revision_id, adapter=WeChatAdapter(channel)
    )
    recorded = []
    item = Item(
        story=story,
        revision_id=story.latest_revision_id,
        act="publish",
        idempotency_key="test:wechat",
        version=ChannelVersion(**{**base.__dict__, **version}),
        record_remote=lambda **kwargs: recorded.append(kwargs),
    )
    return item, recorded


# --- the happy path ---------------------------------------------------------------------------------------


def test_a_reviewed_story_is_published_on_wechat_with_its_article_address(
    review, wechat, server, story, on_commit, caplog
):
    caplog.set_level(logging.INFO, logger="httpx")
    pass_review(review, story, on_commit)

    status = status_of(story)
    assert status.state == S.PUBLISHED, status.error
    [article] = server.published()
    assert status.remote_url == article["url"] and status.remote_url.startswith("https://mp.weixin.qq.com/s/")
    assert parse_remote(status.remote_id) == ("article", server.jobs[article["publish_id"]]["article_id"])
    assert status_of(story).outbox_message.status == OutboxMessage.Status.SENT

    sent = article["article"]
    assert sent["title"] == "某地新建学校三所"
    assert sent["digest"] == "今年秋季开学前，三所新学校将投入使用。"
    assert sent["content_source_url"] == fresh(story).get_full_url()
    assert sent["thumb_media_id"] in server.materials  # a permanent picture
    # The body's picture went through uploadimg and its address replaced the site's.
    [uploaded] = server.uploaded_urls
    assert f'src="{uploaded}"' in sent["content"] and "/media/" not in sent["content"]
    assert "市民在广场参加活动 记者 王明 摄" in sent["content"]  # the caption and credit under it
    assert "外部网站" in sent["content"] and "example.com" not in sent["content"]  # link → text
    # The crops have WeChat's format and shape (the server checks 2.35:1 and 1:1 on the cover).
    assert sent["pic_crop_1_1"] == "0.166667_0_0.833333_1"
    # One of each call, in order; Chinese sent as UTF-8, not \u escapes.
    paths = [call.path for call in server.calls]
    assert paths.count(DRAFT_ADD) == 1 and paths.count(SUBMIT) == 1 and paths.count(TOKEN) == 1
    assert "某地新建学校三所".encode() in server.calls_to(DRAFT_ADD)[0].body
    # Neither the token nor the secret in the logs (httpx logs each request's address).
    assert "access_token=" in caplog.text
    assert server.current_token not in caplog.text and server.secret not in caplog.text


def test_the_token_is_reused_from_the_cache(review, wechat, server, cover, on_commit):
    for title in ("第一篇", "第二篇"):
        pass_review(review, review.add_story(title=title, cover_image=cover), on_commit)
    assert len(server.published()) == 2
    assert len(server.calls_to(TOKEN)) == 1


# --- the token --------------------------------------------------------------------------------------------


def test_an_expired_token_mid_flow_is_renewed_once_and_the_call_repeated(
    review, wechat, server, story, on_commit
):
    server.fail_next("expired_token", path=DRAFT_ADD)
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.PUBLISHED, status.error
    assert len(server.calls_to(TOKEN)) == 2  # the first token, then its replacement
    assert len(server.calls_to(DRAFT_ADD)) == 2  # refused once, repeated once
    assert server.force_refreshes == 0  # normal mode gave a new token: no forced refresh spent
    assert len(server.drafts) == 1 and len(server.published()) == 1


class StickyTokenServer(WeChatContractServer):
    """Answers the refused token again in normal mode (as WeChat may within its validity)."""

    def stable_token(self, request):
        body = request.json() or {}
        if not body.get("force_refresh") and self.current_token:
            return self.ok_token(self.current_token)
        return super().stable_token(request)

    def ok_token(self, token):
        from rongmei.distribution.contract.base import Response

        return Response(200, {"access_token": token, "expires_in": 100})


def test_a_refused_token_given_again_is_renewed_with_force_refresh(review, wechat, story, on_commit):
    with StickyTokenServer() as sticky:
        configure(wechat, sticky)
        sticky.fail_next("expired_token", path=DRAFT_ADD)
        pass_review(review, story, on_commit)
        assert status_of(story).state == S.PUBLISHED, status_of(story).error
        assert sticky.force_refreshes == 1
        assert len(sticky.published()) == 1


def test_a_wrong_secret_fails_in_plain_words_without_the_secret(
    review, wechat, server, story, on_commit, monkeypatch, english
):
    monkeypatch.setenv("RONGMEI_CHANNEL_WECHAT_APP_SECRET", "not-the-secret")
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.FAILED
    assert "refused the AppSecret" in status.error and "40125" in status.error
    assert "not-the-secret" not in status.error
    assert status.outbox_message.next_attempt_at is None  # trying again cannot help


# --- failures and retries ---------------------------------------------------------------------------------


def test_wechat_down_then_up_publishes_exactly_one_article(review, wechat, server, story, on_commit, english):
    server.fail_next("5xx", path=DRAFT_ADD)
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.FAILED and "server answered with an error (HTTP 502)" in status.error
    message = message_of(story)
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is not None

    with on_commit():
        retry(message)
    assert status_of(story).state == S.PUBLISHED
    assert len(server.published()) == 1 and len(server.drafts) == 1
    assert len(server.calls_to(SUBMIT)) == 1


def test_a_crash_between_draft_and_submit_continues_with_the_recorded_draft(
    review, wechat, server, story, on_commit
):
    with mock.patch.object(WeChatAdapter, "_submit", side_effect=WorkerDied):
        pass_review(review, story, on_commit)
    message = message_of(story)
    assert message.status == OutboxMessage.Status.SENDING  # the worker died holding it
    [draft_id] = server.drafts
    assert message.remote_id == f"draft:{draft_id}"  # recorded before the crash

    with on_commit():
        outbox.deliver(message.pk, now=message.lease_until + timedelta(seconds=1))
    assert status_of(story).state == S.PUBLISHED, status_of(story).error
    assert len(server.calls_to(DRAFT_ADD)) == 1 and len(server.drafts) == 1  # no second draft
    assert len(server.calls_to("/cgi-bin/material/add_material")) == 1
    assert len(server.published()) == 1


def test_still_publishing_is_retried_by_asking_never_by_submitting_again(
    review, wechat, server, story, on_commit, english
):
    configure(wechat, server, poll_seconds=0)
    server.publishing_polls = 1_000_000
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.FAILED and "still publishing" in status.error
    message = message_of(story)
    assert message.remote_id.startswith("publish:") and message.next_attempt_at is not None

    server.finish_publishing()
    with on_commit():
        retry(message)
    status = status_of(story)
    assert status.state == S.PUBLISHED, status.error
    assert status.remote_url == server.published()[0]["url"]
    assert len(server.calls_to(SUBMIT)) == 1 and len(server.calls_to(DRAFT_ADD)) == 1


def test_a_rejected_article_fails_with_the_plain_reason_and_is_not_retried(
    review, wechat, server, story, on_commit, english
):
    server.fail_next("rejected", path=GET)
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.FAILED
    assert "content review rejected the article" in status.error
    assert status.outbox_message.next_attempt_at is None
    assert server.published() == []


def test_the_daily_quota_is_a_retryable_failure_in_plain_words(
    review, wechat, server, story, on_commit, english
):
    server.fail_next("quota", path=SUBMIT)
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.FAILED and "today’s WeChat API quota" in status.error
    message = message_of(story)
    assert message.next_attempt_at is not None
    with on_commit():
        retry(message)
    assert status_of(story).state == S.PUBLISHED
    assert len(server.drafts) == 1 and len(server.published()) == 1  # the recorded draft was submitted


@pytest.mark.parametrize(
    "fault, words",
    [
        ("html", "web page instead of data"),
        ("garbage", "could not be read"),
        ("5xx", "server answered with an error (HTTP 502)"),
        ("down", "Could not reach WeChat"),
        ("timeout", "did not answer within"),
    ],
)
def test_odd_answers_are_retryable_failures_in_plain_words(wechat, server, story, english, fault, words):
    configure(wechat, server, timeout=0.3)
    server.timeout_seconds = 1.0
    server.fail_next(fault, path=DRAFT_ADD)
    item, recorded = item_for(story, wechat)
    with pytest.raises(AdapterError) as failed:
        WeChatAdapter(wechat).publish(item)
    assert failed.value.retryable
    assert words in failed.value.message
    assert server.current_token not in failed.value.message
    assert recorded == [] and server.drafts == {}


# --- refusals before anything is sent ---------------------------------------------------------------------


def test_an_over_limit_title_is_refused_naming_the_field_and_the_limit(wechat, server, story, english):
    item, _recorded = item_for(story, wechat, title="标" * 40)
    with pytest.raises(AdapterError) as refused:
        WeChatAdapter(wechat).publish(item)
    assert not refused.value.retryable
    assert refused.value.message.startswith("WeChat title is too long for WeChat: 40 characters")
    assert "at most 32" in refused.value.message
    assert server.calls == []  # nothing uploaded, no draft

    # A channel that widened the limit by mistake: WeChat's own refusal (45003), in plain words.
    wechat.limits = {"title": {"max_chars": 64}}
    with pytest.raises(AdapterError) as refused:
        WeChatAdapter(wechat).publish(item)
    assert not refused.value.retryable
    assert "title is too long for WeChat (at most 32 characters)" in refused.value.message
    assert "45003" in refused.value.message
    assert server.drafts == {}


@pytest.mark.parametrize(
    "field, value, label, limit",
    [("author", "作" * 17, "Author", 16), ("summary", "摘" * 129, "Digest", 128)],
)
def test_over_limit_author_and_digest_are_refused(wechat, server, story, english, field, value, label, limit):
    item, _recorded = item_for(story, wechat, **{field: value})
    with pytest.raises(AdapterError) as refused:
        WeChatAdapter(wechat).publish(item)
    assert refused.value.message.startswith(f"{label} is too long for WeChat")
    assert f"at most {limit}" in refused.value.message and not refused.value.retryable


def test_check_version_says_before_review_what_wechat_would_refuse(wechat, story, cover, english):
    adapter = WeChatAdapter(wechat)
    assert adapter.check_version(story, ChannelVersion(title="标题", image=cover)) == []
    too_long, no_cover = adapter.check_version(story, ChannelVersion(title="标" * 33))
    assert too_long.startswith("WeChat title is too long") and "at most 32" in too_long
    assert "no cover image" in no_cover
    story.body = "<p>" + "字" * CONTENT_MAX_CHARS + "</p>"
    (too_big,) = adapter.check_version(story, ChannelVersion(title="标题", image=cover))
    assert "too long for WeChat" in too_big and str(CONTENT_MAX_CHARS) in too_big


def test_a_story_without_cover_fails_in_plain_words_and_sends_nothing(
    review, wechat, server, on_commit, english
):
    story = review.add_story(title="没有封面的稿件")
    pass_review(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.FAILED
    assert "no cover image" in status.error and "WeChat needs one" in status.error
    assert status.outbox_message.next_attempt_at is None
    assert server.calls == []


def test_a_missing_app_id_or_secret_names_what_to_set(wechat, server, story, monkeypatch, english):
    item, _recorded = item_for(story, wechat)
    monkeypatch.delenv("RONGMEI_CHANNEL_WECHAT_APP_SECRET")
    with pytest.raises(AdapterError) as refused:
        WeChatAdapter(wechat).publish(item)
    assert "RONGMEI_CHANNEL_WECHAT_APP_SECRET" in refused.value.message and not refused.value.retryable
    wechat.config = {"base_url": server.base_url}
    with pytest.raises(AdapterError) as refused:
        WeChatAdapter(wechat).publish(item)
    assert "app_id" in refused.value.message and not refused.value.retryable


def test_the_api_address_goes_through_the_outbound_guard(wechat, server, story, settings, english):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    item, _recorded = item_for(story, wechat)
    with pytest.raises(AdapterError) as refused:
        WeChatAdapter(wechat).publish(item)
    assert "intranet or local machine" in refused.value.message and not refused.value.retryable
    assert server.calls == []


def test_a_large_photo_is_sent_as_a_jpeg_under_one_megabyte(review, wechat, server, cover, on_commit):
    photo = make_image("大图", size=(1600, 1200), noise=True, fmt="PNG")
    assert photo.file.size > 1024 * 1024  # as uploaded: too large for uploadimg
    story = review.add_story(title="大图", body=body_with(photo), cover_image=cover)
    pass_review(review, story, on_commit)
    assert status_of(story).state == S.PUBLISHED, status_of(story).error
    [upload] = server.calls_to("/cgi-bin/media/uploadimg")
    sent = upload.files["media"].data
    assert sent.startswith(b"\xff\xd8\xff") and len(sent) < 1024 * 1024


# --- retraction -------------------------------------------------------------------------------------------


def retract(review, story, on_commit):
    with on_commit():
        newsroom_services.retract(fresh(story), acting_user=review.reporter, reason="事实有误")
    approve_all(review, story, on_commit)


def test_a_retraction_deletes_the_article_on_wechat(review, wechat, server, story, on_commit):
    pass_review(review, story, on_commit)
    [article] = server.published()
    article_id = server.jobs[article["publish_id"]]["article_id"]

    retract(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.RETRACTED, status.error
    assert server.published() == []
    [delete] = server.calls_to("/cgi-bin/freepublish/delete")
    assert delete.json() == {"article_id": article_id}


def test_a_retraction_finds_an_article_whose_publication_stopped_half_way(
    review, wechat, server, story, on_commit
):
    """The publication failed while WeChat was still publishing; the article came out afterwards.
    The retraction asks about the recorded job and deletes what it became."""
    configure(wechat, server, poll_seconds=0)
    server.publishing_polls = 1_000_000
    pass_review(review, story, on_commit)
    assert status_of(story).state == S.FAILED
    server.finish_publishing()

    retract(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.RETRACTED, status.error
    assert len(server.articles) == 1 and server.published() == []
    assert len(server.calls_to("/cgi-bin/freepublish/delete")) == 1
    assert status.remote_id == ""  # never published here: nothing may later pass for its article


def test_a_correction_of_a_wechat_article_needs_manual_action(review, wechat, server, story, on_commit):
    pass_review(review, story, on_commit)
    with on_commit():
        newsroom_services.correct(fresh(story), acting_user=review.reporter, note="应为两所。")
    approve_all(review, story, on_commit)
    status = status_of(story)
    assert status.state == S.NEEDS_MANUAL and "应为两所。" in status.note
    assert len(server.calls_to(DRAFT_ADD)) == 1  # no second article


def test_the_manual_correction_note_carries_the_corrected_wechat_version(
    review, wechat, server, story, on_commit
):
    """WeChat cannot edit a published article: whoever corrects it by hand gets the correction and
    the channel version as corrected (title, author, digest), not only the note."""
    from rongmei.distribution.models import StoryChannelVersion

    pass_review(review, story, on_commit)
    draft = fresh(story).get_latest_revision_as_object()
    draft.channel_versions = [
        StoryChannelVersion(channel=wechat, title="某地新建学校两所", summary="更正：今年新建的是两所学校。")
    ]
    draft.save_revision(user=review.reporter)
    with on_commit():
        newsroom_services.correct(fresh(story), acting_user=review.reporter, note="应为两所。")
    approve_all(review, story, on_commit)

    status = status_of(story)
    assert status.state == S.NEEDS_MANUAL
    corrected = versions.resolve(fresh(story), wechat, revision_id=status.revision_id)
    assert (corrected.title, corrected.summary) == ("某地新建学校两所", "更正：今年新建的是两所学校。")
    lines = status.note.splitlines()
    assert "应为两所。" in lines[0]
    shown = [name for name in ("title", "author", "summary") if getattr(corrected, name)]
    assert shown[0] == "title" and shown[-1] == "summary"  # the author only when the story has one
    for name in shown:
        label = str(WeChatAdapter.version_fields[name])
        assert any(line.startswith(label) and line.endswith(getattr(corrected, name)) for line in lines), name
    assert len(server.calls_to(DRAFT_ADD)) == 1  # no second article


# --- the cover's crops ------------------------------------------------------------------------------------


def test_crops_are_the_largest_boxes_of_their_shape_around_the_focal_point():
    def crop_box(width, height, ratio, centre=None):
        return wechat_box(focal_box(width, height, ratio, centre), width, height)

    assert crop_box(2350, 1000, 2.35) == "0_0_1_1"
    assert crop_box(1000, 1000, 1.0) == "0_0_1_1"
    assert crop_box(2000, 1000, 1.0) == "0.25_0_0.75_1"  # centred without a focal point
    assert crop_box(2000, 1000, 1.0, (1900, 500)) == "0.5_0_1_1"  # as far right as the edge allows
    x1, y1, x2, y2 = (float(v) for v in crop_box(1000, 1000, 2.35, (500, 100)).split("_"))
    assert (x1, x2, y1) == (0, 1, 0) and y2 == pytest.approx(1 / 2.35, abs=1e-6)
    for value in crop_box(1234, 987, 2.35, (321, 456)).split("_"):
        assert len(value.partition(".")[2]) <= 6


def test_cover_crops_follow_the_images_focal_point(media):
    image = make_image(size=(1000, 500))
    assert cover_crops(image)["pic_crop_1_1"] == "0.25_0_0.75_1"
    image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = (
        100,
        250,
        50,
        50,
    )
    assert cover_crops(image)["pic_crop_1_1"] == "0_0_0.5_1"
    assert cover_crops(image)["pic_crop_235_1"] == "0_0.074468_1_0.925532"


# --- rendering --------------------------------------------------------------------------------------------


def test_rendering_keeps_only_uploaded_images_and_no_active_content(media):
    photo = make_image("校园")
    uploaded = {photo.pk: "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"}
    body = (
        '<p class="lead" style="position:fixed" onclick="steal()">导语<script>alert(1)</script></p>'
        f'<embed embedtype="image" id="{photo.pk}" format="fullwidth" alt="学校"/>'
        '<img src="https://evil.example/track.png" onerror="alert(1)">'
        '<iframe src="https://v.example/player">备用文字</iframe>'
        '<figure class="body-figure"><img src="/media/images/a.jpg" srcset="a 1x"><figcaption>图</figcaption></figure>'
        '<p><a href="https://example.com/x">外链</a> <a linktype="page" id="1">站内</a> '
        '<a href="https://mp.weixin.qq.com/s/abc">往期文章</a></p>'
        '<embed embedtype="media" url="https://v.qq.com/x/page/abc.html"/>'
        "<h2>小标题</h2><ul><li><b>要点</b> <i>一</i></li></ul><hr/><form><input name=x></form>"
    )
    html = wechat_html(body, lambda image: uploaded.get(image.pk, ""))

    for gone in ("<script", "alert", "<iframe", "evil.example", "/media/images", "srcset", "class=", "onclick",
                 "onerror", "position:fixed", "<figure", "<form", "<input", "example.com", "linktype"):  # fmt: skip
        assert gone not in html, gone
    assert html.count("<img ") == 1 and 'src="http://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"' in html
    assert 'alt="学校"' in html and "max-width:100%" in html
    assert "外链" in html and "站内" in html  # links became their text
    assert '<a href="https://mp.weixin.qq.com/s/abc">往期文章</a>' in html
    assert "https://v.qq.com/x/page/abc.html" in html  # the video as its address
    assert "<strong>要点</strong>" in html and "<em>一</em>" in html
    assert '<h2 style="' in html and '<li style="' in html and '<p style="' in html


def test_an_image_without_an_uploaded_copy_is_dropped(media):
    photo = make_image("校园")
    html = wechat_html(
        f'<p>文字</p><embed embedtype="image" id="{photo.pk}" format="fullwidth"/>', lambda i: ""
    )
    assert "<img" not in html and "文字" in html
    assert wechat_html('<embed embedtype="image" id="99999" format="fullwidth"/>', lambda i: "x") == ""


def test_rendering_takes_a_story_and_asks_once_per_image(media, review):
    photo = make_image("校园")
    story = review.add_story(title="两次同一图片", body=body_with(photo) + body_with(photo, "再来一次。"))
    asked = []
    html = wechat_html(story, lambda image: asked.append(image.pk) or "http://mmbiz.qpic.cn/x")
    assert html.count("<img ") == 2 and "再来一次。" in html
    assert set(asked) == {photo.pk}


def test_content_over_wechats_size_is_refused_naming_the_limit(english):
    long_body = "<p>" + "字" * (CONTENT_MAX_CHARS + 10) + "</p>"
    with pytest.raises(AdapterError) as refused:
        wechat_html(long_body, lambda image: "")
    assert not refused.value.retryable
    assert f"fewer than {CONTENT_MAX_CHARS}" in refused.value.message
    check_content_size("<p>" + "字" * 100 + "</p>")  # well under: no error
    html = wechat_html(long_body, lambda image: "", check=False)
    assert len(html) > CONTENT_MAX_CHARS


def test_the_contract_server_drops_images_it_did_not_issue(wechat, server, story):
    """As WeChat filters outside images: a test against it cannot pass with an unuploaded image."""
    adapter = WeChatAdapter(wechat)
    with adapter.session() as wx:
        media_id = wx.call(
            "material/add_material",
            params={"type": "image"},
            files={"media": ("c.jpg", story.cover_image.file.open("rb").read(), "image/jpeg")},
        )["media_id"]
        data = wx.call(
            "draft/add",
            json_body={
                "articles": [
                    {
                        "title": "标题",
                        "content": '<p>文</p><img src="https://example.com/a.jpg"><script>x()</script>',
                        "thumb_media_id": media_id,
                    }
                ]
            },
        )
    stored = server.drafts[data["media_id"]]["articles"][0]["content"]
    assert stored == "<p>文</p>"


def test_a_retry_after_an_interrupted_submit_finds_the_article_and_never_submits_twice(
    review, wechat, server, story, on_commit
):
    """A worker died between WeChat's answer to freepublish/submit and recording the job: only
    "submitting:<draft>" is recorded. The retry finds the draft gone (40007), looks the article up
    by its 阅读原文 link among the published ones, and records it; until it is out it waits."""
    Channel.objects.filter(code="wechat").update(enabled=False)
    pass_review(review, story, on_commit)
    Channel.objects.filter(code="wechat").update(enabled=True)
    channel = Channel.objects.get(code="wechat")
    adapter = WeChatAdapter(channel)
    live = fresh(story)
    recorded = []

    def record(**kwargs):
        if kwargs["remote_id"].startswith("publish:"):
            raise SystemExit  # the worker dies before it can record the publishing job
        recorded.append(kwargs["remote_id"])

    item = Item(
        story=live,
        revision_id=live.live_revision_id,
        act="publish",
        idempotency_key="k",
        version=versions.resolve(live, channel, revision_id=live.live_revision_id),
        record_remote=record,
    )
    server.publishing_polls = 1_000_000
    with pytest.raises(SystemExit):
        adapter.publish(item)
    assert recorded[-1].startswith("submitting:") and len(server.jobs) == 1
    retry = Item(**{**item.__dict__, "remote_id": recorded[-1]})
    # The job is still publishing: not found yet, a retryable failure, no second submit.
    with pytest.raises(AdapterError) as waiting:
        adapter.publish(retry)
    assert waiting.value.retryable and len(server.jobs) == 1
    server.publishing_polls = 0
    server.finish_publishing()
    result = adapter.publish(retry)
    (article,) = server.published()
    assert result.remote_id.startswith("article:") and result.remote_url == article["url"]
    assert len(server.jobs) == 1 and len(server.calls_to("/cgi-bin/freepublish/batchget")) == 2
