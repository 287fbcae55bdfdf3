"""Wagtail search backend entry point (settings: WAGTAILSEARCH_BACKENDS)."""

from wagtail.search.backends.database import SearchBackend  # noqa: F401
