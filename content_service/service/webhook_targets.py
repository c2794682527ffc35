"""Webhook targets: in production only public https endpoints (no loopback, private, link-local or reserved)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import anyio

from infra.errors import BadInputError


def refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return bool(
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped and refused_address(str(ip.ipv4_mapped)))
    )


async def check_webhook_url(url: str, *, production: bool) -> list[str]:
    """Raise BadInputError(field="url") when `url` may not receive webhooks. Outside production (development and
    tests, which post to loopback receivers) every target is allowed. The host is resolved: every address it
    resolves to must be public. Returns the checked addresses (none outside production)."""
    if not production:
        return []
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise BadInputError("url: webhooks need https in production", field="url")
    host = parts.hostname or ""
    try:
        infos = await anyio.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise BadInputError(f"url: cannot resolve {host}", field="url") from exc
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or any(refused_address(a) for a in addresses):
        raise BadInputError(f"url: {host} resolves to a private, loopback or reserved address", field="url")
    return sorted(addresses)


@dataclass(frozen=True)
class PinnedRequest:
    """Where to send a webhook so that the connection goes to an address that was checked: the URL with that
    address as its host, the original host in the Host header, and the original name for TLS (SNI and the
    certificate check), so a DNS answer that changes after the check cannot redirect the delivery."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def pinned_request(url: str, addresses: list[str]) -> PinnedRequest:
    """`url` pinned to one of its checked `addresses` (IPv4 first); unchanged when none were checked."""
    if not addresses:
        return PinnedRequest(url)
    parts = urlsplit(url)
    address = min(addresses, key=lambda a: (":" in a, a))
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    original = parts.netloc.rsplit("@", 1)[-1]
    return PinnedRequest(
        urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
        headers={"Host": original},
        extensions={"sni_hostname": parts.hostname or ""},
    )
