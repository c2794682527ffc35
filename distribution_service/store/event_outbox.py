"""The event outbox: what the ingest worker has yet to derive, one entry per stored batch of recorded events.

An entry is written in the same transaction as its events (EventsStore.insert_events) and deleted in the same
transaction as the counters derived from it (EventsStore.derive_pending): an acknowledged event always has its
entry until it is counted, and is counted once. The outbox stays as small as the worker's backlog and carries only
the `_id` index, so taking a batch costs one small delete per recorded batch, where clearing a flag on each event
rewrote all the event's index entries (SecantusDB rewrites every index of an updated document).
"""

from __future__ import annotations

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.store.base import Doc

# What deriving an event reads: its item's counters and daily bucket, its member's delivery marks, its lag.
DERIVE_FIELDS = ("_id", "community_id", "member_id", "content_id", "type", "occurred_at", "received_at")


def outbox_event(doc: Doc) -> Doc:
    """The part of a stored event the worker derives from."""
    return {field: doc[field] for field in DERIVE_FIELDS if field in doc}


def events_of(entries: list[Doc]) -> list[Doc]:
    return [event for entry in entries for event in entry["events"]]


class EventOutboxStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.entries = db["event_outbox"]

    async def add(self, docs: list[Doc], session: Session) -> None:
        """One entry for these just-inserted events, in the caller's transaction."""
        entry = {"_id": ObjectId(), "events": [outbox_event(d) for d in docs]}
        await self.entries.insert_one(entry, session=session)

    async def list_oldest(self, max_events: int) -> list[Doc]:
        """The oldest entries (`_id` order), enough to hold `max_events` events (at least one entry)."""
        taken: list[Doc] = []
        count = 0
        cursor = self.entries.find({}).sort("_id", ASCENDING).batch_size(64)
        try:
            async for entry in cursor:
                taken.append(entry)
                count += len(entry["events"])
                if count >= max_events:
                    break
        finally:
            await cursor.close()
        return taken

    async def take_through(self, last_id: ObjectId, session: Session) -> list[Doc]:
        """In the caller's transaction: the events of every entry up to `last_id`, the entries deleted.

        Read and deleted as one `_id` range in the transaction's snapshot: an entry added in the range after the
        snapshot is neither read nor deleted (the next run takes it), and a concurrent worker deleting the same
        entries conflicts, so one transaction is retried and finds them gone."""
        in_range = {"_id": {"$lte": last_id}}
        entries = [e async for e in self.entries.find(in_range, session=session).sort("_id", ASCENDING)]
        if entries:
            await self.entries.delete_many(in_range, session=session)
        return events_of(entries)
