"""Products (value-added offers), ad campaigns, data contracts and revenue-recognition schedules."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from billing_service.store.base import Doc, Session, in_community
from infra.indexes import IndexPlan


class CommerceStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.products = db["products"]
        self.deals = db["deals"]  # ad campaigns and data-service contracts
        self.schedules = db["revenue_schedules"]
        self.records = db["commerce_records"]  # purchases, receipts, awards, payouts, costs

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_products: a community's offers in creation order.
        indexes.add(self.products, [("community_id", ASCENDING), ("created_at", ASCENDING)], name="community_created")
        # list_deals: a community's campaigns and contracts by kind.
        indexes.add(self.deals, [("community_id", ASCENDING), ("kind", ASCENDING)], name="community_kind")
        # list_unrecognised: the scheduler's sweep of schedules whose next day of revenue is due.
        indexes.add(self.schedules, [("open", ASCENDING), ("next_at", ASCENDING)], name="open_next_at")
        # get_schedule_by_source: the schedule of one charge or contract.
        indexes.add(
            self.schedules,
            [("community_id", ASCENDING), ("source", ASCENDING)],
            unique=True,
            name="community_source_unique",
        )
        # list_open_schedules_of_subscription: an immediate cancel recognises what its periods left.
        indexes.add(
            self.schedules, [("community_id", ASCENDING), ("subscription_id", ASCENDING)], name="community_subscription"
        )
        indexes.add(
            self.records,
            [("community_id", ASCENDING), ("kind", ASCENDING), ("created_at", ASCENDING)],
            name="community_kind",
        )
        await indexes.create()

    async def insert(self, collection: str, session: Session | None, doc: Doc) -> Doc:
        doc = {**doc, "created_at": doc.get("created_at") or datetime.now(UTC)}
        doc["_id"] = (await getattr(self, collection).insert_one(doc, session=session)).inserted_id
        return doc

    async def get(self, collection: str, community_id: ObjectId, doc_id: ObjectId) -> Doc | None:
        return in_community(await getattr(self, collection).find_one({"_id": doc_id}), community_id)

    async def list_products(self, community_id: ObjectId, limit: int) -> list[Doc]:
        cursor = self.products.find({"community_id": community_id}).sort("created_at", ASCENDING).limit(limit)
        return [doc async for doc in cursor]

    async def list_deals(self, community_id: ObjectId, kind: str, limit: int) -> list[Doc]:
        return [doc async for doc in self.deals.find({"community_id": community_id, "kind": kind}).limit(limit)]

    async def get_schedule_by_source(
        self, community_id: ObjectId, source: str, session: Session | None = None
    ) -> Doc | None:
        return await self.schedules.find_one({"community_id": community_id, "source": source}, session=session)

    async def list_unrecognised(self, now: datetime, limit: int) -> list[Doc]:
        cursor = self.schedules.find({"open": True, "next_at": {"$lte": now}}).sort("next_at", ASCENDING)
        return [doc async for doc in cursor.limit(limit)]

    async def advance_schedule(
        self, session: Session, schedule: Doc, recognised: int, open_: bool, next_at: datetime | None = None
    ) -> bool:
        """Move recognised-to-date forward from the value read (optimistic: a twin run posts nothing)."""
        result = await self.schedules.update_one(
            {
                "_id": schedule["_id"],
                "community_id": schedule["community_id"],
                "recognised": schedule["recognised"],
                "next_at": schedule.get("next_at"),
            },
            {"$set": {"recognised": recognised, "open": open_, "next_at": next_at or schedule.get("next_at")}},
            session=session,
        )
        return result.modified_count == 1

    async def list_open_schedules_of_subscription(
        self, community_id: ObjectId, subscription_id: ObjectId, session: Session
    ) -> list[Doc]:
        # community_subscription pins both fields; "still open" is tested here (a third field scans on SecantusDB).
        cursor = self.schedules.find(
            {"community_id": community_id, "subscription_id": subscription_id}, session=session
        )
        return [doc async for doc in cursor if doc.get("open") is True]

    async def add_receipt(self, session: Session, deal: Doc, amount: int) -> bool:
        """Count money received on a deal; False when it would exceed what the deal is worth."""
        result = await self.deals.update_one(
            {
                "_id": deal["_id"],
                "community_id": deal["community_id"],
                "received_cents": {"$lte": deal["amount_cents"] - amount},
            },
            {"$inc": {"received_cents": amount}},
            session=session,
        )
        return result.modified_count == 1

    async def shrink_schedule(self, session: Session, schedule: Doc, amount: int) -> None:
        await self.schedules.update_one(
            {"_id": schedule["_id"], "community_id": schedule["community_id"]},
            {"$inc": {"amount": -amount}},
            session=session,
        )
