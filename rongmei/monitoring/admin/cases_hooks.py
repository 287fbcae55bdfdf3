"""Admin hooks for monitoring cases (imported by wagtail_hooks.py)."""
