"""The item counters derived from events: all-time totals per item (`item_stats`) and engagement per item and UTC
day for recent days (`item_daily`, TTL), the ranking features' popularity and velocity sources.

The ingest worker bumps them in the transaction that takes the events' outbox entries (EventsStore.derive_pending),
imports as they import; nothing else writes them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.store.base import Doc
from infra.indexes import IndexPlan

# Daily engagement buckets are kept this many days: enough for the 7-day popularity window and its first day.
DAILY_BUCKET_DAYS = 8


class ItemCountersStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.item_stats = db["item_stats"]
        # Each item's engagement per UTC day, for recent days (TTL): the 7-day popularity feature's source.
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
        # list_item_stats: counters per item.
        indexes.add(
            self.item_stats,
            [("community_id", ASCENDING), ("content_id", ASCENDING)],
            unique=True,
            name="community_content_unique",
        )
        await indexes.create()

    async def add(self, community_id: ObjectId, docs: list[Doc], *, session: Session | None = None) -> None:
        """Bump the counters of the items these (newly stored) events are about, one update per item."""
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
            inc[f"counts.{event_type.value}"] = inc.get(f"counts.{event_type.value}", 0) + 1
            inc["engagement"] += ENGAGEMENT_WEIGHT[event_type]
        if not increments:
            return
        now = datetime.now(UTC)
        await self.add_daily(community_id, docs, now, session=session)
        await self.item_stats.bulk_write(
            [
                UpdateOne(
                    {"community_id": community_id, "content_id": content_id},
                    # last_at: the item's last engagement, a ranking feature ("active lately").
                    {"$inc": inc, "$set": {"updated_at": now}}
                    | ({"$max": {"last_at": last_at[content_id]}} if content_id in last_at else {}),
                    upsert=True,
                )
                for content_id, inc in increments.items()
            ],
            ordered=False,
            session=session,
        )

    async def add_daily(
        self, community_id: ObjectId, docs: list[Doc], now: datetime, *, session: Session | None = None
    ) -> None:
        """Bump each item's engagement bucket of each UTC day the events happened on, for recent days only:
        buckets expire (TTL) once no popularity window can reach them."""
        oldest = (now - timedelta(days=DAILY_BUCKET_DAYS)).date()
        buckets: dict[tuple[ObjectId, date], float] = {}
        for doc in docs:
            weight = ENGAGEMENT_WEIGHT[EventType(doc["type"])]
            at = doc["occurred_at"] if doc["occurred_at"].tzinfo else doc["occurred_at"].replace(tzinfo=UTC)
            day = at.astimezone(UTC).date()
            if weight > 0 and day >= oldest:
                buckets[(doc["content_id"], day)] = buckets.get((doc["content_id"], day), 0.0) + weight
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
        cursor = self.item_stats.find({"community_id": community_id, "content_id": {"$in": content_ids}})
        return {str(doc["content_id"]): doc async for doc in cursor}

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
        # community_content_day_unique, `$in` on the last field it pins; the day bounds are applied here.
        cursor = self.item_daily.find(
            {"community_id": community_id, "content_id": {"$in": content_ids}},
            projection={"content_id": 1, "day": 1, "engagement": 1, "_id": 0},
        )
        totals: list[dict[str, float]] = [{} for _ in starts]
        async for doc in cursor:
            key = str(doc["content_id"])
            for first_day, window in zip(first_days, totals, strict=True):
                if doc["day"] >= first_day:
                    window[key] = window.get(key, 0.0) + float(doc["engagement"])
        return totals

    async def list_item_engagement(self, community_id: ObjectId) -> dict[str, float]:
        """Every item's engagement weight, all time (on community_content_unique): what the community's tag
        shares are summed from."""
        cursor = self.item_stats.find(
            {"community_id": community_id}, projection={"content_id": 1, "engagement": 1, "_id": 0}
        )
        return {str(doc["content_id"]): float(doc.get("engagement", 0.0)) async for doc in cursor}
