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


def annotate_groups(groups) -> list:
    """Give each group of findings its message and whether to show “old” → “new” beside it (not
    when the message already says what to write instead)."""
    for group in groups:
        group.message = finding_message(group.representative)
        group.show_change = bool(
            not group.by_rule
            and group.first.suggestion
            and f"“{group.first.suggestion}”" not in group.message
        )
    return groups
