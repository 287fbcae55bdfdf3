"""Rongmei's own zh_Hans catalogue in rongmei/locale (settings.LOCALE_PATHS).

django.po holds every message of rongmei/** (made by makemessages, see MAKEMESSAGES below);
djangojs.po holds the Wagtail admin JavaScript messages Wagtail's zh_Hans leaves untranslated.
See docs/decisions/0005-translations.md.
"""

import ast
import gettext
import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rongmei.core.tests.test_translations import placeholder_problems, wagtail_gaps
from rongmei.testing import publish_outside_review

RONGMEI_DIR = Path(settings.BASE_DIR)
REPO_DIR = RONGMEI_DIR.parent
CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
DJANGO_PO = CATALOGUE_DIR / "django.po"
DJANGOJS_PO = CATALOGUE_DIR / "djangojs.po"

# The command that refreshes django.po, run from the repository root. -i rongmei/core/locale keeps
# makemessages away from the Wagtail gaps catalogue there (it would rewrite it from rongmei/core's
# few strings); -i tests keeps the msgids that tests look up out of the catalogue.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "zh_Hans",
    "--add-location=file",
    "--no-obsolete",
    "-i",
    "rongmei/core/locale",
    "-i",
    "tests",
    "-i",
    "var",
    "-i",
    "bench",
    "-i",
    "build",
    "-i",
    "scripts",
    "-i",
    "docs",
    "-i",
    "*.egg-info",
]
REFRESH_HINT = (
    f"refresh the catalogue: .venv/bin/python -m rongmei {shlex.join(MAKEMESSAGES)}, translate, then "
    "msgfmt --check -o rongmei/locale/zh_Hans/LC_MESSAGES/django.mo rongmei/locale/zh_Hans/LC_MESSAGES/django.po"
)
GETTEXT_TOOLS = all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq", "msgattrib"))


def entries(po):
    assert po.exists(), f"{po} is missing"
    header, found = wagtail_gaps.parse_po(po)
    assert found, f"{po} has no entries"
    return header, found


# --- the catalogues are complete and well formed --------------------------------------------


@pytest.mark.parametrize("po", [DJANGO_PO, DJANGOJS_PO], ids=lambda p: p.name)
def test_header_declares_simplified_chinese_with_one_plural_form(po):
    header, _found = entries(po)
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in header["Content-Type"]


@pytest.mark.parametrize("po", [DJANGO_PO, DJANGOJS_PO], ids=lambda p: p.name)
def test_every_entry_is_translated_with_one_form_and_its_placeholders(po):
    _header, found = entries(po)
    untranslated = [entry.msgid for entry in found if not entry.is_translated]
    assert untranslated == [], f"untranslated or fuzzy entries in {po.name}: {untranslated[:5]}"
    forms = {entry.msgid: sorted(entry.msgstr) for entry in found if sorted(entry.msgstr) != [0]}
    assert forms == {}, "zh has one plural form: only msgstr[0]"
    problems = {entry.msgid: placeholder_problems(entry) for entry in found}
    assert {msgid: found for msgid, found in problems.items() if found} == {}
    copied_english = [entry.msgid for entry in found if entry.msgstr[0] in (entry.msgid, entry.msgid_plural)]
    assert copied_english == [], "msgstr copied from the English msgid"


@pytest.mark.parametrize("po", [DJANGO_PO, DJANGOJS_PO], ids=lambda p: p.name)
def test_mo_is_compiled_from_the_current_po(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run msgfmt --check -o {mo.name} {po.name}"
    _header, found = entries(po)
    expected = {}
    for entry in found:
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            expected[(msgid, 0)] = entry.msgstr[0]
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}
    assert catalog == expected, f"{mo.name} is out of date: recompile it with msgfmt --check"
    assert compiled.plural(1) == 0 and compiled.plural(7) == 0


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("po", [DJANGO_PO, DJANGOJS_PO], ids=lambda p: p.name)
def test_po_passes_msgfmt_check(po, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- the catalogue holds exactly the messages of rongmei/** ---------------------------------


def extract_with_makemessages(tmp_path):
    """Run MAKEMESSAGES on a copy of rongmei/ (so nothing in the work tree is written)."""
    copy = tmp_path / "src"
    shutil.copytree(
        RONGMEI_DIR,
        copy / "rongmei",
        ignore=shutil.ignore_patterns("locale", "__pycache__", "static", "*.mo", "*.po"),
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "RONGMEI_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(copy),
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    made = copy / "rongmei" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert made.exists(), f"makemessages wrote no catalogue: {result.stdout} {result.stderr}"
    return wagtail_gaps.parse_po(made)[1]


@pytest.mark.skipif(not GETTEXT_TOOLS, reason="GNU gettext (xgettext, msgmerge) is not installed")
def test_catalogue_has_exactly_the_messages_makemessages_extracts(tmp_path):
    extracted = extract_with_makemessages(tmp_path)
    assert len(extracted) > 300
    references = {ref.split(":")[0] for entry in extracted for ref in entry.references}
    assert references and all(ref.startswith("rongmei/") for ref in references), references
    assert not any("/tests/" in ref for ref in references)
    extracted_keys = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in extracted}
    ours = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in entries(DJANGO_PO)[1]}
    new, gone = sorted(extracted_keys - ours, key=str), sorted(ours - extracted_keys, key=str)
    assert not (new or gone), (
        f"{len(new)} new messages, e.g. {new[:3]}; {len(gone)} gone, e.g. {gone[:3]}; " + (REFRESH_HINT)
    )


GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop"}
TEMPLATE_TRANSLATE = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?""")


def literal_messages():
    """Single-string gettext calls and {% translate "…" %} tags in rongmei/** (tests left out).

    A quick, tool-free stand-in for makemessages: it finds the usual way strings are added.
    """
    found = set()
    for path in RONGMEI_DIR.rglob("*.py"):
        if "tests" in path.relative_to(RONGMEI_DIR).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT_FUNCTIONS
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((str(path.relative_to(REPO_DIR)), node.args[0].value))
    for path in RONGMEI_DIR.rglob("templates/**/*.html"):
        for _quote, msgid, _cquote, context in TEMPLATE_TRANSLATE.findall(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(REPO_DIR)), (context, msgid) if context else msgid))
    return found


