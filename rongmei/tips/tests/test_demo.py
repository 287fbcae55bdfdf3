from rongmei.tips.demo import load_tips_demo
from rongmei.tips.models import Reward, Tip, TipsSettings


def test_the_demo_tips_cover_the_desk_and_one_reward_is_paid(desk):
    desk.add_story(title="82岁老人义务扫路二十年", publish=True)
    assert load_tips_demo({"tipsdesk": desk.desk, "reporter": desk.reporter}) == 12
    assert set(Tip.objects.values_list("state", flat=True)) == {
        "new",
        "follow_up",
        "duplicate",
        "not_news",
        "used",
    }
    assert Tip.objects.filter(source="hotline", taken_by=desk.desk).count() == 4
    paid = Reward.objects.get(state=Reward.State.PAID)
    assert paid.payee_name == "刘女士" and paid.amount == 300
    assert Reward.objects.filter(state=Reward.State.SET).count() == 1
    assert Reward.objects.filter(state=Reward.State.DUE).count() == 1
    assert load_tips_demo({"tipsdesk": desk.desk}) == 0
    assert TipsSettings.objects.get().promise == "线索奖最低50元，上不封顶"
