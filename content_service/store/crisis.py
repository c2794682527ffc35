"""Crisis: mentions, incidents (one open per cause, by a unique partial index) and each community's webhook."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from content_service.store.base import Doc
from infra.indexes import IndexPlan

OPEN = "OPEN"


class CrisisStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.incidents = db["incidents"]
        self.mentions = db["mentions"]
        self.webhooks = db["webhooks"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # open_incident: de-duplication. At most one OPEN incident per community and cause, enforced by the
        # database, so concurrent detections cannot open two.
        indexes.add(
            self.incidents,
            [("community_id", ASCENDING), ("cause", ASCENDING)],
            name="one_open_incident_per_cause",
            unique=True,
            partialFilterExpression={"status": OPEN},
        )
        # find_by_health_alert: the incident a health breach (its alert) opened or joined.
        indexes.add(
            self.incidents,
            [("community_id", ASCENDING), ("health_breaches.alert_id", ASCENDING)],
            name="community_health_alert",
        )
        # list_incidents / latest_open: a community's incidents by status, newest first.
        indexes.add(
            self.incidents,
            [("community_id", ASCENDING), ("status", ASCENDING), ("opened_at", DESCENDING)],
            name="community_status_opened",
        )
        # insert_mention: a mention's url is pushed once per community.
        indexes.add(self.mentions, [("community_id", ASCENDING), ("url", ASCENDING)], name="community_url", unique=True)
        # count_negative_platforms: recent negative mentions of a community.
        indexes.add(
            self.mentions,
            [("community_id", ASCENDING), ("sentiment", ASCENDING), ("occurred_at", ASCENDING)],
            name="community_sentiment_occurred",
        )
        await indexes.create()

    async def metric_counts(self, community_id: ObjectId, now: datetime) -> Doc:
        """Incidents per (level, status) and step counts, aggregated in the database (index community_opened)."""
        match = {"$match": {"community_id": community_id}}
        levels = await self.incidents.aggregate(
            [match, {"$group": {"_id": {"level": "$level", "status": "$status"}, "n": {"$sum": 1}}}]
        )
        by_level = [d async for d in levels]
        steps = await self.incidents.aggregate(
            [
                match,
                {"$unwind": "$steps"},
                {
                    "$group": {
                        "_id": None,
                        "done": {"$sum": {"$cond": [{"$ne": [{"$ifNull": ["$steps.done_at", None]}, None]}, 1, 0]}},
                        "on_time": {
                            "$sum": {
                                "$cond": [
                                    {
                                        "$and": [
                                            {"$ne": [{"$ifNull": ["$steps.done_at", None]}, None]},
                                            {"$lte": ["$steps.done_at", "$steps.due_at"]},
                                        ]
                                    },
                                    1,
                                    0,
                                ]
                            }
                        },
                        "overdue": {
                            "$sum": {"$cond": [{"$gt": [{"$ifNull": ["$steps.done_at", now]}, "$steps.due_at"]}, 1, 0]}
                        },
                    }
                },
            ]
        )
        totals = [d async for d in steps]
        return {"by_level": by_level, "steps": totals[0] if totals else {"done": 0, "on_time": 0, "overdue": 0}}

    async def first_responses_ms(self, community_id: ObjectId) -> list[int]:
        """Per incident with a done step: milliseconds from opening to its first done step, ascending."""
        cursor = await self.incidents.aggregate(
            [
                {"$match": {"community_id": community_id}},
                {"$unwind": "$steps"},
                {"$match": {"steps.done_at": {"$ne": None}}},
                {"$group": {"_id": "$_id", "first": {"$min": "$steps.done_at"}, "opened": {"$first": "$opened_at"}}},
                {"$project": {"_id": 0, "ms": {"$subtract": ["$first", "$opened"]}}},
                {"$sort": {"ms": 1}},
            ]
        )
        return [int(d["ms"]) async for d in cursor]

    async def open_incident(self, community_id: ObjectId, cause: str) -> Doc | None:
        return await self.incidents.find_one({"community_id": community_id, "cause": cause, "status": OPEN})

    async def bump(self, community_id: ObjectId, incident_id: ObjectId) -> None:
        """One more trigger (a complaint while the incident is open) on the same incident."""
        await self.incidents.update_one(
            {"_id": incident_id, "community_id": community_id}, {"$inc": {"trigger_count": 1}}
        )

    async def find_by_health_alert(self, community_id: ObjectId, alert_id: ObjectId) -> Doc | None:
        return await self.incidents.find_one({"community_id": community_id, "health_breaches.alert_id": alert_id})

    async def add_health_breach(self, community_id: ObjectId, incident_id: ObjectId, breach: Doc) -> Doc:
        """Record a breach on the incident once (a repeated alert id is not added twice); the incident after."""
        key = {"_id": incident_id, "community_id": community_id}
        await self.incidents.update_one(
            {**key, "health_breaches.alert_id": {"$ne": breach["alert_id"]}}, {"$push": {"health_breaches": breach}}
        )
        doc = await self.incidents.find_one(key)
        assert doc is not None
        return doc

    async def latest_open(self, community_id: ObjectId) -> Doc | None:
        return await self.incidents.find_one(
            {"community_id": community_id, "status": OPEN}, sort=[("opened_at", DESCENDING)]
        )

    async def upsert_open(self, community_id: ObjectId, cause: str, on_insert: Doc) -> tuple[Doc, bool]:
        """The open incident of this cause, created atomically if none; True when this call created it.

        Creation is told by the `_id` this call proposed, not by the upsert's "before" document: under heavy
        concurrency the server may report no "before" for an upsert that matched (observed on SecantusDB).
        """
        key = {"community_id": community_id, "cause": cause, "status": OPEN}
        proposed = ObjectId()
        for _ in range(3):
            try:
                doc = await self.incidents.find_one_and_update(
                    key,
                    {"$setOnInsert": {"_id": proposed, **on_insert}, "$inc": {"trigger_count": 1}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                continue  # a concurrent upsert inserted it first: the next try finds and counts it
            # The update applied; read the document when the server did not return it (never update twice).
            doc = doc or await self.incidents.find_one(key)
            if doc is not None:
                return doc, doc["_id"] == proposed
        raise RuntimeError("could not settle the open incident")

    async def escalate(
        self,
        community_id: ObjectId,
        incident_id: ObjectId,
        *,
        level: int,
        cause: str,
        escalation: Doc,
        steps: list[Doc],
    ) -> Doc | None:
        """Raise the level only if it is lower, so concurrent escalations apply once."""
        return await self.incidents.find_one_and_update(
            {"_id": incident_id, "community_id": community_id, "status": OPEN, "level": {"$lt": level}},
            {
                "$set": {"level": level},
                "$addToSet": {"causes": cause},
                "$push": {"escalations": escalation, "steps": {"$each": steps}},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def get_incident(self, community_id: ObjectId, incident_id: ObjectId) -> Doc | None:
        return await self.incidents.find_one({"_id": incident_id, "community_id": community_id})

    async def list_incidents(self, community_id: ObjectId, *, status: str | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if status:
            query["status"] = status
        cursor = self.incidents.find(query).sort("opened_at", DESCENDING).limit(limit)
        return [d async for d in cursor]

    async def list_open_all(self, limit: int) -> list[Doc]:
        cursor = self.incidents.find({"status": OPEN}).limit(limit)
        return [d async for d in cursor]

    async def set_step(
        self, community_id: ObjectId, incident_id: ObjectId, index: int, changes: Doc, *, require_not_done: bool
    ) -> Doc | None:
        query: Doc = {"_id": incident_id, "community_id": community_id}
        if require_not_done:
            query[f"steps.{index}.done_at"] = None
        sets = {f"steps.{index}.{k}": v for k, v in changes.items()}
        return await self.incidents.find_one_and_update(query, {"$set": sets}, return_document=ReturnDocument.AFTER)

    async def set_fields(self, community_id: ObjectId, incident_id: ObjectId, query: Doc, changes: Doc) -> Doc | None:
        return await self.incidents.find_one_and_update(
            {**query, "_id": incident_id, "community_id": community_id},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )

    async def insert_mention(self, doc: Doc) -> tuple[Doc, bool]:
        try:
            await self.mentions.insert_one(doc)
        except DuplicateKeyError:
            existing = await self.mentions.find_one({"community_id": doc["community_id"], "url": doc["url"]})
            assert existing is not None
            return existing, True
        return doc, False

    async def count_negative_platforms(self, community_id: ObjectId, since: datetime) -> int:
        platforms = await self.mentions.distinct(
            "platform", {"community_id": community_id, "sentiment": "NEGATIVE", "occurred_at": {"$gte": since}}
        )
        return len(platforms)

    async def set_mention_incident(self, community_id: ObjectId, mention_id: ObjectId, incident_id: ObjectId) -> None:
        await self.mentions.update_one(
            {"_id": mention_id, "community_id": community_id}, {"$set": {"incident_id": incident_id}}
        )

    async def get_webhook(self, community_id: str) -> Doc | None:
        return await self.webhooks.find_one({"_id": community_id})

    async def set_webhook(self, community_id: str, doc: Doc) -> None:
        await self.webhooks.replace_one({"_id": community_id}, doc, upsert=True)

    async def list_webhooks(self) -> list[Doc]:
        """Every community's crisis webhook as configured before endpoints existed (adopted at start-up)."""
        return [doc async for doc in self.webhooks.find({})]
