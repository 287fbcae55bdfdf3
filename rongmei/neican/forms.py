from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminPageChooser

from .models import DEFAULT_CLASSIFICATION, Recipient


class IssueForm(forms.Form):
    number = forms.CharField(
        label=_("issue number (期号)"),
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "2026年第12期"}),
        error_messages={"required": _("Give the issue number, e.g. 2026年第12期.")},
    )
    title = forms.CharField(
        label=_("title"), max_length=200, error_messages={"required": _("Give the issue a title.")}
    )
    issue_date = forms.DateField(
        label=_("date"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"],
        widget=forms.TextInput(attrs={"placeholder": "2026-03-02"}),
        error_messages={
            "required": _("Give the date of the issue."),
            "invalid": _("Write the date like 2026-03-02."),
        },
    )
    classification = forms.CharField(
        label=_("classification note"),
        max_length=100,
        required=False,
        initial=DEFAULT_CLASSIFICATION,
        help_text=_("Printed at the top of every page; empty: 内部资料 注意保存."),
    )


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=_("title"), max_length=200, error_messages={"required": _("Give the article a title.")}
    )
    body = forms.CharField(
        label=_("text"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("Plain text, one paragraph per line. No images or links: a 内参 is text only."),
        error_messages={"required": _("The article has no text yet.")},
    )


class ArticleFromStoryForm(forms.Form):
    story = forms.ModelChoiceField(
        label=_("story"),
        queryset=None,
        error_messages={"required": _("Choose the story to copy.")},
    )

    def __init__(self, *args, **kwargs):
        from rongmei.newsroom.models import StoryPage

        super().__init__(*args, **kwargs)
        self.fields["story"].queryset = StoryPage.objects.all()
        self.fields["story"].widget = AdminPageChooser(target_models=[StoryPage])


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = ["name", "title", "active", "sort_order", "note"]
        error_messages = {"name": {"required": _("Give the recipient's name.")}}


class GenerateCopiesForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("recipients"),
        queryset=Recipient.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one recipient.")},
    )

    def __init__(self, issue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Recipient.objects.filter(active=True).exclude(
            copies__issue=issue
        )
        if not self.is_bound:
            self.initial["recipients"] = list(self.fields["recipients"].queryset.values_list("pk", flat=True))


class ReceivedForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False)
