"""The Douyin channel against its contract server: a reviewed story's video is uploaded and posted once."""

import pytest
from django.core.files.base import ContentFile

from rongmei.core import outbox
from rongmei.distribution.adapters import Item
from rongmei.distribution.adapters import douyin as douyin_adapter
from rongmei.distribution.adapters.douyin import DouyinAdapter
from rongmei.distribution.contract.douyin import DouyinContractServer
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.tests.factories import approve_all, pass_review
from rongmei.testing import fresh

from .factories import (
    add_story_with_version,
    assert_failed_then_sent_once_when_up,
    deliver_again,
    message_of,
    only_channel,
    status_of,
    unreachable,
)

S = StoryChannelStatus.State
pytestmark = pytest.mark.usefixtures("english", "empty_cache")


# --- fixtures and helpers ------------------------------------------------------------------------------


@pytest.fixture
def server():
    with DouyinContractServer() as contract:
        contract.timeout_seconds = 1.5
        yield contract


def douyin_channel(base_url, **config):
    return only_channel(
        "douyin",
        name="抖音",
        kind="douyin",
        config={"base_url": base_url, "timeout": 0.5, "open_id": "open-id-test", **config},
    )


@pytest.fixture
def credentials(server, monkeypatch):
    monkeypatch.setenv("RONGMEI_CHANNEL_DOUYIN_CLIENT_KEY", server.client_key)
    monkeypatch.setenv("RONGMEI_CHANNEL_DOUYIN_REFRESH_TOKEN", server.refresh_token_value)


@pytest.fixture
def channel(review, server, allow_loopback, credentials):
    return douyin_channel(server.base_url)


