"""The one parser of typed e-mail address lists (rongmei.core.emails)."""

import pytest

from rongmei.core.emails import parse_emails


def test_one_per_line_with_blank_lines_and_an_invalid_line():
    # a client's report recipients as the reports tests write them
    text = "office@chengdong.example\nnot an address\n\nweb@chengdong.example"
    assert parse_emails(text) == (["office@chengdong.example", "web@chengdong.example"], ["not an address"])


@pytest.mark.parametrize(
    "text",
    [
        "a@x.cn\nb@y.cn\nc@z.cn",
        "a@x.cn\r\nb@y.cn\r\nc@z.cn\r\n",
        "a@x.cn, b@y.cn; c@z.cn",
        "a@x.cn，b@y.cn；c@z.cn",  # full-width comma and semicolon
        "a@x.cn、b@y.cn、c@z.cn",  # the enumeration comma
        "a@x.cn b@y.cn\tc@z.cn",  # whitespace alone
        "a@x.cn\u3000b@y.cn\u3000c@z.cn",  # the ideographic space
        " ,; a@x.cn ,,, b@y.cn ;\n\n c@z.cn ；",
    ],
)
def test_every_separator(text):
    assert parse_emails(text) == (["a@x.cn", "b@y.cn", "c@z.cn"], [])


def test_duplicates_once_whatever_the_case_first_spelling_kept():
    assert parse_emails("Duty@Example.test\nduty@example.test\nchief@example.test, DUTY@EXAMPLE.TEST") == (
        ["Duty@Example.test", "chief@example.test"],
        [],
    )
    assert parse_emails("nobody\nNOBODY\nnobody") == ([], ["nobody"])


def test_an_invalid_entry_is_shown_as_written_and_its_addresses_still_count():
    assert parse_emails("duty@example.test\nnot-an-address\nchief@example.test") == (
        ["duty@example.test", "chief@example.test"],
        ["not-an-address"],
    )
    assert parse_emails("张三 <zhang@example.test>") == ([], ["张三 <zhang@example.test>"])
    assert parse_emails("zhang@example.test oops") == (["zhang@example.test"], ["oops"])


@pytest.mark.parametrize("text", ["", None, "  \n ,; ，"])
def test_nothing(text):
    assert parse_emails(text) == ([], [])
