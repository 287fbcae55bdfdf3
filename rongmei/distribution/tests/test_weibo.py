"""The Weibo channel against its contract server: a reviewed story is posted once, with its link."""

import io
import random

import httpx
import pytest
from django.core.files.images import ImageFile

from rongmei.core.models import OutboxMessage
from rongmei.distribution.adapters import ChannelVersion, Item
from rongmei.distribution.adapters import weibo as weibo_adapter
from rongmei.distribution.adapters.weibo import WeiboAdapter
from rongmei.distribution.contract.weibo import SHARE, WeiboContractServer
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.distribution.rendering.plain import (
    StatusError,
    compose_weibo_status,
    plain_text,
    weibo_length,
    weibo_status,
)
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
pytestmark = pytest.mark.usefixtures("english")


# --- fixtures and helpers ------------------------------------------------------------------------------


@pytest.fixture
def server():
    with WeiboContractServer() as contract:
        contract.timeout_seconds = 1.5
        yield contract


def weibo_channel(base_url, **config):
    return only_channel(
        "weibo",
        name="微博",
        kind="weibo",
        config={
            "base_url": base_url,
            "timeout": 0.5,
            "safe_domain": "localhost",
            "rip": "203.0.113.7",
            **config,
        },
    )


@pytest.fixture
def channel(review, server, allow_loopback, monkeypatch):
    monkeypatch.setenv("RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN", server.access_token)
    return weibo_channel(server.base_url)


def add_story(newsroom, channel, *, text="", image=None, **fields):
    return add_story_with_version(newsroom, channel, version={"text": text, "image": image}, **fields)


def png(width=40, height=30, *, noise=False) -> bytes:
    from PIL import Image

    picture = Image.new("RGB", (width, height), (200, 30, 30))
    if noise:
        rng = random.Random(7)
        picture.putdata(
            [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)]
        )
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def news_image(data, name="photo.png"):
    from rongmei.media.models import NewsImage

    return NewsImage.objects.create(title="现场", file=ImageFile(io.BytesIO(data), name=name))


# --- the pipeline ------------------------------------------------------------------------------------


def test_a_reviewed_story_is_posted_once_with_the_editors_text_and_its_link(
    review, channel, server, on_commit
):
    story = add_story(review, channel, title="新建学校三所", text="我市今年新建学校三所，秋季开学。")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert len(server.posts) == 1
    post = server.posts[0]
    link = fresh(story).get_full_url()
    assert post["text"] == f"我市今年新建学校三所，秋季开学。 {link}"
    assert row.remote_id == post["idstr"]
    assert row.remote_url == f"https://weibo.com/{server.uid}/{post['idstr']}"
    call = server.calls_to(SHARE)[0]
    assert call.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert call.form["rip"] == "203.0.113.7"
    assert message_of(story, channel).status == OutboxMessage.Status.SENT


def test_the_generated_text_is_shortened_to_leave_room_for_the_link(review, channel, server, on_commit):
    story = add_story(review, channel, title="标题很长" * 10, lead="这是一段很长的导语。" * 20)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    status = server.posts[0]["text"]
    assert weibo_length(status) <= 140
    assert status.endswith(" " + fresh(story).get_full_url())
    assert "…" in status
    assert "shortened" in row.note


def test_the_editors_text_over_the_limit_is_refused_naming_the_field_and_the_limit(
    review, channel, server, on_commit
):
    story = add_story(review, channel, title="超长", text="字" * 130)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED
    assert "Weibo text" in row.error and "at most 140" in row.error and "130 characters" in row.error
    assert not server.calls  # refused here, before Weibo
    message = message_of(story, channel)
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is None  # not retried


def test_weibo_refuses_a_status_over_140_when_the_channel_limit_is_set_wider(
    review, channel, server, on_commit
):
    Channel.objects.filter(pk=channel.pk).update(limits={"text": {"max_chars": 300}})
    story = add_story(review, channel, title="超长", text="字" * 130)
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED
    assert "longer than 140" in row.error and "20012" in row.error
    assert message_of(story, channel).next_attempt_at is None
    assert server.posts == []


