"""Partner centers that take our stories pushed (四级融合, outgoing; rongmei/partners).

One ``Channel`` of kind ``partner_push`` per partner with a push address (``partners.services.
sync_channel``), its ``config`` only ``{"partner": <id>}``: the address is the partner's, the
signing secret is sealed on the partner row (never in ``Channel.config``).

Each act is one POST of the story as an IPTC ninjs 2.1 item (the pull API's item, ``api/ninjs.py``)
to the partner's push address::

    POST <push_url>
    Content-Type: application/json; charset=utf-8
    X-Rongmei-Timestamp: 1767225600                      (seconds since the epoch)
    X-Rongmei-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
    X-Rongmei-Event: publish | update | correct | retract | unpublish
    Idempotency-Key: distribution:partner-3:story42:rev97:publish

A publication, update or correction sends ``pubstatus: "usable"`` with the live revision as
``version`` (a correction: a new version, the notes as bodies of role "correction"); a retraction
sends ``pubstatus: "canceled"``; taking a story off the site sends ``"withheld"``. The partner
answers 2xx (a JSON object, optionally ``{"url": …}``) and keeps one copy per ``Idempotency-Key``,
so a retry after a lost answer changes nothing there (``capabilities.idempotent``). A partner that
takes no more for now (its quota or rate limit) answers 429, optionally with ``Retry-After``; that,
like a 5xx, is tried again later (the outbox's backoff); 401/403/404/other 4xx are not retried. Its
contract server is ``distribution/contract/partner.py`` (fault ``quota``: 429).

Only stories in the partner's sections and regions are sent; once the partner has a story, its
corrections and its retraction are sent whatever the filters say now.
"""

import json
import time

import httpx
from django.utils.translation import gettext as _

from .base import AdapterError, Capabilities, ChannelAdapter, Result

