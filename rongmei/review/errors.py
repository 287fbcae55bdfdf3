"""The errors of 三审 acts; ``services`` re-exports them, so callers write ``services.ReviewError``."""

from django.core.exceptions import PermissionDenied


class ReviewError(Exception):
    """A review act that the rules do not allow; ``message`` is translated, fit to show to staff."""

    def __init__(self, message, code="invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code


class ReviewPermissionDenied(ReviewError, PermissionDenied):
    """The acting user may not make this decision (also a ``PermissionDenied`` for Django views)."""

    def __init__(self, message, code="forbidden"):
        super().__init__(message, code)


class PublicationRefused(ReviewPermissionDenied):
    """A story would go live (or be scheduled) with a revision that did not pass 三审. Being a
    ``PermissionDenied``, a path that reaches it unguarded (the admin API) answers 403, not 500."""

    def __init__(self, message, code="not_reviewed"):
        super().__init__(message, code)
