"""Webhook signatures in Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`."""

from __future__ import annotations

import hashlib
import hmac

from infra.errors import BadInputError

SIGNATURE_HEADER = "x-sandbox-signature"


def sign(body: bytes, secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(body: bytes, header: str, secret: str, *, now: float, tolerance_seconds: int) -> None:
    """Refuse a body whose signature is wrong or whose timestamp is outside the tolerance (replayed)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise BadInputError("malformed webhook signature header", field="signature") from exc
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise BadInputError("webhook signature does not match", field="signature")
    if abs(now - timestamp) > tolerance_seconds:
        raise BadInputError("webhook timestamp is outside the tolerance", field="signature")
