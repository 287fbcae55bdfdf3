"""Property tests (Hypothesis) for importing many sources at once: an uploaded OPML file gives
lines or an ``OPMLError`` with a message; pasted lines give sources or a message per bad line
(never an exception), and a line of a name and a valid address round-trips."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongmei.monitoring.sources.imports import OPMLError, opml_to_text, parse_lines

FAST = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

OPML_PIECES = st.sampled_from(
    [
        b"<?xml version='1.0' encoding='utf-8'?>",
        b"<opml version='2.0'>",
        b"<body>",
        b"</body>",
        b"</opml>",
        b"<outline text='\xe6\xb7\x84\xe5\x8d\x9a' xmlUrl='http://example.com/rss'/>",
        b"<outline xmlUrl=''/>",
        b"<outline title='a\nb' xmlurl=' https://example.org/feed '>",
        b"</outline>",
        b"<!-- c -->",
        b"<!DOCTYPE opml [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
        b"&x;",
        b"<rss>",
        b"\x00",
        b"\xff",
    ]
)


@FAST
@given(st.one_of(st.binary(max_size=200), st.lists(OPML_PIECES, max_size=25).map(b"".join)))
def test_an_opml_upload_gives_lines_or_a_message(data):
    try:
        text = opml_to_text(data)
    except OPMLError as error:
        assert str(error).strip()
    else:
        assert "passwd" not in text and "root:" not in text
        lines, errors = parse_lines(text)
        assert len(lines) + len(errors) <= text.count("\n") + 1


LINE_PIECES = st.sampled_from(
    [
        "淄博新闻",
        "http://example.com/rss",
        "https://例子.中国/feed",
        "www.example.org",
        "http://127.0.0.1/",
        "http://10.0.0.1/rss",
        "ftp://x",
        "#",
        "，",
        "\t",
        " ",
        "|",
        "\n",
        "http://",
        "https://a.b/" + "x" * 1100,
    ]
)


@FAST
@given(st.one_of(st.text(max_size=200), st.lists(LINE_PIECES, max_size=30).map("".join)))
def test_pasted_lines_give_sources_or_a_message_per_bad_line(text):
    lines, errors = parse_lines(text)
    assert all(isinstance(error, str) and error.strip() for error in errors)
    for line in lines:
        assert line.url.startswith(("http://", "https://")) and line.name


@FAST
@given(st.text(st.characters(categories=["Lo"]), min_size=1, max_size=20), st.integers(1, 999))
def test_a_name_and_an_address_round_trip(name, number):
    url = f"https://news{number}.example.com/rss"
    lines, errors = parse_lines(f"{name} {url}")
    assert errors == []
    assert [(line.name, line.url) for line in lines] == [(name, url)]
