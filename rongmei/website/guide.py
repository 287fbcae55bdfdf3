"""The newsroom's Chinese user guide (docs/guide/*.md) as an admin page, and the help menu pointing at it.

Wagtail's help menu links to its English editor guide and release notes, which say nothing about
三审, 审校 or 舆情; the newsroom's own guide replaces them. The Markdown is a small subset (headings,
lists, paragraphs, **bold**, `code`), rendered here with everything escaped: no library needed.
"""

import re
from pathlib import Path

from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

GUIDE_DIR = Path(__file__).resolve().parents[2] / "docs" / "guide"
GUIDE_NAME = re.compile(r"[a-z0-9-]+")
# Wagtail's own help items that lead to English pages about Wagtail rather than this newsroom.
REPLACED_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


def _inline(text: str) -> str:
    html = escape(text)
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", html)


def render_markdown(text: str) -> tuple[str, str]:
    """(title, HTML) of a guide page: the first "# " heading is the title."""
    title, out, paragraph, list_tag = "", [], [], None

    def flush():
        nonlocal paragraph, list_tag
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph = []
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    for line in text.splitlines():
        stripped = line.strip()
        item = re.match(r"^(- |\d+\. )(.*)$", stripped)
        heading = re.match(r"^(#{1,4}) (.*)$", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            level = len(heading[1])
            if level == 1 and not title:
                title = heading[2]
            else:
                out.append(f"<h{max(level, 2)}>{_inline(heading[2])}</h{max(level, 2)}>")
        elif item:
            if paragraph:
                flush()
            tag = "ul" if item[1] == "- " else "ol"
            if list_tag != tag:
                flush()
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline(item[2])}</li>")
        elif list_tag and line.startswith("  "):
            out[-1] = out[-1][: -len("</li>")] + " " + _inline(stripped) + "</li>"
        else:
            if list_tag:
                flush()
            paragraph.append(stripped)
    flush()
    return title, mark_safe("\n".join(out))  # noqa: S308 (every text piece went through escape())


def guide_view(request, name="index"):
    """An admin page of the guide; every signed-in admin user may read it."""
    path = GUIDE_DIR / f"{name}.md"
    if not GUIDE_NAME.fullmatch(name) or not path.is_file():
        raise Http404(_("There is no such page of the guide."))
    title, body = render_markdown(path.read_text(encoding="utf-8"))
    return render(request, "website/admin/guide.html", {"page_title": title, "guide_html": body})
