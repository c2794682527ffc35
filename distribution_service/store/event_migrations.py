"""The one-off data migrations of the event collections: each brings a database written by an older version up to
the current shape, once (a `migrations` document marks it done), and is safe when processes start together or one
restarts midway. Run from `EventsStore.ensure_indexes`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.store.base import Doc
from distribution_service.store.community_activity import CommunityActivityStore
from distribution_service.store.event_keys import EventKeysStore
from distribution_service.store.event_outbox import EventOutboxStore
from distribution_service.store.item_counters import DAILY_BUCKET_DAYS, ItemCountersStore
from distribution_service.store.item_stats_rekey import drop_retired_indexes, rekey_item_stats

# Indexes older versions created that no query reads any more: each one only cost every write of an event
# (SecantusDB spends about as much per index of a stored event as on the event itself: measured).
RETIRED_INDEXES = (
    "pending_id",
    "community_member_content",
    "community_member_occurred_at",
    "community_content_occurred_at",
    # A plain copy of community_client_event_unique for reading duplicates' ids: read through the unique one.
    "community_client_event",
    # Any community's events by time, for the slot scheduler's active communities: store/community_activity.py.
    "occurred_at",
    # A client event id once per community: now each stored id's key document (store/event_keys.py), backfilled
    # first (EventMigrations.backfill_event_keys). Partial, yet it cost every stored event, with or without an id.
    "community_client_event_unique",
    # Events a version before the outbox flagged `pending`, for the worker's check every 30 s. Partial, yet every
    # stored event paid for it: SecantusDB reads and decodes each index's definition for every inserted document
    # (~0.03 ms of server CPU per event in a scratch probe, a sixth of an insert's index work). Such events are now
    # adopted once, at start-up (EventMigrations.adopt_legacy_pending), before this index is dropped.
    "legacy_pending_id",
)

BACKFILL_BATCH = 5000
# Members whose last engagements the member_recent backfill reads and writes per transaction.
SEED_BATCH = 200


class EventParts(Protocol):
    """What the migrations use of the events store (store/events.py), named here so neither module imports the
    other's."""

    events: AsyncCollection[Doc]
    item_signals: AsyncCollection[Doc]
    outbox: EventOutboxStore
    keys: EventKeysStore
    counters: ItemCountersStore
    activity: CommunityActivityStore

    async def seed_member_recent(self, community_id: ObjectId, member_ids: list[ObjectId]) -> None: ...

    async def run_transaction(self, callback: Callable[[Session], Awaitable[None]]) -> None: ...


