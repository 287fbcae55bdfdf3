"""Outbound HTTP requests to addresses that staff or analysts typed in (monitored sources, alert bot
webhooks, later the distribution outbox): only to the public internet, never to this machine or the
center's intranet, unless an administrator allowed that network.

Two checks, both here so every caller gets the same rule:

- ``check_url(url)`` looks at the address as written, without DNS: scheme http/https, and a host
  that is not a loopback/private/link-local/multicast/unspecified/reserved IP (IPv4 and IPv6,
  IPv4-mapped and 6to4/Teredo/NAT64 IPv6, and the legacy forms ``2130706433``, ``0x7f.1``,
  ``0177.0.0.1`` that the C resolver reads as 127.0.0.1) nor a local name (``localhost``,
  ``*.localhost``, a name without a dot, ``.local``/``.internal``/…). Forms use it at save time.
- ``outbound_client()`` / ``GuardedTransport`` check again when connecting: the host is resolved,
  every address it resolves to is checked, and the socket is opened to the checked address itself
  (TLS SNI and the Host header keep the name), so a name that resolves to 127.0.0.1, or changes
  its answer between a check and the connection (DNS rebinding), is refused. The transport checks
  every request, so each redirect hop is checked too; the client follows no redirect by itself.

``settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS`` (env ``OUTBOUND_ALLOWED_NETWORKS``, comma-separated)
lists what an administrator allows anyway: CIDR networks (``10.8.0.0/16``, ``127.0.0.1/32``) and
host names (``rss.intranet.example``; ``.intranet.example`` for every name under it). An allowed
name is connected to whatever it resolves to.

A refusal is ``OutboundRefused`` (an ``httpx.ConnectError``, so code that handles httpx errors
handles it too) carrying a ``Refusal`` with a stable ``code`` and the offending ``address``.
The client ignores proxy environment variables (a proxy would hide where the request goes).
"""

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ALLOWED_SCHEMES = ("http", "https")
# Names that never mean a public site.
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "broadcasthost"}
LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".intranet", ".lan", ".home.arpa")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+", re.IGNORECASE)

MESSAGES = {
    "scheme": _("Only http:// and https:// addresses can be used."),
    "no_host": _("The address has no host name."),
    "internal": _(
        "This address points to an intranet or local machine (%(address)s); for safety Rongmei does not "
        "connect to it. If it really is a service on your organisation's intranet, ask an administrator "
        "to add it to the allow-list."
    ),
    "unresolved": _("The host name %(address)s could not be resolved."),
}


@dataclass(frozen=True)
class Refusal:
    code: str  # "scheme", "no_host", "internal", "unresolved"
    address: str = ""  # the host or IP address that was refused

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"address": self.address}


class OutboundRefused(httpx.ConnectError):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(f"outbound request refused: {refusal.code} {refusal.address}")


# --- the rule ------------------------------------------------------------------------------------


def _allow_list():
    networks, names = [], []
    for entry in getattr(settings, "RONGMEI_OUTBOUND_ALLOWED_NETWORKS", None) or []:
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.append(entry.rstrip("."))
    return networks, names


def _name_allowed(host: str, names) -> bool:
    return any(host == name or (name.startswith(".") and host.endswith(name)) for name in names)


def _ip_allowed(ip, networks) -> bool:
    candidates = [ip]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    return any(c.version == net.version and c in net for c in candidates for net in networks)


def is_public_address(ip) -> bool:
    """True for an address on the public internet; False for loopback, private, link-local,
    multicast, unspecified, reserved and shared addresses, also when wrapped in IPv6."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(e is not None and not is_public_address(e) for e in embedded):
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
    )


def literal_ip(host: str):
    """The IP address ``host`` stands for when it is written as one (any form the C resolver
    accepts: ``127.1``, ``2130706433``, ``0x7f.1``, ``0177.0.0.1``), else None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def address_refusal(host: str, ip) -> Refusal | None:
    """Why connecting to ``ip`` (which ``host`` resolved to) is refused, or None."""
    networks, names = _allow_list()
    if _name_allowed(host.lower().rstrip("."), names) or _ip_allowed(ip, networks):
        return None
    if is_public_address(ip):
        return None
    return Refusal("internal", str(ip))


def check_url(url: str) -> Refusal | None:
    """Why an outbound request to ``url`` is refused as written (no DNS lookup), or None."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return Refusal("no_host")
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return Refusal("scheme")
    if not host:
        return Refusal("no_host")
    host = host.rstrip(".")
    ip = literal_ip(host)
    if ip is not None:
        return address_refusal(host, ip)
    networks, names = _allow_list()
    if _name_allowed(host, names):
        return None
    if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or "." not in host:
        return Refusal("internal", host)
    return None


def ensure_allowed(url: str) -> None:
    """``check_url`` that raises ``OutboundRefused``."""
    refusal = check_url(url)
    if refusal is not None:
        raise OutboundRefused(refusal)


# --- the transport -------------------------------------------------------------------------------


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this to fake DNS answers)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend that resolves the host itself, refuses it if any address is not
    allowed, and connects to the checked address (so DNS cannot answer differently in between)."""

    def __init__(self):
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"could not resolve {host}: {exc}") from exc
        if not addresses:
            raise OutboundRefused(Refusal("unresolved", host))
        for address in addresses:
            refusal = address_refusal(host, ipaddress.ip_address(address))
            if refusal is not None:
                raise OutboundRefused(refusal)
        error = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # try the next address, as socket.create_connection would
        raise error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise OutboundRefused(Refusal("internal", path))

    def sleep(self, seconds):
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose every request is checked by ``check_url`` and whose every
    connection goes through ``GuardedBackend``. No proxy, no Unix socket."""

    def __init__(self, *, verify=True, limits: httpx.Limits | None = None, http2=False):
        limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
        super().__init__(verify=verify, trust_env=False, limits=limits, http2=http2)
        # httpx takes no network backend, httpcore's pool does: the same pool, with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=GuardedBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ensure_allowed(str(request.url))
        return super().handle_request(request)


def outbound_client(**kwargs) -> httpx.Client:
    """An ``httpx.Client`` for addresses from users: guarded transport, no proxy from the
    environment, no redirects followed by itself (follow them hop by hop: each hop is checked by
    the transport anyway). ``transport=`` replaces the guarded one (tests with a mock transport)."""
    transport = kwargs.pop("transport", None) or GuardedTransport()
    kwargs.setdefault("follow_redirects", False)
    return httpx.Client(transport=transport, trust_env=False, **kwargs)
