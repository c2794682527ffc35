"""When each community's latest event happened: one small document per community, what the slot scheduler's tick
reads to find the communities with recent events.

Read from `events`, that question cost a read of every event of the last ACTIVE_DAYS (90) of every community, each
minute, and an index on `occurred_at` alone that every stored event paid for (SecantusDB spends about as much per
index of a stored event as on the event itself). Here it is one `$max` per community per batch of events: written
by the ingest worker in its derive transaction (EventsStore.derive_pending) and by imports as they store events, so
a recorded event counts once derived (the ingest lag, about a second). `$max` makes a repeated write harmless.
Databases whose events predate this collection are filled once from `events` (`backfill`).
"""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.store.base import Doc
from infra.indexes import IndexPlan
from infra.moments import as_utc


class CommunityActivityStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        # `_id` is the community id; `last_event_at` its latest event's occurred_at.
        self.docs = db["community_activity"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_active: the communities active since a moment (one entry per community, moved once per batch).
        indexes.add(self.docs, [("last_event_at", ASCENDING)], name="last_event_at")
        await indexes.create()

    async def touch(self, events: list[Doc], session: Session | None) -> None:
        """Move each of these events' communities' latest event time forward, one update per community."""
        latest: dict[ObjectId, datetime] = {}
        for doc in events:
            cid, at = doc["community_id"], as_utc(doc["occurred_at"])
            if cid not in latest or at > latest[cid]:
                latest[cid] = at
        if latest:
            await self.docs.bulk_write(
                [UpdateOne({"_id": cid}, {"$max": {"last_event_at": at}}, upsert=True) for cid, at in latest.items()],
                ordered=False,
                session=session,
            )

    async def list_active(self, since: datetime) -> list[ObjectId]:
        """Every community whose latest event happened at `since` or later, sorted."""
        cursor = self.docs.find({"last_event_at": {"$gte": since}}, {"_id": 1})
        return sorted([doc["_id"] async for doc in cursor])

    async def backfill(self, latest: list[Doc]) -> None:
        """Each community's latest event time from `events` (rows `{_id: community, at: latest}`), merged."""
        await self.touch([{"community_id": row["_id"], "occurred_at": row["at"]} for row in latest], None)
