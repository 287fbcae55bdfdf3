"""The opinion (审核意见) forms of the approve and reject modals.

The field is called ``comment`` because Wagtail passes the cleaned data of these forms to
``Task.on_action`` as keyword arguments, and its own actions and templates use that name.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

OPINION_MAX_LENGTH = 2000


class DecisionForm(forms.Form):
    """A decision's dialog. Wagtail's dashboard dialog posts the page it was opened on as ``next``;
    it reaches ``ReviewLevelTask.on_action`` with the cleaned data, so the reviewer returns there
    after reading what their decision did."""

    def clean(self):
        cleaned_data = super().clean()
        next_url = self.data.get("next")
        if next_url:
            cleaned_data["next"] = next_url
        return cleaned_data


class ApproveOpinionForm(DecisionForm):
    comment = forms.CharField(
        label=_("Opinion (审核意见)"),
        required=False,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Optional. Left empty, the opinion is recorded as “同意” (agreed)."),
    )


class RejectOpinionForm(DecisionForm):
    comment = forms.CharField(
        label=_("Opinion (审核意见)"),
        required=True,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Tell the author what to change; the story goes back to them with this opinion."),
        error_messages={"required": _("Write your opinion: a story cannot be rejected without one.")},
    )


class ApproveOverProofingForm(ApproveOpinionForm):
    override_reason = forms.CharField(
        label=_("Reason to approve over the blocking findings"),
        required=True,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea({"rows": 3}),
        help_text=_(
            "Proofreading (审校) found problems that block publication. Say why the story may go out "
            "as it is; the reason is kept in the review history."
        ),
        error_messages={
            "required": _("Write the reason: blocking findings cannot be passed over without one.")
        },
    )


class EmergencyPublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must this story go out before its review is complete?"),
        required=True,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea({"rows": 4}),
        help_text=_(
            "Recorded with your name in the story's review history and in 突发发布记录; the chief editors "
            "are told at once."
        ),
        error_messages={"required": _("Write why this story must go out before its review is complete.")},
    )
