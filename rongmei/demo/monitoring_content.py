"""Demo 舆情 data: a client, its watchlist, ten sources and what they "published" (written for the demo).

The demo machine has no internet, so the sources are disabled (their addresses use the reserved
``.example`` domain) and their items are loaded as if fetched. Times are hours before the load.
"""

CLIENT = {
    "name": "张店区人民政府",
    "region": "zhangdian",
    "report_emails": "xuanchuan@zhangdian.example\nyuqing@zhangdian.example",
}

# (name, expression)
RULES = [
    ("张店民生热点", "张店 AND (停水 OR 停电 OR 供暖 OR 噪音 OR 投诉 OR 维权)"),
    ("张店城市建设", '张店 AND (改造 OR 施工 OR 道路 OR "老旧小区")'),
    ("区长动态", "李卫东 NEAR/20 张店"),
]

# (key, name, kind, url, category, region slug or None, authorised to reprint)
SOURCES = [
    (
        "people",
        "人民网山东频道",
        "feed",
        "https://sd.people.example/rss/zibo.xml",
        "central",
        "shandong",
        True,
    ),
    (
        "xinhua",
        "新华网山东频道",
        "feed",
        "https://sd.xinhua.example/feeds/news.xml",
        "central",
        "shandong",
        True,
    ),
    ("dzwww", "大众网", "feed", "https://www.dzwww.example/rss/zibo.xml", "provincial", "shandong", True),
    (
        "qlwb",
        "齐鲁晚报·齐鲁壹点",
        "list_page",
        "https://www.qlwb.example/zibo/",
        "provincial",
        "shandong",
        False,
    ),
    ("luzhong", "鲁中网", "feed", "https://www.lznews.example/rss.xml", "local", "zibo", False),
    ("bendibao", "淄博本地宝", "list_page", "https://zb.bendibao.example/news/", "local", "zibo", False),
    (
        "zdgov",
        "张店区人民政府网",
        "sitemap",
        "https://www.zhangdian.example/sitemap.xml",
        "government",
        "zhangdian",
        True,
    ),
    (
        "forum",
        "鲁中论坛·张店版",
        "list_page",
        "https://bbs.luzhong.example/forum-12-1.html",
        "forum",
        "zibo",
        False,
    ),
    ("toutiao", "头条号·淄博身边事", "feed", "https://toutiao.example/c/zibo/rss", "social", "zibo", False),
    ("weibo", "微博·淄博同城", "feed", "https://weibo.example/zibo/rss", "social", "zibo", False),
]

# A negative incident that spreads fast: the forum post, then copies and reports within hours.
WATER_TITLE = "张店区鑫苑小区连续三天停水 居民生活受影响"
WATER_BODY = (
    "近日，张店区鑫苑小区多名居民反映，小区自本周一起连续三天停水，物业未提前通知，也没有给出恢复供水的时间。"
    "居民王女士说，家里有老人和孩子，每天只能到附近亲戚家接水，生活十分不便。多名居民在网上投诉，"
    "希望有关部门尽快协调解决。记者致电小区物业，工作人员称是供水管网老化破裂，正在抢修。"
)
# (hours ago, source key, title or None for the original title, body prefix, edit)
WATER_SIGHTINGS = [
    (5.0, "forum", "鑫苑小区停水三天了，有没有人管？", "", ""),
    (3.5, "weibo", None, "#淄博停水# ", ""),
    (3.2, "toutiao", None, "", "居民们表示很无奈。"),
    (2.8, "bendibao", None, "", ""),
    (2.5, "luzhong", None, "鲁中网讯 ", ""),
    (2.2, "qlwb", None, "齐鲁壹点记者报道 ", ""),
    (1.9, "dzwww", "张店一小区停水三天 居民盼早日恢复供水", "", ""),
    (1.6, "weibo", None, "转发：", "太气人了！"),
    (1.3, "toutiao", None, "关注！", ""),
    (1.0, "bendibao", "张店鑫苑小区停水 物业称管网破裂正在抢修", "", ""),
    (0.8, "forum", None, "", "今天还是没水，投诉了也没用。"),
    (0.5, "weibo", None, "", "希望早日解决。"),
    # Within the last hour the story takes off on social media: the spike.
    (0.45, "weibo", None, "#鑫苑小区停水# ", "已经第三天了。"),
    (0.4, "toutiao", None, "", "有关部门管管吧！"),
    (0.35, "weibo", None, "转需：", ""),
    (0.3, "weibo", None, "", "家里老人都没法洗澡。"),
    (0.25, "toutiao", None, "【关注】", ""),
    (0.2, "weibo", None, "", "物业到现在也没个说法。"),
    (0.15, "forum", None, "", "楼上楼下都在接水。"),
    (0.1, "weibo", None, "扩散！", ""),
]

# Ordinary news of the district over two days: different stories, mixed sentiment.
OTHER_ITEMS = [
    (
        40,
        "zdgov",
        "张店区召开防汛工作部署会",
        "张店区召开防汛工作部署会议，安排部署汛期各项工作，要求各镇街压实责任，做好隐患排查和应急值守。",
        "",
    ),
    (
        36,
        "dzwww",
        "张店区老旧小区改造项目全部完工",
        "张店区今年实施的32个老旧小区改造项目全部完工，惠及居民1.2万户。改造后的小区道路平整、绿化美观，居民纷纷点赞。",
        "",
    ),
    (
        30,
        "people",
        "张店：“一窗受理”让群众办事少跑腿",
        "张店区政务服务中心推行“一窗受理、集成服务”，群众办事平均时间缩短一半，获得企业和群众好评。",
        "",
    ),
    (
        26,
        "luzhong",
        "张店区一路段夜间施工噪音扰民 居民投诉",
        "张店区华光路一处工地连续多晚施工到凌晨，附近居民投诉噪音扰民，休息受到影响。区城管局表示将核查处理。",
        "",
    ),
    (
        20,
        "xinhua",
        "淄博张店：新能源汽车产业园开工建设",
        "淄博市张店区新能源汽车产业园项目近日开工，总投资50亿元，建成后将带动上下游企业集聚发展。",
        "",
    ),
    (
        16,
        "qlwb",
        "张店区举办社区文化节",
        "张店区第五届社区文化节在人民公园开幕，来自全区的40支文艺队伍带来精彩演出。",
        "",
    ),
    (
        12,
        "zdgov",
        "李卫东到张店区重点项目现场调研",
        "张店区区长李卫东到张店区重点项目建设现场调研，要求加快项目建设进度，确保按期投产达效。",
        "",
    ),
    (
        9,
        "toutiao",
        "张店这家早餐店坚持十年一元豆浆",
        "张店区一家早餐店坚持十年只卖一元一碗豆浆，店主说想让上班族和老人吃上实惠的早饭，网友纷纷点赞。",
        "",
    ),
    (
        7,
        "bendibao",
        "淄博今冬供暖时间确定",
        "淄博市城区今冬供暖时间确定，11月15日起正式供暖，各供热企业已完成设备检修。",
        "",
    ),
]

# Copies of two of our own published stories (by demo key) on other sites: reprint detection.
# (story key, hours ago, source key)
REPRINTS = [
    ("demo-001", 3, "bendibao"),
    ("demo-001", 2, "toutiao"),
    ("demo-002", 10, "dzwww"),
]
