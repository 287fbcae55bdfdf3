"""The newsroom's own password rules, after Django's four (settings.AUTH_PASSWORD_VALIDATORS).

Django's checks already refuse short, all-digit, common and username-like passwords, with messages
in Chinese from Django's own catalogue. These add what guessing tries first in a newsroom: the
username inside the password, a keyboard run or one repeated character, and the demo's published
password.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Runs a guesser tries first, read forwards and backwards.
SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc")


def is_simple_run(password: str) -> bool:
    """One character repeated, or a stretch of a keyboard or alphabet run (also backwards)."""
    lowered = password.lower()
    if len(set(lowered)) <= 1:
        return True
    return any(lowered in run or lowered in run[::-1] for run in SEQUENCES)


class NewsroomPasswordValidator:
    def validate(self, password, user=None):
        from rongmei.demo.loader import DEMO_PASSWORD

        if password == DEMO_PASSWORD:
            raise ValidationError(
                _("This is the demo's published password, which anyone can read. Please choose another."),
                code="password_demo",
            )
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(
                _(
                    "The password contains your username, which is the first thing tried. Please leave it out."
                ),
                code="password_contains_username",
            )
        if is_simple_run(password):
            raise ValidationError(
                _(
                    "This password is one character repeated or a run such as 1234567890 or qwertyuiop, "
                    "which is guessed first. Please choose another."
                ),
                code="password_simple_run",
            )

    def get_help_text(self):
        return _("Your password can’t contain your username or be a run such as 1234567890 or qwertyuiop.")


class NewsroomMinimumLengthValidator(MinimumLengthValidator):
    """Django's length check with its own words: Django 5.2's message has no Chinese translation."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password needs at least %(min_length)d character.",
            "Your password needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
