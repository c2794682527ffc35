"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>"; receivers refuse stale or forged deliveries."""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(secret: str, timestamp: int, body: bytes, signature: str, *, now: int, tolerance_seconds: int = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is at most `tolerance_seconds` old."""
    if abs(now - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
