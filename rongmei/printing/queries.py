"""Read-only helpers of the print edition: which version of a story is printed, its print headline
and length against the target, where a story stands in print."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import PagePlacement, PrintPage
from .text import PrintText, print_text

PRINT_CHANNEL_CODE = "print"
PRINT_KIND = "print"
# Within this share under the target a story "fits"; more under is flagged as short.
UNDER_TOLERANCE = 0.1


def printable_revision(story):
    """The revision the paper prints: the newest one approved for publication (a scheduled one, else
    the live one), never a draft or a version waiting in 三审; ``None`` if there is none (a draft,
    a story taken off the site or retracted).

    Both kinds passed the go-live gate (``review.services.check_may_go_live``): 三审, a recorded
    突发, or content loaded from elsewhere.
    """
    from wagtail.models import Revision

    if story is None or story.is_retracted:
        return None
    scheduled = (
        Revision.page_revisions.filter(object_id=str(story.pk), approved_go_live_at__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    revision = scheduled or (story.live_revision if story.live else None)
    if revision is None:
        return None
    if getattr(revision.as_object(), "is_retracted", False):
        return None  # an approved retraction waiting for its time
    return revision


def printable_story(story):
    """The story as it will be printed (the printable revision's content), or ``None``."""
    revision = printable_revision(story)
    if revision is None:
        return None
    return revision.as_object()


def print_channel():
    """The print channel (``distribution.Channel`` of kind "print"), or ``None`` before the first issue."""
    from rongmei.distribution.models import Channel

    return Channel.objects.filter(kind=PRINT_KIND).order_by("-enabled", "sort_order", "pk").first()


def print_version(story, revision=None):
    """The story's print version (print headline, target length) as approved with the revision:
    the editor's print channel version, blanks generated from the story."""
    from rongmei.distribution import versions
    from rongmei.distribution.adapters import ChannelVersion

    channel = print_channel()
    if channel is None:
        return ChannelVersion(title=story.title)
    revision = revision if revision is not None else printable_revision(story)
    return versions.resolve(story, channel, revision_id=revision.pk if revision is not None else None)


@dataclass
class LengthCheck:
    length: int
    target: int

    @property
    def difference(self) -> int:
        return self.length - self.target

    @property
    def verdict(self) -> str:
        """ "over", "under" or "fits"."""
        if self.length > self.target:
            return "over"
        if self.length < self.target * (1 - UNDER_TOLERANCE):
            return "under"
        return "fits"

    @property
    def message(self) -> str:
        if self.verdict == "over":
            return _("%(n)d characters over") % {"n": self.difference}
        if self.verdict == "under":
            return _("%(n)d characters short") % {"n": -self.difference}
        return _("fits")


@dataclass
class PlacementView:
    """A placement with what the page plan shows about it."""

    placement: PagePlacement
    printed: object  # the story as printed, or None when it is no longer printable
    text: PrintText | None
    headline: str
    check: LengthCheck | None

    @property
    def problem(self) -> str:
        if self.printed is None:
            story = self.placement.story
            if story.is_retracted:
                return _("This story has been retracted: remove it from the page.")
            return _("This story is no longer approved for publication (taken off the site): remove it.")
        return ""


def effective_headline(placement, printed=None, version=None) -> str:
    if placement.headline:
        return placement.headline
    story = printed or placement.story
    version = version or print_version(placement.story)
    return version.title or story.title


def view_placement(placement) -> PlacementView:
    revision = printable_revision(placement.story)
    printed = revision.as_object() if revision is not None else None
    if printed is None:
        return PlacementView(placement, None, None, placement.headline or placement.story.title, None)
    version = print_version(placement.story, revision)
    headline = effective_headline(placement, printed, version)
    text = print_text(printed, headline=headline)
    return PlacementView(
        placement, printed, text, headline, LengthCheck(text.length, placement.target_length)
    )


def placements_for_story(story):
    return (
        PagePlacement.objects.filter(story=story)
        .select_related("page", "issue", "issue__outlet", "page__signed_off_by")
        .order_by("-issue__issue_date", "page__number")
    )


def page_reference(page) -> str:
    """“测试日报 2025-03-02 第3版 · 要闻”"""
    return f"{page.issue.outlet} {page.issue.issue_date:%Y-%m-%d} {page.label}"


@dataclass(frozen=True)
class PrintStanding:
    """Where a story stands in print: printed (on a signed-off page), placed, or not yet."""

    printed: bool
    placed: bool
    note: str
    remote_id: str = ""


def print_standing(story) -> PrintStanding:
    from rongmei.organisation.models import display_name_for

    placements = list(placements_for_story(story))
    signed = [p for p in placements if p.page.state == PrintPage.State.SIGNED_OFF]
    if signed:
        page = signed[0].page
        return PrintStanding(
            printed=True,
            placed=True,
            note=_("%(page)s signed off by %(name)s")
            % {
                "page": page_reference(page),
                "name": display_name_for(page.signed_off_by) or _("unknown"),
            },
            remote_id=f"print:{page.issue.outlet_id}:{page.issue.issue_date:%Y-%m-%d}:{page.number}",
        )
    if placements:
        page = placements[0].page
        return PrintStanding(
            printed=False,
            placed=True,
            note=_("Placed on %(page)s (%(state)s), awaiting sign-off.")
            % {"page": page_reference(page), "state": page.get_state_display()},
        )
    return PrintStanding(printed=False, placed=False, note=_("Awaiting placement on a page plan."))