def test_every_literal_message_in_the_code_is_translated():
    """Runs without GNU gettext: a new _("…") or {% translate "…" %} without a translation fails."""
    found = literal_messages()
    assert len(found) > 250
    translated = {
        entry.msgid if entry.msgctxt is None else (entry.msgctxt, entry.msgid)
        for entry in entries(DJANGO_PO)[1]
        if entry.is_translated
    }
    missing = sorted((path, msgid) for path, msgid in found if msgid not in translated)
    assert missing == [], (
        f"{len(missing)} messages lack a zh_Hans translation, e.g. {missing[:3]}; " + REFRESH_HINT
    )


# --- the translations are what the running site uses ----------------------------------------


def test_our_catalogue_takes_precedence_and_english_stays_english():
    from rongmei.newsroom.models import StoryPage

    with translation.override("zh-hans"):
        kicker = StoryPage._meta.get_field("kicker")
        assert str(kicker.verbose_name) == "引题"
        assert str(StoryPage._meta.get_field("subheadline").verbose_name) == "副题"
        assert str(StoryPage._meta.verbose_name) == "稿件"
        assert _("Waiting for my review (待我审核)") == "待我审核"
        # Wagtail translates "Section" as 类别; Rongmei's catalogue (LOCALE_PATHS) wins with 栏目.
        assert _("Section") == "栏目"
        assert ngettext("%(counter)s story", "%(counter)s stories", 3) % {"counter": 3} == "3 篇稿件"
        assert _("Only members of %(groups)s may decide at %(level)s.") % {
            "groups": "编辑",
            "level": "初审",
        } == ("只有编辑的成员才能进行初审。")
    with translation.override("en"):
        assert str(StoryPage._meta.get_field("kicker").verbose_name) == "kicker (引题)"


# Our catalogue is merged last (LOCALE_PATHS), so it overrides Wagtail and Django everywhere a msgid
# is shared. These shared msgids deliberately read differently from Wagtail's or Django's Chinese.
DELIBERATE_OVERRIDES = {
    "Section": "栏目",  # Wagtail: 类别 (keyboard-shortcuts dialog); ours: the search filter's 栏目
    "Actions": "操作",  # Wagtail: 动作 (dropdown labels); 操作 is the usual admin word
    "Reject": "退回",  # Wagtail: 拒绝 (moderation log label); the newsroom says 退回
    "Schedule publication": "定时发布",  # Wagtail: 计划发布; rongmei/core/locale says 定时发布 elsewhere
    "Previous": "上一页",  # Wagtail: 上一个 (pagination)
    "Next": "下一页",  # Wagtail: 下一个 (pagination)
    "To": "到",  # Wagtail's has a stray leading space: " 到"
    # Wagtail: 要求修改 / 已拒绝 (status panel, workflow history); the newsroom says 退回 (review/outcomes.py)
    "Changes requested %(finished_at)s": "%(finished_at)s退回",
    "Changes requested at": "退回于",
    "Rejected": "退回",
    "Rejected at '%(task)s'. Changes requested": "在“%(task)s”退回，等待作者修改",
    # 审题 and 三审 decisions in the newsroom's words (Wagtail: 批准 / 请求修改 / 评论); a reviewer's
    # 意见 is what the workflow's comment box asks for.
    "Approve": "通过",
    "Request changes": "退回修改",
    "Comment": "意见",
    "comment": "意见",
    "Filter": "筛选",  # Wagtail: 过滤器; a list's button reads 筛选
    "Format": "形式",  # Wagtail: 格式化 (an image's format in rich text); ours: a coverage format
    "scheduled": "定时发布",  # Wagtail: 已计划; the newsroom's word, as for "Schedule publication"
    "Code": "验证码",  # Wagtail: 代码 (a block's source code); ours: the second factor's 6 digits
}


