"""The 审校 panel at the top of the story editor: the latest check's open findings at a glance.

It only reads: the checks run when the story is saved (a long one on the worker), and until the
latest revision's check is stored the panel says "checking…".
"""

from django.urls import reverse
from wagtail.admin.panels import Panel

PANEL_FINDINGS = 8


class ProofingPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "proofing/panels/proofing_panel.html"

        def get_context_data(self, parent_context=None):
            from .models import ProofFinding
            from .story_checks import check_state, group_findings
            from .templatetags.proofing_tags import annotate_groups

            context = super().get_context_data(parent_context)
            story = self.instance
            state = check_state(story) if story.pk else None
            check = state.current if state is not None else None
            context["check"] = check
            context["checking"] = state is not None and state.pending
            context["story_url"] = reverse("proofing_story", args=[story.pk]) if story.pk else ""
            context["edit_url"] = reverse("wagtailadmin_pages:edit", args=[story.pk]) if story.pk else ""
            if check is not None:
                # One line per kind of finding ("半角逗号 … 119 处"), not 119 lines of commas.
                groups = annotate_groups(
                    group_findings(check.findings.filter(status=ProofFinding.Status.OPEN))
                )
                context["open_groups"] = groups[:PANEL_FINDINGS]
                context["open_findings"] = [group.first for group in groups[:PANEL_FINDINGS]]
            return context