def test_topic_marks_are_left_out_and_staff_are_told(review, channel, server, on_commit):
    story = add_story(review, channel, title="两会", text="#两会#今天开幕，#民生#话题受关注")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.PUBLISHED, row.error
    assert server.posts[0]["text"].startswith("两会今天开幕，民生话题受关注 ")
    assert "#" not in server.posts[0]["text"]
    assert "“两会”" in row.note and "“民生”" in row.note


def test_the_picture_goes_as_multipart(review, channel, server, on_commit):
    image = news_image(png())
    story = add_story(review, channel, title="有图", text="现场图片", image=image)
    pass_review(review, story, on_commit)

    assert status_of(story, channel).state == S.PUBLISHED
    call = server.calls_to(SHARE)[0]
    assert call.headers["content-type"].startswith("multipart/form-data")
    assert call.files["pic"].data[:8] == b"\x89PNG\r\n\x1a\n"
    assert call.form["status"].startswith("现场图片 ")
    assert "original_pic" in server.posts[0]


def test_a_picture_over_the_limit_goes_as_a_smaller_jpeg(review, channel, server, on_commit, monkeypatch):
    data = png(300, 300, noise=True)
    # The limit scaled down so the test needs no 5 MB file: the PNG is over it, a JPEG rendition under.
    monkeypatch.setattr(weibo_adapter, "PICTURE_MAX_BYTES", len(data) - 1)
    story = add_story(review, channel, title="大图", text="大图", image=news_image(data))
    pass_review(review, story, on_commit)

    assert status_of(story, channel).state == S.PUBLISHED
    sent = server.calls_to(SHARE)[0].files["pic"]
    assert sent.data[:3] == b"\xff\xd8\xff" and len(sent.data) < len(data)


def test_a_link_off_the_safe_domain_is_refused_before_posting(
    review, server, allow_loopback, monkeypatch, on_commit
):
    monkeypatch.setenv("RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN", server.access_token)
    channel = weibo_channel(server.base_url, safe_domain="news.example.cn")
    story = add_story(review, channel, title="安全域名", text="正文")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "news.example.cn" in row.error
    assert not server.calls


def test_without_rip_the_channel_says_what_to_configure(
    review, server, allow_loopback, monkeypatch, on_commit
):
    monkeypatch.setenv("RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN", server.access_token)
    channel = weibo_channel(server.base_url, rip="")
    story = add_story(review, channel, title="无IP", text="正文")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "“rip”" in row.error
    assert not server.calls


def test_an_expired_token_is_not_retried_and_the_message_says_how_to_renew_it(
    review, channel, server, on_commit
):
    server.fail_next("expired_token")
    story = add_story(review, channel, title="过期", text="正文")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED
    assert "RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN" in row.error and "21327" in row.error
    assert server.access_token not in row.error
    assert message_of(story, channel).next_attempt_at is None
    assert server.posts == []


def test_a_rate_limit_is_retried_and_the_story_is_posted_once(review, channel, server, on_commit):
    server.fail_next("quota")
    story = add_story(review, channel, title="限流", text="正文")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED and "10023" in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is not None  # waits for its retry
    deliver_again(message)
    assert status_of(story, channel).state == S.PUBLISHED
    assert len(server.posts) == 1


def test_platform_down_then_up_posts_exactly_once(review, allow_loopback, monkeypatch, on_commit):
    contract = WeiboContractServer()
    port = unreachable(contract)  # Weibo is down: nothing listens
    monkeypatch.setenv("RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN", contract.access_token)
    channel = weibo_channel(f"http://127.0.0.1:{port}")
    story = add_story(review, channel, title="宕机", text="正文")
    pass_review(review, story, on_commit)
    assert_failed_then_sent_once_when_up(
        story, channel, contract, port, error="nothing was posted", sent=lambda: contract.posts
    )


