"""Which source addresses the fetcher accepts. The normal form of an address (the dedup key of an
item) and the host key of throttling and robots.txt are the project's: ``rongmei.core.weburls``."""

from rongmei.core.outbound import check_url

from ...messages import render_message

MAX_URL_LENGTH = 2000


def source_url_problem(url):
    """Why the fetcher would refuse ``url`` as written, in words (a form shows it), or ""."""
    refusal = check_url(url)
    if refusal is None:
        return ""
    if refusal.code == "internal":
        return render_message("outbound_refused", {"address": refusal.address})
    return refusal.message