SIGNATURE_HEADER = "X-Rongmei-Signature"
TIMESTAMP_HEADER = "X-Rongmei-Timestamp"
EVENT_HEADER = "X-Rongmei-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def encode(item: dict) -> bytes:
    """The exact bytes sent and signed."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


class PartnerPushAdapter(ChannelAdapter):
    kind = "partner_push"
    capabilities = Capabilities(can_update=True, can_retract=True, idempotent=True)
    timeout = httpx.Timeout(15.0, connect=5.0)
    # Tests replace these (a mock transport, a moved clock).
    transport = None
    clock = staticmethod(time.time)

    # --- the partner --------------------------------------------------------------------------------

    def partner(self):
        from rongmei.partners.services import partner_for_channel

        partner = partner_for_channel(self.channel)
        if partner is None:
            raise AdapterError(
                _("This channel’s partner center no longer exists: switch the channel off."), retryable=False
            )
        if not partner.active:
            raise AdapterError(
                _("The partner center %(name)s is switched off under Partners.") % {"name": partner.name},
                retryable=False,
            )
        if not partner.push_url:
            raise AdapterError(
                _("The partner center %(name)s has no push address.") % {"name": partner.name},
                retryable=False,
            )
        return partner

    def _ninjs(self, item, pubstatus):
        from wagtail.models import Site

        from rongmei.api import ninjs, queries

        story = item.story
        site = story.get_site() or Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise AdapterError(_("There is no site, so the story has no address to send."), retryable=False)
        ctx = ninjs.Context(None, site)
        if pubstatus == "usable":
            loaded = queries.page_of(type(story).objects.filter(pk=story.pk), None, 1)[0]
            story = loaded[0] if loaded else story
            return ninjs.story_item(
                story,
                ctx,
                sections=queries.item_sections([story]).get(story.pk, []),
                topics=queries.item_topics([story]).get(story.pk, []),
            )
        data = ninjs.canceled_item(story, ctx)
        if pubstatus == "withheld":
            # Taken off the site without a retraction: the partner withholds it; no reason is sent
            # (the reason for taking a story off is an internal note).
            data = {key: value for key, value in data.items() if key != "bodies"}
            data["pubstatus"] = "withheld"
            data["version"] = str(item.revision_id or data.get("version") or "")
        return data

    # --- the acts -----------------------------------------------------------------------------------

    def takes(self, story) -> bool:
        """Only stories in the partner's sections and regions get a delivery (and a status) at all."""
        from rongmei.partners.services import accepts

        try:
            partner = self.partner()
        except AdapterError:
            return True  # the delivery will say what is wrong with the channel
        return accepts(partner, story)

    def publish(self, item):
        from rongmei.partners.services import accepts

        partner = self.partner()
        if item.story is None:
            return Result(note=_("The story was deleted; nothing was sent."))
        if not accepts(partner, item.story):
            return Result(
                note=_("Not sent: the story is outside the sections and regions this partner takes.")
            )
        return self._push(partner, item, self._ninjs(item, "usable"))

    def update(self, item, remote_id):
        from rongmei.partners.services import accepts

        partner = self.partner()
        if item.story is None:
            return Result(note=_("The story was deleted; nothing was sent."))
        # Once the partner has the story it gets its corrections, whatever the filters say now.
        if not remote_id and not accepts(partner, item.story):
            return Result(
                note=_("Not sent: the story is outside the sections and regions this partner takes.")
            )
        return self._push(partner, item, self._ninjs(item, "usable"))

    def retract(self, item, remote_id):
        partner = self.partner()
        if not remote_id:
            return Result(note=_("The partner never received this story; nothing to withdraw there."))
        if item.story is None:
            return Result(remote_id=remote_id, note=_("The story was deleted; nothing was sent."))
        pubstatus = "canceled" if item.act == "retract" else "withheld"
        return self._push(partner, item, self._ninjs(item, pubstatus))

    # --- the request --------------------------------------------------------------------------------

    def _push(self, partner, item, data: dict) -> Result:
        from rongmei.core.outbound import OutboundRefused, check_url, outbound_client
        from rongmei.partners.crypto import signature
        from rongmei.partners.services import PartnerError, signing_secret

        try:
            secret = signing_secret(partner)
        except PartnerError as error:
            raise AdapterError(error.message, retryable=False) from None
        refusal = check_url(partner.push_url)
        if refusal is not None:
            raise AdapterError(self._refused(refusal), retryable=False)
        body = encode(data)
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": "Rongmei partner push",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            EVENT_HEADER: item.act,
            IDEMPOTENCY_HEADER: item.idempotency_key,
        }
        try:
            with outbound_client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(partner.push_url, content=body, headers=headers)
        except OutboundRefused as exc:
            raise AdapterError(self._refused(exc.refusal), retryable=False) from None
        except httpx.TimeoutException:
            raise AdapterError(_("The partner center did not answer in time; will try again.")) from None
        except httpx.HTTPError as exc:
            raise AdapterError(
                _("Could not reach the partner center (%(error)s); will try again.")
                % {"error": type(exc).__name__}
            ) from None
        return self._interpret(response, data)

    def _refused(self, refusal) -> str:
        return _("The partner’s push address was not used: %(reason)s") % {"reason": refusal.message}

    def _interpret(self, response, data) -> Result:
        status = response.status_code
        answer = self._json(response)
        said = ""
        if isinstance(answer, dict):
            said = str(answer.get("message") or answer.get("error") or "")[:200]
        if 200 <= status < 300:
            if answer is None and response.content:
                raise AdapterError(
                    _(
                        "The partner center answered HTTP %(status)d with something that is not its usual reply; will try again."
                    )
                    % {"status": status}
                )
            url = answer.get("url") if isinstance(answer, dict) else ""
            url = url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
            return Result(remote_id=data["uri"], remote_url=url[:1000])
        if status in (401, 403):
            raise AdapterError(
                _("The partner refused our signature: check the shared secret (HTTP %(status)d%(said)s).")
                % {"status": status, "said": f": {said}" if said else ""},
                retryable=False,
            )
        if status == 404:
            raise AdapterError(
                _("The partner’s push address does not exist (HTTP 404): check it under Partners."),
                retryable=False,
            )
        if 300 <= status < 400:
            raise AdapterError(
                _(
                    "The partner’s push address redirects elsewhere (HTTP %(status)d): put the new address under Partners."
                )
                % {"status": status},
                retryable=False,
            )
        if status == 429 or status >= 500 or answer is None:
            raise AdapterError(
                _("The partner center is not taking stories right now (HTTP %(status)d); will try again.")
                % {"status": status}
            )
        raise AdapterError(
            _("The partner center refused the story (HTTP %(status)d%(said)s).")
            % {"status": status, "said": f": {said}" if said else ""},
            retryable=False,
        )

    @staticmethod
    def _json(response):
        if "json" not in response.headers.get("content-type", ""):
            return None
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError):
            return None
