"""The item counters derived from events: all-time totals per item and its engagement per UTC day for recent days,
both in one `item_stats` document per item (`days`: "YYYY-MM-DD" → weight), the ranking features' popularity and
velocity sources.

The ingest worker bumps them in the transaction that takes the events' outbox entries (EventsStore.derive_pending),
imports as they import; nothing else writes them. A take costs one update per distinct item: the day's bucket rides
the totals' update. Before, each bucket was a document of its own in `item_daily` (TTL), a second update per item
per take (SecantusDB rewrites every index of an updated document: ~0.45 ms of server CPU each, as much as the totals'
own update). Buckets already in `item_daily` (written by an older version, or by the one-off backfill of databases
older than buckets) are still read and summed with the days in `item_stats` until they expire (DAILY_BUCKET_DAYS + 1
days after their day): nothing is copied, so no bucket is counted twice or lost while replicas of both versions run.
An item's first update of a UTC day (per process) unsets the days just past the window (PRUNED_DAYS), so its `days`
stays a handful of keys; a key older than that (an item idle for weeks) is never read, nor is any key before the
window (readers bound the days they sum). Later updates that day carry no `$unset`: the days to prune change only at
midnight, and SecantusDB checks every pair of an update's paths and applies each (seven unset paths were about twice
the paths of the rest of the update, once per item per take). A take whose transaction aborts after its item was
marked pruned leaves that day's key to the next day's first update, which unsets it among its PRUNED_DAYS.

An item_stats document's `_id` is "<community id>:<content id>" (`item_key`; it keeps `community_id` and
`content_id` as fields) and the collection has no secondary index: each update is found by `_id`, which SecantusDB
plans as a point lookup and writes without its per-document index work (0.12-0.16 against 0.31-0.37 ms of server CPU
an update by `(community_id, content_id)` on the unique index it had). The community's items are listed apart
(store/community_items.py), once per item, for the one community-wide read (`list_item_engagement`). Documents an
older version keyed by an ObjectId are re-keyed once at start-up (store/item_stats_rekey.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.store.base import Doc
from distribution_service.store.community_items import CommunityItemsStore, item_key
from distribution_service.store.event_outbox import COUNT
from infra.indexes import IndexPlan
from infra.lookups import IN_CHUNK, find_in
from infra.moments import as_utc

# Daily engagement buckets are kept this many days: enough for the 7-day popularity window and its first day.
DAILY_BUCKET_DAYS = 8
# An item's engagement per UTC day, in its item_stats document: {"YYYY-MM-DD": weight}.
DAYS = "days"
# The days before the oldest kept that an item's first update of a day unsets (an item engaged at least this often
# keeps no more).
PRUNED_DAYS = 7
# item_stats keys per read by `_id`: SecantusDB matches each document against the whole `$in` list (infra/lookups.py;
# `python -m benchmarks.keyed_reads`: 3,000 keys in one read 4.53 s of server CPU, in reads of 32 0.11 s).
LISTED_READ = IN_CHUNK
# At most this many items are remembered as pruned today (per process); beyond, updates unset as before: still correct.
MAX_PRUNED_KEPT = 100_000


def recent_day_weights(docs: list[Doc], now: datetime) -> dict[tuple[ObjectId, date], float]:
    """Engagement weight per (item, UTC day) of these events, for the days still kept (DAILY_BUCKET_DAYS)."""
    oldest = (now - timedelta(days=DAILY_BUCKET_DAYS)).date()
    buckets: dict[tuple[ObjectId, date], float] = {}
    for doc in docs:
        weight = ENGAGEMENT_WEIGHT[EventType(doc["type"])] * doc.get(COUNT, 1)
        at = as_utc(doc["occurred_at"])
        day = at.astimezone(UTC).date()
        if weight > 0 and day >= oldest:
            buckets[(doc["content_id"], day)] = buckets.get((doc["content_id"], day), 0.0) + weight
    return buckets


def pruned_days(now: datetime) -> dict[str, str]:
    """The `$unset` of the PRUNED_DAYS days just before the oldest kept one."""
    oldest = (now - timedelta(days=DAILY_BUCKET_DAYS)).date()
    return {f"{DAYS}.{(oldest - timedelta(days=k)).isoformat()}": "" for k in range(1, PRUNED_DAYS + 1)}


class ItemCountersStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        # One document per item, `_id` its item_key; no secondary index (module docstring).
        self.item_stats = db["item_stats"]
        # Each community's items with counters: what a community-wide read finds their documents by.
        self.listed = CommunityItemsStore(db)
        # The items whose update unset the days past the window already, and the oldest kept day they were pruned
        # up to: the set is dropped when that day moves on (at midnight UTC).
        self._pruned_up_to: date | None = None
        self._pruned: set[tuple[ObjectId, ObjectId]] = set()
        # Each item's engagement per UTC day as an older version kept it, one document per day (TTL): still read
        # until its buckets expire; written only by the one-off backfill (`add_daily`).
        self.item_daily = db["item_daily"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # sum_recent_engagement: the candidates' daily engagement buckets; one bucket per item and day.
        indexes.add(
            self.item_daily,
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("day", ASCENDING)],
            unique=True,
            name="community_content_day_unique",
        )
        # Buckets expire once no popularity window reaches them.
        indexes.add(self.item_daily, [("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_at_ttl")
        # item_stats: none (found by `_id`; its older unique index is dropped once its documents are re-keyed:
        # store/item_stats_rekey.py).
        await indexes.create()
        await self.listed.ensure_indexes()

    async def add(self, community_id: ObjectId, docs: list[Doc], *, session: Session | None = None) -> None:
        """Bump the counters of the items these (newly stored) events are about, their recent days' buckets
        included: one update per item."""
        increments: dict[ObjectId, dict[str, float]] = {}
        last_at: dict[ObjectId, datetime] = {}
        for doc in docs:
            event_type = EventType(doc["type"])
            if event_type is not EventType.IMPRESSION:
                # Activity on a reply (an answer, its comments and votes) is also activity of its thread: a
                # question whose answers are discussed is active, though its own counters do not move.
                for active in (doc["content_id"], doc.get("thread_id")):
                    if active is not None:
                        seen = last_at.get(active)
                        last_at[active] = doc["occurred_at"] if seen is None else max(seen, doc["occurred_at"])
                        increments.setdefault(active, {"engagement": 0.0})
            inc = increments.setdefault(doc["content_id"], {"engagement": 0.0})
            # COUNT: a take's counted impressions of the item, as one event (store/event_outbox.py, `events_of`).
            inc[f"counts.{event_type.value}"] = inc.get(f"counts.{event_type.value}", 0) + doc.get(COUNT, 1)
            inc["engagement"] += ENGAGEMENT_WEIGHT[event_type] * doc.get(COUNT, 1)
        if not increments:
            return
        now = datetime.now(UTC)
        for (content_id, day), weight in recent_day_weights(docs, now).items():
            increments[content_id][f"{DAYS}.{day.isoformat()}"] = weight
        to_prune = self._not_pruned_today(community_id, list(increments), now)
        pruned = pruned_days(now)
        content_ids = list(increments)
        if session is None:
            # Not in a transaction (imports): listed first, so an item counted is always listed.
            await self.listed.add(community_id, content_ids)
        result = await self.item_stats.bulk_write(
            [
                UpdateOne(
                    {"_id": item_key(community_id, content_id)},
                    # last_at: the item's last engagement, a ranking feature ("active lately").
                    {
                        "$inc": increments[content_id],
                        "$set": {"updated_at": now},
                        "$setOnInsert": {"community_id": community_id, "content_id": content_id},
                    }
                    | ({"$unset": pruned} if content_id in to_prune else {})
                    | ({"$max": {"last_at": last_at[content_id]}} if content_id in last_at else {}),
                    upsert=True,
                )
                for content_id in content_ids
            ],
            ordered=False,
            session=session,
        )
        if session is not None and result.upserted_ids:
            # Items counted for the first time: listed in the same transaction.
            await self.listed.add(community_id, [content_ids[n] for n in result.upserted_ids], session)
        if len(self._pruned) + len(to_prune) <= MAX_PRUNED_KEPT:
            self._pruned.update((community_id, content_id) for content_id in to_prune)

    def _not_pruned_today(self, community_id: ObjectId, content_ids: list[ObjectId], now: datetime) -> set[ObjectId]:
        """Of these items, those whose days past the window this process has not unset since the window last moved
        (midnight UTC): their update carries the `$unset`."""
        oldest_kept = (now - timedelta(days=DAILY_BUCKET_DAYS)).date()
        if oldest_kept != self._pruned_up_to:
            self._pruned_up_to = oldest_kept
            self._pruned = set()
        return {c for c in content_ids if (community_id, c) not in self._pruned}

    async def add_daily(
        self, community_id: ObjectId, docs: list[Doc], now: datetime, *, session: Session | None = None
    ) -> None:
        """Bump each item's `item_daily` bucket of each UTC day the events happened on, for recent days only
        (buckets expire, TTL, once no popularity window can reach them): the one-off backfill of databases older
        than buckets (store/event_migrations.py); derived events bump the days in item_stats (`add`)."""
        buckets = recent_day_weights(docs, now)
        if not buckets:
            return
        await self.item_daily.bulk_write(
            [
                UpdateOne(
                    {"community_id": community_id, "content_id": content_id, "day": day.isoformat()},
                    {
                        "$inc": {"engagement": weight},
                        "$setOnInsert": {
                            "expires_at": datetime.combine(day, time(), UTC) + timedelta(days=DAILY_BUCKET_DAYS + 1)
                        },
                    },
                    upsert=True,
                )
                for (content_id, day), weight in buckets.items()
            ],
            ordered=False,
            session=session,
        )

    async def list_item_stats(self, community_id: ObjectId, content_ids: list[ObjectId]) -> dict[str, Doc]:
        """Each of these items' counters document (by `_id`), by its content id as text; an item never counted is
        absent."""
        found = find_in(self.item_stats, {}, "_id", [item_key(community_id, c) for c in content_ids])
        return {str(doc["content_id"]): doc async for doc in found}

    async def sum_recent_engagement(
        self, community_id: ObjectId, content_ids: list[ObjectId], since: datetime
    ) -> dict[str, float]:
        """Each item's engagement weight on the UTC days from `since`'s day on, from the daily buckets: a few
        documents per item, however many events (impressions included) the items had."""
        (totals,) = await self.sum_engagement_windows(community_id, content_ids, [since])
        return totals

    async def sum_engagement_windows(
        self, community_id: ObjectId, content_ids: list[ObjectId], starts: list[datetime]
    ) -> list[dict[str, float]]:
        """`sum_recent_engagement` for several window starts at once (7-day popularity and 1-day velocity), in
        one read of the daily buckets."""
        first_days = [(s.astimezone(UTC) if s.tzinfo else s).date().isoformat() for s in starts]
        totals: list[dict[str, float]] = [{} for _ in starts]

        def add(key: str, day: str, engagement: float) -> None:
            for first_day, window in zip(first_days, totals, strict=True):
                if day >= first_day:
                    window[key] = window.get(key, 0.0) + engagement

        # By `_id` in small `$in` reads (infra/lookups.py); the day bounds are applied here.
        in_stats = find_in(
            self.item_stats,
            {},
            "_id",
            [item_key(community_id, c) for c in content_ids],
            projection={"content_id": 1, DAYS: 1, "_id": 0},
        )
        async for doc in in_stats:
            for day, engagement in (doc.get(DAYS) or {}).items():
                add(str(doc["content_id"]), day, float(engagement))
        # An older version's buckets, until they expire (community_content_day_unique, likewise).
        in_daily = self.item_daily.find(
            {"community_id": community_id, "content_id": {"$in": content_ids}},
            projection={"content_id": 1, "day": 1, "engagement": 1, "_id": 0},
        )
        async for doc in in_daily:
            add(str(doc["content_id"]), doc["day"], float(doc["engagement"]))
        return totals

    async def list_item_engagement(self, community_id: ObjectId) -> dict[str, float]:
        """Every item's engagement weight, all time: what the community's tag shares are summed from. The
        community's items from their listing (on its `community_id` index), their documents by `_id`, LISTED_READ
        keys a read (`infra.lookups.find_in`: linear in the community's items)."""
        keys = await self.listed.list_keys(community_id)
        found = find_in(
            self.item_stats, {}, "_id", keys, projection={"content_id": 1, "engagement": 1, "_id": 0}, chunk=LISTED_READ
        )
        return {str(doc["content_id"]): float(doc.get("engagement", 0.0)) async for doc in found}
