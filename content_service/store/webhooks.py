"""Webhook endpoints, their deliveries (one per event and endpoint, with every attempt) and notices to operators.

A delivery's `_id` is derived from its event and endpoint, so publishing an event twice (a relay retry, a
publisher's redelivery) queues nothing twice: the second insert is a duplicate key, skipped.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from content_service.store.base import Doc, in_community
from infra.indexes import IndexPlan

PENDING = "PENDING"
DELIVERED = "DELIVERED"
FAILED = "FAILED"
ATTEMPTS_KEPT = 30


class WebhooksStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.endpoints = db["webhook_endpoints"]
        self.deliveries = db["webhook_deliveries"]
        self.notices = db["webhook_notices"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_endpoints / subscribed: a community's endpoints (the event type is filtered in the match).
        indexes.add(self.endpoints, [("community_id", ASCENDING), ("created_at", ASCENDING)], name="community_created")
        # upsert_legacy: at most one crisis webhook (configureWebhook) per community.
        indexes.add(
            self.endpoints,
            [("community_id", ASCENDING)],
            name="one_legacy_per_community",
            unique=True,
            partialFilterExpression={"legacy": True},
        )
        # claim_due: the oldest due pending deliveries.
        indexes.add(self.deliveries, [("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="status_next")
        # list_deliveries: a community's log, newest first, optionally one endpoint's.
        indexes.add(
            self.deliveries, [("community_id", ASCENDING), ("created_at", DESCENDING)], name="community_created"
        )
        indexes.add(
            self.deliveries,
            [("community_id", ASCENDING), ("endpoint_id", ASCENDING), ("created_at", DESCENDING)],
            name="community_endpoint_created",
        )
        # by_event: a replay named by its event id.
        indexes.add(self.deliveries, [("community_id", ASCENDING), ("event_id", ASCENDING)], name="community_event")
        indexes.add(self.notices, [("community_id", ASCENDING), ("at", DESCENDING)], name="community_at")
        await indexes.create()

    # Endpoints -------------------------------------------------------------------------------------------------

    async def insert_endpoint(self, doc: Doc) -> Doc:
        await self.endpoints.insert_one(doc)
        return doc

    async def upsert_legacy(self, community_id: ObjectId, fields: Doc, on_insert: Doc) -> Doc:
        update: Doc = {"$setOnInsert": {**on_insert, "community_id": community_id, "legacy": True}}
        if fields:
            update["$set"] = fields
        doc = await self.endpoints.find_one_and_update(
            {"community_id": community_id, "legacy": True},
            update,
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None
        return doc

    async def get_endpoint(self, community_id: ObjectId, endpoint_id: ObjectId) -> Doc | None:
        return in_community(await self.endpoints.find_one({"_id": endpoint_id}), community_id)

    async def endpoint_by_id(self, endpoint_id: ObjectId) -> Doc | None:
        """The worker's read: a delivery names its endpoint, and carries the same community."""
        return await self.endpoints.find_one({"_id": endpoint_id})

    async def list_endpoints(self, community_id: ObjectId) -> list[Doc]:
        cursor = self.endpoints.find({"community_id": community_id}).sort("created_at", ASCENDING)
        return [d async for d in cursor]

    async def subscribed(self, community_id: ObjectId, event_type: str) -> list[Doc]:
        """Enabled endpoints of the community that take `event_type`."""
        cursor = self.endpoints.find({"community_id": community_id, "enabled": True, "event_types": event_type})
        return [d async for d in cursor]

    async def subscribed_types(self, community_id: ObjectId) -> list[str]:
        """Every event type some enabled endpoint of the community takes."""
        types = await self.endpoints.distinct("event_types", {"community_id": community_id, "enabled": True})
        return sorted(str(t) for t in types)

    async def update_endpoint(self, community_id: ObjectId, endpoint_id: ObjectId, fields: Doc) -> Doc | None:
        doc = await self.endpoints.find_one_and_update(
            {"_id": endpoint_id, "community_id": community_id},
            {"$set": fields},
            return_document=ReturnDocument.AFTER,
        )
        return doc

    async def delete_endpoint(self, community_id: ObjectId, endpoint_id: ObjectId) -> bool:
        result = await self.endpoints.delete_one({"_id": endpoint_id, "community_id": community_id})
        return result.deleted_count == 1

    async def record_success(self, endpoint_id: ObjectId) -> None:
        await self.endpoints.update_one(
            {"_id": endpoint_id}, {"$set": {"consecutive_failures": 0}, "$unset": {"failing_since": ""}}
        )

    async def record_failure(self, endpoint_id: ObjectId, at: datetime) -> Doc | None:
        """Count a failed attempt; the first of a streak sets `failing_since` ($min on a missing field)."""
        return await self.endpoints.find_one_and_update(
            {"_id": endpoint_id},
            {"$inc": {"consecutive_failures": 1}, "$min": {"failing_since": at}},
            return_document=ReturnDocument.AFTER,
        )

    async def disable(self, endpoint_id: ObjectId, *, at: datetime, reason: str) -> Doc | None:
        """Turn an enabled endpoint off; None when another worker did already (it writes the notice)."""
        return await self.endpoints.find_one_and_update(
            {"_id": endpoint_id, "enabled": True},
            {"$set": {"enabled": False, "disabled_at": at, "disabled_reason": reason, "updated_at": at}},
            return_document=ReturnDocument.AFTER,
        )

    # Deliveries ------------------------------------------------------------------------------------------------

    async def insert_deliveries(self, docs: list[Doc]) -> int:
        """Queue deliveries; ones already queued (same event and endpoint) are skipped. Returns how many are new."""
        if not docs:
            return 0
        try:
            result = await self.deliveries.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            return len(docs) - len(errors)
        return len(result.inserted_ids)

    async def claim_due(self, *, now: datetime, lease: timedelta, limit: int) -> list[Doc]:
        """Take up to `limit` due deliveries, each leased so that a concurrent worker skips it; a worker that dies
        holding one leaves it due again after the lease (sent again with the same webhook-id)."""
        claimed: list[Doc] = []
        for _ in range(limit):
            doc = await self.deliveries.find_one_and_update(
                {"status": PENDING, "next_attempt_at": {"$lte": now}},
                {"$set": {"next_attempt_at": now + lease}},
                sort=[("next_attempt_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                break
            claimed.append(doc)
        return claimed

    async def record_attempt(self, delivery_id: str, attempt: Doc, fields: Doc, *, counted: bool = True) -> None:
        inc = {"attempts": 1, "round_attempts": 1} if counted else {}
        update: dict[str, Any] = {
            "$set": fields,
            "$push": {"attempts_log": {"$each": [attempt], "$slice": -ATTEMPTS_KEPT}},
        }
        if inc:
            update["$inc"] = inc
        await self.deliveries.update_one({"_id": delivery_id}, update)

    async def get_delivery(self, community_id: ObjectId, delivery_id: str) -> Doc | None:
        return in_community(await self.deliveries.find_one({"_id": delivery_id}), community_id)

    async def by_event(self, community_id: ObjectId, event_id: str) -> list[Doc]:
        cursor = self.deliveries.find({"community_id": community_id, "event_id": event_id})
        return [d async for d in cursor]

    async def requeue(self, community_id: ObjectId, delivery_id: str, *, at: datetime) -> Doc | None:
        """Replay: the same delivery (same webhook-id and body) again, with a fresh retry schedule."""
        return await self.deliveries.find_one_and_update(
            {"_id": delivery_id, "community_id": community_id},
            {"$set": {"status": PENDING, "next_attempt_at": at, "round_attempts": 0, "replayed_at": at}},
            return_document=ReturnDocument.AFTER,
        )

    async def list_deliveries(self, community_id: ObjectId, *, endpoint_id: ObjectId | None, limit: int) -> list[Doc]:
        query: Doc = {"community_id": community_id}
        if endpoint_id is not None:
            query["endpoint_id"] = endpoint_id
        cursor = self.deliveries.find(query).sort("created_at", DESCENDING).limit(limit)
        return [d async for d in cursor]

    # Notices ---------------------------------------------------------------------------------------------------

    async def add_notice(self, doc: Doc) -> None:
        await self.notices.insert_one(doc)

    async def list_notices(self, community_id: ObjectId, *, limit: int) -> list[Doc]:
        cursor = self.notices.find({"community_id": community_id}).sort("at", DESCENDING).limit(limit)
        return [d async for d in cursor]
