import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rongmei.newsroom.models import Region, StoryCredit, StoryPage


def test_story_gets_an_ascii_url_slug_from_a_chinese_headline(newsroom):
    story = newsroom.add_story(title="国务院总理今天在北京出席新闻发布会")
    assert story.slug.isascii()
    assert story.slug.startswith(timezone.localdate().strftime("%Y%m%d"))


def test_embargo_sets_the_go_live_time(newsroom):
    embargo = timezone.now() + timezone.timedelta(hours=5)
    story = newsroom.add_story(title="禁发稿件", embargo_until=embargo)
    assert story.go_live_at == embargo


def test_retraction_needs_a_reason_and_a_published_story(newsroom):
    story = newsroom.add_story(title="未发稿件")
    story.is_retracted = True
    with pytest.raises(ValidationError) as excinfo:
        story.full_clean()
    assert "retraction_reason" in excinfo.value.message_dict
    assert "is_retracted" in excinfo.value.message_dict


def test_credit_line_groups_people_by_role(newsroom):
    story = newsroom.add_story(title="署名测试")
    StoryCredit.objects.create(story=story, role="reporter", staff=newsroom.reporter)
    StoryCredit.objects.create(story=story, role="reporter", name="张三")
    StoryCredit.objects.create(story=story, role="correspondent", name="李四")
    story = StoryPage.objects.get(pk=story.pk)
    assert story.credit_line() == "记者 王记者 张三  通讯员 李四"


def test_credit_needs_staff_or_name():
    with pytest.raises(ValidationError):
        StoryCredit(role="reporter").clean()


@pytest.mark.django_db
def test_region_must_sit_one_level_below_its_parent():
    province = Region.objects.create(name="山东省", slug="shandong", level=Region.Level.PROVINCE)
    city = Region.objects.create(name="淄博市", slug="zibo", level=Region.Level.CITY, parent=province)
    district = Region.objects.create(
        name="张店区", slug="zhangdian", level=Region.Level.DISTRICT, parent=city
    )
    assert set(province.descendant_ids()) == {province.pk, city.pk, district.pk}
    assert district.full_name == "山东省 / 淄博市 / 张店区"
    with pytest.raises(ValidationError):
        Region(name="错误", slug="bad", level=Region.Level.CITY, parent=city).clean()
    with pytest.raises(ValidationError):
        Region(name="孤儿市", slug="orphan", level=Region.Level.CITY).clean()


def test_on_site_excludes_drafts_and_retracted_stories(newsroom):
    published = newsroom.add_story(title="已发布", publish=True)
    newsroom.add_story(title="草稿")
    retracted = newsroom.add_story(title="已撤稿", publish=True)
    StoryPage.objects.filter(pk=retracted.pk).update(is_retracted=True)
    assert list(StoryPage.objects.on_site()) == [published.page_ptr.specific]
