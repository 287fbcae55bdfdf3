"""What the demo newsroom is made of, apart from the stories (those are in data/stories/*.toml).

Outlet names are invented; the place names and division codes are real (GB/T 2260), so region
pages and local channels look like a real prefecture-level city's.
"""

SITE_TITLE = "稷下融媒"
SITE_TAGLINE = "淄博本地新闻 · 演示站点，稿件均为虚构"
HOME_SLUG = "home"

# (slug, name, short name, copyright line, description)
OUTLETS = [
    (
        "daibei-daily-zibo",
        "岱北日报社淄博记者站",
        "岱北日报淄博站",
        "本稿件版权归岱北日报社所有，未经授权不得转载",
        "省级党报岱北日报派驻淄博的记者站，负责时政、经济报道。",
    ),
    (
        "banyang-morning",
        "般阳晨报",
        "般阳晨报",
        "本稿件版权归般阳晨报社所有，未经授权不得转载",
        "面向淄博市民的都市晨报，以社会民生新闻见长。",
    ),
    (
        "jixia-net",
        "稷下融媒网",
        "稷下网",
        "本稿件版权归稷下融媒网所有，未经授权不得转载",
        "融媒体中心的新闻网站和客户端，负责视频、图片与新媒体产品。",
    ),
]
MAIN_OUTLET = "daibei-daily-zibo"

DEPARTMENTS = {
    "daibei-daily-zibo": [
        "时政新闻部",
        "经济新闻部",
        "社会新闻部",
        "新媒体部",
        "视觉中心",
        "评论部",
        "舆情中心",
        "总编室",
    ],
    "banyang-morning": ["社会新闻部", "评论部", "总编室"],
    "jixia-net": ["新媒体部", "视觉中心", "总编室"],
}

# username → (role code or None, display name, surname, given name, outlet slug, department, job title)
STAFF = {
    "reporter": ("reporter", "王明", "王", "明", "daibei-daily-zibo", "时政新闻部", "记者"),
    "editor": ("editor", "李静", "李", "静", "daibei-daily-zibo", "总编室", "初审编辑"),
    "editor2": ("editor", "赵磊", "赵", "磊", "banyang-morning", "总编室", "初审编辑"),
    "director": ("director", "周建国", "周", "建国", "daibei-daily-zibo", "时政新闻部", "时政新闻部主任"),
    "chief": ("chief", "陈志远", "陈", "志远", "daibei-daily-zibo", "总编室", "总编辑"),
    "newmedia": ("newmedia", "孙悦", "孙", "悦", "jixia-net", "新媒体部", "新媒体编辑"),
    "analyst": ("analyst", "郑敏", "郑", "敏", "daibei-daily-zibo", "舆情中心", "舆情分析师"),
    "tipsdesk": ("tipsdesk", "钱晓燕", "钱", "晓燕", "daibei-daily-zibo", "总编室", "线索编辑"),
    "admin": ("admin", "刘洋", "刘", "洋", "daibei-daily-zibo", "总编室", "系统管理员"),
    "reporter2": ("reporter", "张晓雯", "张", "晓雯", "banyang-morning", "社会新闻部", "记者"),
    "reporter3": ("reporter", "马骁", "马", "骁", "daibei-daily-zibo", "经济新闻部", "记者"),
    "photo1": ("reporter", "韩冬", "韩", "冬", "jixia-net", "视觉中心", "摄影记者"),
    "video1": ("reporter", "吴凡", "吴", "凡", "jixia-net", "视觉中心", "摄像记者"),
}

