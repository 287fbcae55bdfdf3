"""The 审校 panel at the top of the story editor: the latest check's open findings at a glance."""

from django.urls import reverse
from wagtail.admin.panels import Panel

PANEL_FINDINGS = 8


class ProofingPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "proofing/panels/proofing_panel.html"

        def get_context_data(self, parent_context=None):
            from .models import ProofFinding
            from .story_checks import BACKGROUND_CHECK_CHARS, latest_check, run_check

            context = super().get_context_data(parent_context)
            story = self.instance
            check = None
            if story.pk and story.latest_revision_id:
                check = latest_check(story)
                if check is None and len(story.body or "") < BACKGROUND_CHECK_CHARS:
                    # Saved before checks existed (or the lists moved on): check now, it is quick.
                    check = run_check(story, trigger="manual", acting_user=self.request.user)
            context["check"] = check
            context["story_url"] = reverse("proofing_story", args=[story.pk]) if story.pk else ""
            if check is not None:
                # One line per kind of finding ("半角逗号 … 119 处"), not 119 lines of commas.
                from .story_checks import group_findings
                from .templatetags.proofing_tags import annotate_groups

                groups = annotate_groups(
                    group_findings(check.findings.filter(status=ProofFinding.Status.OPEN))
                )
                context["open_groups"] = groups[:PANEL_FINDINGS]
                context["open_findings"] = [group.first for group in groups[:PANEL_FINDINGS]]
            return context
