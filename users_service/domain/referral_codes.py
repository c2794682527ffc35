"""Signed tokens naming ids: referral codes (campaign, referrer) and on-site QR tokens (offline event, member).

An HMAC over the purpose and the ids, so a token cannot be forged for someone else nor reused for another purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from bson import ObjectId
from bson.errors import InvalidId

SIGNATURE_BYTES = 12
REFERRAL = "campaign-referral"
ATTENDANCE = "offline-attendance"


def _signature(secret: bytes, purpose: str, payload: bytes) -> bytes:
    return hmac.new(secret, purpose.encode() + b":" + payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def sign_ids(secret: bytes, purpose: str, *ids: ObjectId) -> str:
    payload = b"".join(i.binary for i in ids)
    return base64.urlsafe_b64encode(payload + _signature(secret, purpose, payload)).decode().rstrip("=")


def read_ids(secret: bytes, purpose: str, token: str, count: int) -> tuple[ObjectId, ...] | None:
    """The `count` ids of a genuine token of this purpose; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    payload, signature = raw[: 12 * count], raw[12 * count :]
    if len(payload) != 12 * count or not hmac.compare_digest(signature, _signature(secret, purpose, payload)):
        return None
    try:
        return tuple(ObjectId(payload[12 * i : 12 * (i + 1)]) for i in range(count))
    except InvalidId:
        return None


def make_code(secret: bytes, campaign_id: ObjectId, referrer_id: ObjectId) -> str:
    return sign_ids(secret, REFERRAL, campaign_id, referrer_id)


def read_code(secret: bytes, code: str) -> tuple[ObjectId, ObjectId] | None:
    """(campaign, referrer) of a genuine referral code; None for anything else."""
    ids = read_ids(secret, REFERRAL, code, 2)
    return (ids[0], ids[1]) if ids else None
