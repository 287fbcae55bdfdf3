from django.utils import translation
from django.utils.translation import gettext_lazy

from rongmei.core.messages import format_message


def test_a_stored_msgid_is_shown_in_the_readers_language_with_its_parameters():
    with translation.override("zh-hans"):
        assert format_message("Save") == "保存"
        assert format_message(gettext_lazy("Save")) == "保存"
        assert format_message("%(count)s items", {"count": 3}) == "3 items"
    with translation.override("en"):
        assert format_message("Save") == "Save"


def test_a_message_whose_placeholder_was_lost_still_shows():
    # A catalogue entry (or a stored row) whose placeholders no longer match its parameters.
    assert format_message("Timed out after %(seconds)s seconds.", {"detail": "x"}) == (
        "Timed out after %(seconds)s seconds."
    )
    assert format_message("Timed out after %(seconds)s seconds.", {}, fallback="超时") == "超时"
    assert format_message("100% done") == "100% done"
