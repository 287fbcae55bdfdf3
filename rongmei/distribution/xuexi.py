"""学习强国 by hand: the package download, making it again, and recording what an editor did there.

The adapter (``adapters/xuexi.py``) leaves the channel "needs manual action" with a package ready.
An editor who may edit the story downloads the package, submits it on the 学习强国 contributor
platform and records it here (``mark_done``): who, when, and the platform's address of the article
if they have it. That sets the story's status on the channel (``services.record_done_by_hand``: published,
or retracted/taken off for a take-down done by hand) and writes an entry in Wagtail's audit log on
the story (action ``rongmei.distribution.xuexi_submitted`` / ``…xuexi_taken_down``), so the story's
history shows it. The distribution app keeps no model of its own for this.
"""

import logging
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from rongmei.organisation.models import display_name_for

from . import packages, services, versions
from .adapters import adapter_for
from .models import StoryChannelStatus
from .permissions import may_handle_xuexi
from .services import PUBLISHING_ACTS, TAKING_DOWN_ACTS, DistributionError

logger = logging.getLogger(__name__)

KIND = "xuexi"
State = StoryChannelStatus.State
Act = StoryChannelStatus.Act
LOG_SUBMITTED = "rongmei.distribution.xuexi_submitted"
LOG_TAKEN_DOWN = "rongmei.distribution.xuexi_taken_down"


def register_log_actions(actions):
    actions.register_action(
        LOG_SUBMITTED,
        gettext_lazy("Record submission to 学习强国"),
        gettext_lazy("Submitted to 学习强国 by hand"),
    )
    actions.register_action(
        LOG_TAKEN_DOWN,
        gettext_lazy("Record take-down on 学习强国"),
        gettext_lazy("Taken down on 学习强国 by hand"),
    )


# --- who may ---------------------------------------------------------------------------------------------


def _require(user, status):
    if not may_handle_xuexi(user, status.story):
        raise PermissionDenied(
            _("Only staff who may edit this story may handle its 学习强国 package and record its submission.")
        )


def _require_xuexi(status):
    if status.channel.kind != KIND:
        raise DistributionError(_("This channel is not 学习强国."))


# --- the package -----------------------------------------------------------------------------------------


def package_download(status, *, acting_user):
    """The package of the status's revision as a download (checked; FileNotFoundError when none is made)."""
    from rongmei.core.storage import private_file_response

    _require_xuexi(status)
    _require(acting_user, status)
    # What private_file_response reads of a FileField: its storage and name.
    stored = SimpleNamespace(
        storage=packages.private_storage(), name=packages.package_name(status.story_id, status.revision_id)
    )
    if not stored.storage.exists(stored.name):
        raise FileNotFoundError(stored.name)
    return private_file_response(
        stored, packages.download_filename(status.story_id, status.revision_id), "application/zip"
    )


def rebuild_package(status, *, acting_user) -> packages.Package:
    """Make the package again for the status's revision (after a correction, or a lost file)."""
    _require_xuexi(status)
    _require(acting_user, status)
    story = status.story.specific
    if story.is_retracted:
        raise DistributionError(_("The story is retracted: there is nothing to submit."))
    adapter = adapter_for(status.channel)
    version = versions.resolve(story, status.channel, revision_id=status.revision_id, adapter=adapter)
    try:
        return packages.build_package(story, revision_id=status.revision_id, version=version)
    except packages.PackageError as error:
        raise DistributionError(error.message) from error


# --- done by hand ----------------------------------------------------------------------------------------


def _check_url(remote_url: str) -> str:
    remote_url = (remote_url or "").strip()
    if remote_url and not remote_url.lower().startswith(("https://", "http://")):
        raise DistributionError(_("Give the article's address on 学习强国 as a web address (https://…)."))
    return remote_url


def mark_done(status, *, acting_user, remote_url="", at=None) -> StoryChannelStatus:
    """Record that ``acting_user`` submitted the story on the 学习强国 platform (a publication,
    update or correction), or took it down there (a retraction or take-down), at ``at`` (now)."""
    _require_xuexi(status)
    _require(acting_user, status)
    if status.state != State.NEEDS_MANUAL:
        raise DistributionError(
            _("Nothing is waiting to be done by hand on 学习强国 for this story (its state: %(state)s).")
            % {"state": status.get_state_display()}
        )
    remote_url = _check_url(remote_url)
    story = status.story
    taking_down = status.act in TAKING_DOWN_ACTS
    if not taking_down and story.specific.is_retracted:
        raise DistributionError(_("The story is retracted: it must not be submitted."))
    at = at or timezone.now()
    name = display_name_for(acting_user)
    when = f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
    # The note is the newsroom's record, read by everyone in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        if taking_down:
            note = _("taken down by %(name)s at %(time)s") % {"name": name, "time": when}
        else:
            note = _("submitted by %(name)s at %(time)s") % {"name": name, "time": when}
    with transaction.atomic():
        if not services.record_done_by_hand(status, note=note, remote_url=remote_url, at=at):
            raise DistributionError(
                _("The story’s 学习强国 status changed meanwhile (a newer version was queued): look again.")
            )
        log(
            instance=story.specific,
            action=LOG_TAKEN_DOWN if taking_down else LOG_SUBMITTED,
            user=acting_user,
            data={
                "channel": status.channel.code,
                "act": status.act,
                "revision_id": status.revision_id,
                "remote_url": remote_url,
                "at": at.isoformat(),
            },
            timestamp=at,
        )
    logger.info("学习强国 %s of story %s recorded by %s", status.act, story.pk, acting_user)
    status.refresh_from_db()
    return status


def history(story):
    """The story's recorded 学习强国 submissions and take-downs, newest first."""
    from wagtail.models import PageLogEntry

    return (
        PageLogEntry.objects.filter(page_id=story.pk, action__in=[LOG_SUBMITTED, LOG_TAKEN_DOWN])
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )


def waiting_act_label(status) -> str:
    if status.act in TAKING_DOWN_ACTS:
        return _("take it down on 学习强国")
    if status.act in PUBLISHING_ACTS and status.published_at is not None:
        return _("submit the corrected version on 学习强国")
    return _("submit it on 学习强国")