@pytest.mark.parametrize("fault", ["garbage", "html", "5xx", "down"])
def test_an_answer_that_is_not_weibos_fails_in_plain_words_and_is_never_posted_twice(
    review, channel, server, on_commit, fault
):
    server.fail_next(fault)
    story = add_story(review, channel, title="乱码", text="正文")
    pass_review(review, story, on_commit)

    row = status_of(story, channel)
    assert row.state == S.FAILED
    assert "not known" in row.error and "look on Weibo" in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is not None  # retryable: the next attempt asks for a check
    deliver_again(message)
    row = status_of(story, channel)
    assert row.state == S.NEEDS_MANUAL
    assert "post it by hand" in row.note and row.remote_id == weibo_adapter.UNCONFIRMED
    assert len(server.calls_to(SHARE)) == 1  # asked once, never again


def test_a_post_whose_answer_comes_too_late_is_never_posted_twice(review, channel, server, on_commit):
    server.fail_next("posted_then_timeout")
    story = add_story(review, channel, title="超时", text="正文")
    pass_review(review, story, on_commit)

    assert status_of(story, channel).state == S.FAILED
    deliver_again(message_of(story, channel))
    assert status_of(story, channel).state == S.NEEDS_MANUAL
    assert len(server.posts) == 1
    assert len(server.calls_to(SHARE)) == 1


def test_a_retraction_and_a_correction_need_manual_action(review, channel, server, on_commit):
    story = add_story(review, channel, title="撤稿", text="正文")
    pass_review(review, story, on_commit)
    assert status_of(story, channel).state == S.PUBLISHED

    with on_commit():
        newsroom_services.correct(fresh(story), acting_user=review.reporter, note="应为两所。")
    approve_all(review, story, on_commit)
    row = status_of(story, channel)
    assert row.state == S.NEEDS_MANUAL and "应为两所。" in row.note

    with on_commit():
        newsroom_services.retract(fresh(story), acting_user=review.reporter, reason="事实有误")
    approve_all(review, story, on_commit)
    row = status_of(story, channel)
    assert row.state == S.NEEDS_MANUAL and row.note
    assert len(server.calls_to(SHARE)) == 1  # nothing but the first post


# --- the adapter alone -----------------------------------------------------------------------------------


def test_exists_reads_what_the_previous_attempt_recorded(review, channel):
    adapter = WeiboAdapter(channel)

    def item(remote_id):
        return Item(story=None, revision_id=None, act="publish", idempotency_key="k", remote_id=remote_id)

    assert adapter.exists(item("")) is None
    assert adapter.exists(item(weibo_adapter.NOT_POSTED)) is None
    unknown = adapter.exists(item(weibo_adapter.OUTCOME_UNKNOWN))  # e.g. a worker died mid-post
    assert unknown.needs_manual and unknown.remote_id == weibo_adapter.UNCONFIRMED
    # A later publishing act on a story whose first post is unconfirmed does not post either.
    assert adapter.exists(item(weibo_adapter.UNCONFIRMED)).needs_manual
    assert adapter.publish(item(weibo_adapter.UNCONFIRMED)).needs_manual
    found = adapter.exists(item("4950000000000001"))
    assert found.remote_id == "4950000000000001" and not found.needs_manual


def test_an_unknown_error_code_is_shown_with_weibos_words_and_not_retried(review, channel):
    error = WeiboAdapter(channel).refusal({"error_code": 21332, "error": "invalid_access_token"})
    assert not error.retryable and "21332" in error.message and "invalid_access_token" in error.message


# --- the contract server's rules ---------------------------------------------------------------------


