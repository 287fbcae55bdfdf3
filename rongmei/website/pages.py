"""Context for the public page types (models delegate here so templates stay thin)."""


def home_context(page, request, context):
    return context


def section_context(page, request, context):
    return context


def topic_index_context(page, request, context):
    return context


def topic_context(page, request, context):
    return context


def story_context(page, request, context):
    return context