def other_catalogues():
    """msgid -> the zh_Hans translations of every installed app's and Django's own catalogue."""
    from django.apps import apps

    locale_dirs = [Path(config.path) / "locale" for config in apps.get_app_configs()]
    locale_dirs.append(Path(translation.trans_real.__file__).parents[2] / "conf" / "locale")
    found = {}
    for locale_dir in locale_dirs:
        mo = locale_dir / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if mo.exists() and Path(settings.LOCALE_PATHS[0]) not in mo.parents:
            with mo.open("rb") as handle:
                for key, value in gettext.GNUTranslations(handle)._catalog.items():
                    if isinstance(key, str) and key:
                        found.setdefault(key, set()).add(value)
    return found


def test_msgids_shared_with_wagtail_or_django_keep_their_translation():
    """A new msgid that Wagtail uses too ("Pages", "title", …) must still fit Wagtail's screens."""
    others = other_catalogues()
    assert others["Pages"] == {"页面"} and "标题" in others["title"]
    # An entry with a msgctxt is another message than the same msgid without one (pgettext).
    ours = {
        entry.msgid: entry.msgstr[0]
        for entry in entries(DJANGO_PO)[1]
        if entry.msgid_plural is None and entry.msgctxt is None
    }
    shared = {msgid for msgid in ours if msgid in others}
    assert len(shared) > 20
    differing = {
        msgid: (ours[msgid], sorted(others[msgid])) for msgid in shared if ours[msgid] not in others[msgid]
    }
    assert {msgid: text for msgid, (text, _theirs) in differing.items()} == DELIBERATE_OVERRIDES, differing
    with translation.override("zh-hans"):
        assert _("Pages") == "页面"  # Wagtail's main menu item, also our pagination label
        assert _("title") == "标题"  # Wagtail's page title field, also the proofing person's title
        for msgid, text in DELIBERATE_OVERRIDES.items():
            assert _(msgid) == text


# --- rendered pages --------------------------------------------------------------------------


SHOWN_ATTRIBUTES = re.compile(r"""\s(?:aria-label|title|placeholder|alt)=(["'])(.*?)\1""", re.S)


def shown_text(content):
    """What a person sees or hears: text outside tags and scripts, plus labelling attributes."""
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S | re.I)
    labels = [value for _quote, value in SHOWN_ATTRIBUTES.findall(content)]
    text = re.sub(r"<[^>]*>", " ", content)
    return html.unescape(" ".join([text, *labels]))


def english_labels(found, content):
    """The labels of `found` that appear, as whole words, in the page's shown text."""
    text = shown_text(content)
    return [label for label in found if re.search(r"(?<![\w-])" + re.escape(label) + r"(?![\w-])", text)]


@pytest.fixture
def published(newsroom, settings):
    from rongmei.newsroom.models import CorrectionNote, Region

    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    region = Region.objects.create(name="淄博市", slug="zibo", level=Region.Level.PROVINCE)
    story = newsroom.add_story(title="全市防汛工作会议召开", source="新华社", is_headline=True)
    story.regions = [region]
    story.corrections.add(CorrectionNote(noted_at=datetime(2025, 3, 2, tzinfo=UTC), text="更正地名"))
    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    newsroom.add_story(title="暴雨中的坚守", publish=True)
    story.refresh_from_db()
    return story


PUBLIC_CHINESE = ["跳到正文", "报料热线", "版权所有"]
PUBLIC_ENGLISH = ["Skip to content", "News tips hotline", "All rights reserved", "Sections"]


@pytest.mark.django_db
def test_public_home_and_story_pages_are_in_chinese(client, published):
    home = client.get("/")
    assert home.status_code == 200
    assert home["Content-Language"] == "zh-hans"
    content = home.content.decode()
    for text in [*PUBLIC_CHINESE, "头条", "最新", "更多要闻"]:
        assert text in shown_text(content), f"the home page lacks {text!r}"
    assert (
        english_labels([*PUBLIC_ENGLISH, "Headlines", "Latest", "More from", "No stories yet"], content) == []
    )

    story = client.get(published.url)
    assert story.status_code == 200
    content = story.content.decode()
    for text in [*PUBLIC_CHINESE, "来源：新华社", "更正", "更正地名", "地区", "相关报道"]:
        assert text in shown_text(content), f"the story page lacks {text!r}"
    english = [*PUBLIC_ENGLISH, "Source", "Correction", "Regions", "Related stories"]
    assert english_labels(english, content) == []

    # The same pages in English show the msgids: the Chinese above comes from the catalogue.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the reader's language switch
    english_home = client.get("/").content.decode()
    assert english_labels(["Skip to content", "Headlines (头条)", "Latest"], english_home) == [
        "Skip to content",
        "Headlines (头条)",
        "Latest",
    ]


