"""Where a request came from, when Pathways stands behind reverse proxies.

A proxy passes the client's address in X-Forwarded-For, which the client can also send. So the
header is believed only from the proxies named in PATHWAYS_TRUSTED_PROXIES, and only as far as
it was written by them: reading the header from the right (each proxy appends the address it
was called from), the client is the first address that is not a trusted proxy. Everything to
its left was written by the client and is ignored. With no trusted proxies (the default), the
client is the connection's own address.

The scheme (https) is the server's business: gunicorn believes X-Forwarded-Proto from the same
proxies only (`--forwarded-allow-ips`, set by `pathways web`).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted(networks: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network) for network in networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: str | None) -> bool:
    """Whether a peer is one of the declared reverse proxies."""
    parsed = _address(address or "")
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    return parsed is not None and any(parsed in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: the connection's, or the one a trusted proxy vouches for."""
    peer = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return nearest  # not an address a proxy would write: believe nothing to its left
        if not is_trusted_proxy(str(address)):
            return str(address)
        nearest = str(address)  # one more proxy in the chain
    return nearest