# (slug, title, intro, show on home, home order)
SECTIONS = [
    ("yaowen", "要闻", "全市重要新闻和重大活动，第一时间发布。", True, 10),
    ("shizheng", "时政", "市委市政府会议、政策解读和人事信息。", True, 20),
    ("jingji", "经济", "产业园区、重点项目、企业和农业农村。", True, 30),
    ("shehui", "社会", "教育、医疗、交通、天气，身边事和民生服务。", True, 40),
    ("wenhua", "文化", "文旅节会、非遗、体育赛事和文化生活。", True, 50),
    ("pinglun", "评论", "本报评论员文章、时评和编辑部来信。", True, 60),
    ("shipin", "视频", "融媒体中心出品的短视频和现场直击。", True, 70),
    ("quxian", "区县", "张店、淄川、博山、临淄、周村、桓台、高青、沂源的新鲜事。", True, 80),
]

TOPIC_INDEX = ("zhuanti", "专题", "围绕一个主题的系列报道。")
# (slug, title, summary, region slug, cover image key)
TOPICS = [
    (
        "zoujiceng-zhangdian",
        "记者走基层·走进张店",
        "记者走进张店区的社区、工厂和菜市场，记录老工业城区的新变化。",
        "zhangdian",
        "img-01",
    ),
    (
        "zibo-shaokao",
        "淄博烧烤这一年",
        "从一炉炭火到一座城市的服务升级：烧烤热之后，商户、游客和城市管理者怎么看。",
        "zibo",
        "img-14",
    ),
    (
        "wenming-chengshi",
        "文明城市创建进行时",
        "背街小巷整治、志愿服务和文明交通，记录全市创建文明城市的日常。",
        "zibo",
        "img-05",
    ),
]

# (slug, name, code, level, parent slug) — real GB/T 2260 codes.
REGIONS = [
    ("shandong", "山东省", "370000", 1, None),
    ("jinan", "济南市", "370100", 2, "shandong"),
    ("qingdao", "青岛市", "370200", 2, "shandong"),
    ("zibo", "淄博市", "370300", 2, "shandong"),
    ("zaozhuang", "枣庄市", "370400", 2, "shandong"),
    ("dongying", "东营市", "370500", 2, "shandong"),
    ("yantai", "烟台市", "370600", 2, "shandong"),
    ("weifang", "潍坊市", "370700", 2, "shandong"),
    ("jining", "济宁市", "370800", 2, "shandong"),
    ("taian", "泰安市", "370900", 2, "shandong"),
    ("weihai", "威海市", "371000", 2, "shandong"),
    ("rizhao", "日照市", "371100", 2, "shandong"),
    ("linyi", "临沂市", "371300", 2, "shandong"),
    ("dezhou", "德州市", "371400", 2, "shandong"),
    ("liaocheng", "聊城市", "371500", 2, "shandong"),
    ("binzhou", "滨州市", "371600", 2, "shandong"),
    ("heze", "菏泽市", "371700", 2, "shandong"),
    ("zichuan", "淄川区", "370302", 3, "zibo"),
    ("zhangdian", "张店区", "370303", 3, "zibo"),
    ("boshan", "博山区", "370304", 3, "zibo"),
    ("linzi", "临淄区", "370305", 3, "zibo"),
    ("zhoucun", "周村区", "370306", 3, "zibo"),
    ("huantai", "桓台县", "370321", 3, "zibo"),
    ("gaoqing", "高青县", "370322", 3, "zibo"),
    ("yiyuan", "沂源县", "370323", 3, "zibo"),
]

