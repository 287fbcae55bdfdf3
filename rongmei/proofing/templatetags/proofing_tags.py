from django import template

from ..engine.findings import Finding, render_message
from ..models import CATEGORY_LABELS

register = template.Library()


@register.filter
def finding_message(finding) -> str:
    """A stored finding's message in the active language."""
    return render_message(
        Finding(
            start=finding.start,
            end=finding.end,
            category=finding.category,
            severity=finding.severity,
            message=finding.message,
            params=finding.params or {},
        )
    )


@register.filter
def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)
