"""Every admin screen the demo reaches, as each demo role sees it in zh-Hans, has no English left.

A breadth-first walk from /admin/ per demo role: the sidebar menu, the dashboard and every same-origin
/admin/ link on each screen, with a cap per role and each kind of screen (its URL with the numbers
taken out) visited only a couple of times. Each HTML page is checked for English words in what a
person sees or hears: text (also screen-reader-only text such as Wagtail's "True"/"False" and
"Actions"), and the aria-label, title, placeholder, alt and tooltip attributes. Scripts, styles,
code, form values and elements marked with another language (the language switcher's "English")
are not read; the demo's own data is Chinese, so the few Latin words it legitimately shows
(usernames, slugs, file names, brand names) are allowed explicitly.

The same walk checks that a page view only reads: no screen of ours writes to the database on a GET
(Wagtail's own bookkeeping, listed in WAGTAIL_WRITES_ON_VIEW, aside).

Run with -s to see, per page, which words were found.
"""

import json
import re
from collections import defaultdict, deque
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rongmei.demo.loader import DEMO_USERS, load_demo_data

ROLES = [username for username, _description in DEMO_USERS]
MAX_PAGES_PER_ROLE = 150
# Each kind of screen is read by at most this many roles (each role's own dashboard always).
VISITS_PER_KIND = 2
# Query parameters that show the same screen again: sorted, paged, or with a way back.
SAME_SCREEN_PARAMETERS = {"next", "ordering", "p"}

# Links the walk never follows: signing out, deleting (a confirmation screen, but nothing to learn
# from a second one), files that are not HTML, and the admin's static catalogues.
SKIPPED = re.compile(
    r"/logout/|/delete/|/delete-multiple|/download|/export|[?&]export=|/jsi18n/|/preview/|"
    r"/bulk/|/usage/.*[?&]|/originals/|/serve/|\.(?:pdf|csv|xlsx|docx|zip|jpg|png|opml|xml|json)$"
)

# Latin words a Chinese newsroom's admin legitimately shows: brand and product names, file formats
# and units, protocols and their header words, the watch rules' query operators and field prefixes
# (region:张店, typed as they are), and the language switcher's "English" (each language is named in
# itself).
ALLOWED_WORDS = {
    word.lower()
    for word in """
    Rongmei Wagtail WeChat Weibo WeCom DingTalk Feishu Douyin Kuaishou Toutiao Bilibili
    RSS Atom OPML URL URLs API APIs PDF HTML CSS H5 ID IDs CSV TSV XLSX DOCX ZIP JSON XML ninjs IPTC
    GIF JPG JPEG PNG WEBP KB MB GB SEO SMS APP QR HTTP HTTPS UTF Webhook HMAC SHA Authorization Bearer
    EXIF GPS AVI MKV MOV WAV WebM AAC
    TOTP Microsoft Google Authenticator FreeOTP Aegis OIDC LDAP
    AND OR NOT NEAR region person English
    """.split()
}

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
# Chinese text has no spaces: its characters and punctuation separate tokens as whitespace does.
SEPARATOR = re.compile(r"[\s\u2014\u2018-\u201d\u2026\u3000-\u303f\u3400-\u9fff\uff00-\uff0f\uff1a-\uff20]+")
# Whitespace-separated tokens that are addresses, paths, file names or identifiers, not words.
FILE_OR_HOST = "jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|csv|tsv|txt|zip|mp4|mp3|xml|json|opml|html?|com|cn|net|org|gov|edu|io|test|example|local"
NOT_PROSE = re.compile(
    r"""^[("“‘《\[]*(?:
        [\w.+-]+@[\w-]+(?:\.[\w-]+)+        # e-mail address
      | (?:https?:)?//\S+ | www\.\S+         # address
      | \S*/\S*                              # path
      | [\w-]+(?:\.[\w-]+)*\.(?:FILE_OR_HOST) # file name, host name
      | [\w.]*\w-[\w.-]*                      # hyphenated identifier (X-Rongmei-Signature, ul.news-list)
      | \S*[_\d]\S*                          # identifier or token with digits or underscores
      | \#\w+                                # anchor
    )[)”’》\],.，。：:;；]*$""".replace("FILE_OR_HOST", FILE_OR_HOST),
    re.X | re.I,
)

SHOWN_ATTRIBUTES = (
    "aria-label",
    "aria-description",
    "title",
    "placeholder",
    "alt",
    "data-w-tooltip-content-value",
)
UNREAD_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "noscript", "svg", "iframe"}


def shown_pieces(document):
    """(where, text) for every piece of text a person sees or hears on the page."""
    pieces = []

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in UNREAD_ELEMENTS:
            return
        lang = element.get("lang")
        if lang and not lang.lower().startswith("zh"):
            return
        if element.get("hidden") is not None or element.get("aria-hidden") == "true":
            return  # neither seen nor heard (a counter that scripts fill in, say)
        if tag == "option" and (element.text or "").strip() == element.get("value"):
            return  # a choice shown as its stored value: time zones ("Asia/Shanghai", "UTC")
        for attribute in SHOWN_ATTRIBUTES:
            value = element.get(attribute)
            if value:
                pieces.append((f"{tag}[{attribute}]", value))
        if element.text and tag:
            pieces.append((tag, element.text))
        for child in element:
            walk(child)
            if child.tail:
                pieces.append((tag, child.tail))

    walk(document)
    return pieces


