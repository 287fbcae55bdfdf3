"""A story's version per channel: what the editor wrote for the channel (``StoryChannelVersion``,
part of the story's revision and so of what 三审 approves), every blank field generated from the
story itself.

``resolve(story, channel)`` is what adapters receive as ``item.version`` and what the editor's
分发 panel shows as the generated text.
"""

from django.utils.html import strip_tags

from rongmei.website.site_url import page_url

from .adapters import ChannelVersion, adapter_for


def story_text(story) -> str:
    """The body as plain text (paragraphs run together with a space)."""
    from rongmei.search.segment import plain_text

    return " ".join(plain_text(story.body or "").split())


def clip(text: str, max_chars: int | None) -> str:
    text = " ".join((text or "").split())
    if not max_chars or len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)] + "…"


def story_at_revision(story, revision_id):
    """The story as the approved revision has it (channel versions included); the live page when unknown."""
    if not revision_id:
        return story
    from wagtail.models import Revision

    revision = Revision.page_revisions.filter(pk=revision_id, object_id=str(story.pk)).first()
    return revision.as_object() if revision is not None else story


def edited_version(story, channel):
    """The editor's channel version of ``story`` for ``channel`` (in-memory children of a revision
    object included), or ``None``."""
    versions = getattr(story, "channel_versions", None)
    if versions is None:
        return None
    for version in versions.all():
        if version.channel_id == channel.pk:
            return version
    return None


def _limit(adapter, name):
    limit = (adapter.limits or {}).get(name) or {}
    return limit.get("max_chars") if isinstance(limit, dict) else None


def generated(story, channel, *, adapter=None) -> ChannelVersion:
    """Each field made from the story alone, clipped to the platform's limit, then shaped by the
    channel's adapter (``ChannelAdapter.default_version``)."""
    adapter = adapter or adapter_for(channel)
    try:
        link = page_url(story)
    except Exception:  # a story outside any site has no address
        link = ""
    lead = strip_tags(getattr(story, "lead", "") or "").strip()
    summary_source = lead or story_text(story)
    title = story.title
    author = story.credit_line() if hasattr(story, "credit_line") else ""
    text = f"【{title}】{clip(summary_source, 80)}"
    base = ChannelVersion(
        title=clip(title, _limit(adapter, "title")),
        author=clip(author, _limit(adapter, "author")),
        summary=clip(summary_source, _limit(adapter, "summary")),
        text=clip(text, _limit(adapter, "text")),
        target_length=None,
        image=getattr(story, "cover_image", None),
        link=link,
    )
    # The platform's own convention for what it generates (Douyin: #话题 in the caption).
    return adapter.default_version(story, base)


def resolve(story, channel, *, revision_id=None, adapter=None) -> ChannelVersion:
    """The version ``channel`` publishes: the editor's fields where filled, generated ones elsewhere."""
    source = story_at_revision(story, revision_id)
    base = generated(source, channel, adapter=adapter)
    edited = edited_version(source, channel)
    if edited is None:
        return base
    return ChannelVersion(
        title=edited.title or base.title,
        author=edited.author or base.author,
        summary=edited.summary or base.summary,
        text=edited.text or base.text,
        target_length=edited.target_length or base.target_length,
        image=edited.image or base.image,
        link=base.link,
    )
