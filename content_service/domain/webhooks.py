"""Webhooks, the pure part: the event catalogue, the retry schedule, the disabling rule and the message body.

The catalogue is the contract partners subscribe to: names are `<resource>.<past-tense verb>` and never change.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"

# Every event type an endpoint may subscribe to, with the service that publishes it.
EVENT_TYPES: Mapping[str, str] = {
    "content.published": "content: a piece became public (published, or a scheduled piece went live)",
    "content.hidden": "content: a piece was hidden by complaints or a moderator",
    "comment.created": "content: a comment was posted",
    "incident.opened": "content: a crisis incident opened",
    "incident.escalated": "content: an open incident rose to a higher level",
    "incident.resolved": "content: an incident was closed",
    "incident.step_overdue": "content: a step of the crisis procedure passed its deadline undone",
    "member.joined": "users: a member joined the community",
    "tier.changed": "users: a member moved to another tier",
    "payment.succeeded": "billing: a payment settled",
    "subscription.canceled": "billing: a subscription was canceled",
}
# The crisis webhook (one per community, `configureWebhook`) keeps receiving what it always did: every type.
LEGACY_EVENT_TYPES: tuple[str, ...] = tuple(EVENT_TYPES)


def unknown_event_types(event_types: list[str]) -> list[str]:
    return [t for t in event_types if t not in EVENT_TYPES]


def retry_delays(*, base_seconds: float, factor: float, max_delay_seconds: float, window_hours: float) -> list[float]:
    """Seconds to wait before each retry: base * factor^n, capped, until the retries span `window_hours`.

    With the defaults (30 s, x4, at most 8 h, 24 h): 30 s, 2 m, 8 m, 32 m, 2 h 8 m, then 8 h three times; the last
    attempt comes 26 h 50 m after the first.
    """
    delays: list[float] = []
    total, window = 0.0, window_hours * 3600.0
    delay = max(base_seconds, 0.0)
    while total < window or not delays:
        step = min(delay, max_delay_seconds)
        delays.append(step)
        total += step
        if step <= 0:  # a zero schedule (tests) still ends
            delays.extend([0.0] * 7)
            break
        delay *= factor
    return delays


def next_attempt(delays: list[float], failed_attempts: int, now: datetime) -> datetime | None:
    """When to try again after `failed_attempts` failures in this round; None when the schedule is spent."""
    if failed_attempts > len(delays):
        return None
    return now + timedelta(seconds=delays[failed_attempts - 1])


def should_disable(
    *, consecutive_failures: int, failing_since: datetime | None, now: datetime, after_failures: int, after_hours: float
) -> bool:
    """Sustained failure: no success for `after_hours` and at least `after_failures` failed attempts in a row."""
    if failing_since is None or consecutive_failures < after_failures:
        return False
    return now - failing_since >= timedelta(hours=after_hours)


def new_secret(raw: bytes) -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of random bytes (24 of them from the service)."""
    return SECRET_PREFIX + base64.b64encode(raw).decode()


def signer(secret: str) -> Webhook:
    """The signing key of an endpoint. A `whsec_` secret is base64 (the spec); a crisis webhook's own secret
    (any text an operator chose) signs as its UTF-8 bytes."""
    if secret.startswith(SECRET_PREFIX):
        return Webhook(secret)
    return Webhook(secret.encode())


def standard_headers(secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature` (v1, HMAC-SHA256 of "id.timestamp.body")."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signer(secret).sign(msg_id, at, body),
    }


def message_body(
    *, event_id: str, event_type: str, community_id: str, occurred_at: datetime, data: Mapping[str, Any], legacy: bool
) -> str:
    """The bytes every attempt and replay of one delivery sends. Standard Webhooks' `type`, `timestamp` and
    `data`, plus the event id and community; a crisis webhook also keeps its old `createdAt`."""
    payload: dict[str, Any] = {
        "id": event_id,
        "type": event_type,
        "timestamp": occurred_at.isoformat(),
        "communityId": community_id,
        "data": dict(data),
    }
    if legacy:
        payload["createdAt"] = occurred_at.isoformat()
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def delivery_id(event_id: str, endpoint_id: str) -> str:
    """One delivery per event and endpoint, whoever queues it and however often."""
    return "dlv_" + hashlib.sha256(f"{event_id}|{endpoint_id}".encode()).hexdigest()[:32]
