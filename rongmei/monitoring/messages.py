"""Fetch errors and notes in plain words.

Rows keep a stable code and its parameters, not translated text, so the health view shows each
reader the message in their own language (Chinese first) and messages can be reworded later.
"""

from django.utils.translation import gettext_lazy as _

from rongmei.core.messages import format_message

MESSAGES = {
    # errors: the run stopped, the source keeps its items and is tried again later
    "timeout": _("The site did not answer within %(seconds)s seconds."),
    "connect": _("Could not connect to the site (%(detail)s)."),
    "http_status": _("The site answered with HTTP status %(status)s."),
    "not_found": _("The address no longer exists (HTTP 404)."),
    "too_large": _("The response is larger than %(limit_mb)s MB; reading stopped there."),
    "too_many_redirects": _("The address redirected more than %(max)s times."),
    "bad_redirect": _("The site redirected to an address that cannot be fetched: %(location)s"),
    "robots_disallowed": _("The site's robots.txt does not allow fetching %(url)s."),
    "host_busy": _("The site was asked too recently; the source will be tried again shortly."),
    "html_not_feed": _("This address returned a web page, not a feed."),
    "broken_feed": _("The feed could not be read: %(detail)s"),
    "bad_json": _("The partner API did not return valid JSON: %(detail)s"),
    "bad_ninjs": _("The partner API did not return a list of ninjs items."),
    "bad_sitemap": _("The sitemap could not be read: %(detail)s"),
    "bad_selector": _("The link selector “%(selector)s” is not a valid CSS selector: %(detail)s"),
    "selector_too_complex": _(
        "The link selector “%(selector)s” nests parentheses more than %(limit)s deep, which makes "
        "reading a page very slow; write a simpler selector."
    ),
    "no_links": _("No article links were found on the list page."),
    "unexpected": _("Unexpected error while fetching: %(detail)s"),
    "outbound_refused": _(
        "This address points to an intranet or local machine (%(address)s); for safety it cannot be "
        "fetched. If it really is a source on your organisation's intranet, ask an administrator to add "
        "it to the allow-list."
    ),
    "outbound_refused_other": _("This address cannot be fetched: %(detail)s"),
    # notes: the run went on
    "future_date": _("The source gave a publish time in the future (%(given)s); the fetch time was used."),
    "feed_warning": _("The feed has errors but could be read: %(detail)s"),
    "entries_without_link": _("%(count)s entries had no usable link and were skipped."),
    "article_failed": _("%(count)s articles could not be fetched; the feed's summary was kept instead."),
    "article_skipped": _("%(count)s articles could not be fetched and were skipped (first: %(first)s)."),
    "more_pending": _("%(count)s more new articles will be fetched in the next run."),
    "not_modified": _("Not changed since the last fetch."),
    "unchanged": _("Same content as the last fetch; nothing to do."),
    "no_text": _("%(count)s article pages had no text that could be found."),
    "sitemap_children_skipped": _("%(count)s child sitemaps were not read (limit %(limit)s)."),
    "ninjs_items_skipped": _("%(count)s ninjs items had no uri and were skipped."),
}


def render_message(code, params=None):
    msgid = MESSAGES.get(code)
    return code if msgid is None else format_message(msgid, params)


def render_notes(notes):
    return [render_message(note.get("code", ""), note.get("params")) for note in notes or []]
