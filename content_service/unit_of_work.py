"""One transaction for a business write, its audit entry and its outbox events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from infra.outbox import Outbox, OutboxEvent

T = TypeVar("T")
Doc = dict[str, Any]
DISTRIBUTION = "distribution"
WEBHOOK = "webhook"
BILLING = "billing"


class UnitOfWork:
    def __init__(self, db: AsyncDatabase[Doc], outbox: Outbox) -> None:
        self.db = db
        self.client: AsyncMongoClient[Doc] = db.client
        self.outbox = outbox
        self.audit = db["audit"]
        self.on_commit: Callable[[], None] = lambda: None

    async def run(self, work: Callable[[AsyncClientSession], Awaitable[T]]) -> T:
        """`work` writes with the session; the transaction retries on transient conflicts."""
        async with self.client.start_session() as session:
            result: T = await session.with_transaction(work)
        self.on_commit()
        return result

    async def audit_now(self, **entry: Any) -> None:
        """An audit entry outside any transaction (the action it records is already written)."""
        await self.audit.insert_one({"at": datetime.now(UTC), **entry})

    async def record(
        self,
        session: AsyncClientSession,
        *,
        community_id: ObjectId,
        actor_id: str | None,
        action: str,
        target_type: str,
        target_id: str,
        detail: Doc | None = None,
        events: list[OutboxEvent] | None = None,
    ) -> None:
        """Audit who did what, and queue the events, inside the caller's transaction."""
        await self.audit.insert_one(
            {
                "community_id": community_id,
                "at": datetime.now(UTC),
                "actor_id": actor_id,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "detail": detail or {},
            },
            session=session,
        )
        if events:
            await self.outbox.add(events, session=session)


def distribution_event(
    community_id: str,
    *,
    member_id: str,
    content_id: str,
    type_: str,
    occurred_at: datetime,
    event_id: str | None = None,
) -> OutboxEvent:
    payload = {"memberId": member_id, "contentId": content_id, "type": type_, "occurredAt": occurred_at.isoformat()}
    if event_id:
        return OutboxEvent(DISTRIBUTION, type_, community_id, payload, event_id=event_id)
    return OutboxEvent(DISTRIBUTION, type_, community_id, payload)


def webhook_event(community_id: str, topic: str, data: Doc, *, event_id: str | None = None) -> OutboxEvent:
    if event_id:
        return OutboxEvent(WEBHOOK, topic, community_id, data, event_id=event_id)
    return OutboxEvent(WEBHOOK, topic, community_id, data)
