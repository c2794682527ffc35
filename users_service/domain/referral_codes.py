"""Signed referral codes: a campaign and a referrer, with an HMAC so a code cannot be forged for someone else."""

from __future__ import annotations

import base64
import hashlib
import hmac

from bson import ObjectId
from bson.errors import InvalidId

SIGNATURE_BYTES = 12


def _signature(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"campaign-referral:" + payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def make_code(secret: bytes, campaign_id: ObjectId, referrer_id: ObjectId) -> str:
    payload = campaign_id.binary + referrer_id.binary
    return base64.urlsafe_b64encode(payload + _signature(secret, payload)).decode().rstrip("=")


def read_code(secret: bytes, code: str) -> tuple[ObjectId, ObjectId] | None:
    """(campaign, referrer) of a genuine code; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except ValueError:
        return None
    payload, signature = raw[:24], raw[24:]
    if len(payload) != 24 or not hmac.compare_digest(signature, _signature(secret, payload)):
        return None
    try:
        return ObjectId(payload[:12]), ObjectId(payload[12:])
    except InvalidId:
        return None
