"""The admin's upload forms for images and documents, with the newsroom's extra refusals.

Wagtail builds every image form (single upload, multiple upload, the chooser's upload tab, replacing
the file on the edit page) from ``WAGTAILIMAGES_IMAGE_FORM_BASE`` and every document form from
``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so the checks here cover every upload path of the admin.
"""

import os

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL.Image import DecompressionBombError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

TOO_MANY_PIXELS = _(
    "This image has too many pixels (more than %(max_pixels)s). Make it smaller and upload it again."
)


def too_many_pixels(max_pixels) -> ValidationError:
    return ValidationError(
        TOO_MANY_PIXELS, code="file_too_many_pixels", params={"max_pixels": f"{max_pixels:,}"}
    )


class NewsImageFileField(WagtailImageField):
    """Wagtail's image field, which also refuses a picture too large for Pillow even to open.

    Wagtail reads the size through Pillow, and Pillow raises ``DecompressionBombError`` (rather than
    answering) for more than twice its ``MAX_IMAGE_PIXELS``: a 48 KB PNG of 20000×20000 pixels was a
    server error instead of the form's message.
    """

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except DecompressionBombError:
            raise too_many_pixels(self.max_image_pixels)


class NewsImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail makes the file field itself (its formfield callback), so it is swapped here.
        current = self.fields.get("file")
        if current is not None and not isinstance(current, NewsImageFileField):
            self.fields["file"] = NewsImageFileField(
                label=current.label, required=current.required, widget=current.widget
            )


# Documents are offered for download only; a web page, a picture that runs scripts (SVG) or a script
# would run as our own site in a reader's browser if it were ever opened in place.
REFUSED_DOCUMENT_EXTENSIONS = {
    "htm", "html", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt",
    "js", "mjs", "css", "swf", "php", "jsp", "asp", "aspx", "exe", "bat", "cmd", "sh", "ps1",
}  # fmt: skip


class NewsDocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        name = getattr(file, "name", "") or ""
        extension = os.path.splitext(name)[1].lower().lstrip(".")
        if extension in REFUSED_DOCUMENT_EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "“.%(extension)s” files cannot be uploaded as documents: a web page, SVG or script "
                    "could run in a reader's browser. Upload a PDF or an office file instead, or "
                    "add a picture under Images."
                ),
                code="document_type_refused",
                params={"extension": extension},
            )
        return file

    def _post_clean(self):
        refused = "file" in self._errors
        super()._post_clean()
        if refused:
            # Wagtail's model check then sees no file and adds "File extension “” is not allowed":
            # the person needs the one real reason.
            del self._errors["file"][1:]
