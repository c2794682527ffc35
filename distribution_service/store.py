"""distribution_service's only MongoDB module: events and per-item engagement counters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from infra.bulk import insert_many_reporting

Doc = dict[str, Any]


class DistributionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.db = db
        self.events = db["events"]
        self.item_stats = db["item_stats"]

    async def ensure_indexes(self) -> None:
        # insert_event: a client event id is recorded once per community.
        await self.events.create_index(
            [("community_id", ASCENDING), ("client_event_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"client_event_id": {"$type": "string"}},
            name="community_client_event_unique",
        )
        # list_seen_content: what a member has already opened among the candidates.
        await self.events.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("content_id", ASCENDING)],
            name="community_member_content",
        )
        # aggregate_activity_by_member: a community's engagement over a time window.
        await self.events.create_index(
            [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        # list_item_stats: counters per item.
        await self.item_stats.create_index(
            [("community_id", ASCENDING), ("content_id", ASCENDING)], unique=True, name="community_content_unique"
        )

    async def insert_event(self, doc: Doc) -> tuple[ObjectId, bool]:
        """Store an event and bump its item's counters; returns (id, duplicate)."""
        try:
            result = await self.events.insert_one(doc)
        except DuplicateKeyError:
            existing = await self.events.find_one(
                {"community_id": doc["community_id"], "client_event_id": doc["client_event_id"]}, {"_id": 1}
            )
            return (existing["_id"] if existing else ObjectId()), True
        event_type = EventType(doc["type"])
        # Counters are derived data: a crash here loses one increment that a rebuild from events restores.
        await self.item_stats.update_one(
            {"community_id": doc["community_id"], "content_id": doc["content_id"]},
            {
                "$inc": {f"counts.{event_type.value}": 1, "engagement": ENGAGEMENT_WEIGHT[event_type]},
                "$set": {"updated_at": datetime.now(UTC)},
            },
            upsert=True,
        )
        return result.inserted_id, False

    async def list_item_stats(self, community_id: ObjectId, content_ids: list[ObjectId]) -> dict[str, Doc]:
        cursor = self.item_stats.find({"community_id": community_id, "content_id": {"$in": content_ids}})
        return {str(doc["content_id"]): doc async for doc in cursor}

    async def list_seen_content(
        self, community_id: ObjectId, member_id: ObjectId, content_ids: list[ObjectId]
    ) -> set[str]:
        seen = await self.events.distinct(
            "content_id",
            {
                "community_id": community_id,
                "member_id": member_id,
                "content_id": {"$in": content_ids},
                "type": {"$ne": EventType.IMPRESSION.value},
            },
        )
        return {str(content_id) for content_id in seen}

    async def aggregate_activity_by_member(self, community_id: ObjectId, since: datetime | None) -> list[Doc]:
        match: Doc = {"community_id": community_id, "type": {"$ne": EventType.IMPRESSION.value}}
        if since is not None:
            match["occurred_at"] = {"$gte": since}
        weights = {
            "$switch": {
                "branches": [{"case": {"$eq": ["$type", t.value]}, "then": w} for t, w in ENGAGEMENT_WEIGHT.items()],
                "default": 0.0,
            }
        }
        pipeline: list[Doc] = [
            {"$match": match},
            {
                "$group": {
                    "_id": "$member_id",
                    "events": {"$sum": 1},
                    "engagement": {"$sum": weights},
                    "last_at": {"$max": "$occurred_at"},
                }
            },
        ]
        cursor = await self.events.aggregate(pipeline)
        return [doc async for doc in cursor]

    # Issue 4: imported events, idempotent by their client event id ("import:<source>:<source id>"). Events
    # that name no member (Stack Exchange votes) go to `item_signals`: they count for the item, never for a member.

    async def ensure_import_indexes(self) -> None:
        # The import's idempotency: one signal per key in a community.
        await self.db["item_signals"].create_index(
            [("community_id", ASCENDING), ("client_event_id", ASCENDING)], unique=True, name="community_key_unique"
        )

    async def insert_imported_events(self, docs: list[Doc]) -> dict[int, str]:
        return await insert_many_reporting(self.events, docs)

    async def insert_item_signals(self, docs: list[Doc]) -> dict[int, str]:
        return await insert_many_reporting(self.db["item_signals"], docs)

    async def add_to_item_stats(self, community_id: ObjectId, docs: list[Doc]) -> None:
        """Bump the counters of the items these (newly stored) events are about, one update per item."""
        increments: dict[ObjectId, dict[str, float]] = {}
        for doc in docs:
            event_type = EventType(doc["type"])
            inc = increments.setdefault(doc["content_id"], {"engagement": 0.0})
            inc[f"counts.{event_type.value}"] = inc.get(f"counts.{event_type.value}", 0) + 1
            inc["engagement"] += ENGAGEMENT_WEIGHT[event_type]
        if not increments:
            return
        now = datetime.now(UTC)
        await self.item_stats.bulk_write(
            [
                UpdateOne(
                    {"community_id": community_id, "content_id": content_id},
                    {"$inc": inc, "$set": {"updated_at": now}},
                    upsert=True,
                )
                for content_id, inc in increments.items()
            ],
            ordered=False,
        )