def our_english_phrases():
    """Multi-word msgids of our catalogue (minus placeholders and Chinese), to find untranslated text."""
    phrases = set()
    for entry in entries(DJANGO_PO)[1]:
        for piece in re.split(
            r"%\([^)]+\)[sd]|\{[a-z_]+\}|<[^>]+>|\([^)]*\)|[\u3000-\u9fff“”]+", entry.msgid
        ):
            piece = piece.strip(" .:,;'\"?!()–-…")
            if len(piece.split()) >= 2:
                phrases.add(piece)
    return phrases


@pytest.mark.django_db
def test_admin_story_edit_page_shows_the_newsroom_terms(client, newsroom):
    story = newsroom.add_story(title="防汛预警稿件")
    client.force_login(newsroom.admin)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    content = response.content.decode()
    for text in [
        "主题",
        "引题",
        "副题",
        "导语",
        "正文",
        "稿件类型",
        "来源",
        "署名",
        "解禁时间",
        "头条",
        "撤稿",
        "稿件信息",
    ]:
        assert text in shown_text(content), f"the edit page lacks {text!r}"
    labels = [
        "kicker",
        "subheadline",
        "story type",
        "embargo until",
        "Metadata",
        "also in sections",
        "lead image",
    ]
    assert english_labels(labels, content) == []
    phrases = our_english_phrases()
    assert {"story type", "embargo until", "reason for retraction"} <= phrases
    assert english_labels(sorted(phrases), content) == []


@pytest.mark.django_db
def test_review_history_page_is_in_chinese(client, newsroom):
    from rongmei.newsroom.models import StoryPage
    from rongmei.review import services

    services.ensure_review_workflow(newsroom.home)
    story = newsroom.add_story(title="审核记录稿件")
    services.submit_for_review(story, acting_user=newsroom.reporter)
    services.reject(StoryPage.objects.get(pk=story.pk), acting_user=newsroom.editor, opinion="请补充数据来源")
    client.force_login(newsroom.reporter)
    response = client.get(f"/admin/review/history/{story.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in [
        "审核记录",
        "时间",
        "审核级",
        "操作人",
        "审核意见",
        "送审",
        "退回",
        "请补充数据来源",
        "返回稿件",
    ]:
        assert text in shown_text(content), f"the review history lacks {text!r}"
    labels = [
        "Review history",
        "Opinion",
        "Decision",
        "Back to the story",
        "submitted for review",
        "rejected",
    ]
    assert english_labels(labels, content) == []
    assert english_labels(sorted(our_english_phrases()), content) == []


def test_the_english_check_finds_english():
    found = english_labels(["Back to the story", "Level"], "<a>Back to the story</a><th>审核级</th>")
    assert found == ["Back to the story"]
    assert "reason for retraction" in english_labels(
        sorted(our_english_phrases()), "<label>reason for retraction</label>"
    )


# --- Wagtail's admin JavaScript catalogue ------------------------------------------------------


def test_djangojs_covers_every_current_wagtail_javascript_gap():
    """Fails after a Wagtail upgrade that adds untranslated JS strings: see scripts/wagtail_gaps.py."""
    ours = {entry.key for entry in entries(DJANGOJS_PO)[1] if entry.is_translated}
    gaps = {gap.entry.key for gap in wagtail_gaps.find_gaps("djangojs")}
    assert gaps - ours == set(), f"Wagtail JS messages without zh_Hans: {sorted(gaps - ours, key=str)[:5]}"


def jsi18n_catalog(client):
    response = client.get(reverse("wagtailadmin_javascript_catalog"))
    assert response.status_code == 200
    match = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S)
    assert match, "no catalogue in the jsi18n response"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_admin_jsi18n_serves_our_javascript_translations(client, newsroom):
    client.force_login(newsroom.editor)
    catalog = jsi18n_catalog(client)
    _header, found = entries(DJANGOJS_PO)
    for entry in found:
        served = catalog.get(entry.msgid)
        expected = entry.msgstr[0] if entry.msgid_plural is None else [entry.msgstr[0]]
        assert served == expected, f"/admin/jsi18n/ serves {served!r} for {entry.msgid!r}"
    assert catalog["Write something or type ‘/’ to insert a block"] == "输入内容，或键入“/”插入区块"
    assert catalog["Changes have been autosaved."] == "更改已自动保存。"
    assert catalog["Saving..."] == "正在保存……", "Wagtail's own translations are still served"
