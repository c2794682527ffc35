"""Webhook targets: in every mode only globally routable addresses; production also needs https.

A webhook is a request the platform makes on an operator's behalf, so a target that reaches the platform's own
network (loopback, private ranges, a cloud's metadata service, or one of those wrapped in an IPv6 transition
form) would let an operator probe it. Loopback is allowed only by WEBHOOK_ALLOW_LOOPBACK outside production,
for a developer's local receiver.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import anyio

from infra.errors import BadInputError

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud metadata services (AWS/GCP/Azure, Alibaba Cloud, AWS over IPv6): refused even were they routable.
METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254"))
CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
TEREDO = ipaddress.IPv6Network("2001::/32")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address stands for (the one a packet would reach)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in SIX_TO_FOUR:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why `address` may not receive webhooks, or None when it is globally routable (or an allowed loopback)."""
    ip: IP = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in TEREDO:
            return "a Teredo address"
        inner = embedded_ipv4(ip)
        if inner is not None:
            return refusal(str(inner), allow_loopback=allow_loopback)
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "a shared (CGNAT) address"
    if (
        not ip.is_global
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    ):
        return "not a globally routable address"
    return None


def refused_address(address: str) -> bool:
    return refusal(address) is not None


async def check_webhook_url(url: str, *, production: bool, allow_loopback: bool = False) -> list[str]:
    """Raise BadInputError(field="url") when `url` may not receive webhooks; else the addresses its host resolves
    to, every one of them checked (the sender connects to one of these, never to a later DNS answer). In every
    mode the addresses must be globally routable; production also needs https and never allows loopback."""
    parts = urlsplit(url)
    if production and parts.scheme != "https":
        raise BadInputError("url: webhooks need https in production", field="url")
    if parts.scheme not in ("http", "https"):
        raise BadInputError("url: webhooks need http or https", field="url")
    host = parts.hostname or ""
    try:
        infos = await anyio.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except OSError as exc:
        raise BadInputError(f"url: cannot resolve {host}", field="url") from exc
    addresses = {str(info[4][0]) for info in infos}
    loopback = allow_loopback and not production
    reasons = sorted({r for a in addresses if (r := refusal(a, allow_loopback=loopback)) is not None})
    if not addresses or reasons:
        why = ", ".join(reasons) or "no address"
        raise BadInputError(f"url: {host} resolves to a private, loopback or reserved address ({why})", field="url")
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
