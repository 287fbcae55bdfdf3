"""The admin's upload forms for images and documents, with the newsroom's extra refusals.

Wagtail builds every image form (single upload, multiple upload, the chooser's upload tab, replacing
the file on the edit page) from ``WAGTAILIMAGES_IMAGE_FORM_BASE`` and every document form from
``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so the checks here cover every upload path of the admin.
"""

import contextlib
import os
import threading
from io import BytesIO

import willow
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageFile as PILImageFile
from PIL.Image import DecompressionBombError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from . import quotas
from .exif import read_exif, upright

TOO_MANY_PIXELS = _(
    "This image has too many pixels (more than %(max_pixels)s). Make it smaller and upload it again."
)


def too_many_pixels(max_pixels) -> ValidationError:
    return ValidationError(
        TOO_MANY_PIXELS, code="file_too_many_pixels", params={"max_pixels": f"{max_pixels:,}"}
    )


DAMAGED = _(
    "This picture is damaged or incomplete: it could not be read to the end. Upload it again from the "
    "original file."
)
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp"}


class NewsImageFileField(WagtailImageField):
    """Wagtail's image field, which also refuses a picture too large for Pillow even to open or cut
    short, takes a picture for what its content is whatever its name says, reads its EXIF and turns a
    sideways phone photo upright (``exif.upright``).

    Wagtail reads the size through Pillow, and Pillow raises ``DecompressionBombError`` (rather than
    answering) for more than twice its ``MAX_IMAGE_PIXELS``: a 48 KB PNG of 20000×20000 pixels was a
    server error instead of the form's message. A truncated JPEG was a server error too (Pillow's
    OSError while Wagtail read its size).
    """

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except DecompressionBombError:
            raise too_many_pixels(self.max_image_pixels)
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(DAMAGED, code="image_damaged")

    def check_image_file_format(self, f):
        # The name's extension is only a label: a PNG called .jpg is stored as the PNG it is, rather
        # than refused, and what is not a picture at all was refused already (Willow could not open it).
        extension = EXTENSIONS.get(f.image.format_name)
        if extension is not None:
            stem, current = os.path.splitext(f.name)
            if current.lower().lstrip(".") not in (extension, "jpeg" if extension == "jpg" else extension):
                f.name = f"{stem}.{extension}"
        super().check_image_file_format(f)

    def to_python(self, data):
        f = super().to_python(data)
        if f is None:
            return None
        check_decodes(f)
        found = read_exif(f)
        turned = upright(f, found["orientation"])
        if turned is not None:
            upright_file = SimpleUploadedFile(f.name, turned, "image/jpeg")
            upright_file.image = willow.Image.open(BytesIO(turned))
            upright_file.content_type = f.content_type
            f = upright_file
        f.exif = found
        return f


_TRUNCATION_SWITCH = threading.Lock()


@contextlib.contextmanager
def refusing_truncated_pictures():
    """Pillow's switch for loading pictures cut short, off while we look: WeasyPrint turns it on for the
    whole process when it is imported (reports, 内参 PDFs), and a truncated upload then passed."""
    with _TRUNCATION_SWITCH:
        saved = PILImageFile.LOAD_TRUNCATED_IMAGES
        PILImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            PILImageFile.LOAD_TRUNCATED_IMAGES = saved


def check_decodes(f):
    """Read the whole picture (a JPEG decoded at an eighth of its size, which still reads every byte; a
    PNG's chunks checked), so a file cut short is refused here rather than failing later in a rendition."""
    f.seek(0)
    try:
        with refusing_truncated_pictures(), PILImage.open(f) as picture:
            if picture.format == "PNG":
                # Reads every chunk and checks its CRC without holding the decoded pixels.
                picture.verify()
            else:
                if picture.format == "JPEG":
                    picture.draft("RGB", (max(picture.width // 8, 1), max(picture.height // 8, 1)))
                picture.load()
    except DecompressionBombError:
        raise too_many_pixels(getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 0) or 0)
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(DAMAGED, code="image_damaged")
    finally:
        f.seek(0)


class NewsImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail makes the file field itself (its formfield callback), so it is swapped here.
        current = self.fields.get("file")
        if current is not None and not isinstance(current, NewsImageFileField):
            self.fields["file"] = NewsImageFileField(
                label=current.label, required=current.required, widget=current.widget
            )

    def clean(self):
        cleaned = super().clean()
        file = cleaned.get("file")
        if file is not None and "file" in self.changed_data and getattr(file, "size", None):
            replacing = (self.instance.file_size or 0) if self.instance.pk else 0
            try:
                quotas.check_room("image", file.size, replacing=replacing)
            except quotas.QuotaExceeded as full:
                self.add_error("file", ValidationError(full.message, code="quota_exceeded"))
        return cleaned

    def save(self, commit=True):
        found = getattr(self.cleaned_data.get("file"), "exif", None)
        if found:
            # The date from the file only fills an empty field: an editor's date wins.
            if found["taken_at"] and not self.instance.taken_at:
                self.instance.taken_at = found["taken_at"]
            self.instance.camera = found["camera"]
        return super().save(commit=commit)


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
