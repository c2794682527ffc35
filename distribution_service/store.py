"""distribution_service's only MongoDB module: events, item counters, decision logs, deliveries and models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from pymongo import ASCENDING, DESCENDING, InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from infra.bulk import insert_many_reporting

Doc = dict[str, Any]
ENGAGEMENT_TYPES = [t.value for t in EventType if t is not EventType.IMPRESSION]
DUPLICATE_KEY = 11000
HISTORY_FIELDS = {
    "member_id": 1,
    "content_id": 1,
    "type": 1,
    "occurred_at": 1,
    "tags": 1,
    "author_id": 1,
    "kind": 1,
    "dwell_ms": 1,
}


class DistributionStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.db = db
        self.events = db["events"]
        self.item_stats = db["item_stats"]
        self.decisions = db["decisions"]
        self.deliveries = db["deliveries"]
        self.model_versions = db["model_versions"]
        self.model_pointers = db["model_pointers"]
        self.model_files = AsyncGridFSBucket(db, bucket_name="models")
        self.push_preferences = db["push_preferences"]

    async def ensure_indexes(self) -> None:
        # insert_events: a client event id is recorded once per community.
        await self.events.create_index(
            [("community_id", ASCENDING), ("client_event_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"client_event_id": {"$type": "string"}},
            name="community_client_event_unique",
        )
        # list_seen_pairs, list_member(s)_history: members' events (by item; newest first).
        await self.events.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("content_id", ASCENDING)],
            name="community_member_content",
        )
        await self.events.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("occurred_at", DESCENDING)],
            name="community_member_occurred_at",
        )
        # aggregate_activity_by_member, list_events_between: a community's events over a time window.
        await self.events.create_index(
            [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        # aggregate_recent_engagement: the candidates' events of the last days.
        await self.events.create_index(
            [("community_id", ASCENDING), ("content_id", ASCENDING), ("occurred_at", ASCENDING)],
            name="community_content_occurred_at",
        )
        # list_item_stats: counters per item.
        await self.item_stats.create_index(
            [("community_id", ASCENDING), ("content_id", ASCENDING)], unique=True, name="community_content_unique"
        )
        # get_decision, list_decisions_between: one decision by id within a community, or over a window.
        await self.decisions.create_index([("community_id", ASCENDING), ("at", ASCENDING)], name="community_at")
        # insert_delivery: exactly one delivery per member per slot and local day, whatever re-runs happen.
        await self.deliveries.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("slot", ASCENDING), ("day", ASCENDING)],
            unique=True,
            name="community_member_slot_day_unique",
        )
        # list_deliveries_for_member (inbox), newest first.
        await self.deliveries.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("created_at", DESCENDING)],
            name="community_member_created_at",
        )
        # aggregate_slot_rates: a community's deliveries by slot.
        await self.deliveries.create_index([("community_id", ASCENDING), ("slot", ASCENDING)], name="community_slot")
        # get_model_version / list_model_versions: one registry per community.
        await self.model_versions.create_index(
            [("community_id", ASCENDING), ("version", ASCENDING)], unique=True, name="community_version_unique"
        )
        await self.model_pointers.create_index([("community_id", ASCENDING)], unique=True, name="community_unique")
        # get_push_preferences / list_push_preferences: one document per member.
        # list_item_signals_between (training): imported anonymous signals over a window (collection of issue 4).
        await self.db["item_signals"].create_index(
            [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        await self.push_preferences.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING)], unique=True, name="community_member_unique"
        )

    # --- events -------------------------------------------------------------------------------------------

    async def insert_events(self, docs: list[Doc]) -> list[tuple[ObjectId, bool]]:
        """Store events (unordered, one round trip) and bump their items' counters; (id, duplicate) per doc."""
        if not docs:
            return []
        for doc in docs:
            doc.setdefault("_id", ObjectId())
        duplicates: set[int] = set()
        try:
            await self.events.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            duplicates = {int(e["index"]) for e in errors}
        results: list[tuple[ObjectId, bool]] = []
        fresh: list[Doc] = []
        for i, doc in enumerate(docs):
            if i in duplicates:
                existing = await self.events.find_one(
                    {"community_id": doc["community_id"], "client_event_id": doc["client_event_id"]}, {"_id": 1}
                )
                results.append(((existing["_id"] if existing else doc["_id"]), True))
            else:
                results.append((doc["_id"], False))
                fresh.append(doc)
        # Counters are derived data: a crash here loses increments that a rebuild from events restores.
        # One counter update per item, however many of its events came in this batch.
        by_community: dict[ObjectId, list[Doc]] = {}
        for doc in fresh:
            by_community.setdefault(doc["community_id"], []).append(doc)
        for community_id, docs_of_community in by_community.items():
            await self.add_to_item_stats(community_id, docs_of_community)
        return results

    async def insert_event(self, doc: Doc) -> tuple[ObjectId, bool]:
        (result,) = await self.insert_events([doc])
        return result

    async def list_item_stats(self, community_id: ObjectId, content_ids: list[ObjectId]) -> dict[str, Doc]:
        cursor = self.item_stats.find({"community_id": community_id, "content_id": {"$in": content_ids}})
        return {str(doc["content_id"]): doc async for doc in cursor}

    async def aggregate_recent_engagement(
        self, community_id: ObjectId, content_ids: list[ObjectId], since: datetime
    ) -> dict[str, float]:
        weights = {
            "$switch": {
                "branches": [{"case": {"$eq": ["$type", t.value]}, "then": w} for t, w in ENGAGEMENT_WEIGHT.items()],
                "default": 0.0,
            }
        }
        pipeline: list[Doc] = [
            {
                "$match": {
                    "community_id": community_id,
                    "content_id": {"$in": content_ids},
                    "occurred_at": {"$gte": since},
                }
            },
            {"$group": {"_id": "$content_id", "engagement": {"$sum": weights}}},
        ]
        cursor = await self.events.aggregate(pipeline)
        return {str(doc["_id"]): float(doc["engagement"]) async for doc in cursor}

    async def list_seen_pairs(
        self, community_id: ObjectId, member_ids: list[ObjectId], content_ids: list[ObjectId]
    ) -> dict[str, set[str]]:
        """For each member, the candidates they already engaged with (one query for a batch of members)."""
        cursor = self.events.find(
            {
                "community_id": community_id,
                "member_id": {"$in": member_ids},
                "content_id": {"$in": content_ids},
                "type": {"$in": ENGAGEMENT_TYPES},
            },
            projection={"member_id": 1, "content_id": 1, "_id": 0},
        )
        seen: dict[str, set[str]] = {}
        async for doc in cursor:
            seen.setdefault(str(doc["member_id"]), set()).add(str(doc["content_id"]))
        return seen

    async def list_members_history(
        self, community_id: ObjectId, member_ids: list[ObjectId], *, limit: int
    ) -> dict[str, list[Doc]]:
        """Each member's latest engagement events (at most `limit` each), for a batch of members."""
        if len(member_ids) == 1:
            return {str(member_ids[0]): await self.list_member_history(community_id, member_ids[0], limit=limit)}
        cursor = self.events.find(
            {"community_id": community_id, "member_id": {"$in": member_ids}, "type": {"$in": ENGAGEMENT_TYPES}},
            projection=HISTORY_FIELDS,
        ).sort("occurred_at", DESCENDING)
        history: dict[str, list[Doc]] = {}
        async for doc in cursor:
            mine = history.setdefault(str(doc["member_id"]), [])
            if len(mine) < limit:
                mine.append(doc)
        return history

    async def list_member_history(self, community_id: ObjectId, member_id: ObjectId, *, limit: int) -> list[Doc]:
        """The member's latest engagement events, with the item snapshot (tags, author, kind) taken when logged."""
        cursor = (
            self.events.find(
                {"community_id": community_id, "member_id": member_id, "type": {"$in": ENGAGEMENT_TYPES}},
                projection=HISTORY_FIELDS,
            )
            .sort("occurred_at", DESCENDING)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    async def list_events_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        cursor = self.events.find(
            {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": until}},
            projection={
                "member_id": 1,
                "content_id": 1,
                "type": 1,
                "occurred_at": 1,
                "dwell_ms": 1,
                "decision_id": 1,
                "tags": 1,
                "author_id": 1,
                "kind": 1,
            },
        )
        return [doc async for doc in cursor]

    async def list_item_signals_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        """Imported events that name no member (votes): they count for items' popularity only."""
        cursor = self.db["item_signals"].find(
            {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": until}},
            projection={"content_id": 1, "type": 1, "occurred_at": 1},
        )
        return [doc async for doc in cursor]

    async def get_first_event_time(self, community_id: ObjectId) -> datetime | None:
        doc = await self.events.find_one({"community_id": community_id}, sort=[("occurred_at", ASCENDING)])
        return doc["occurred_at"] if doc else None

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

    # --- decisions ------------------------------------------------------------------------------------------

    async def insert_decisions(self, docs: list[Doc]) -> None:
        if docs:
            await self.decisions.insert_many(docs, ordered=False)

    async def get_decision(self, community_id: ObjectId, decision_id: ObjectId) -> Doc | None:
        return await self.decisions.find_one({"_id": decision_id, "community_id": community_id})

    async def list_decisions_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        cursor = self.decisions.find({"community_id": community_id, "at": {"$gte": since, "$lt": until}})
        return [doc async for doc in cursor]

    # --- deliveries -----------------------------------------------------------------------------------------

    async def insert_deliveries(self, docs: list[Doc]) -> int:
        """Insert what is new; a (member, slot, day) already delivered is skipped. Returns how many were new."""
        if not docs:
            return 0
        try:
            result = await self.deliveries.bulk_write([InsertOne(d) for d in docs], ordered=False)
            return int(result.inserted_count)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
            return int(exc.details.get("nInserted", 0))

    async def list_deliveries_for_member(self, community_id: ObjectId, member_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = (
            self.deliveries.find({"community_id": community_id, "member_id": member_id})
            .sort("created_at", DESCENDING)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    async def list_delivered_members(
        self, community_id: ObjectId, slot: str, day: str, member_ids: list[ObjectId]
    ) -> set[str]:
        found = await self.deliveries.distinct(
            "member_id", {"community_id": community_id, "slot": slot, "day": day, "member_id": {"$in": member_ids}}
        )
        return {str(m) for m in found}

    async def count_deliveries_by_member_since(
        self, community_id: ObjectId, member_ids: list[ObjectId], since: datetime
    ) -> dict[str, int]:
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "member_id": {"$in": member_ids}, "created_at": {"$gte": since}}},
            {"$group": {"_id": "$member_id", "n": {"$sum": 1}}},
        ]
        cursor = await self.deliveries.aggregate(pipeline)
        return {str(doc["_id"]): int(doc["n"]) async for doc in cursor}

    async def aggregate_slot_rates(self, community_id: ObjectId) -> list[Doc]:
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id}},
            {
                "$group": {
                    "_id": "$slot",
                    "delivered": {"$sum": 1},
                    "opened": {"$sum": {"$cond": [{"$gt": ["$opened_at", None]}, 1, 0]}},
                    "shared": {"$sum": {"$cond": [{"$gt": ["$shared_at", None]}, 1, 0]}},
                }
            },
        ]
        cursor = await self.deliveries.aggregate(pipeline)
        return [doc async for doc in cursor]

    async def mark_delivery(
        self, community_id: ObjectId, member_id: ObjectId, content_id: ObjectId, field: str, at: datetime
    ) -> None:
        await self.deliveries.update_many(
            {"community_id": community_id, "member_id": member_id, "items.content_id": content_id, field: None},
            {"$set": {field: at}},
        )

    # --- model registry -------------------------------------------------------------------------------------

    async def insert_model_version(self, doc: Doc, model_text: str) -> bool:
        """Store a trained model (text in GridFS) and its record; False if this version is already registered."""
        if await self.get_model_version(doc["community_id"], doc["version"]) is not None:
            return False
        file_id = await self.model_files.upload_from_stream(
            f"{doc['community_id']}/{doc['version']}.txt", model_text.encode(), metadata={"version": doc["version"]}
        )
        try:
            await self.model_versions.insert_one({**doc, "file_id": file_id})
        except DuplicateKeyError:
            await self.model_files.delete(file_id)
            return False
        return True

    async def get_model_version(self, community_id: ObjectId, version: str) -> Doc | None:
        return await self.model_versions.find_one({"community_id": community_id, "version": version})

    async def list_model_versions(self, community_id: ObjectId) -> list[Doc]:
        cursor = self.model_versions.find({"community_id": community_id}, projection={"report": 0}).sort(
            "created_at", ASCENDING
        )
        return [doc async for doc in cursor]

    async def get_model_text(self, file_id: ObjectId) -> str:
        stream = await self.model_files.open_download_stream(file_id)
        data: bytes = await stream.read()
        return data.decode()

    async def get_model_pointer(self, community_id: ObjectId) -> Doc | None:
        return await self.model_pointers.find_one({"community_id": community_id})

    async def set_model_pointer(self, community_id: ObjectId, fields: Doc, *, push_history: str | None = None) -> Doc:
        update: Doc = {"$set": {**fields, "updated_at": datetime.now(UTC)}}
        if push_history is not None:
            update["$push"] = {"history": push_history}
        await self.model_pointers.update_one({"community_id": community_id}, update, upsert=True)
        pointer = await self.get_model_pointer(community_id)
        assert pointer is not None
        return pointer

    async def pop_model_history(self, community_id: ObjectId) -> Doc | None:
        """Drop the last entry of the active-model history (rollback); the pointer as it is after."""
        await self.model_pointers.update_one({"community_id": community_id}, {"$pop": {"history": 1}})
        return await self.get_model_pointer(community_id)

    # --- push preferences -----------------------------------------------------------------------------------

    async def upsert_push_preferences(self, community_id: ObjectId, member_id: ObjectId, fields: Doc) -> Doc:
        await self.push_preferences.update_one(
            {"community_id": community_id, "member_id": member_id},
            {"$set": {**fields, "updated_at": datetime.now(UTC)}},
            upsert=True,
        )
        doc = await self.push_preferences.find_one({"community_id": community_id, "member_id": member_id})
        assert doc is not None
        return doc

    async def list_push_preferences(self, community_id: ObjectId, member_ids: list[ObjectId]) -> dict[str, Doc]:
        cursor = self.push_preferences.find({"community_id": community_id, "member_id": {"$in": member_ids}})
        return {str(doc["member_id"]): doc async for doc in cursor}

    async def list_active_members(self, community_id: ObjectId, since: datetime) -> list[str]:
        found = await self.events.distinct("member_id", {"community_id": community_id, "occurred_at": {"$gte": since}})
        return sorted(str(m) for m in found)

    async def list_active_communities(self, since: datetime) -> list[str]:
        found = await self.events.distinct("community_id", {"occurred_at": {"$gte": since}})
        return sorted(str(c) for c in found)

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
        last_at: dict[ObjectId, datetime] = {}
        for doc in docs:
            event_type = EventType(doc["type"])
            if event_type is not EventType.IMPRESSION:
                seen = last_at.get(doc["content_id"])
                last_at[doc["content_id"]] = doc["occurred_at"] if seen is None else max(seen, doc["occurred_at"])
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
                    # last_at (issue 5): the item's last engagement, a ranking feature ("active lately").
                    {"$inc": inc, "$set": {"updated_at": now}}
                    | ({"$max": {"last_at": last_at[content_id]}} if content_id in last_at else {}),
                    upsert=True,
                )
                for content_id, inc in increments.items()
            ],
            ordered=False,
        )