def english_words(text, allowed):
    words = []
    for token in SEPARATOR.split(text):
        if NOT_PROSE.match(token):
            continue
        for word in WORD.findall(token):
            if word.lower() not in allowed:
                words.append(word)
    return words


def english_on_page(content, allowed):
    document = lxml.html.document_fromstring(content)
    found = []
    for where, text in shown_pieces(document):
        words = english_words(text, allowed)
        if words:
            found.append((where, " ".join(text.split())[:80], words))
    return found


def admin_links(content, page_url):
    """Same-origin /admin/ links of a page: anchors and the sidebar menu's JSON."""
    document = lxml.html.document_fromstring(content)
    hrefs = [anchor.get("href") for anchor in document.iter("a") if anchor.get("href")]
    for script in document.iter("script"):
        if script.get("type") == "application/json" and script.text:
            hrefs.extend(re.findall(r'"url":\s*"([^"]+)"', script.text))
    links = []
    for href in hrefs:
        url = urljoin(page_url, json.loads(f'"{href}"') if "\\u" in href else href)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or not parts.path.startswith("/admin/"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIPPED.search(url):
            links.append(url)
    return links


def kind_of(url):
    """The screen a URL shows: numbers, query values and sorting or paging taken out."""
    parts = urlsplit(url)
    keys = {key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}
    keys = sorted(keys - SAME_SCREEN_PARAMETERS)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def walk_admin(client, allowed, report, kinds):
    """Visit the admin breadth-first from /admin/; return {url: found English} and the errors.

    `kinds` counts the visits of each kind of screen, over all roles.
    """
    # Screens behind a search form, which no link reaches: the page search lists every page for
    # an empty query.
    queue = deque(["/admin/", "/admin/pages/search/?q="])
    seen, own_kinds = set(queue), set()
    english, errors, visited = {}, {}, 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code in (301, 302):
            location = urlsplit(urljoin(url, response["Location"]))
            target = location.path + (f"?{location.query}" if location.query else "")
            if location.path.startswith("/admin/") and target not in seen and "/login/" not in target:
                seen.add(target)
                queue.appendleft(target)
            continue
        if response.status_code >= 500:
            errors[url] = response.status_code
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        content = response.content.decode()
        found = english_on_page(content, allowed)
        if found:
            english[url] = found
        report(url, found)
        for link in admin_links(content, url):
            kind = kind_of(link)
            if link in seen or kind in own_kinds or kinds[kind] >= VISITS_PER_KIND:
                continue
            seen.add(link)
            own_kinds.add(kind)
            kinds[kind] += 1
            queue.append(link)
    return english, errors, visited


# Tables Wagtail itself writes while showing a screen: image renditions made on first view, the
# editing-session heartbeat, the editor's comment subscription, and an image's or document's file
# size and hash (with its search entry) filled in lazily by the edit screen. Nothing of ours.
WAGTAIL_WRITES_ON_VIEW = {
    "media_newsimagerendition",
    "wagtailadmin_editingsession",
    "wagtailcore_pagesubscription",
    "media_newsimage",
    "wagtaildocs_document",
    "wagtailsearch_indexentry",
    "django_session",
    "auth_user",  # last_login
}
WRITE_STATEMENT = re.compile(
    r'^\s*(INSERT|UPDATE|DELETE)\s+(?:OR \w+\s+)?(?:INTO\s+|FROM\s+)?[`"]?(\w+)', re.I
)


def tables_written(queries):
    """The tables a list of captured queries wrote to, outside Wagtail's own bookkeeping."""
    tables = set()
    for query in queries:
        match = WRITE_STATEMENT.match(query["sql"])
        if match and match.group(2) not in WAGTAIL_WRITES_ON_VIEW:
            tables.add(match.group(2))
    return tables


class ReadOnlyClient(Client):
    """A test client that notes, per GET, the tables it wrote to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.writes = {}

    def get(self, path, *args, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            response = super().get(path, *args, **kwargs)
        tables = tables_written(captured.captured_queries)
        if tables:
            self.writes[path] = sorted(tables)
        return response


def demo_user_content():
    """Latin words of the demo's own data that screens show as they are (usernames, slugs, files)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from rongmei.distribution.models import Channel

    words = set(get_user_model().objects.values_list("username", flat=True))
    words |= set(Site.objects.values_list("hostname", flat=True))
    words |= set(Channel.objects.values_list("code", flat=True))  # the outbox's names for channels
    for model in (get_image_model(), get_document_model()):
        for name in model.objects.values_list("file", flat=True):
            words.add(name.rsplit("/", 1)[-1])
    allowed = set()
    for value in words:
        allowed |= {word.lower() for word in WORD.findall(value)}
    return allowed


# --- the check itself must be able to fail --------------------------------------------------


def test_the_check_finds_english_in_text_attributes_and_screen_reader_text():
    page = """<html lang="zh-hans"><head><title>站点 - Rongmei</title></head><body>
      <th>Updated at</th><td><span class="w-sr-only">True</span></td>
      <button aria-label="Actions">…</button><input placeholder="Search sites">
      <a title="编辑">Root page</a><script>var x = "Script text";</script><code>git log</code>
      <p>联系 someone@example.com，文件 report-2026.pdf，地址 https://example.com/a/b，RSS 订阅</p>
      <p lang="en">English</p><textarea>Typed text</textarea></body></html>"""
    found = english_on_page(page, ALLOWED_WORDS)
    words = sorted(word for _where, _text, words in found for word in words)
    assert words == sorted(["Updated", "at", "True", "Actions", "Search", "sites", "Root", "page"])
    assert english_on_page("<html><body><p>已更新：3 分钟前，RSS、PDF</p></body></html>", ALLOWED_WORDS) == []
    page = """<html><body><td>newsroom.storypage</td><div hidden>None</div><option value="UTC">UTC</option>
      <option value="1">Root</option><p>选择器例如“ul.news-list a”，请求头 X-Rongmei-Signature，照片 a.jpg</p></body></html>"""
    words = [word for _where, _text, words in english_on_page(page, ALLOWED_WORDS) for word in words]
    assert words == ["newsroom", "storypage", "Root"]


def test_links_are_same_origin_admin_pages_without_logout_or_deletes():
    page = """<html><body><a href="/admin/pages/3/">a</a><a href="/admin/logout/">b</a>
      <a href="/admin/images/4/delete/">c</a><a href="https://example.com/admin/">d</a>
      <a href="/news/">e</a><a href="reports/">f</a>
      <script type="application/json">{"url": "/admin/sites/"}</script></body></html>"""
    assert admin_links(page, "/admin/") == ["/admin/pages/3/", "/admin/reports/", "/admin/sites/"]
    assert kind_of("/admin/pages/3/edit/?p=2&ordering=title") == "/admin/pages/N/edit/"
    assert kind_of("/admin/pages/search/?q=x&p=2") == "/admin/pages/search/?q"


def test_the_read_only_check_names_the_tables_a_view_writes():
    queries = [
        {"sql": 'SELECT "x" FROM "proofing_proofcheck"'},
        {"sql": 'INSERT INTO "proofing_proofcheck" ("story_id") VALUES (1)'},
        {"sql": 'UPDATE "review_reviewevent" SET "data" = 1'},
        {"sql": 'INSERT OR IGNORE INTO "media_newsimagerendition" ("image_id") VALUES (1)'},
        {"sql": 'UPDATE "django_session" SET "expire_date" = 1'},
    ]
    assert tables_written(queries) == {"proofing_proofcheck", "review_reviewevent"}


# --- every screen, every role ----------------------------------------------------------------


@pytest.mark.django_db
def test_every_admin_screen_the_demo_reaches_is_chinese(django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data()
    allowed = ALLOWED_WORDS | demo_user_content()
    users = get_user_model().objects.in_bulk(ROLES, field_name="username")
    assert sorted(users) == sorted(ROLES)

    found_by_page = defaultdict(lambda: {"roles": [], "words": set(), "plain": set()})
    errors, writes, kinds, total = {}, {}, defaultdict(int), 0
    for role in ROLES:
        client = ReadOnlyClient(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
        client.force_login(users[role])

        def report(url, found, role=role):
            words = sorted({word for _where, _text, words in found for word in words})
            print(f"[{role}] {url}: {' '.join(words) if words else 'ok'}")

        english, role_errors, visited = walk_admin(client, allowed, report, kinds)
        print(f"[{role}] {visited} pages, {len(english)} with English")
        assert "/admin/" not in role_errors, f"{role}'s dashboard fails"
        total += visited
        for url, found in english.items():
            entry = found_by_page[kind_of(url)]
            entry.setdefault("url", url)
            if role not in entry["roles"]:
                entry["roles"].append(role)
            for where, text, words in found:
                entry["words"].add(f"{where}: “{text}”")
                entry["plain"].update(words)
        errors.update({f"[{role}] {url}": status for url, status in role_errors.items()})
        writes.update({f"[{role}] {url}": tables for url, tables in client.writes.items()})

    lines = [
        f"{entry['url']} [{', '.join(entry['roles'])}]: {' '.join(sorted(entry['plain']))}\n    "
        + "\n    ".join(sorted(entry["words"])[:8])
        for _kind, entry in sorted(found_by_page.items())
    ]
    print(f"{total} admin pages read as {len(ROLES)} roles, {len(lines)} kinds of screen with English")
    assert total > 100, f"the walk reached only {total} admin pages"
    assert not errors, f"server errors: {errors}"
    assert not writes, f"page views that wrote to the database: {writes}"
    assert not lines, f"English on {len(lines)} admin screens:\n" + "\n".join(lines)
