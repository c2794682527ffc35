"""The events content_service queues in its outbox, by destination: distribution, webhooks, billing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from infra.outbox import OutboxEvent

DISTRIBUTION = "distribution"
WEBHOOK = "webhook"
BILLING = "billing"


def distribution_event(
    community_id: str,
    *,
    member_id: str,
    content_id: str,
    type_: str,
    occurred_at: datetime,
    event_id: str | None = None,
) -> OutboxEvent:
    """An engagement event for distribution_service (a vote, share or bullet comment)."""
    payload = {"memberId": member_id, "contentId": content_id, "type": type_, "occurredAt": occurred_at.isoformat()}
    if event_id:
        return OutboxEvent(DISTRIBUTION, type_, community_id, payload, event_id=event_id)
    return OutboxEvent(DISTRIBUTION, type_, community_id, payload)


def webhook_event(community_id: str, topic: str, data: dict[str, Any], *, event_id: str | None = None) -> OutboxEvent:
    """An event for the community's webhook; a fixed `event_id` makes a re-run queue it once."""
    if event_id:
        return OutboxEvent(WEBHOOK, topic, community_id, data, event_id=event_id)
    return OutboxEvent(WEBHOOK, topic, community_id, data)
