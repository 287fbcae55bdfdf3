"""Sources and items made directly in the database, for the analysis, event and reprint tests."""

from datetime import timedelta

from django.utils import timezone

from rongmei.monitoring.models import MonitoredItem, Source

_counter = iter(range(1, 10**9))


def make_source(name, host=None, *, category=Source.Category.LOCAL, authorised=False):
    host = host or f"{name}.example.cn"
    return Source.objects.create(
        name=name,
        url=f"https://{host}/rss.xml",
        category=category,
        authorised_to_reprint=authorised,
        enabled=False,  # never fetched: the tests put the items in themselves
    )


def make_item(source, title, body, *, fetched_at=None, published_at=None, path=None):
    fetched_at = fetched_at or timezone.now()
    host = source.url.split("/")[2]
    url = f"https://{host}/{path or f'news/{next(_counter)}.html'}"
    return MonitoredItem.objects.create(
        source=source,
        url=url,
        normalized_url=url,
        title=title,
        body=body,
        fetched_at=fetched_at,
        published_at=published_at,
    )


def minutes(n):
    return timedelta(minutes=n)


# One incident told by three outlets in their own words, and two other stories of the same place.
EXPLOSION_1 = (
    "淄博张店区一化工厂夜间发生爆炸 暂无人员伤亡",
    "11月26日晚10时许，淄博市张店区某化工厂发生爆炸，现场浓烟滚滚。消防部门已赶到现场处置，目前暂无人员"
    "伤亡报告，事故原因正在调查中。附近居民称听到巨大声响。",
)
EXPLOSION_2 = (
    "张店化工厂爆炸事故：消防连夜处置，原因调查中",
    "记者从淄博市应急管理局获悉，26日夜间张店区一家化工企业发生爆炸，消防救援人员连夜处置，火势已被控制。"
    "官方通报称暂无人员伤亡，事故原因正在进一步调查。",
)
EXPLOSION_3 = (
    "网友拍下张店化工厂爆炸瞬间 周边居民被疏散",
    "昨晚张店一化工厂突然爆炸，火光冲天。有网友拍下视频。周边小区居民已被疏散，当地应急管理部门表示正在调查"
    "爆炸原因。",
)
HEATING = (
    "淄博张店区今冬供暖正式开始 热力公司开通热线",
    "11月15日起，淄博市张店区集中供暖正式开始。热力公司提醒居民注意室内温度，如有问题可拨打服务热线。",
)
FIRE_ELSEWHERE = (
    "临淄区一化工企业发生火灾 无人员伤亡",
    "今天上午，临淄区一家化工企业厂房起火，消防部门迅速处置，火灾未造成人员伤亡，起火原因正在调查。",
)

# A long story (for grouping and reprints): several paragraphs a site would copy whole.
STORY_TITLE = "淄博启动老旧小区改造三年行动 今年惠及两万余户居民"
STORY_BODY = (
    "记者从淄博市住房和城乡建设局获悉，淄博市近日印发老旧小区改造三年行动方案，计划用三年时间完成全市"
    "二零零零年底前建成的老旧小区改造任务，今年首批改造涉及一百二十六个小区、两万余户居民。\n"
    "方案明确，改造内容分为基础类、完善类和提升类三类。基础类重点解决供水、排水、供电、燃气等管线老化问题，"
    "完善类包括加装电梯、增设停车位和充电桩，提升类则围绕养老、托育、便民市场等公共服务设施展开。\n"
    "市住建局有关负责人介绍，改造前将广泛征求居民意见，做到一区一策，施工期间设立居民监督员，"
    "改造完成后由居民代表参与验收。资金方面，除中央和省级补助外，市区两级财政将安排配套资金，"
    "同时鼓励管线单位和社会资本参与。\n"
    "据了解，去年淄博已试点改造二十八个小区，居民满意度超过百分之九十五。"
)
OTHER_STORY = (
    "淄博老旧小区加装电梯试点启动 首批二十部电梯年底前投用",
    "淄博市今日启动既有住宅加装电梯试点工作。首批确定的二十部电梯分布在张店区和周村区的十个小区，"
    "预计年底前全部投入使用。加装电梯须经本单元三分之二以上业主同意，财政给予每部电梯十五万元补贴，"
    "其余费用由业主按楼层分摊。住建部门将开通绿色通道，审批时间压缩至十五个工作日以内。",
)
