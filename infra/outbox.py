"""A transactional outbox and its relay, for every service that must tell another one what happened.

The business write and `Outbox.add` run in the same MongoDB transaction, so an event exists exactly when the
write it describes does. `OutboxRelay` then delivers each pending event at least once to the handler named by
its `destination`, retrying with exponential backoff; a crash between the write and the relay loses nothing,
because the event waits in the collection until a relay delivers it. Every event keeps its id on every retry
and replay, so receivers de-duplicate by it. Each attempt is kept on the event (`attempts_log`) for operators.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from infra.indexes import IndexPlan
from infra.logging import get_logger
from infra.polling_loop import PollingLoop

log = get_logger(__name__)

Doc = dict[str, Any]
PENDING = "PENDING"
DELIVERED = "DELIVERED"
FAILED = "FAILED"  # gave up after max_attempts; an operator can replay it
ATTEMPTS_KEPT = 20


@dataclass(frozen=True)
class OutboxEvent:
    destination: str
    topic: str
    community_id: str
    payload: Mapping[str, Any]
    # Stable across retries and replays: receivers de-duplicate by it.
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)


class Outbox:
    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self.events = collection

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # claim_due: the oldest due pending events.
        indexes.add(self.events, [("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="status_next_attempt")
        # list_for_community: an operator's delivery log.
        indexes.add(
            self.events,
            [("community_id", ASCENDING), ("destination", ASCENDING), ("created_at", ASCENDING)],
            name="community_destination_created",
        )
        await indexes.create()

    async def add(self, events: list[OutboxEvent], *, session: AsyncClientSession | None = None) -> None:
        """Record events; pass the session of the business write's transaction."""
        if not events:
            return
        now = datetime.now(UTC)
        docs: list[Doc] = [
            {
                "_id": e.event_id,
                "destination": e.destination,
                "topic": e.topic,
                "community_id": e.community_id,
                "payload": dict(e.payload),
                "status": PENDING,
                "attempts": 0,
                "attempts_log": [],
                "next_attempt_at": now,
                "created_at": now,
                "delivered_at": None,
                "last_error": None,
            }
            for e in events
        ]
        await self.events.insert_many(docs, ordered=True, session=session)

    async def add_once(self, event: OutboxEvent, *, session: AsyncClientSession | None = None) -> bool:
        """Record an event whose id is derived from what it announces; False when that id was recorded already."""
        try:
            await self.add([event], session=session)
        except (DuplicateKeyError, BulkWriteError) as exc:
            if isinstance(exc, BulkWriteError) and any(e.get("code") != 11000 for e in exc.details["writeErrors"]):
                raise
            return False
        return True

    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[Doc]:
        """Take up to `limit` due events; each is leased so that a concurrent relay skips it."""
        claimed: list[Doc] = []
        for _ in range(limit):
            doc = await self.events.find_one_and_update(
                {"status": PENDING, "next_attempt_at": {"$lte": now}},
                {"$set": {"next_attempt_at": now + lease}},
                sort=[("next_attempt_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                break
            claimed.append(doc)
        return claimed

    async def mark_delivered(self, event_id: str, *, at: datetime, detail: str, scrub: tuple[str, ...] = ()) -> None:
        """Delivered; `scrub` names payload fields to blank now that they are no longer needed (secrets)."""
        blanked = {f"payload.{name}": None for name in scrub}
        await self.events.update_one(
            {"_id": event_id},
            {
                "$set": {"status": DELIVERED, "delivered_at": at, "last_error": None, **blanked},
                "$inc": {"attempts": 1},
                "$push": {
                    "attempts_log": {"$each": [{"at": at, "ok": True, "detail": detail}], "$slice": -ATTEMPTS_KEPT}
                },
            },
        )

    async def mark_failed(self, event_id: str, *, at: datetime, error: str, retry_at: datetime | None) -> None:
        status = PENDING if retry_at else FAILED
        await self.events.update_one(
            {"_id": event_id},
            {
                "$set": {"status": status, "next_attempt_at": retry_at or at, "last_error": error},
                "$inc": {"attempts": 1},
                "$push": {
                    "attempts_log": {"$each": [{"at": at, "ok": False, "detail": error}], "$slice": -ATTEMPTS_KEPT}
                },
            },
        )

    async def requeue(self, community_id: str, event_id: str) -> Doc | None:
        """Replay: deliver the same event (same id) again, whatever became of it."""
        return await self.events.find_one_and_update(
            {"_id": event_id, "community_id": community_id},
            {"$set": {"status": PENDING, "next_attempt_at": datetime.now(UTC), "attempts": 0}},
            return_document=ReturnDocument.AFTER,
        )

    async def get(self, community_id: str, event_id: str) -> Doc | None:
        return await self.events.find_one({"_id": event_id, "community_id": community_id})

    async def list_for_community(self, community_id: str, *, destination: str, limit: int) -> list[Doc]:
        cursor = (
            self.events.find({"community_id": community_id, "destination": destination})
            .sort("created_at", -1)
            .limit(limit)
        )
        return [doc async for doc in cursor]


Handler = Callable[[Doc], Awaitable[str]]
"""Delivers one event (its stored document); returns a short note for the log, raises on failure."""


@dataclass(frozen=True)
class RelayReport:
    delivered: int
    failed: int


class OutboxRelay:
    """Delivers due events to their destination's handler, at least once, with exponential backoff."""

    def __init__(
        self,
        outbox: Outbox,
        handlers: Mapping[str, Handler],
        *,
        base_delay_seconds: float = 1.0,
        max_delay_seconds: float = 3600.0,
        max_attempts: int = 10,
        lease_seconds: float = 60.0,
        interval_seconds: float = 1.0,
        scrub: tuple[str, ...] = (),
    ) -> None:
        self.outbox = outbox
        self.handlers = dict(handlers)
        self.base_delay = base_delay_seconds
        self.max_delay = max_delay_seconds
        self.max_attempts = max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.interval = interval_seconds
        # Payload fields blanked once an event is delivered (a mail's body may carry a one-time code).
        self.scrub = scrub
        self._loop = PollingLoop(self._relay_step, interval=interval_seconds, name="outbox-relay")

    def backoff(self, attempts: int) -> timedelta:
        """Delay before attempt `attempts + 1`: base * 2^(attempts - 1), capped."""
        return timedelta(seconds=min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1)))

    async def relay_once(self, *, limit: int = 100, now: datetime | None = None) -> RelayReport:
        moment = now or datetime.now(UTC)
        delivered = failed = 0
        for doc in await self.outbox.claim_due(now=moment, lease=self.lease, limit=limit):
            handler = self.handlers.get(doc["destination"])
            try:
                if handler is None:
                    raise LookupError(f"no handler for destination {doc['destination']}")
                detail = await handler(doc)
            except Exception as exc:  # noqa: BLE001 - any failure is retried, never lost
                attempts = int(doc.get("attempts", 0)) + 1
                retry_at = moment + self.backoff(attempts) if attempts < self.max_attempts else None
                await self.outbox.mark_failed(doc["_id"], at=datetime.now(UTC), error=_describe(exc), retry_at=retry_at)
                log.warning("outbox_delivery_failed", event_id=doc["_id"], attempts=attempts, error=_describe(exc))
                failed += 1
                continue
            await self.outbox.mark_delivered(doc["_id"], at=datetime.now(UTC), detail=detail, scrub=self.scrub)
            delivered += 1
        return RelayReport(delivered=delivered, failed=failed)

    def notify(self) -> None:
        """A new event was written: relay soon rather than at the next tick."""
        self._loop.notify()

    async def _relay_step(self) -> bool:
        report = await self.relay_once()
        return bool(report.delivered or report.failed)

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