def video_document(size=3000, name="clip.mp4", *, vertical=False, state="ready"):
    """A library video (rongmei.video) with its short-video rendition of ``size`` bytes: a 9:16
    rendition, or for a ``vertical`` original its 720p one."""
    from rongmei.video.models import VideoAsset, VideoRendition

    data = (b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (size // 256 + 1))[:size]
    width, height = (720, 1280) if vertical else (1920, 1080)
    video = VideoAsset.objects.create(title="现场视频", state=state, width=width, height=height, duration=3.0)
    kind = VideoRendition.Kind.P720 if vertical else VideoRendition.Kind.VERTICAL
    rendition = VideoRendition(asset=video, kind=kind, width=720, height=1280, file_size=size)
    rendition.file.save(name, ContentFile(data), save=True)
    if not vertical:  # the landscape 720p is there too, and must not be the one sent
        other = VideoRendition(
            asset=video, kind=VideoRendition.Kind.P720, width=1280, height=720, file_size=7
        )
        other.file.save("landscape.mp4", ContentFile(b"\x00" * 7), save=True)
    return video


def add_story(newsroom, channel, *, text="", video=True, size=3000, **fields):
    """A draft story with Douyin chosen (its channel version) and, unless ``video=False``, a video."""
    if video is True:
        fields["video"] = video_document(size)
    elif video:
        fields["video"] = video
    return add_story_with_version(newsroom, channel, version={"text": text}, **fields)


# --- the pipeline ------------------------------------------------------------------------------------


def with_topics(review, story, *, topics=(), tags=()):
    """The story's draft given 专题 (topic pages, made here) and tags, in a new revision."""
    from rongmei.newsroom.models import TopicIndexPage, TopicPage

    index = review.home.add_child(instance=TopicIndexPage(title="专题", slug="zhuanti"))
    draft = fresh(story).get_latest_revision_as_object()
    draft.topics = [
        index.add_child(instance=TopicPage(title=title, slug=f"topic-{number}"))
        for number, title in enumerate(topics)
    ]
    draft.tags.add(*tags)
    draft.save_revision(user=review.reporter)
    return fresh(story)


def test_a_blank_caption_is_generated_with_the_storys_topics_as_hashtags(review, channel, server, on_commit):
    story = add_story(review, channel, title="老街换新颜", lead="张店老街改造完成，今起开放。")
    story = with_topics(review, story, topics=["记者走基层·走进张店"], tags=["城市更新", "老街"])
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    (posted,) = server.items.values()
    assert posted["text"] == "【老街换新颜】张店老街改造完成，今起开放。 #记者走基层走进张店 #城市更新 #老街"


def test_the_generated_caption_keeps_within_the_channels_limit_with_whole_topics(review, channel):
    from rongmei.distribution import versions

    channel.limits = {"text": {"max_chars": 30, "source": "the account's own rule"}}
    channel.save(update_fields=["limits"])
    story = add_story(
        review, channel, title="老街换新颜", lead="张店老街改造完成，今起开放，市民可以免费参观。"
    )
    story = with_topics(review, story, topics=["记者走基层·走进张店"], tags=["城市更新"])
    caption = versions.generated(story.get_latest_revision_as_object(), channel).text
    assert len(caption) == 30
    assert caption.endswith("… #记者走基层走进张店")  # the second topic did not fit: left out whole
    assert caption.startswith("【老街换新颜】张店")


def test_a_reviewed_story_with_a_video_is_uploaded_and_posted_once(review, channel, server, on_commit):
    story = add_story(review, channel, title="现场", text="#城市更新 老街换新颜")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert list(server.items) == [row.remote_id]
    posted = server.items[row.remote_id]
    assert posted["text"] == "#城市更新 老街换新颜"
    assert server.videos[posted["video_id"]] == 3000
    upload = server.calls_to("/video/upload/")[0]
    assert upload.query["open_id"] == "open-id-test" and upload.headers["access-token"].startswith("act.")
    sent = fresh(story).video.rendition("vertical")
    assert upload.files["video"].filename == sent.file.name.rsplit("/", 1)[-1]
    assert not server.calls_to("/video/part/init/")
    assert server.refreshes == 1
    assert "review" in row.note  # only the account sees it until Douyin approves it
    assert message_of(story, channel).remote_id == row.remote_id


def test_a_vertical_original_goes_to_douyin_as_its_720p(review, channel, server, on_commit):
    story = add_story(
        review, channel, title="竖屏", video=video_document(2000, name="upright.mp4", vertical=True)
    )
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert server.calls_to("/video/upload/")[0].files["video"].filename.startswith("upright")
    assert server.videos[server.items[row.remote_id]["video_id"]] == 2000


def test_a_video_still_transcoding_is_sent_when_it_is_ready(review, channel, server, on_commit):
    from rongmei.video.models import VideoAsset

    video = video_document(state="transcoding")
    VideoAsset.objects.filter(pk=video.pk).update(percent_done=40)
    story = add_story(review, channel, title="转码中", video=video)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "40%" in row.error and "ready" in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is not None and not server.calls_to("/video/upload/")
    VideoAsset.objects.filter(pk=video.pk).update(state="ready", percent_done=100)
    deliver_again(message)
    assert status_of(story, channel).state == S.PUBLISHED


def test_a_video_that_failed_to_transcode_is_not_retried(review, channel, server, on_commit):
    from rongmei.video.models import VideoAsset

    video = video_document(state="failed")
    VideoAsset.objects.filter(pk=video.pk).update(failure_message="the file is damaged")
    story = add_story(review, channel, title="转码失败", video=video)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "the file is damaged" in row.error
    assert message_of(story, channel).next_attempt_at is None


def test_the_access_token_is_kept_between_deliveries(review, channel, server, on_commit):
    for title in ("第一条", "第二条"):
        pass_review(review, add_story(review, channel, title=title), on_commit)
    assert len(server.items) == 2
    assert server.refreshes == 1


@pytest.mark.parametrize("fault", ["expired_token", "expired_token_2190008"])
def test_an_expired_token_is_renewed_once_and_the_call_repeated(review, channel, server, on_commit, fault):
    server.fail_next(fault, path="/video/create/")
    story = add_story(review, channel, title="令牌过期")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert server.refreshes == 2
    assert len(server.items) == 1 and len(server.calls_to("/video/upload/")) == 1


def test_a_used_up_quota_is_retried_later_and_the_video_posted_once(review, channel, server, on_commit):
    server.fail_next("quota", path="/video/create/")
    story = add_story(review, channel, title="配额用完", text="#城市更新 配额")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "2190001" in row.error and "quota" in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is not None  # waits for its retry
    assert server.items == {}
    deliver_again(message)
    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert list(server.items) == [row.remote_id]
    assert len(server.calls_to("/video/create/")) == 2


def test_an_expired_refresh_token_asks_for_a_new_authorisation(review, channel, server, on_commit):
    server.fail_next("refresh_expired", path="/oauth/refresh_token/")
    story = add_story(review, channel, title="授权过期")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED
    assert "RONGMEI_CHANNEL_DOUYIN_REFRESH_TOKEN" in row.error and "10010" in row.error
    assert server.refresh_token_value not in row.error
    assert message_of(story, channel).next_attempt_at is None
    assert not server.calls_to("/video/upload/")


def test_a_large_video_goes_up_in_parts(review, channel, server, on_commit, monkeypatch):
    # Parts of 1,000 bytes instead of Douyin's 5 MB minimum, so the test needs no large file.
    monkeypatch.setattr(douyin_adapter, "MIN_CHUNK_BYTES", 1000)
    server.min_chunk_bytes = 1000
    server.single_max_bytes = 1500
    Channel.objects.filter(pk=channel.pk).update(
        config={**channel.config, "chunk_bytes": 1000, "chunk_above_bytes": 1500}
    )
    story = add_story(review, channel, title="分片", size=2500)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    parts = server.calls_to("/video/part/upload/")
    assert [call.query["part_number"] for call in parts] == ["1", "2", "3"]
    assert [len(call.files["video"].data) for call in parts] == [1000, 1000, 500]
    upload_id = server.calls_to("/video/part/init/")[0] and parts[0].query["upload_id"]
    assert all(call.query["upload_id"] == upload_id for call in parts)
    assert server.calls_to("/video/part/complete/")[0].query["upload_id"] == upload_id
    assert not server.calls_to("/video/upload/")
    assert server.videos[server.items[row.remote_id]["video_id"]] == 2500


def test_the_part_size_is_at_least_douyins_minimum(review, channel):
    Channel.objects.filter(pk=channel.pk).update(
        config={**channel.config, "chunk_bytes": 1000, "chunk_above_bytes": 10**12}
    )
    adapter = DouyinAdapter(Channel.objects.get(pk=channel.pk))
    assert adapter.chunk_bytes == 5 * 1024 * 1024
    assert adapter.chunk_above_bytes == 128 * 1024 * 1024


def test_the_contract_server_refuses_small_parts_gaps_and_reused_videos(server):
    import httpx

    form = {"client_key": server.client_key, "grant_type": "refresh_token", "refresh_token": "wrong"}
    assert (
        httpx.post(server.base_url + "/oauth/refresh_token/", data=form).json()["data"]["error_code"] == 10010
    )
    form["refresh_token"] = server.refresh_token_value
    token = httpx.post(server.base_url + "/oauth/refresh_token/", data=form).json()["data"]["access_token"]
    headers = {"access-token": token}
    query = {"open_id": server.open_id}

    def post(path, **kwargs):
        params = {**query, **kwargs.pop("params", {})}
        return httpx.post(server.base_url + path, params=params, headers=headers, timeout=5, **kwargs).json()[
            "data"
        ]

    server.min_chunk_bytes = 100
    upload_id = post("/video/part/init/")["upload_id"]
    for number, size in ((1, 50), (2, 100)):
        post("/video/part/upload/", params={"upload_id": upload_id, "part_number": number},
             files={"video": ("a.mp4", b"0" * size)})  # fmt: skip
    assert (
        post("/video/part/complete/", params={"upload_id": upload_id})["error_code"] == 2100005
    )  # part 1 < min
    upload_id = post("/video/part/init/")["upload_id"]
    for number in (1, 3):
        post("/video/part/upload/", params={"upload_id": upload_id, "part_number": number},
             files={"video": ("a.mp4", b"0" * 100)})  # fmt: skip
    assert post("/video/part/complete/", params={"upload_id": upload_id})["error_code"] == 2100005  # gap
    assert post("/video/part/upload/", params={"upload_id": "nope", "part_number": 1},
                files={"video": ("a.mp4", b"0")})["error_code"] == 2100005  # fmt: skip
    video_id = post("/video/upload/", files={"video": ("a.mp4", b"0" * 10)})["video"]["video_id"]
    assert post("/video/create/", json={"text": "x"})["error_code"] == 10005
    assert post("/video/create/", json={"video_id": video_id, "text": "x"})["item_id"]
    assert post("/video/create/", json={"video_id": video_id, "text": "x"})["error_code"] == 2100005  # reused
    assert post("/video/delete/", json={"item_id": "@nope"})["error_code"] == 2100005
    headers["access-token"] = "wrong"
    assert post("/video/upload/", files={"video": ("a.mp4", b"0")})["error_code"] == 10008
    assert len(server.items) == 1


def test_platform_down_then_up_posts_exactly_once(review, allow_loopback, monkeypatch, on_commit):
    contract = DouyinContractServer()
    port = unreachable(contract)  # Douyin is down: nothing listens
    monkeypatch.setenv("RONGMEI_CHANNEL_DOUYIN_CLIENT_KEY", contract.client_key)
    monkeypatch.setenv("RONGMEI_CHANNEL_DOUYIN_REFRESH_TOKEN", contract.refresh_token_value)
    channel = douyin_channel(f"http://127.0.0.1:{port}")
    story = add_story(review, channel, title="宕机")
    pass_review(review, story, on_commit)
    assert_failed_then_sent_once_when_up(
        story, channel, contract, port, error="Could not reach Douyin", sent=lambda: contract.items
    )


@pytest.mark.parametrize("fault", ["garbage", "html", "5xx"])
def test_a_garbled_answer_to_the_upload_fails_in_plain_words_and_the_retry_posts_once(
    review, channel, server, on_commit, fault
):
    server.fail_next(fault, path="/video/upload/")
    story = add_story(review, channel, title="乱码")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "not its usual reply" in row.error and "uploaded again" in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is not None
    deliver_again(message)
    assert status_of(story, channel).state == S.PUBLISHED
    assert len(server.items) == 1


@pytest.mark.parametrize("fault", ["garbage", "down", "created_then_timeout"])
def test_a_post_with_no_clear_answer_is_never_posted_twice(review, channel, server, on_commit, fault):
    server.fail_next(fault, path="/video/create/")
    story = add_story(review, channel, title="结果未知")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "not known" in row.error
    deliver_again(message_of(story, channel))
    row = status_of(story, channel)
    assert row.state == S.NEEDS_MANUAL and "post it by hand" in row.note
    assert len(server.calls_to("/video/create/")) == 1
    assert len(server.items) == (1 if fault == "created_then_timeout" else 0)

    # Its retraction cannot know either: someone looks on Douyin.
    with on_commit():
        newsroom_services.retract(fresh(story), acting_user=review.reporter, reason="撤稿")
    approve_all(review, story, on_commit)
    assert status_of(story, channel).state == S.NEEDS_MANUAL
    assert not server.calls_to("/video/delete/")


def test_a_retry_after_the_upload_does_not_upload_again(review, channel, server, on_commit):
    # The upload works; the create finds the token expired and Douyin's token service down.
    DouyinAdapter(channel)._account()  # the token the upload uses
    server.fail_next("expired_token", path="/video/create/")
    server.fail_next("5xx", path="/oauth/refresh_token/")
    story = add_story(review, channel, title="只传一次")
    pass_review(review, story, on_commit)

    assert status_of(story, channel).state == S.FAILED
    message = message_of(story, channel)
    assert message.remote_id.startswith("video:")
    deliver_again(message)
    assert status_of(story, channel).state == S.PUBLISHED
    assert len(server.calls_to("/video/upload/")) == 1 and len(server.items) == 1


def test_a_refused_create_uploads_afresh_on_the_next_attempt(review, channel, server, on_commit):
    server.fail_next("no_permission", path="/video/create/")
    story = add_story(review, channel, title="无权限")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "10004" in row.error and "video.create" in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is None  # not retried by itself
    with on_commit():
        outbox.retry_now(message, acting_user=review.admin)  # after the account granted the permission
    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert len(server.calls_to("/video/upload/")) == 2  # a video id serves one create only
    assert len(server.items) == 1


def test_a_retraction_deletes_the_post(review, channel, server, on_commit):
    story = add_story(review, channel, title="撤稿")
    pass_review(review, story, on_commit)
    item_id = status_of(story, channel).remote_id

    with on_commit():
        newsroom_services.retract(fresh(story), acting_user=review.reporter, reason="事实有误")
    approve_all(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.RETRACTED, row.error
    assert server.deleted == [item_id] and not server.items
    assert server.calls_to("/video/delete/")[0].json() == {"item_id": item_id}


def test_a_correction_needs_manual_action(review, channel, server, on_commit):
    story = add_story(review, channel, title="更正")
    pass_review(review, story, on_commit)
    with on_commit():
        newsroom_services.correct(fresh(story), acting_user=review.reporter, note="应为两所。")
    approve_all(review, story, on_commit)
    row = status_of(story, channel)
    assert row.state == S.NEEDS_MANUAL and "应为两所。" in row.note
    assert len(server.calls_to("/video/create/")) == 1


def test_a_story_without_a_video_gets_a_clear_message(review, channel, server, on_commit):
    story = add_story(review, channel, title="没有视频", video=False)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "no video" in row.error and "Douyin takes videos only" in row.error
    assert message_of(story, channel).next_attempt_at is None
    assert not server.calls


def test_a_caption_over_the_channels_limit_names_the_field_and_the_limit(review, channel, server, on_commit):
    Channel.objects.filter(pk=channel.pk).update(limits={"text": {"max_chars": 55}})
    story = add_story(review, channel, title="标题", text="字" * 56)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED
    assert "Douyin caption" in row.error and "at most 55" in row.error and "56 characters" in row.error
    assert not server.calls


def test_exists_reads_what_the_previous_attempt_recorded(review, channel):
    adapter = DouyinAdapter(channel)

    def item(remote_id):
        return Item(story=None, revision_id=None, act="publish", idempotency_key="k", remote_id=remote_id)

    assert adapter.exists(item("")) is None
    assert adapter.exists(item("video:v1")) is None  # uploaded only: publish posts it
    assert adapter.exists(item(douyin_adapter.NOT_CREATED)) is None
    assert adapter.exists(item("item:@abc")).remote_id == "@abc"
    unknown = adapter.exists(item("creating:v1"))
    assert unknown.needs_manual and unknown.remote_id == "unconfirmed:v1"
    assert adapter.exists(item("@abc")).remote_id == "@abc"  # as the sender stores it with the result
    assert adapter.publish(item("unconfirmed:v1")).needs_manual  # a later act does not post either
    assert adapter.retract(item(""), "unconfirmed:v1").needs_manual
    assert not adapter.retract(item(""), "").needs_manual  # never posted: nothing to delete


def test_capabilities():
    assert DouyinAdapter.capabilities.can_retract and not DouyinAdapter.capabilities.can_update
    assert not DouyinAdapter.capabilities.idempotent


def test_check_version_says_before_review_what_douyin_would_refuse(review, channel):
    from rongmei.distribution.adapters import ChannelVersion

    Channel.objects.filter(pk=channel.pk).update(limits={"text": {"max_chars": 5}})
    adapter = DouyinAdapter(Channel.objects.get(pk=channel.pk))
    story = review.add_story(title="无视频")
    no_video, too_long = adapter.check_version(story, ChannelVersion(text="字" * 6))
    assert "no video" in no_video and "at most 5" in too_long
    story.video = video_document()
    assert adapter.check_version(story, ChannelVersion(text="字" * 5)) == []
    story.video = video_document(state="transcoding")
    (transcoding,) = adapter.check_version(story, ChannelVersion(text="字" * 5))
    assert "still being uploaded or transcoded" in transcoding


def test_a_video_over_fifteen_minutes_is_refused_before_review_and_never_uploaded(
    review, channel, server, on_commit
):
    from rongmei.distribution.adapters import ChannelVersion
    from rongmei.distribution.adapters.douyin import VIDEO_MAX_SECONDS
    from rongmei.video.models import VideoAsset

    adapter = DouyinAdapter(Channel.objects.get(pk=channel.pk))
    story = review.add_story(title="长视频")
    story.video = video_document()
    VideoAsset.objects.filter(pk=story.video.pk).update(duration=VIDEO_MAX_SECONDS + 1)
    story.video.refresh_from_db()
    (too_long,) = adapter.check_version(story, ChannelVersion(text="长视频"))
    assert "15:01" in too_long and "15 minutes" in too_long

    VideoAsset.objects.filter(pk=story.video.pk).update(duration=VIDEO_MAX_SECONDS)
    story.video.refresh_from_db()
    assert adapter.check_version(story, ChannelVersion(text="长视频")) == []

    long_video = video_document()
    VideoAsset.objects.filter(pk=long_video.pk).update(duration=16 * 60)
    sent = add_story(review, channel, title="超长视频", video=fresh(long_video))
    pass_review(review, sent, on_commit)
    row = status_of(sent, channel)
    assert row.state == S.FAILED and "16:00" in row.error
    assert message_of(sent, channel).next_attempt_at is None
    assert server.videos == {}
