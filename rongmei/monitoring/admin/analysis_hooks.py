"""Admin hooks for monitoring analysis (imported by wagtail_hooks.py)."""