class EventMigrations:
    def __init__(self, store: EventParts, done: AsyncCollection[Doc]) -> None:
        self.store = store
        # One document per data migration done.
        self.done = done

    async def run_all(self) -> None:
        """Every migration, in order, once the indexes they read are there."""
        await self.adopt_legacy_pending()
        await self.rekey_item_stats()
        await self.backfill_event_keys()
        await self.backfill_engaged()
        await self.backfill_community_activity()
        await self.backfill_member_recent()
        await self.backfill_item_daily()

    async def rekey_item_stats(self) -> None:
        """item_stats documents an older version keyed by an ObjectId re-keyed by item (store/item_stats_rekey.py),
        once per database (then marked done), before the worker counts anything; then their unique index dropped.
        Safe to repeat or to run beside another process: only documents still keyed by an ObjectId are moved."""
        if await self.done.find_one({"_id": "item_stats_ids", "done": True}) is None:
            await rekey_item_stats(self.store.counters, self.store.run_transaction)
            await self.done.update_one({"_id": "item_stats_ids"}, {"$set": {"done": True}}, upsert=True)
        await drop_retired_indexes(self.store.counters)

    async def backfill_event_keys(self) -> None:
        """A key document (store/event_keys.py) for every event an older version stored with a client id, once per
        database (then marked done), before the unique index that made those ids idempotent is dropped
        (RETIRED_INDEXES): a replay of such an event still answers duplicate. A replica of that version still
        recording after this start is not supported (its events would have no key): stop such replicas first."""
        if await self.done.find_one({"_id": "event_keys", "done": True}) is not None:
            return
        await self.store.keys.backfill(self.store.events)
        await self.done.update_one({"_id": "event_keys"}, {"$set": {"done": True}}, upsert=True)

    async def backfill_engaged(self) -> None:
        """Give events stored before the `engaged` flag existed their flag, once per database (then marked done)."""
        done = self.done
        if await done.find_one({"_id": "events_engaged"}) is not None:
            return
        impression = EventType.IMPRESSION.value
        events = self.store.events
        await events.update_many({"engaged": {"$exists": False}, "type": impression}, {"$set": {"engaged": False}})
        await events.update_many(
            {"engaged": {"$exists": False}, "type": {"$ne": impression}}, {"$set": {"engaged": True}}
        )
        await done.update_one({"_id": "events_engaged"}, {"$set": {"done": True}}, upsert=True)

    async def backfill_community_activity(self) -> None:
        """Each community's latest event time from `events`, once per database (then marked done): one pass over
        the events, merged by `$max`, so processes starting together, or one restarted midway, change nothing."""
        if await self.done.find_one({"_id": "community_activity", "done": True}) is not None:
            return
        pipeline: list[Doc] = [{"$group": {"_id": "$community_id", "at": {"$max": "$occurred_at"}}}]
        latest = [row async for row in await self.store.events.aggregate(pipeline) if row["_id"] is not None]
        await self.store.activity.backfill([row for row in latest if row["at"] is not None])
        await self.done.update_one({"_id": "community_activity"}, {"$set": {"done": True}}, upsert=True)

    async def backfill_member_recent(self) -> None:
        """member_recent documents for every member with engagement events, once per database (then marked
        done), SEED_BATCH members a transaction. Idempotent (merged by event `_id`): processes starting together,
        or one restarted after a crash midway, repeat the work, never an event."""
        if await self.done.find_one({"_id": "member_recent", "done": True}) is not None:
            return
        for community_id in await self.store.events.distinct("community_id", {"engaged": True}):
            found = await self.store.events.distinct("member_id", {"community_id": community_id, "engaged": True})
            members = sorted(m for m in found if isinstance(m, ObjectId))
            for lo in range(0, len(members), SEED_BATCH):
                await self.store.seed_member_recent(community_id, members[lo : lo + SEED_BATCH])
        await self.done.update_one({"_id": "member_recent"}, {"$set": {"done": True}}, upsert=True)

    async def backfill_item_daily(self) -> None:
        """Fill the daily buckets from the last days' events and imported signals, once per database (databases
        whose events were stored before the buckets existed). The migration is claimed before it runs, so
        processes starting together never count twice; a crash midway leaves buckets short until they expire."""
        done = self.done
        claimed_at = datetime.now(UTC)
        try:
            await done.insert_one({"_id": "item_daily", "claimed_at": claimed_at})
        except DuplicateKeyError:
            return
        window = {"$gte": claimed_at - timedelta(days=DAILY_BUCKET_DAYS), "$lt": claimed_at}
        fields = {"community_id": 1, "content_id": 1, "type": 1, "occurred_at": 1}
        for collection in (self.store.events, self.store.item_signals):
            batch: list[Doc] = []
            async for doc in collection.find({"occurred_at": window}, projection=fields).batch_size(BACKFILL_BATCH):
                if ENGAGEMENT_WEIGHT.get(EventType(doc["type"]), 0.0) > 0:
                    batch.append(doc)
                if len(batch) >= BACKFILL_BATCH:
                    await self._backfill_batch(batch, claimed_at)
                    batch = []
            await self._backfill_batch(batch, claimed_at)
        await done.update_one({"_id": "item_daily"}, {"$set": {"done": True}})

    async def _backfill_batch(self, docs: list[Doc], now: datetime) -> None:
        by_community: dict[ObjectId, list[Doc]] = {}
        for doc in docs:
            by_community.setdefault(doc["community_id"], []).append(doc)
        for community_id, of_community in by_community.items():
            await self.store.counters.add_daily(community_id, of_community, now)

    async def adopt_legacy_pending(self) -> None:
        """Give every event a version before the outbox stored flagged `pending` its outbox entry, once per database
        (then marked done), at start-up: on the flag's index where an older version made it, else one scan of
        `events` (a one-off). A replica of that version still recording after this start is not supported: stop
        such replicas before upgrading (their flagged events would wait unseen; see the README's upgrade notes)."""
        if await self.done.find_one({"_id": "legacy_pending", "done": True}) is not None:
            return
        while await self.adopt_pending(BACKFILL_BATCH):
            pass
        await self.done.update_one({"_id": "legacy_pending"}, {"$set": {"done": True}}, upsert=True)

    async def adopt_pending(self, limit: int) -> int:
        """Give up to `limit` events an older version stored flagged `pending` an outbox entry, flag cleared, in one
        transaction (so each is derived once, by the outbox); how many. Processes starting together conflict on the
        same flags, and one transaction is retried and finds them adopted."""
        if await self.store.events.find_one({"pending": True}, {"_id": 1}) is None:
            return 0  # the usual case, without a transaction
        adopted = 0

        async def adopt(session: Session) -> None:
            nonlocal adopted
            cursor = self.store.events.find({"pending": True}, session=session).sort("_id", ASCENDING).limit(limit)
            docs = [doc async for doc in cursor]
            adopted = len(docs)
            if docs:
                in_range = {"pending": True, "_id": {"$lte": docs[-1]["_id"]}}
                await self.store.events.update_many(in_range, {"$unset": {"pending": ""}}, session=session)
                await self.store.outbox.add(docs, session)

        await self.store.run_transaction(adopt)
        return adopted
