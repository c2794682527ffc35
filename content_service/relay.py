"""Outbox handlers that cross to other services through their clients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from distribution_service.client import DistributionClient
from distribution_service.schemas import EventCreate
from infra.outbox import Handler


def distribution_handler(distribution: DistributionClient) -> Handler:
    """Record the event in distribution_service; the outbox event id is its `client_event_id`, so a retry is a no-op."""

    async def deliver(doc: dict[str, Any]) -> str:
        p = doc["payload"]
        event_in = EventCreate(
            member_id=p["memberId"],
            content_id=p["contentId"],
            type=p["type"],
            client_event_id=doc["_id"],
            occurred_at=datetime.fromisoformat(p["occurredAt"]),
        )
        recorded = await distribution.record_event(doc["community_id"], event_in)
        return f"recorded {recorded.id}" + (" (duplicate)" if recorded.duplicate else "")

    return deliver
