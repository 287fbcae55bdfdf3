from rongmei.newsroom.models import StoryPage
from rongmei.wire.demo import load_demo
from rongmei.wire.models import WireItem, WireSource


def test_demo_wire(newsroom):
    users = {"editor": newsroom.editor, "chief": newsroom.chief}
    assert load_demo(users) is True
    assert WireSource.objects.count() == 2
    assert WireItem.objects.count() == 5
    adopted = WireItem.objects.get(state=WireItem.State.ADOPTED)
    story = StoryPage.objects.get(pk=adopted.adopted_story_id)
    assert story.source == "新华社" and not story.live and story.owner == newsroom.editor
    assert WireItem.objects.get(guid="urn:demo:province-tv:item:88101").rights == "转载须注明来源"
    assert WireSource.objects.get(kind="push").shared_secret()
    assert load_demo(users) is False
    assert WireItem.objects.count() == 5
