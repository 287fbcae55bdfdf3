"""The public's side of news tips (爆料): the form and the answer page with the reference number.

Never in the public page cache (no ``public_page`` mark; ``Cache-Control: private, no-store``); the
POST is checked for its CSRF token after the upload limit is put in front of Django's own upload
handlers (which must happen before anything reads the request's body).
"""

from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from rongmei.website import pages

from . import services
from .forms import PublicTipForm
from .uploads import TipUploadLimit

SESSION_KEY = "rongmei_tips_reference"


def _context(request, **extra):
    config = services.tips_settings()
    context = pages.chrome(request)
    context.update(
        {
            "page_title": extra.pop("page_title", None),
            "hotline": config.hotline_number(),
            "promise": config.promise,
            "config": config,
        }
    )
    context.update(extra)
    return context


def _answer(request, template, context, status=200):
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    return response


@csrf_exempt
def submit(request):
    limit = None
    if request.method == "POST":
        limit = TipUploadLimit(request)
        request.upload_handlers.insert(0, limit)
    return _submit(request, limit)


@csrf_protect
def _submit(request, limit):
    from django.utils.translation import gettext as _

    config = services.tips_settings()
    status = 200
    refusal = ""
    if request.method == "POST":
        form = PublicTipForm(request.POST, request.FILES, refused_uploads=limit.refused, config=config)
        if form.is_valid():
            try:
                tip = services.receive_tip(
                    **form.tip_fields(),
                    address=services.address_hash(request),
                )
            except services.TipError as error:
                refusal = error.message
                status = getattr(error, "status", 429)
            else:
                request.session[SESSION_KEY] = tip.reference
                return redirect("tips:thanks")
        else:
            status = 400
    else:
        form = PublicTipForm(config=config)
    context = _context(request, form=form, refusal=refusal, page_title=_("Send us a news tip"))
    return _answer(request, "tips/submit.html", context, status=status)


def thanks(request):
    from django.utils.translation import gettext as _

    reference = request.session.get(SESSION_KEY)
    if not reference:
        return redirect("tips:submit")
    return _answer(
        request,
        "tips/thanks.html",
        _context(request, reference=reference, page_title=_("Thank you for your tip")),
    )
