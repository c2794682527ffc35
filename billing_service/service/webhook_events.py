"""billing_service's webhook events (payment.succeeded, subscription.canceled): queued in its outbox in the
transaction that settles the payment or cancels the subscription, then handed by its relay to content_service,
which owns every community's webhook endpoints.

Event ids are derived from what they announce, so a settlement or cancellation run twice announces it once, and
the relay's retries publish nothing twice (the id becomes the webhook's `webhook-id`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from content_service.client import ContentClient
from content_service.schemas import WebhookEventIn
from infra.outbox import Handler, OutboxEvent

Doc = dict[str, Any]
WEBHOOKS = "webhooks"


def payment_succeeded(payment: Doc) -> OutboxEvent:
    data = {
        "paymentId": str(payment["_id"]),
        "memberId": str(payment["member_id"]) if payment.get("member_id") else None,
        "amountCents": payment["amount_cents"],
        "currency": payment["currency"],
        "purpose": payment.get("purpose", {}).get("type"),
    }
    event_id = f"payment-{payment['_id']}-succeeded"
    return OutboxEvent(WEBHOOKS, "payment.succeeded", str(payment["community_id"]), data, event_id=event_id)


def subscription_canceled(sub: Doc, *, at: datetime, reason: str) -> OutboxEvent:
    data = {
        "subscriptionId": str(sub["_id"]),
        "memberId": str(sub["member_id"]),
        "planId": str(sub.get("plan_id", "")),
        "endedAt": at.isoformat(),
        "reason": reason,
    }
    event_id = f"subscription-{sub['_id']}-canceled"
    return OutboxEvent(WEBHOOKS, "subscription.canceled", str(sub["community_id"]), data, event_id=event_id)


def webhooks_handler(content: ContentClient) -> Handler:
    """Publish the event to content_service's webhook endpoints (idempotent there by the event's id)."""

    async def deliver(doc: Doc) -> str:
        event = WebhookEventIn(id=doc["_id"], type=doc["topic"], occurred_at=doc["created_at"], data=doc["payload"])
        published = await content.publish_webhook_event(doc["community_id"], event)
        return f"queued {published.queued} deliveries"

    return deliver