# key → (title, caption, credit, scene)
# Scenes are drawn by rongmei.demo.images; the key also seeds the colours, so each image differs.
IMAGES = {
    "img-01": ("张店老城区街景", "清晨的张店老城区，沿街商铺陆续开门营业。", "记者 王明 摄", "skyline"),
    "img-02": ("市民服务中心", "市民服务中心外景。", "记者 王明 摄", "skyline"),
    "img-03": ("新区夜景", "华灯初上，新区高楼灯火通明。", "记者 韩冬 摄", "night_city"),
    "img-04": ("孝妇河畔", "整治后的孝妇河两岸绿树成荫。", "记者 韩冬 摄", "river"),
    "img-05": ("背街小巷焕新颜", "改造后的背街小巷干净整洁。", "记者 张晓雯 摄", "skyline"),
    "img-06": ("高青麦田", "高青县万亩麦田进入收获期。", "通讯员 刘文 摄", "fields"),
    "img-07": ("沂源苹果园", "沂源县果农在果园里采摘苹果。", "记者 韩冬 摄", "orchard"),
    "img-08": ("桓台马踏湖", "秋日的马踏湖芦苇摇曳。", "记者 韩冬 摄", "river"),
    "img-09": ("博山群山", "博山区山峦起伏，层林尽染。", "记者 韩冬 摄", "mountains"),
    "img-10": ("鲁山云海", "雨后鲁山出现云海景观。", "通讯员 高峰 摄", "mountains"),
    "img-11": ("化工园区", "临淄化工园区内的生产装置。", "记者 马骁 摄", "factory"),
    "img-12": ("智能制造车间", "企业智能制造车间生产线一角。", "记者 马骁 摄", "factory"),
    "img-13": ("陶瓷窑炉", "博山一家陶瓷企业的窑炉。", "记者 马骁 摄", "factory"),
    "img-14": ("烧烤广场", "夜幕下的烧烤广场人气旺盛。", "记者 韩冬 摄", "night_market"),
    "img-15": ("夜市灯火", "周末夜市灯火璀璨。", "记者 张晓雯 摄", "night_market"),
    "img-16": ("周村古商城", "周村古商城游人如织。", "记者 韩冬 摄", "old_town"),
    "img-17": ("齐文化博物院", "临淄齐文化博物院外景。", "记者 王明 摄", "old_town"),
    "img-18": ("马拉松起跑", "马拉松比赛起跑瞬间。", "记者 韩冬 摄", "track"),
    "img-19": ("校园运动会", "学生在运动会上奋力冲刺。", "通讯员 孙丽 摄", "track"),
    "img-20": ("足球联赛", "市民足球联赛比赛现场。", "记者 韩冬 摄", "pitch"),
    "img-21": ("新建学校", "新建成的小学教学楼。", "记者 张晓雯 摄", "skyline"),
    "img-22": ("医院门诊楼", "市中心医院新门诊楼。", "记者 张晓雯 摄", "skyline"),
    "img-23": ("高速公路", "新建高速公路穿山而过。", "记者 马骁 摄", "road"),
    "img-24": ("城市快速路", "城市快速路高架桥。", "记者 马骁 摄", "road"),
    "img-25": ("雪后城市", "一场降雪后，城市银装素裹。", "记者 韩冬 摄", "snow"),
    "img-26": ("晚霞", "傍晚时分，天边出现绚丽晚霞。", "市民 李青 摄", "sunset"),
    "img-27": ("光伏电站", "山坡上的光伏电站。", "记者 马骁 摄", "solar"),
    "img-28": ("大棚蔬菜", "桓台县蔬菜大棚里，菜农在管理蔬菜。", "通讯员 刘文 摄", "fields"),
    "img-29": ("湿地公园", "湿地公园里白鹭翩飞。", "记者 韩冬 摄", "river"),
    "img-30": ("老工业厂房", "老厂房改造成的文创园区。", "记者 王明 摄", "factory"),
    "img-31": ("社区志愿者", "社区志愿者在小区内开展服务。", "记者 张晓雯 摄", "skyline"),
    "img-32": ("物流园区", "物流园区内货车有序进出。", "记者 马骁 摄", "road"),
    "img-33": ("文化广场演出", "文化广场上的惠民演出。", "记者 韩冬 摄", "night_city"),
    "img-34": ("稻田", "高青黄河滩区的稻田。", "通讯员 刘文 摄", "fields"),
    "img-35": ("山区公路", "沂源山区的盘山公路。", "记者 韩冬 摄", "mountains"),
    "img-36": ("演播室", "融媒体中心演播室。", "记者 吴凡 摄", "studio"),
}
