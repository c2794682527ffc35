"""users_service's webhook events (member.joined, tier.changed): queued in its outbox in the transaction of the
change, then handed by its relay to content_service, which owns every community's webhook endpoints.

The outbox event's id becomes the webhook's `webhook-id`, so the relay's retries publish nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import WebhookEventIn
from infra.errors import UnavailableError
from infra.outbox import Handler, OutboxEvent
from users_service.schemas import MemberRead
from users_service.store import Session, UsersStore

WEBHOOKS = "webhooks"
T = TypeVar("T")


def member_joined(community_id: ObjectId, member: MemberRead) -> OutboxEvent:
    data = {"memberId": member.id, "handle": member.handle, "joinedAt": member.joined_at.isoformat()}
    return OutboxEvent(WEBHOOKS, "member.joined", str(community_id), data)


def tier_changed(change: dict[str, Any]) -> OutboxEvent:
    data = {
        "memberId": str(change["member_id"]),
        "fromTier": change["from"],
        "toTier": change["to"],
        "at": change["at"].isoformat(),
        "runId": str(change.get("run_id", "")),
    }
    return OutboxEvent(WEBHOOKS, "tier.changed", str(change["community_id"]), data)


class WebhookEvents:
    """Runs a write and queues the events it announces in one transaction, then wakes the relay.

    Events of a type no enabled endpoint of the community takes are not queued (content is asked once per
    write): most communities have no endpoint, and their registrations and tier runs stay as cheap as before.
    """

    def __init__(self, store: UsersStore, content: ContentClient) -> None:
        self.store = store
        self.content = content

    async def wanted(self, community_id: ObjectId, event_type: str) -> bool:
        """Whether some endpoint takes the type; when content cannot say (down, slow), queue it anyway: the
        write must not fail for a webhook, and the relay delivers once content is back."""
        try:
            return event_type in await self.content.webhook_subscribed_types(str(community_id))
        except UnavailableError:
            return True

    async def write(self, write: Callable[[Session], Awaitable[T]], events: Callable[[T], list[OutboxEvent]]) -> T:
        async def run(session: Session) -> T:
            result = await write(session)
            await self.store.outbox.add(events(result), session=session)
            return result

        result = await self.store.transaction(run)
        self.store.on_commit()
        return result


def webhooks_handler(content: ContentClient) -> Handler:
    """Publish the event to content_service's webhook endpoints (idempotent there by the event's id)."""

    async def deliver(doc: dict[str, Any]) -> str:
        occurred_at: datetime = doc["created_at"]
        event = WebhookEventIn(id=doc["_id"], type=doc["topic"], occurred_at=occurred_at, data=doc["payload"])
        published = await content.publish_webhook_event(doc["community_id"], event)
        return f"queued {published.queued} deliveries"

    return deliver
