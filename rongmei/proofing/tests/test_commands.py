import functools

import pytest
from django.core.management import CommandError

from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import Term, WordList
from rongmei.testing import BytesStdin, command_json_lines

pytestmark = pytest.mark.django_db

STORY = "本报讯 大家再接再励，继续前进。他说：“今天开会。"


run = functools.partial(command_json_lines, "proofread")


def test_file_output_is_json_lines(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    lines = run(str(path), "--lang", "en")
    assert [set(line) for line in lines] == [
        {"start", "end", "category", "severity", "message", "suggestion"}
    ] * 2
    first = lines[0]
    assert STORY[first["start"] : first["end"]] == "再接再励"
    assert first == {
        "start": 6,
        "end": 10,
        "category": "misspelling",
        "severity": "warn",
        "message": "Probable misspelling: “再接再励”.",
        "suggestion": "再接再厉",
    }
    assert lines[1]["category"] == "punctuation" and STORY[lines[1]["start"]] == "“"


def test_stdin_and_newsroom_lists():
    word_list = WordList.objects.create(name="违禁", category=f.BANNED, severity=f.BLOCK)
    Term.objects.create(word_list=word_list, term="某禁词")
    lines = run("-", stdin=BytesStdin("标题里有某禁词".encode()))
    assert [(x["category"], x["severity"], x["start"]) for x in lines] == [("banned", "block", 4)]
    assert run("-", "--defaults-only", stdin=BytesStdin("标题里有某禁词".encode())) == []


def test_non_utf8_input_is_refused_with_a_clear_error(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("再接再励".encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(path))
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.txt"))


def test_one_megabyte_story_from_stdin():
    text = ("今年以来，全市完成固定资产投资123亿元，大家再接再励。\n" * 40_000).encode()
    assert len(text) > 1_000_000
    lines = run("-", stdin=BytesStdin(text))
    assert len(lines) == 40_000
