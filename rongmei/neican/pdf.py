"""A numbered copy of a 内参 issue as a PDF (WeasyPrint, offline, Noto CJK fonts, as the 舆情 reports).

Every page carries the recipient's name and the copy number twice over: a diagonal watermark
repeated across the page (a ``position: fixed`` box, which WeasyPrint repeats on each page) and the
header (``第 003 份`` top right, the classification note top left), so a photocopy or a photo of
any single page says whose copy it was.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from rongmei.monitoring.events.charts import FONT_FAMILY
from rongmei.monitoring.reports.services import offline_url_fetcher

WATERMARK_LINES = 14
WATERMARK_REPEAT = 5


def css_string(text: str) -> str:
    """``text`` for a CSS string in a ``<style>`` element: every ASCII character that is not a
    letter, digit or space becomes a CSS escape, so nothing ends the string or the element."""
    out = []
    for ch in text:
        if ch.isascii() and not (ch.isalnum() or ch == " "):
            out.append(f"\\{ord(ch):x} ")
        elif ch in "\u2028\u2029" or not ch.isprintable():
            out.append(" ")
        else:
            out.append(ch)
    return mark_safe("".join(out))


def watermark_text(copy) -> str:
    return f"{copy.recipient_name} 第{copy.label}份"


def outlet_name() -> str:
    from rongmei.organisation.models import Outlet

    outlet = Outlet.objects.order_by("pk").first()
    return outlet.name if outlet is not None else ""


def render_html(issue, articles, copy) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "neican/pdf/copy.html",
            {
                "issue": issue,
                "articles": articles,
                "copy": copy,
                "outlet_name": outlet_name(),
                "watermark": watermark_text(copy),
                "watermark_lines": range(WATERMARK_LINES),
                "watermark_repeat": range(WATERMARK_REPEAT),
                "classification_css": css_string(issue.classification),
                "footer_css": css_string(f"{watermark_text(copy)}　不得复制、转发"),
                "font_family": mark_safe(FONT_FAMILY),
            },
        )


class PdfError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _weasyprint():
    try:
        import weasyprint
    except OSError as exc:  # cffi could not load Pango/HarfBuzz/fontconfig
        raise PdfError(
            _(
                "PDF copies need the Pango, HarfBuzz and fontconfig libraries and the Noto CJK fonts "
                "(%(error)s). Install them with scripts/install-system-deps.sh."
            )
            % {"error": exc}
        ) from exc
    return weasyprint


def render_copy(issue, articles, copy) -> bytes:
    weasyprint = _weasyprint()
    html = render_html(issue, articles, copy)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=offline_url_fetcher())
    return document.write_pdf()
