"""Admin hooks for monitoring reports (imported by wagtail_hooks.py)."""
