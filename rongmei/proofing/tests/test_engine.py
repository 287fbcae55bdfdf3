"""The engine: each check flags its error, leaves the correct near-miss alone, and reports
character offsets into the text as given."""

import ahocorasick_rs
import pytest

from rongmei.proofing.engine import ListBundle, PersonEntry, TermEntry, default_bundle, proofread
from rongmei.proofing.engine import findings as f


def found(text, category=None, **kwargs):
    return [
        (text[x.start : x.end], x.suggestion)
        for x in proofread(text, **kwargs)
        if category is None or x.category == category
    ]


def test_ahocorasick_rs_reports_character_offsets_for_non_ascii_text():
    automaton = ahocorasick_rs.AhoCorasick(["再接再励"], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    text = "😀“我们要再接再励”"
    [(_, start, end)] = automaton.find_matches_as_indexes(text)
    assert text[start:end] == "再接再励"
    assert (start, end) == (5, 9)  # characters; in UTF-8 bytes it would start at 14


@pytest.mark.parametrize(
    "wrong,right",
    [
        ("再接再励", "再接再厉"),
        ("按装", "安装"),
        ("迫不急待", "迫不及待"),
        ("一愁莫展", "一筹莫展"),
        ("谈笑风声", "谈笑风生"),
        ("走头无路", "走投无路"),
        ("金榜提名", "金榜题名"),
        ("默守成规", "墨守成规"),
        ("穿流不息", "川流不息"),
        ("按步就班", "按部就班"),
        ("直接了当", "直截了当"),
        ("脍灸人口", "脍炙人口"),
        ("甘败下风", "甘拜下风"),
        ("声名雀起", "声名鹊起"),
        ("出奇不意", "出其不意"),
        ("美仑美奂", "美轮美奂"),
        ("世外桃园", "世外桃源"),
        ("一股作气", "一鼓作气"),
    ],
)
def test_misspellings_from_the_brief(wrong, right):
    text = f"记者了解到，大家{wrong}，情况良好。"
    assert found(text, f.MISSPELLING) == [(wrong, right)]


def test_misspelling_offsets_in_chinese_text():
    text = "“今年，”他说，“我们要再接再励。”"
    [finding] = [x for x in proofread(text) if x.category == f.MISSPELLING]
    assert (finding.start, finding.end) == (12, 16)
    assert text[finding.start : finding.end] == "再接再励"
    assert finding.severity == f.WARN and finding.rule == "list.misspelling"


def test_wrong_string_inside_a_correct_longer_word_is_not_flagged():
    # 按装 is a misspelling of 安装, but 按装修面积 is 按 + 装修
    assert found("物业费按装修面积计算，按装备数量分配。", f.MISSPELLING) == []
    assert found("工人正在按装空调。", f.MISSPELLING) == [("按装", "安装")]


def test_correct_forms_are_not_flagged():
    text = "再接再厉，安装设备，迫不及待，一筹莫展，墨守成规，川流不息，按部就班，脍炙人口，美轮美奂，既便于群众又节约成本。"
    assert found(text, f.MISSPELLING) == []
    assert found(text, f.CONFUSABLE) == []


def test_confusable_collocations():
    assert found("截止目前，全市已建成基站1200个。", f.CONFUSABLE) == [("截止目前", "截至目前")]
    assert found("报名截止日期为5月1日。", f.CONFUSABLE) == []
    assert found("他打破记录夺冠。", f.CONFUSABLE) == [("打破记录", "打破纪录")]
    assert found("工作人员详细记录了情况。", f.CONFUSABLE) == []


@pytest.mark.parametrize(
    "text,particle,suggestion",
    [
        ("我们要认真的学习文件精神。", "的", "地"),
        ("大家都积极的参与进来。", "的", "地"),
        ("他认真的学习了文件。", "的", "地"),
        ("他跑的很快。", "的", "得"),
        ("这项工作完成的非常出色。", "的", "得"),
        ("他跑地很快。", "地", "得"),
    ],
)
def test_de_di_de_flagged(text, particle, suggestion):
    hits = [x for x in proofread(text) if x.rule.startswith("particle.")]
    assert [(text[x.start : x.end], x.suggestion) for x in hits] == [(particle, suggestion)]
    assert hits[0].category == f.CONFUSABLE


@pytest.mark.parametrize(
    "text",
    [
        "进行了认真的学习。",
        "他认真的学习态度值得肯定。",
        "我们提供高效的服务。",
        "高效的服务让群众满意。",
        "他们生产的很多产品出口海外。",
        "我们的目的是服务群众。",
        "他高兴得跳了起来。",
        "大家认真地学习文件。",
        "他跑得很快。",
        "美丽的风景吸引了游客。",
        "当地群众积极参与。",
    ],
)
def test_de_di_de_correct_sentences_are_not_flagged(text):
    assert [x for x in proofread(text) if x.rule.startswith("particle.")] == []


def test_advertising_law_terms_are_their_own_category_and_can_be_skipped():
    text = "本品采用国家级工艺，是最佳选择。"
    assert found(text, f.ADLAW) == [("国家级", None), ("最佳", None)]
    assert [x for x in proofread(text, checks=["terms"]) if x.category == f.ADLAW] == []


def test_unbalanced_brackets_and_quotes():
    assert found("他说：“今天天气很好。", f.PUNCTUATION) == [("“", None)]
    assert found("他说：今天天气很好。”", f.PUNCTUATION) == [("”", None)]
    assert found("《人民日报（海外版》报道", f.PUNCTUATION)[0][0] in ("（", "》")
    assert found("他说：“今天（周一）《人民日报》发表了‘评论’。”", f.PUNCTUATION) == []


def test_quotation_continued_over_paragraphs_is_accepted():
    text = "他说：“第一段话。\n“第二段话。\n“第三段话。”"
    assert found(text, f.PUNCTUATION) == []
    assert found("他说：“第一段话。\n第二段话。", f.PUNCTUATION) == [("“", None)]


def test_halfwidth_punctuation_between_chinese():
    assert found("今天,我们开会;明天:休息", f.PUNCTUATION) == [(",", "，"), (";", "；"), (":", "：")]
    assert found("增长3.5%,GDP总量1,234亿元。Hello, world.", f.PUNCTUATION) == []
    assert found("国内生产总值(GDP)增长", f.PUNCTUATION) == []
    assert found("会议(第一次)召开", f.PUNCTUATION) == [("(第一次)", "（第一次）")]


def test_doubled_words():
    assert found("这是我们的的目标。", f.DOUBLED) == [("的的", "的")]
    assert found("我们我们要努力。", f.DOUBLED) == [("我们我们", "我们")]
    for ok in ("看看", "常常", "人人", "天天", "不了了之", "实实在在", "是是非非", "研究研究", "的的确确"):
        assert found(f"大家{ok}。", f.DOUBLED) == [], ok
    # the second character starts another word
    for ok in (
        "为了了解情况",
        "与与会代表交流",
        "关键是是否落实",
        "要对对方负责",
        "通过过程管理",
        "达到目的的手段",
    ):
        assert found(ok, f.DOUBLED) == [], ok


def test_fullwidth_digits():
    [(run, suggestion)] = found("共有１２３人参加，另有45人缺席。", f.DIGITS)
    assert (run, suggestion) == ("１２３", "123")
    [finding] = [x for x in proofread("共有１２３人参加。") if x.category == f.DIGITS]
    assert finding.severity == f.INFO  # not mixed: a note only


def test_traditional_characters():
    assert found("这个產品在國内很受欢迎。", f.TRADITIONAL) == [("產", "产"), ("國", "国")]
    # correct simplified text that OpenCC's t2s might touch
    for ok in ("乾隆年间", "著名作家", "瞭望塔", "於女士", "头发", "后来", "干部"):
        assert found(f"{ok}在这里。", f.TRADITIONAL) == [], ok


def test_impossible_dates():
    assert [x[0] for x in found("2月30日、4月31日、13月5日、2026年2月29日、6月31日", f.DATE)] == [
        "2月30日",
        "4月31日",
        "13月5日",
        "2026年2月29日",
        "6月31日",
    ]
    assert found("2024年2月29日、2月29日、12月31日、十三个月、1月1日", f.DATE) == []
    assert found("二月三十日", f.DATE) == [("二月三十日", None)]


def test_name_spelt_two_ways_in_one_story():
    text = "本报讯 王晓明是一名社区医生。多年来，王晓明坚持义诊。居民说，王小明医生很负责。"
    assert found(text, f.NAME) == [("王小明", "王晓明")]


def test_different_people_are_not_flagged():
    assert found("王晓明和王晓东是兄弟。王晓明说，王晓东很努力。", f.NAME) == []


def test_person_title_from_the_newsroom_list():
    lists = ListBundle(version="test-people", people=(PersonEntry("张三", "区长", "张店区"),))
    assert found("张三副区长出席会议。", f.TITLE, lists=lists) == [("副区长", "区长")]
    assert found("副区长张三出席会议。", f.TITLE, lists=lists) == [("副区长", "区长")]
    assert found("区长张三出席会议。张三区长指出，", f.TITLE, lists=lists) == []
    assert found("张三丰副区长出席会议。", f.TITLE, lists=lists) == []


def test_newsroom_lists_with_severity_and_exceptions():
    lists = ListBundle(
        version="test-terms",
        terms=default_bundle().terms
        + (
            TermEntry("某禁词", f.BANNED, f.BLOCK, None, "", "违禁词库"),
            TermEntry("农民工", f.CAUTION, f.WARN, "进城务工人员", "", "慎用词"),
            TermEntry("按装", f.ALLOW, f.INFO, None, "", "白名单"),
        ),
    )
    findings = {(x.category, x.severity, x.suggestion) for x in proofread("某禁词和农民工按装", lists=lists)}
    assert findings == {(f.BANNED, f.BLOCK, None), (f.CAUTION, f.WARN, "进城务工人员")}


def test_a_one_megabyte_story_does_not_crash():
    paragraph = (
        "今年以来，全市完成固定资产投资123亿元。市委书记张建国强调，要再接再励，认真的学习文件精神。\n"
    )
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    findings = proofread(text)
    assert len(text) >= 1_000_000
    assert sum(1 for x in findings if x.category == f.MISSPELLING) == text.count("再接再励")


def test_halfwidth_marks_after_numbers_quotes_and_brackets_in_chinese_sentences():
    assert found("同比增长12.5%,高于全省平均水平", f.PUNCTUATION) == [(",", "，")]
    assert found("共计3200人,其中", f.PUNCTUATION) == [(",", "，")]
    assert found('他说:"今天开会"', f.PUNCTUATION) == [(":", "："), ('"今天开会"', "“今天开会”")]
    assert found('简称"双减",全面推进', f.PUNCTUATION) == [('"双减"', "“双减”"), (",", "，")]
    # thousands, times and scores stay; English quotations stay
    assert found("共1,234人,10:30开始,比分3:1。", f.PUNCTUATION) == [(",", "，"), (",", "，")]
    assert found('He said "hello, world".', f.PUNCTUATION) == []


def test_ascii_quotation_marks_pair_within_a_paragraph():
    assert found('他说"好"\n"第二段', f.PUNCTUATION) == [('"好"', "“好”")]  # the odd one out is left alone


def test_halfwidth_messages_name_the_mark_and_the_replacement():
    by_mark = {x.params["mark"]: x for x in proofread("甲,乙;丙:丁?戊!己.") if x.rule == "punct.halfwidth"}
    assert set(by_mark) == {",", ";", ":", "?", "!", "."}
    for mark, finding in by_mark.items():
        # one message per mark, naming it and its full-width form; the rule stays one rule
        assert f"“{mark}”" in finding.message and f"“{finding.suggestion}”" in finding.message
    assert len({x.message for x in by_mark.values()}) == 6


def test_every_message_is_one_sentence():
    for key, message in f.MESSAGES.items():
        body = message.rstrip(".")
        assert message.endswith("."), key
        assert ". " not in body, key  # one sentence, not two glued together


def test_full_stops_after_closing_quotes_and_percentages_and_straight_single_quotes():
    assert found('要"改得好".下一步', f.PUNCTUATION) == [('"改得好"', "“改得好”"), (".", "。")]
    assert found("满意率为95.2%.\n夜幕降临", f.PUNCTUATION) == [(".", "。")]
    assert found("不是简单的'涂脂抹粉',而是", f.PUNCTUATION) == [("'涂脂抹粉'", "‘涂脂抹粉’"), (",", "，")]
    assert found("西安(Xi'an)和北京", f.PUNCTUATION) == []


def test_marks_before_chinese_closing_quotes_and_bylines_in_brackets():
    assert found("他说：“感谢党和政府!”", f.PUNCTUATION) == [("!", "！")]
    assert found("(责任编辑：李文静)", f.PUNCTUATION) == [("(责任编辑：李文静)", "（责任编辑：李文静）")]


def test_messages_read_as_one_chinese_sentence():
    # Needs the merged catalogue (var/po-pending/proofing.po).
    from django.utils import translation

    from rongmei.proofing.engine import render_message

    def messages(text):
        return [render_message(x) for x in proofread(text) if x.category == f.PUNCTUATION]

    with translation.override("zh-hans"):
        assert messages("今天,我们开会") == ["中文句子中使用了半角逗号“,”，应改为全角“，”。"]
        assert messages("会议(第一次)召开") == ["中文内容使用了半角括号“()”，应改为全角括号“（）”。"]
        assert messages("他说：“今天天气很好。") == ["本段的前引号没有对应的后引号。"]
        assert messages("会议学习了《关于加强基层治理的意见。") == [
            "本段的前书名号“《”没有对应的后书名号“》”。"
        ]