def test_the_contract_server_enforces_the_documented_rules(server):
    def share(**form):
        data = {"access_token": server.access_token, "rip": "203.0.113.7", **form}
        files = data.pop("files", None)
        return httpx.post(server.base_url + SHARE, data=data, files=files, timeout=5).json()

    link = "http://localhost/story/1/"
    assert share(access_token="wrong", status="x " + link)["error_code"] == "21301"
    assert share(status="")["error_code"] == "10016"
    assert share(status="x " + link, rip="")["error_code"] == "10016"
    assert share(status="字" * 141 + link)["error_code"] == "20012"
    assert share(status="#话题# " + link)["error_code"] == "20021"
    assert share(status="没有链接")["error_code"] == "20018"
    assert share(status="别的域名 https://example.com/")["error_code"] == "20018"
    assert share(status="图片", files={"pic": ("a.bmp", b"BM0000", "image/bmp")})["error_code"] == "20018"
    assert (
        share(status="图 " + link, files={"pic": ("a.bmp", b"BM0000", "image/bmp")})["error_code"] == "20005"
    )
    big = b"\xff\xd8\xff" + b"0" * 5_000_000
    assert share(status="图 " + link, files={"pic": ("a.jpg", big, "image/jpeg")})["error_code"] == "20006"
    first = share(status="第一条 " + link)
    assert first["idstr"] and first["user"]["idstr"] == server.uid
    assert share(status="第一条 " + link)["error_code"] == "20019"
    assert len(server.posts) == 1


# --- plain-text rendering ---------------------------------------------------------------------------------


def test_plain_text_keeps_paragraphs_lists_and_line_breaks():
    html = (
        '<h2>标题</h2><p>第一段，<a linktype="page" id="3">链接</a>&amp;更多。</p>'
        '<embed embedtype="image" id="5" format="fullwidth" alt="图"/>'
        "<p>第二段<br/>换行</p><ol><li>一</li><li>二</li></ol><ul><li>甲</li></ul>"
        "<p>  多个   空格\n 在这里 </p><p></p>"
    )
    assert (
        plain_text(html)
        == "标题\n\n第一段，链接&更多。\n\n第二段\n换行\n\n1. 一\n\n2. 二\n\n· 甲\n\n多个 空格 在这里"
    )
    assert plain_text("<p>一</p><p>二</p>", paragraph_break="\n") == "一\n二"
    assert plain_text("没有标签 &lt;b&gt;") == "没有标签 <b>"
    assert plain_text("") == ""


def test_weibo_status_composition():
    link = "https://news.example.cn/a/1/"
    assert weibo_status(ChannelVersion(text="正文", link=link)) == "正文 " + link
    # A text that holds the link already is used as it is.
    assert weibo_status(ChannelVersion(text=f"见 {link} 详情", link=link)) == f"见 {link} 详情"
    assert weibo_status(ChannelVersion(text="", link=link)) == link
    with pytest.raises(StatusError, match="no public address"):
        weibo_status(ChannelVersion(text="正文", link=""))
    room = 140 - len(link) - 1
    assert weibo_length(weibo_status(ChannelVersion(text="字" * room, link=link))) == 140
    with pytest.raises(StatusError, match=f"at most {room}"):
        weibo_status(ChannelVersion(text="字" * (room + 1), link=link))
    shortened = compose_weibo_status(ChannelVersion(text="字" * 200, link=link), shorten=True)
    assert (
        shortened.shortened and weibo_length(shortened.text) == 140 and shortened.text.endswith("… " + link)
    )
    topics = compose_weibo_status(ChannelVersion(text="＃全角＃与#半角#", link=link))
    assert topics.text.startswith("全角与半角 ") and topics.removed_topics == ("全角", "半角")


def test_weibo_length_counts_characters_outside_the_bmp_twice():
    assert weibo_length("微博") == 2
    assert weibo_length("ab") == 2  # never more lenient than Weibo's ½ for Latin letters
    assert weibo_length("😀") == 2


def test_check_version_says_before_review_what_weibo_would_refuse(review, channel):
    adapter = WeiboAdapter(channel)
    link = "http://localhost/a/1/"
    assert adapter.check_version(None, ChannelVersion(text="正文", link=link)) == []
    (too_long,) = adapter.check_version(None, ChannelVersion(text="字" * 140, link=link))
    assert "Weibo text" in too_long and "at most 140" in too_long
    assert adapter.check_version(None, ChannelVersion(text="字" * 140, link=link), edited=False) == []
    (off_domain,) = adapter.check_version(None, ChannelVersion(text="正文", link="https://elsewhere.cn/a/"))
    assert "localhost" in off_domain
