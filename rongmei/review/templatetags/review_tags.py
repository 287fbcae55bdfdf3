from django import template

from .. import outcomes

register = template.Library()


@register.simple_tag
def open_warning_count(story):
    """Open proofreading warnings on the story's latest revision, or ``None`` if not checked yet."""
    specific = getattr(story, "specific", story)
    if not hasattr(specific, "proof_checks"):
        return None
    return outcomes.open_warning_count(specific)
