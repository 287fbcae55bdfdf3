"""The errors of proofing acts; ``story_checks`` re-exports them (``story_checks.ProofingError``)."""

from django.core.exceptions import PermissionDenied


class ProofingError(Exception):
    """A proofing act the rules do not allow; ``message`` is translated, fit to show to staff."""

    def __init__(self, message, code="invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code


class ProofingPermissionDenied(ProofingError, PermissionDenied):
    """The acting user may not do this (also a ``PermissionDenied``: a view that meets it answers 403)."""

    def __init__(self, message, code="forbidden"):
        super().__init__(message, code)
