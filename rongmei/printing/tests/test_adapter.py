"""The print channel's adapter: the story's print status with the other channels'."""

from rongmei.distribution.adapters import ADAPTERS, Item
from rongmei.distribution.adapters.print_edition import PrintAdapter
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.tests.factories import approve_all
from rongmei.printing import services
from rongmei.testing import fresh


def _item(story):
    return Item(story=story, revision_id=story.live_revision_id, act="publish", idempotency_key="k")


def test_the_print_adapter_is_found_by_its_kind_and_declares_what_it_can(db):
    assert ADAPTERS["print"] is PrintAdapter
    caps = PrintAdapter.capabilities
    assert (caps.can_update, caps.can_retract) == (False, False)
    assert set(PrintAdapter.version_fields) == {"title", "target_length"}
    assert str(PrintAdapter.version_fields["title"]) == "Print headline"
    assert str(PrintAdapter.version_fields["target_length"]) == "Target length (characters)"


def test_publish_says_where_the_story_stands_in_print(paper, issue, approved_story):
    adapter = PrintAdapter(Channel.objects.get(kind="print"))
    result = adapter.publish(_item(approved_story))
    assert result.needs_manual and result.note == "Awaiting placement on a page plan."
    services.place_story(issue, 2, approved_story, acting_user=paper.editor)
    result = adapter.publish(_item(approved_story))
    assert result.needs_manual and "Page 2 · 时政" in result.note and "awaiting sign-off" in result.note
    page = services.mark_page_proof(issue.pages.get(number=2), acting_user=paper.editor)
    services.sign_off(page, acting_user=paper.chief)
    result = adapter.publish(_item(approved_story))
    assert not result.needs_manual
    assert "signed off by 陈终审" in result.note and result.remote_id.startswith("print:")


def test_a_correction_after_print_needs_a_correction_in_print(paper, issue, print_story, on_commit):
    services.place_story(issue, 1, print_story, acting_user=paper.editor)
    page = services.mark_page_proof(issue.pages.get(number=1), acting_user=paper.editor)
    services.sign_off(page, acting_user=paper.director)
    status = StoryChannelStatus.objects.get(story=print_story, channel__kind="print")
    assert status.state == StoryChannelStatus.State.PUBLISHED
    with on_commit():
        newsroom_services.correct(fresh(print_story), acting_user=paper.reporter, note="应为两所。")
    approve_all(paper, print_story, on_commit)
    status.refresh_from_db()
    assert status.state == StoryChannelStatus.State.NEEDS_MANUAL
    assert "应为两所。" in status.note
