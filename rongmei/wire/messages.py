"""What the wire says in plain words: fetch errors, problems with single items, refused pushes.

Rows keep a stable code and its parameters, not translated text (as monitoring does), so each
reader sees the message in their own language; the HTTP errors of the fetching client are
monitoring's codes and are rendered by its catalogue.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rongmei.core.messages import format_message
from rongmei.monitoring.messages import MESSAGES as FETCH_MESSAGES

MESSAGES = {
    # a whole run or push
    "bad_json": _("The partner did not send valid JSON: %(detail)s"),
    "not_a_list": _(
        "The partner's feed is not a list of ninjs items (a JSON list, or an object with “items”)."
    ),
    "no_secret": _("No shared secret is set for this source at our end, so no push can be checked."),
    "secret_unreadable": _(
        "The shared secret of this source can no longer be read (the server's secret key changed); "
        "type it in again on the source."
    ),
    "no_url": _("This source has no address to fetch."),
    "push_only": _("Push sources are not fetched: the partner sends their items to us."),
    "items_rejected": _("%(count)s items were refused; see the list below. The others were stored."),
    "more_pending": _("%(count)s more items will be read in the next run."),
    "unexpected": _("Unexpected error: %(detail)s"),
    # one item
    "not_an_object": _("The item is not a JSON object."),
    "required": _("This field is required."),
    "not_a_string": _("This must be text."),
    "not_a_list_field": _("This must be a list."),
    "not_an_object_field": _("This must be an object."),
    "too_long": _("This is longer than %(max)s characters."),
    "bad_date": _("This is not a date and time in ISO 8601 form (e.g. 2026-11-26T08:30:00+08:00)."),
    "bad_choice": _("This must be one of: %(choices)s."),
    "bad_url": _("This must be an http:// or https:// address."),
    "no_headline": _("The item has no headline."),
    "no_id": _("The item has neither a guid/id nor a link, so it cannot be told apart from the others."),
    "body_too_long": _("The body is longer than %(max)s characters."),
    # refused pushes (401)
    "unsigned": _(
        "The push is not signed: send the headers X-Rongmei-Timestamp and X-Rongmei-Signature "
        "(sha256=HMAC-SHA256 of timestamp + “.” + body with the shared secret)."
    ),
    "bad_timestamp": _("X-Rongmei-Timestamp must be the time in whole seconds since 1970 (Unix time)."),
    "stale": _(
        "The push's timestamp is more than 5 minutes away from our clock; sign it again with the "
        "current time (and check the sending server's clock)."
    ),
    "bad_signature": _(
        "The signature does not match: the push was not signed with the shared secret agreed for this "
        "source, or the body was changed on the way. Nothing was stored."
    ),
    "unknown_source": _("There is no push source with this number at our end."),
    "inactive": _("This source is switched off at our end; ask the newsroom to switch it on again."),
    "too_large": _("The push is larger than %(limit_mb)s MB."),
    "post_only": _("Send pushes with POST."),
    "idempotency_conflict": _(
        "This Idempotency-Key was already used for a different body; use a new key for a new push."
    ),
    "invalid_ninjs": _("The item is not valid ninjs; see the errors per field. Nothing was stored."),
    "too_many_items": _("A push carries at most %(max)s items."),
}


def render(code, params=None) -> str:
    msgid = MESSAGES.get(code) or FETCH_MESSAGES.get(code)
    return code if msgid is None else format_message(msgid, params)


def render_both(code, params=None) -> dict[str, str]:
    """The message in Chinese and in English, for a partner's developers (push answers)."""
    out = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            out[language] = render(code, params)
    return out
