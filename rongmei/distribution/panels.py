"""The story editor's 分发 tab: one channel version per chosen channel, checked while typing.

The limits shown while typing are the ones the server checks on save (``ChannelVersionForm``):
both read ``channel_rules()``, which comes from each adapter's documented ``default_limits``
(sources cited there) narrowed by the channel's own ``limits``.
"""

import dataclasses

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from rongmei.website.site_url import page_url

VERSION_FIELDS = ("title", "author", "summary", "text", "target_length", "image")


def selectable_channels():
    """The channels an editor writes a version for: those chosen per story, and the always-on
    ones whose platform shows something of its own (the app's list title and thumbnail)."""
    from .adapters import ADAPTERS
    from .models import Channel

    with_versions = [kind for kind, adapter in ADAPTERS.items() if adapter.version_fields]
    return Channel.objects.filter(enabled=True).exclude(
        selection=Channel.Selection.ALWAYS, kind__in=[k for k in ADAPTERS if k not in with_versions]
    )


def channel_rules(channel) -> dict:
    """{"fields": {name: label}, "limits": {name: {"max_chars": n, "source": "…"}}} for one channel."""
    from .adapters import ADAPTERS

    adapter_class = ADAPTERS.get(channel.kind)
    if adapter_class is None:
        return {"name": channel.name, "fields": {}, "limits": {}}
    adapter = adapter_class(channel)
    limits = {}
    for name, limit in (adapter.limits or {}).items():
        if name in VERSION_FIELDS and isinstance(limit, dict) and limit.get("max_chars"):
            limits[name] = {"max_chars": int(limit["max_chars"]), "source": str(limit.get("source", ""))}
    return {
        "name": channel.name,
        "fields": {name: str(label) for name, label in adapter.version_fields.items()},
        "limits": limits,
    }


def probable_link(story) -> str:
    """The story's public address, or for a story not yet saved one of the same length (its
    section's address and a date-and-random slug, as ``newsroom.models.new_story_slug`` makes)."""
    try:
        url = page_url(story) if story is not None and story.pk else ""
    except Exception:  # outside any site
        url = ""
    if url:
        return url
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site is not None else "http://localhost"
    return f"{root}/section/20260101-abcdef/"


def over_limit_message(channel_name, label, count, max_chars) -> str:
    return _("%(channel)s: %(field)s has %(count)s characters; the platform allows at most %(max)s.") % {
        "channel": channel_name,
        "field": label,
        "count": count,
        "max": max_chars,
    }


class ChannelVersionForm(WagtailAdminModelForm):
    """A channel version; only channels an editor chooses (not the always-on website and app)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "channel" in self.fields:
            self.fields["channel"].queryset = selectable_channels()

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("channel")
        if channel is None:
            return cleaned
        rules = channel_rules(channel)
        for name, limit in rules["limits"].items():
            value = cleaned.get(name)
            if isinstance(value, str) and len(value) > limit["max_chars"]:
                label = rules["fields"].get(name) or str(self.fields[name].label)
                self.add_error(name, over_limit_message(channel.name, label, len(value), limit["max_chars"]))
        if not self.errors:
            for problem in self._platform_problems(channel, cleaned):
                self.add_error(None, f"{channel.name}: {problem}")
        return cleaned

    def _platform_problems(self, channel, cleaned) -> list[str]:
        """The platform's own checks (``ChannelAdapter.check_version``) on what the editor wrote."""
        from . import versions
        from .adapters import ADAPTERS, ChannelVersion

        adapter_class = ADAPTERS.get(channel.kind)
        edited = {
            name: cleaned.get(name) for name in ("title", "author", "summary", "text") if cleaned.get(name)
        }
        if adapter_class is None or not edited:
            return []
        story = getattr(self, "story", None)
        # As the delivery will see it: the editor's fields over the ones made from the story.
        base = ChannelVersion()
        if story is not None:
            try:
                base = versions.generated(story, channel)
            except Exception:  # a story still being written may lack what generation reads
                base = ChannelVersion()
        version = dataclasses.replace(
            base,
            **edited,
            target_length=cleaned.get("target_length") or base.target_length,
            image=cleaned.get("image") or base.image,
            link=base.link or probable_link(story),
        )
        return list(adapter_class(channel).check_version(story, version, edited=True))


class ChannelVersionFormSet(BaseChildFormSet):
    """Gives each version's form the story being edited (already holding the posted fields when
    the versions are validated), so the platform's checks see its cover and address."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.story = self.instance
        return form


class ChannelVersionsPanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = ChannelVersionForm
        options["formsets"][self.relation_name]["formset"] = ChannelVersionFormSet
        options["formsets"][self.relation_name]["widgets"] = {
            # A plain list of the few channels, not the snippet chooser a registered model gets.
            "channel": forms.Select,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "text": forms.Textarea(attrs={"rows": 4}),
        }
        return options

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "distribution/panels/channel_versions_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["channel_rules"] = {
                str(channel.pk): channel_rules(channel) for channel in selectable_channels()
            }
            context["channel_rule_messages"] = {
                "count": gettext_lazy("%(count)s / %(max)s characters"),
                "over": gettext_lazy(
                    "%(field)s is %(over)s characters over the platform’s limit of %(max)s (%(source)s)."
                ),
                "unused": gettext_lazy("Not used by this channel"),
            }
            return context
