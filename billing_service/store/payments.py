"""Payments (one per provider idempotency key) and the provider events already applied."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.store.base import Doc, Session, in_community
from infra.indexes import IndexPlan


class PaymentsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.payments = db["payments"]
        self.events = db["webhook_events"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # create / get_by_key: a payment key is charged at most once (renewals derive it from the period).
        indexes.add(
            self.payments, [("community_id", ASCENDING), ("key", ASCENDING)], unique=True, name="community_key_unique"
        )
        # get_by_key_any: webhooks name the key only (the provider knows no community).
        indexes.add(self.payments, "key", name="key")
        # list_stale_pending: the billing cycle's sweep of payments a crash left PENDING.
        indexes.add(self.payments, [("status", ASCENDING), ("created_at", ASCENDING)], name="status_created")
        # list_for_member: a member's payments.
        indexes.add(self.payments, [("community_id", ASCENDING), ("member_id", ASCENDING)], name="community_member")
        # record_event: each provider event is applied at most once.
        indexes.add(
            self.events, [("provider", ASCENDING), ("event_id", ASCENDING)], unique=True, name="provider_event_unique"
        )
        await indexes.create()

    async def create(self, session: Session | None, doc: Doc) -> Doc:
        doc = {**doc, "created_at": datetime.now(UTC), "refunded_cents": 0}
        result = await self.payments.insert_one(doc, session=session)
        doc["_id"] = result.inserted_id
        return doc

    async def get(self, community_id: ObjectId, payment_id: ObjectId, session: Session | None = None) -> Doc | None:
        return in_community(await self.payments.find_one({"_id": payment_id}, session=session), community_id)

    async def get_many(self, community_id: ObjectId, ids: list[ObjectId]) -> dict[ObjectId, Doc]:
        """The community's payments among `ids`, by id (read by `_id` alone, the community checked here)."""
        cursor = self.payments.find({"_id": {"$in": ids}})
        return {doc["_id"]: doc async for doc in cursor if in_community(doc, community_id) is not None}

    async def get_by_key(self, community_id: ObjectId, key: str) -> Doc | None:
        return await self.payments.find_one({"community_id": community_id, "key": key})

    async def get_by_key_any(self, key: str) -> Doc | None:
        return await self.payments.find_one({"key": key})

    async def list_stale_pending(self, before: datetime, limit: int) -> list[Doc]:
        """PENDING payments of every community created before `before`, oldest first (the cycle's sweep)."""
        cursor = self.payments.find({"status": "PENDING", "created_at": {"$lt": before}}).sort("created_at", 1)
        return [doc async for doc in cursor.limit(limit)]

    async def settle(self, session: Session, payment: Doc, status: str, fields: Doc) -> bool:
        """Move a PENDING payment to its final status; False if another runner already did."""
        result = await self.payments.update_one(
            {"_id": payment["_id"], "community_id": payment["community_id"], "status": "PENDING"},
            {"$set": {"status": status, **fields, "settled_at": datetime.now(UTC)}},
            session=session,
        )
        return result.modified_count == 1

    async def set_invoice(self, session: Session, payment: Doc, invoice_id: ObjectId) -> None:
        await self.payments.update_one(
            {"_id": payment["_id"], "community_id": payment["community_id"]},
            {"$set": {"invoice_id": invoice_id}},
            session=session,
        )

    async def add_refund(self, session: Session, payment: Doc, amount: int) -> bool:
        result = await self.payments.update_one(
            {
                "_id": payment["_id"],
                "community_id": payment["community_id"],
                "status": "SUCCEEDED",
                "refunded_cents": {"$lte": payment["amount_cents"] - amount},
            },
            {"$inc": {"refunded_cents": amount}},
            session=session,
        )
        return result.modified_count == 1

    async def record_event(self, session: Session, provider: str, event_id: str, event_type: str) -> None:
        """DuplicateKeyError when this event was applied before (the caller's transaction then aborts)."""
        await self.events.insert_one(
            {"provider": provider, "event_id": event_id, "type": event_type, "received_at": datetime.now(UTC)},
            session=session,
        )

    async def list_for_member(self, community_id: ObjectId, member_id: ObjectId, limit: int) -> list[Doc]:
        cursor = self.payments.find({"community_id": community_id, "member_id": member_id}).limit(limit)
        return [doc async for doc in cursor]
