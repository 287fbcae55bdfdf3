"""Admin hooks for monitoring alerts (imported by wagtail_hooks.py)."""
