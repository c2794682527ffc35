"""Outbox handlers that cross to other services through their clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from billing_service.client import BillingClient
from billing_service.schemas import CreatorAwardCreate
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


def billing_handler(billing: BillingClient, on_awarded: Callable[[str, str], Awaitable[None]]) -> Handler:
    """Book a content-star award in billing's ledger (owed to the creator); the event id is the idempotency key,
    so a retry books nothing twice. Then mark the pending payout as handed to billing."""

    async def deliver(doc: dict[str, Any]) -> str:
        p = doc["payload"]
        award_in = CreatorAwardCreate(
            creator_id=p["memberId"], amount_cents=p["amountMinor"], reason=p["reason"], idempotency_key=doc["_id"]
        )
        record = await billing.award_creator(doc["community_id"], award_in)
        await on_awarded(doc["community_id"], p["payoutId"])
        return f"awarded {record.id}"

    return deliver
