from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportTermsForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or GB18030), TSV or XLSX. First row: term, suggestion, note, enabled "
            "(or 词条, 建议, 备注, 启用)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".tsv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv, .tsv, .txt or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class NotAnErrorForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this is not an error"),
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("Say why this is not an error.")},
    )
