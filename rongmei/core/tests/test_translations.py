"""The zh_Hans catalogue in rongmei/core/locale that fills the gaps in Wagtail's own.

See docs/decisions/0005-translations.md.
"""

import gettext
import html
import importlib.util
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CATALOGUE_DIR = Path(apps.get_app_config("core").path) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"
GAPS_SCRIPT = Path(settings.BASE_DIR).parent / "scripts" / "wagtail_gaps.py"


def load_gaps_script():
    assert GAPS_SCRIPT.exists(), f"{GAPS_SCRIPT} is missing"
    spec = importlib.util.spec_from_file_location("wagtail_gaps", GAPS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


wagtail_gaps = load_gaps_script()


def po_entries():
    assert PO_PATH.exists(), f"the catalogue {PO_PATH} is missing"
    header, entries = wagtail_gaps.parse_po(PO_PATH)
    assert entries, f"{PO_PATH} has no entries"
    return header, entries


# --- (a) the compiled catalogue is the one in the .po ------------------------------------


def test_catalogue_header_declares_simplified_chinese_with_one_plural_form():
    header, _entries = po_entries()
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in header["Content-Type"]


def test_mo_is_compiled_from_the_current_po():
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run msgfmt --check -o django.mo django.po"
    _header, entries = po_entries()
    expected = {}
    for entry in entries:
        assert entry.is_translated, f"untranslated or fuzzy entry: {entry.msgid!r}"
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(msgid, index)] = text
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}
    missing = {key for key in expected if key not in catalog}
    stale = {key for key in catalog if key not in expected}
    changed = {key for key in expected.keys() & catalog.keys() if expected[key] != catalog[key]}
    assert not (missing or stale or changed), (
        f"django.mo is out of date (recompile it): {len(missing)} missing, {len(stale)} stale, "
        f"{len(changed)} changed, e.g. {sorted(map(str, missing | stale | changed))[:3]}"
    )
    assert compiled.plural(5) == 0 and compiled.plural(1) == 0


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_po_passes_msgfmt_check(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# --- (b) the catalogue is used, ahead of Wagtail's -----------------------------------------


def test_rongmei_core_comes_before_every_wagtail_app():
    """Django gives the first installed app's catalogue precedence over later apps' ones."""
    names = [config.name for config in apps.get_app_configs()]
    wagtail_positions = [i for i, name in enumerate(names) if name.split(".")[0] == "wagtail"]
    assert names.index("rongmei.core") < min(wagtail_positions)


# msgids that Wagtail 7.4's zh_Hans catalogues leave untranslated, from the scheduling,
# locking, workflow and revision screens.
PREVIOUSLY_MISSING = {
    "Schedule to publish": "定时发布",
    "Go-live:": "上线时间：",
    "Invalid schedule": "无效的发布计划",
    "Locked by workflow": "被工作流锁定",
    "Locked by schedule": "被发布计划锁定",
    "Compare": "比较",
    "Assign your workflow to snippets": "将工作流分配给片段",
    "Saving will overwrite a newer version.": "保存将覆盖一个更新的版本。",
}


def test_previously_missing_wagtail_strings_come_back_in_chinese():
    with translation.override("zh-hans"):
        for msgid, chinese in PREVIOUSLY_MISSING.items():
            assert _(msgid) == chinese
        assert (
            _("Sent to %(task_name)s %(started_at)s") % {"task_name": "初审", "started_at": "3 分钟以前"}
            == "3 分钟以前送交初审"
        )
        assert (
            _("Only %(user)s can make changes while the %(model_name)s is locked")
            % {"user": "李初审", "model_name": "稿件"}
            == "此稿件锁定期间，只有 李初审 可以修改"
        )
        for count in (1, 3):
            text = ngettext(
                "This workflow is in progress on %(states_in_progress)d page/snippet. Disabling this "
                "workflow will cancel moderation on this page/snippet.",
                "This workflow is in progress on %(states_in_progress)d pages/snippets. Disabling this "
                "workflow will cancel moderation on these pages/snippets.",
                count,
            ) % {"states_in_progress": count}
            assert text == f"此工作流正在 {count} 个页面/片段上进行。禁用此工作流将取消这些页面/片段的审核。"
    with translation.override("en"):
        assert _("Schedule to publish") == "Schedule to publish"


def test_previously_missing_strings_are_absent_from_wagtails_own_catalogues():
    """Guards the test above: it must exercise our catalogue, not Wagtail's."""
    wagtail_translated = set()
    for mo in wagtail_gaps.wagtail_root().glob("**/locale/zh_Hans/LC_MESSAGES/django.mo"):
        wagtail_translated |= wagtail_gaps.mo_keys(mo)
    assert not {(None, msgid) for msgid in PREVIOUSLY_MISSING} & wagtail_translated


def test_every_current_wagtail_gap_is_translated():
    """Fails after a Wagtail upgrade that adds untranslated strings: run scripts/wagtail_gaps.py."""
    _header, entries = po_entries()
    ours = {entry.key for entry in entries if entry.is_translated}
    uncovered = [gap.entry.key for gap in wagtail_gaps.find_gaps("django") if gap.entry.key not in ours]
    assert not uncovered, (
        f"{len(uncovered)} Wagtail messages lack a zh_Hans translation, e.g. {uncovered[:5]}; "
        "see docs/decisions/0005-translations.md"
    )


# --- (c) the admin screens staff use show the Chinese --------------------------------------

PLACEHOLDER_OR_TAG = re.compile(r"%\([^)]+\)[sd]|\{[a-z_]+\}|<[^>]+>")


def english_phrases(entries):
    """Literal runs of two or more words from our msgids (placeholders and tags cut out)."""
    phrases = set()
    for entry in entries:
        for text in (entry.msgid, entry.msgid_plural or ""):
            for piece in PLACEHOLDER_OR_TAG.split(text):
                piece = piece.strip(" .:'\"?!()–-")
                if len(piece.split()) >= 2:
                    phrases.add(piece)
    return phrases


def untranslated_phrases_in(content, phrases):
    text = html.unescape(content)
    return sorted(p for p in phrases if re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", text))


@pytest.mark.django_db
def test_admin_workflow_and_edit_screens_show_our_chinese_not_wagtails_english(client, newsroom):
    _header, entries = po_entries()
    phrases = english_phrases(entries)
    assert len(phrases) > 200
    story = newsroom.add_story(title="防汛预警稿件")
    client.force_login(newsroom.admin)
    expected = {
        "/admin/workflows/list/": ["显示已禁用"],
        f"/admin/pages/{story.pk}/edit/": [
            "定时发布",
            "选择此页面的上线时间和/或过期时间",
            "只有在选择“定时发布”操作后，此发布计划才会生效",
            "锁定：",
            "任何人都可以编辑此",
            "自动保存已暂停",
            "内容指标",
        ],
    }
    for url, chinese in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "zh-hans"
        content = response.content.decode()
        for text in chinese:
            assert text in content, f"{url} lacks {text!r}"
        assert untranslated_phrases_in(content, phrases) == [], url


def test_the_english_check_finds_english():
    """The scan above must be able to fail."""
    phrases = english_phrases(po_entries()[1])
    page = '<button title="Locked by workflow">Schedule to publish</button><p>Go to the first error.</p>'
    found = untranslated_phrases_in(page, phrases)
    assert {"Go to the first error", "Locked by workflow", "Schedule to publish"} <= set(found)
    assert untranslated_phrases_in("<button>定时发布</button><p>Scheduled to publishing</p>", phrases) == []


# --- (d) every translation keeps the msgid's placeholders and markup ----------------------

PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")
TAG = re.compile(r"<[^>]+>")


def placeholders(text):
    named = {token for token in PERCENT.findall(text) if token.startswith("%(")}
    positional = [token for token in PERCENT.findall(text) if not token.startswith("%(") and token != "%%"]
    return named, positional, set(BRACE.findall(text)), text.count("%%")


def markup(text):
    return Counter(TAG.findall(text))


def placeholder_problems(entry):
    """Differences between an entry's msgstr and its msgid (msgid_plural for plural entries)."""
    source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
    problems = []
    for index, text in entry.msgstr.items():
        if placeholders(text) != placeholders(source):
            problems.append(f"msgstr[{index}] placeholders {placeholders(text)} != {placeholders(source)}")
        if markup(text) != markup(source):
            problems.append(f"msgstr[{index}] markup {sorted(markup(text))} != {sorted(markup(source))}")
    return problems


def test_every_translation_keeps_the_placeholders_and_markup_of_its_msgid():
    _header, entries = po_entries()
    problems = {entry.msgid: placeholder_problems(entry) for entry in entries}
    problems = {msgid: found for msgid, found in problems.items() if found}
    assert problems == {}


def test_the_placeholder_check_catches_bad_translations():
    entry = wagtail_gaps.Entry
    good = entry(msgid="Locked by <b>%(locked_by)s</b>", msgstr={0: "由 <b>%(locked_by)s</b> 锁定"})
    assert placeholder_problems(good) == []
    for bad in ("由 <b>%(locker)s</b> 锁定", "由 <b>%(locked_by)d</b> 锁定", "由 %(locked_by)s 锁定"):
        assert placeholder_problems(entry(msgid=good.msgid, msgstr={0: bad}))
    brace = entry(msgid="This {model_name} is locked", msgstr={0: "此{model}已锁定"})
    assert placeholder_problems(brace)
    plural = entry(
        msgid="Moved up 1 place.", msgid_plural="Moved up %(counter)s places.", msgstr={0: "上移了 1 位。"}
    )
    assert placeholder_problems(plural)
